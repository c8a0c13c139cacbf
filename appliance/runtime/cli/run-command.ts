/**
 * `ccbox run`: the appliance at a real site, from the configuration in the data directory, until
 * Ctrl-C or SIGTERM (systemd). A configuration that does not validate stops it before anything
 * starts, with every problem named; one that changes while it runs is followed.
 */
import type { Command } from 'commander';
import { DEFAULT_PBX_PROFILE_DIR } from '../../csta/profile.js';
import { acdFitsPbx, ConfigError, ConfigStore, formatIssue, pbxProfileExists } from '../../store/config/index.js';
import { RecordsStore } from '../../store/records/index.js';
import { systemClock } from '../clock.js';
import { ensureDataDir, resolveDataDir } from '../data-dir.js';
import { createLogger } from '../logger.js';
import { guardProcess } from '../process-guard.js';
import { createSiteRuntime, type SiteRuntime } from '../site-runtime.js';

interface RunOptions {
  data?: string;
  logLevel?: string;
  duration?: string;
}

export function registerRunCommand(program: Command): void {
  program
    .command('run')
    .description('run the appliance from the configuration in the data directory: CSTA link, IVR, ACD and MQTT API')
    .option('--data <dir>', 'data directory (default: $CCBOX_DATA or /var/lib/ccbox)')
    .option('--log-level <level>', 'log level on stderr (default: log.level of the configuration)')
    .option('--duration <seconds>', 'stop after this many seconds (default: run until Ctrl-C or SIGTERM)')
    .action((options: RunOptions) => runAppliance(options));
}

async function runAppliance(options: RunOptions): Promise<void> {
  const out = (line: string) => process.stdout.write(`${line}\n`);
  const fail = (line: string) => {
    process.stderr.write(`ccbox run: ${line}\n`);
    process.exitCode = 1;
  };
  const duration = options.duration === undefined ? undefined : Number(options.duration);
  if (duration !== undefined && !(Number.isFinite(duration) && duration > 0)) return fail(`--duration: expected a number of seconds, got "${options.duration}"`);
  const dataDir = ensureDataDir(resolveDataDir(options.data));
  const bootLogger = createLogger({ level: options.logLevel ?? 'warn' });
  const store = new ConfigStore({ dir: dataDir, logger: bootLogger, validators: [pbxProfileExists(DEFAULT_PBX_PROFILE_DIR), acdFitsPbx(DEFAULT_PBX_PROFILE_DIR)] });
  try {
    await store.open();
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    if (error.issues.length === 0) fail(error.message);
    else fail(`${store.path}: ${error.issues.length} problem(s)\n${error.issues.map((issue) => `  ${formatIssue(issue)}`).join('\n')}`);
    process.stderr.write('fix it with `ccbox config set PATH VALUE` (or `ccbox config show` to see it)\n');
    return;
  }
  const config = store.get();
  const logger = createLogger({ level: options.logLevel ?? config.log.level });
  guardProcess(logger);
  const records = new RecordsStore({ dir: dataDir, logger: logger.child({ module: 'store.records' }) });
  records.open();
  let site: SiteRuntime;
  try {
    site = createSiteRuntime({ dataDir, store, records, clock: systemClock, logger, notice: (line) => out(`# ${line}`) });
  } catch (error) {
    records.close();
    return fail(`cannot start: ${(error as Error).message}`);
  }
  out(`# ccbox: site "${config.site.name}", data in ${dataDir}`);
  out(`# PBX: ${config.pbx.url} (profile ${config.pbx.profile}), ${config.pbx.monitoredDevices.length} devices to monitor`);
  out(`# IVR: ${site.ivr ? `on ${config.cards.url} (${config.cards.board}), ports ${config.cards.ports.join(', ') || 'none'}` : 'off (ivr.enabled / cards.enabled)'}`);
  out(`# ACD: ${site.acd ? `${config.acd.queues.length} queues, ${config.acd.agents.length} agents, ${config.api.users.length} API users` : 'off (acd.enabled)'}`);
  try {
    await site.start();
  } catch (error) {
    fail(`cannot start: ${(error as Error).message}`);
    await site.stop().catch(() => undefined);
    records.close();
    return;
  }
  const broker = site.acd?.brokerAddress;
  if (broker) out(`# MQTT API (embedded broker) on ${broker.host}:${broker.port}`);
  else if (site.acd) out(`# MQTT API on the external broker ${config.api.broker.mode === 'external' ? config.api.broker.url : ''}`);
  out('# running; stop with Ctrl-C');
  await new Promise<void>((resolve) => {
    process.once('SIGINT', resolve).once('SIGTERM', resolve);
    if (duration !== undefined) setTimeout(resolve, duration * 1000);
  });
  out('# stopping');
  await site.stop();
  records.close();
  out('# stopped');
  process.stdout.write('', () => process.exit(process.exitCode ?? 0));
}
