/**
 * `ccbox api user …`: the users of the MQTT API in <data>/config.json. Passwords are stored only as
 * scrypt hashes; a password is read from --password, else from $CCBOX_API_PASSWORD, else stdin.
 */
import type { Command } from 'commander';
import { hashPassword, type ApiUser } from '../../api/index.js';
import { ConfigStore } from '../../store/config/index.js';
import { ensureDataDir, resolveDataDir } from '../data-dir.js';
import { createLogger } from '../logger.js';

interface UserOptions {
  data?: string;
  role: 'agent' | 'supervisor' | 'installer';
  agent?: string;
  password?: string;
}

async function readPassword(options: UserOptions): Promise<string> {
  const given = options.password ?? process.env.CCBOX_API_PASSWORD;
  if (given !== undefined) return given;
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8').split(/\r?\n/)[0] ?? '';
}

async function openStore(data: string | undefined): Promise<ConfigStore> {
  const store = new ConfigStore({ dir: ensureDataDir(resolveDataDir(data, process.env)), logger: createLogger({ level: 'warn' }) });
  await store.open({ strict: false });
  return store;
}

function fail(error: unknown): void {
  process.stderr.write(`ccbox api: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exitCode = 1;
}

export function registerApiCommand(program: Command): void {
  const api = program.command('api').description('the MQTT API: its users and roles');
  const user = api.command('user').description('add, list and remove the users desktops, supervisors and the TUI log in with');
  user
    .command('add <username>')
    .description('add a user, or set the password and role of an existing one')
    .option('--data <dir>', 'data directory')
    .option('--role <role>', 'agent, supervisor or installer', 'agent')
    .option('--agent <id>', 'the ACD agent this user logs in as (role agent; default: the user name)')
    .option('--password <password>', 'the password (default: $CCBOX_API_PASSWORD, else the first line of stdin)')
    .action(async (username: string, options: UserOptions) => {
      try {
        if (!['agent', 'supervisor', 'installer'].includes(options.role)) throw new Error(`unknown role ${options.role}: expected agent, supervisor or installer`);
        const password = await readPassword(options);
        if (password.length < 4) throw new Error('the password must have at least 4 characters');
        const store = await openStore(options.data);
        const added: ApiUser = { username, passwordHash: await hashPassword(password), role: options.role, ...(options.role === 'agent' ? { agentId: options.agent ?? username } : {}) };
        const users = store.get().api.users.filter((u) => u.username !== username);
        await store.set('api.users', [...users, added]);
        process.stdout.write(`user ${username} (${options.role}${added.agentId ? `, agent ${added.agentId}` : ''}) saved\n`);
      } catch (error) {
        fail(error);
      }
    });
  user
    .command('list')
    .option('--data <dir>', 'data directory')
    .action(async (options: { data?: string }) => {
      try {
        const store = await openStore(options.data);
        for (const u of store.get().api.users) process.stdout.write(`${u.username}\t${u.role}${u.agentId ? `\t${u.agentId}` : ''}\n`);
      } catch (error) {
        fail(error);
      }
    });
  user
    .command('remove <username>')
    .option('--data <dir>', 'data directory')
    .action(async (username: string, options: { data?: string }) => {
      try {
        const store = await openStore(options.data);
        const users = store.get().api.users;
        if (!users.some((u) => u.username === username)) throw new Error(`no user ${username}`);
        await store.set('api.users', users.filter((u) => u.username !== username));
        process.stdout.write(`user ${username} removed\n`);
      } catch (error) {
        fail(error);
      }
    });
}
