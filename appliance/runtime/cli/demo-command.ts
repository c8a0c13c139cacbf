/**
 * `ccbox demo`: the simulated site (PBX simulator, card simulator on its analog ports, scripted
 * callers and phones) and the appliance linked to it over loopback TCP: the CSTA link printing the
 * calls as they flow and storing every event, and the IVR on the card channels. Later issues add
 * the ACD and agents to the same site.
 */
import { fileURLToPath } from 'node:url';
import type { Command } from 'commander';
import { CstaLink } from '../../csta/link.js';
import type { MonitorEvent } from '../../csta/messages.js';
import { loadPbxProfile } from '../../csta/profile.js';
import { RecordsStore } from '../../store/records/index.js';
import { CallMediaBook, createSwitch, demoDialPlan, loadDialPlan, loadScenario, runScenario, startSwitchServer } from '../../../simulators/switch/index.js';
import { systemClock } from '../clock.js';
import { ensureDataDir, resolveDataDir } from '../data-dir.js';
import { createLogger } from '../logger.js';
import { CallFlowPrinter } from './call-flow.js';
import { recordCallEvents } from '../call-events.js';
import { guardProcess } from '../process-guard.js';
import { formatEventLine } from './csta-format.js';
import { startDemoAcd } from './demo-acd.js';
import { startDemoIvr } from './demo-ivr.js';

const DEFAULT_SCENARIO = fileURLToPath(new URL('../../../simulators/switch/scenarios/site-demo.json', import.meta.url));

interface DemoOptions {
  data: string;
  listen: string;
  lines: string;
  cards: string;
  ivr: boolean;
  acd: boolean;
  mqtt: string;
  dialplan?: string;
  scenario: string;
  duration?: string;
  events?: boolean;
  once?: boolean;
  logLevel: string;
}

export function registerDemoCommand(program: Command): void {
  program
    .command('demo')
    .description('run the simulated site: PBX simulator, scripted callers, and the appliance linked to it; prints the calls flowing')
    .option('--data <dir>', 'data directory (records.sqlite goes here)', './data')
    .option('--listen <url>', 'where the simulated PBX listens for CSTA', 'tcp://127.0.0.1:8800')
    .option('--lines <url>', "where the simulated PBX serves its analog ports' line link", 'tcp://127.0.0.1:8900')
    .option('--cards <url>', 'where the card simulator serves the card link', 'tcp://127.0.0.1:8810')
    .option('--no-ivr', 'leave out the card simulator and the IVR')
    .option('--no-acd', 'leave out the ACD, its MQTT API and the simulated agents')
    .option('--mqtt <url>', 'where the ACD’s embedded MQTT broker listens (1883 may be taken by a system mosquitto)', 'tcp://127.0.0.1:1884')
    .option('--dialplan <file>', 'dial plan JSON (default: the built-in demo site)')
    .option('--scenario <file>', 'callers and phones scenario JSON', DEFAULT_SCENARIO)
    .option('--duration <seconds>', 'stop after this many seconds (default: run until Ctrl-C)')
    .option('--once', 'run the scenario once and stop when its calls have ended')
    .option('--events', 'also print every CSTA event the link receives')
    .option('--log-level <level>', 'log level on stderr', 'warn')
    .action((options: DemoOptions) => runDemo(options));
}

async function runDemo(options: DemoOptions): Promise<void> {
  const out = (line: string) => process.stdout.write(`${line}\n`);
  const logger = createLogger({ level: options.logLevel });
  guardProcess(logger);
  const clock = systemClock;
  const dataDir = ensureDataDir(resolveDataDir(options.data));
  const records = new RecordsStore({ dir: dataDir, logger: logger.child({ module: 'store.records' }) });
  records.open();

  const plan = options.dialplan ? loadDialPlan(options.dialplan) : demoDialPlan();
  const scenario = loadScenario(options.scenario);
  const profile = loadPbxProfile('generic-ed4');
  const model = createSwitch(plan, { clock, logger: logger.child({ module: 'sim.switch' }) });
  const server = await startSwitchServer({ model, listen: [options.listen], profile, clock, logger });
  const url = server.addresses[0] as string;
  out(`# PBX simulator listening on ${url} (connect another client: npx ccbox csta --connect ${url} --monitor 600 --follow)`);

  const link = new CstaLink({ url, profile, credentials: { applicationId: 'ccbox-demo' }, clock, logger: logger.child({ module: 'csta.link' }) });
  const flow = new CallFlowPrinter(out, () => clock.now());
  let stored = 0;
  const seen = (event: MonitorEvent, device: string | undefined) => {
    if (options.events) out(`  ${formatEventLine(new Date(clock.now()), device, event)}`);
    flow.observe(event);
    stored++;
  };
  recordCallEvents({ link, records, clock, logger, seen });
  link.on('linkUp', (info) => out(`# CSTA link up (${info.reason}) to ${info.url}`));
  link.on('linkDown', (info) => out(`# CSTA link down (${info.reason}): ${info.detail}`));

  await link.start();
  const devices = await link.listDevices();
  for (const device of devices) if (device.deviceID) await link.monitor(device.deviceID);
  const media = new CallMediaBook();
  const cardPorts = plan.analogPorts.map((port) => port.number);
  const acd = options.ivr && options.acd ? await startDemoAcd({ link, records, cardPorts, mqttListen: options.mqtt, clock, logger, out }) : undefined;
  const ivr = options.ivr
    ? await startDemoIvr({ model, media, link, records, dataDir, linesListen: options.lines, cardsListen: options.cards, acd: acd?.runtime.port, agentDesk: acd?.runtime.agentDesk, clock, logger, out })
    : undefined;
  if (ivr) acd?.runtime.reportChannels(ivr.runtime.cards);
  await acd?.startAgents();
  out(`# monitoring ${devices.length} devices; scenario "${scenario.name}" starts`);

  let stopping = false;
  let run = runScenario(model, scenario, { clock, logger: logger.child({ module: 'sim.scenario' }), media });
  const stopped = new Promise<void>((resolve) => {
    process.once('SIGINT', resolve).once('SIGTERM', resolve);
    if (options.duration) clock.setTimeout(resolve, Number(options.duration) * 1000);
    const loop = async () => {
      for (;;) {
        const stats = await run.done;
        if (stopping) return;
        out(`# scenario round done: ${JSON.stringify(stats)}`);
        if (options.once) return resolve();
        run = runScenario(model, scenario, { clock, logger: logger.child({ module: 'sim.scenario' }), media });
      }
    };
    void loop();
  });
  await stopped;
  stopping = true;
  run.stop();
  const stats = run.stats;
  await acd?.stop();
  await link.stop();
  await ivr?.stop();
  await server.close();
  records.close();
  out(`# demo stopped: last round ${JSON.stringify(stats)}; ${stored} events stored in ${dataDir}/records.sqlite`);
  // Scenario phones may still hold timers; leave once what we printed has been written out.
  process.stdout.write('', () => process.exit(process.exitCode ?? 0));
}
