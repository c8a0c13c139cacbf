/** `ccbox csta`: a small CSTA client for installers and QA. */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import type { Command } from 'commander';
import { CstaError } from '../../csta/errors.js';
import { CstaLink } from '../../csta/link.js';
import { CALL_EVENT_NAMES, type CstaMessage, DEVICE_EVENT_NAMES } from '../../csta/messages.js';
import { loadPbxProfile } from '../../csta/profile.js';
import type { SessionCredentials } from '../../csta/session.js';
import { CONFIG_FILE_NAME, ConfigStore } from '../../store/config/index.js';
import { systemClock } from '../clock.js';
import { resolveDataDir } from '../data-dir.js';
import { type Logger, createLogger } from '../logger.js';
import { ConnectionTracker } from '../../csta/connection-tracker.js';
import { formatEventJson, formatEventLine } from './csta-format.js';
import { CSTA_COMMAND_HELP, CommandError, runCstaCommand } from './csta-repl.js';

interface CstaOptions {
  connect?: string;
  data?: string;
  profile?: string;
  user?: string;
  password?: string;
  appId: string;
  json?: boolean;
  monitor?: string[];
  exec?: string[];
  duration?: string;
  follow?: boolean;
  logLevel: string;
}

const collect = (value: string, previous: string[] = []) => [...previous, value];

export function registerCstaCommand(program: Command): void {
  program
    .command('csta')
    .description('connect to a PBX (or the simulator) over CSTA, monitor devices, drive calls, print every event one per line')
    .option('--connect <url>', 'tcp://host:port or serial:/dev/ttyS0?baud=9600 (default: pbx.url of the configuration)')
    .option('--data <dir>', 'data directory whose configuration gives the link when --connect is not given (default /var/lib/ccbox)')
    .option('--profile <name>', 'PBX profile from firmware-config/pbx (default: pbx.profile of the configuration, else generic-ed4)')
    .option('--user <name>', 'CSTA user name, for profiles that log in')
    .option('--password <secret>', 'CSTA password')
    .option('--app-id <id>', 'application ID sent in StartApplicationSession', 'ccbox-csta')
    .option('--json', 'print events and results as JSON, one object per line')
    .option('--monitor <device>', 'start a device monitor (repeatable)', collect)
    .option('--exec <command>', 'run a command after connecting (repeatable); see the command list below', collect)
    .option('--duration <seconds>', 'after the commands and standard input end, keep printing events this long')
    .option('--follow', 'keep running until interrupted, even when standard input ends')
    .option('--log-level <level>', 'log level on stderr', 'warn')
    .addHelpText('after', `\n${CSTA_COMMAND_HELP}\n\nexample:\n  ccbox csta --connect tcp://127.0.0.1:8800 --monitor 600 --monitor 201 --follow`)
    .action((options: CstaOptions) => runCsta(options));
}

async function runCsta(options: CstaOptions): Promise<void> {
  const out = (line: string) => process.stdout.write(`${line}\n`);
  const fail = (message: string) => {
    process.stderr.write(`ccbox csta: ${message}\n`);
    process.exitCode = 1;
  };
  const logger = createLogger({ level: options.logLevel });
  let settings: LinkSettings;
  let profile;
  try {
    settings = await linkSettings(options, logger);
    profile = loadPbxProfile(settings.profile);
  } catch (error) {
    return fail((error as Error).message);
  }
  options.monitor = [...settings.monitors, ...(options.monitor ?? [])];
  const link = new CstaLink({
    url: settings.url,
    profile,
    credentials: settings.credentials,
    clock: systemClock,
    logger: logger.child({ module: 'csta.link' }),
  });
  const tracker = new ConnectionTracker();
  const print = (device: string | undefined, message: CstaMessage) => {
    tracker.observe(message);
    out(options.json ? formatEventJson(new Date(), device, message) : formatEventLine(new Date(), device, message));
  };
  for (const name of [...CALL_EVENT_NAMES, ...DEVICE_EVENT_NAMES]) {
    link.on(name, (event: CstaMessage, device: string | undefined) => print(device, event));
  }
  for (const name of ['RouteRequest', 'RouteUsed', 'RouteEnd'] as const) link.on(name, (message: CstaMessage) => print(undefined, message));
  link.on('unknownMessage', (message) => print(undefined, message));
  const status = (text: string, data: object) => out(options.json ? JSON.stringify({ at: new Date().toISOString(), link: data }) : `# ${text}`);
  link.on('linkUp', (info) => status(`link up (${info.reason}) ${info.url}${info.remonitored.length ? `, monitors restored: ${info.remonitored.join(' ')}` : ''}`, { state: 'up', ...info }));
  link.on('linkDown', (info) => {
    tracker.clear();
    status(`link down (${info.reason}): ${info.detail}; reconnecting`, { state: 'down', ...info });
  });
  link.on('snapshot', ({ device, calls }) => {
    tracker.applySnapshot(calls);
    status(`snapshot ${device}: ${calls.map((c) => `${c.connection.callID}(${c.state})`).join(' ') || 'no calls'}`, { state: 'snapshot', device, calls });
  });

  try {
    await link.startOnce();
  } catch (error) {
    return fail(`cannot connect to ${settings.url}: ${(error as Error).message}`);
  }

  const run = async (line: string): Promise<boolean> => {
    try {
      const result = await runCstaCommand(line, link, tracker);
      if (result === 'quit') return false;
      if (result !== '') out(options.json ? JSON.stringify({ command: line, result }) : result);
    } catch (error) {
      if (!(error instanceof CommandError || error instanceof CstaError)) throw error;
      const message = error instanceof CstaError ? `${error.service} failed: ${error.group}/${error.value}` : error.message;
      out(options.json ? JSON.stringify({ command: line, error: message }) : `error: ${message}`);
    }
    return true;
  };

  // Ctrl-C or SIGTERM ends whatever we are waiting for and stops the session cleanly.
  let interrupt: () => void = () => {};
  const interrupted = new Promise<false>((resolve) => (interrupt = () => resolve(false)));
  process.once('SIGINT', () => interrupt()).once('SIGTERM', () => interrupt());

  let going = true;
  for (const device of options.monitor ?? []) going &&= await run(`monitor ${device}`);
  for (const command of options.exec ?? []) going &&= await run(command);
  if (going) going = await Promise.race([readCommands(run, interrupted), interrupted]);
  if (going && options.follow) await interrupted;
  else if (going && options.duration) await Promise.race([interrupted, new Promise((resolve) => setTimeout(resolve, Number(options.duration) * 1000))]);
  await link.stop();
}

interface LinkSettings {
  url: string;
  profile: string;
  credentials: SessionCredentials;
  monitors: string[];
}

/** The command line wins; without --connect the PBX section of the configuration in --data gives the link. */
async function linkSettings(options: CstaOptions, logger: Logger): Promise<LinkSettings> {
  const fromOptions = (url: string, profile: string, base: Partial<SessionCredentials> = {}, monitors: string[] = []): LinkSettings => ({
    url,
    profile: options.profile ?? profile,
    credentials: {
      applicationId: options.appId,
      ...(options.user ?? base.username ? { username: options.user ?? base.username } : {}),
      ...(options.password ?? base.password ? { password: options.password ?? base.password } : {}),
    },
    monitors,
  });
  if (options.connect) return fromOptions(options.connect, 'generic-ed4');
  const dir = resolveDataDir(options.data);
  const file = join(dir, CONFIG_FILE_NAME);
  if (!existsSync(file)) throw new Error(`no --connect given and no configuration at ${file} (set one with: ccbox config set pbx.url tcp://HOST:PORT --data ${dir})`);
  const store = new ConfigStore({ dir, logger });
  await store.open({ strict: false });
  const { pbx } = store.get();
  return fromOptions(pbx.url, pbx.profile, { ...(pbx.username ? { username: pbx.username } : {}), ...(pbx.password ? { password: pbx.password } : {}) }, pbx.monitoredDevices);
}

/** Reads command lines from standard input until it ends, `quit`, or an interrupt. Returns false on quit. */
async function readCommands(run: (line: string) => Promise<boolean>, interrupted: Promise<false>): Promise<boolean> {
  if (process.stdin.isTTY) process.stdout.write('type help for commands, quit to leave\n');
  const lines = createInterface({ input: process.stdin, terminal: false });
  void interrupted.then(() => lines.close());
  for await (const line of lines) {
    if (!(await run(line))) {
      lines.close();
      return false;
    }
  }
  return true;
}
