/** `ccbox config …`: show, read, change, check, export and import the configuration in the data directory. */
import { join, resolve } from 'node:path';
import { Option, type Command } from 'commander';
import { DEFAULT_PBX_PROFILE_DIR } from '../../csta/profile.js';
import {
  checkConfigFile,
  configJsonSchema,
  ConfigStore,
  CONFIG_FILE_NAME,
  formatIssue,
  acdFitsPbx,
  pbxProfileExists,
  maskSecrets,
  settingPaths,
  configSchema,
} from '../../store/config/index.js';
import { ensureDataDir, resolveDataDir } from '../data-dir.js';
import { createLogger, type Logger } from '../logger.js';

interface Output {
  write(text: string): unknown;
}

/** Where the command writes and what it uses; every field has a real default. Tests pass their own. */
export interface ConfigCommandIo {
  stdout?: Output;
  stderr?: Output;
  logger?: Logger;
  env?: NodeJS.ProcessEnv;
  profileDir?: string;
}

interface DataOptions {
  data?: string;
}

export function registerConfigCommand(program: Command, io: ConfigCommandIo = {}): void {
  const stdout = io.stdout ?? process.stdout;
  const stderr = io.stderr ?? process.stderr;
  const env = io.env ?? process.env;
  const validators = [pbxProfileExists(io.profileDir ?? DEFAULT_PBX_PROFILE_DIR), acdFitsPbx(io.profileDir ?? DEFAULT_PBX_PROFILE_DIR)];
  const print = (text: string) => stdout.write(`${text}\n`);

  const dataOf = (command: Command) => resolveDataDir((command.optsWithGlobals() as DataOptions).data, env);

  /** Opens the store non-strictly: a config whose profile is wrong can still be shown and repaired. */
  async function openStore(command: Command): Promise<ConfigStore> {
    const dir = ensureDataDir(dataOf(command));
    const store = new ConfigStore({ dir, logger: io.logger ?? createLogger(), validators });
    await store.open({ strict: false });
    return store;
  }

  function run<Args extends unknown[]>(action: (...args: Args) => Promise<void>) {
    return async (...args: Args) => {
      try {
        await action(...args);
      } catch (error) {
        stderr.write(`ccbox config: ${error instanceof Error ? error.message : String(error)}\n`);
        process.exitCode = 1;
      }
    };
  }

  const config = program
    .command('config')
    .description('show and change the configuration (<data>/config.json)')
    .addHelpText(
      'after',
      `
The data directory is --data DIR, else $CCBOX_DATA, else /var/lib/ccbox.
Settings: ${settingPaths(configSchema).join(', ')}

Examples:
  ccbox config show --data ./data
  ccbox config set pbx.url tcp://192.168.1.10:8800
  ccbox config set pbx.monitoredDevices 201,202,203
  ccbox config validate ./site-config.json`,
    );

  const dataOption = () => new Option('--data <dir>', 'data directory (default: $CCBOX_DATA or /var/lib/ccbox)');

  config
    .command('show')
    .description('print the whole configuration as JSON, defaults included and the password masked')
    .addOption(dataOption())
    .action(
      run(async (_options: DataOptions, command: Command) => {
        const store = await openStore(command);
        print(JSON.stringify(maskSecrets(store.get(), ''), null, 2));
      }),
    );

  config
    .command('get')
    .description('print one setting: text as it is, lists and sections as JSON')
    .argument('<path>', 'dotted setting path, e.g. pbx.url')
    .addOption(dataOption())
    .action(
      run(async (path: string, _options: DataOptions, command: Command) => {
        const store = await openStore(command);
        const value = store.getPath(path);
        if (value === undefined) return;
        // Asked for by name: a secret is printed (config.json on the box holds it in clear anyway).
        print(typeof value === 'string' ? value : JSON.stringify(maskSecrets(value, path), null, 2));
      }),
    );

  config
    .command('set')
    .description('change one setting; the value is read as the setting\'s type (numbers, true/false, lists as JSON or a,b,c)')
    .argument('<path>', 'dotted setting path, e.g. pbx.url')
    .argument('<value>', 'the new value')
    .addOption(dataOption())
    .action(
      run(async (path: string, value: string, _options: DataOptions, command: Command) => {
        const store = await openStore(command);
        await store.setFromText(path, value);
        print(`${path} = ${JSON.stringify(maskSecrets(store.getPath(path), path))}`);
      }),
    );

  config
    .command('unset')
    .description('remove one setting so it returns to its default')
    .argument('<path>', 'dotted setting path, e.g. pbx.username')
    .addOption(dataOption())
    .action(
      run(async (path: string, _options: DataOptions, command: Command) => {
        const store = await openStore(command);
        const listItem = /\.[0-9]+$/.test(path) && Array.isArray(store.getPath(path.replace(/\.[0-9]+$/, '')));
        await store.unset(path);
        print(listItem ? `${path} removed` : `${path} = ${JSON.stringify(maskSecrets(store.getPath(path), path)) ?? '(not set)'}`);
      }),
    );

  config
    .command('validate')
    .description('check the data directory\'s config.json, or the given file, without changing anything; exit code 1 lists the problems')
    .argument('[file]', 'a config file to check instead of <data>/config.json')
    .addOption(dataOption())
    .action(
      run(async (file: string | undefined, _options: DataOptions, command: Command) => {
        const target = file !== undefined ? resolve(file) : join(dataOf(command), CONFIG_FILE_NAME);
        const check = await checkConfigFile(target, validators);
        if (check.issues.length > 0) {
          const lines = check.issues.map((issue) => `  ${formatIssue(issue)}`);
          stderr.write(`ccbox config: ${target}: ${check.issues.length} problem(s)\n${lines.join('\n')}\n`);
          process.exitCode = 1;
          return;
        }
        if (check.migrationChanges) {
          print(`${target}: valid once migrated from version ${check.version} (the next config command or start migrates it):`);
          for (const change of check.migrationChanges) print(`  ${change}`);
        } else {
          print(`${target}: valid (version ${check.version})`);
        }
      }),
    );

  config
    .command('export')
    .description('write the whole configuration, password included, to a file or to stdout')
    .argument('[file]', 'where to write; stdout if left out')
    .addOption(dataOption())
    .action(
      run(async (file: string | undefined, _options: DataOptions, command: Command) => {
        const store = await openStore(command);
        if (file === undefined) {
          print(JSON.stringify(store.get(), null, 2));
          return;
        }
        await store.exportFile(resolve(file));
        print(`exported to ${resolve(file)}`);
      }),
    );

  config
    .command('import')
    .description('replace the configuration with a file\'s (older versions are migrated); nothing changes if it is invalid')
    .argument('<file>', 'a config file, e.g. one written by export')
    .addOption(dataOption())
    .action(
      run(async (file: string, _options: DataOptions, command: Command) => {
        const store = await openStore(command);
        await store.importFile(resolve(file));
        print(`imported ${resolve(file)} into ${store.path}`);
      }),
    );

  config
    .command('schema')
    .description('print the JSON Schema of the config file')
    .action(
      run(async () => {
        print(JSON.stringify(configJsonSchema(), null, 2));
      }),
    );
}
