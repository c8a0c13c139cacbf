/** `ccbox sim`: the simulators of the site. `sim switch`: the PBX simulator, serving CSTA (and the analog ports' line link) until interrupted. */
import type { Command } from 'commander';
import { loadPbxProfile } from '../../csta/profile.js';
import {
  CallMediaBook,
  createSwitch,
  demoDialPlan,
  loadDialPlan,
  loadScenario,
  runScenario,
  startLineServer,
  startSwitchServer,
} from '../../../simulators/switch/index.js';
import type { LineServer, ScenarioRun } from '../../../simulators/switch/index.js';
import { type Clock, unrefTimers } from '../clock.js';
import { createLogger } from '../logger.js';
import { registerSimCardsCommand } from './sim-cards-command.js';

interface SimSwitchOptions {
  listen: string[];
  lines?: string[];
  serial?: string;
  dialplan?: string;
  profile: string;
  scenario?: string;
  scenarioAfterMonitor?: boolean;
  user?: string;
  password?: string;
  logLevel: string;
}

export const DEFAULT_SIM_LISTEN = 'tcp://127.0.0.1:8800';
/** Where the card simulator finds the analog ports' line link, by convention (`--lines` has no default: off unless asked). */
export const DEFAULT_SIM_LINES = 'tcp://127.0.0.1:8900';

const SIM_SWITCH_HELP = `
The switch speaks the dialect of the PBX profile (namespace edition, framing, session style:
ECMA-354 StartApplicationSession, or OpenScape Voice SystemStatus + SystemRegister), supervises
its clients with SystemStatus, and answers every request: with its response, or with CSTAErrorCode.
Monitors are cancelled when their client goes; calls stay.

With --lines it also serves the line link of the dial plan's analog ports: a card simulator
connects there, attaches ports, and its channels ring, answer, hear DTMF, hang up, flash-transfer
and fax like voice cards on the PBX's analog lines. A scenario caller's says/faxToSend/faxInbox
are the media its far end puts on the line.

Without --dialplan it starts the built-in demo site. Logs go to stderr (pino JSON).

examples:
  ccbox sim switch
  ccbox sim switch --listen tcp://0.0.0.0:8800 --serial /dev/ttyS1 --profile openscape-business --user ccbox --password secret
  ccbox sim switch --dialplan site.json --scenario simulators/switch/scenarios/acd-demo.json
  ccbox sim switch --lines ${DEFAULT_SIM_LINES}
  ccbox csta --connect tcp://127.0.0.1:8800 --monitor 600 --follow      (in another terminal)`;

/** Registers `ccbox sim` and `ccbox sim switch`; returns the `sim` command so other simulators add their subcommands to it. */
export function registerSimCommand(program: Command): Command {
  const sim = program.command('sim').description('simulators of the site around the box, for QA, demos and the bench');
  registerSimSwitchCommand(sim);
  registerSimCardsCommand(sim);
  return sim;
}

function registerSimSwitchCommand(sim: Command): void {
  sim
    .command('switch')
    .description('the PBX simulator: a CSTA server (TCP and serial) with its own call model, dial plan and scripted callers')
    .option('--listen <url...>', 'where to serve CSTA: tcp://host:port or serial:/dev/ttyS0?baud=9600 (several allowed)', [DEFAULT_SIM_LISTEN])
    .option('--lines <url...>', `also serve the analog ports' line link for the card simulator, e.g. ${DEFAULT_SIM_LINES} (several allowed)`)
    .option('--serial <path>', 'also serve on this serial line at 9600 baud (for other settings use --listen serial:PATH?baud=N)')
    .option('--dialplan <file>', 'dial plan JSON (extensions, analog ports, trunks, groups, routing points); default: the demo site')
    .option('--profile <name>', 'PBX profile from firmware-config/pbx whose dialect the switch speaks', 'generic-ed4')
    .option('--scenario <file>', 'scenario JSON of scripted callers and phones, started once the switch listens')
    .option('--scenario-after-monitor', 'start the scenario only once a client has started a device monitor (so it sees every call)')
    .option('--user <name>', 'require this user name in StartApplicationSession (with --password)')
    .option('--password <secret>', 'require this password in StartApplicationSession (with --user)')
    .option('--log-level <level>', 'log level on stderr: trace, debug, info, warn, error', 'info')
    .addHelpText('after', SIM_SWITCH_HELP)
    .action((options: SimSwitchOptions) => runSimSwitch(options));
}

const unrefClock: Clock = unrefTimers();

function fail(message: string): void {
  process.stderr.write(`ccbox sim switch: ${message}\n`);
  process.exitCode = 1;
}

async function runSimSwitch(options: SimSwitchOptions): Promise<void> {
  if ((options.user === undefined) !== (options.password === undefined)) return fail('--user and --password go together');
  const listen = [...options.listen, ...(options.serial ? [`serial:${options.serial}?baud=9600`] : [])];
  let setup;
  try {
    setup = {
      profile: loadPbxProfile(options.profile),
      plan: options.dialplan ? loadDialPlan(options.dialplan) : demoDialPlan(),
      scenario: options.scenario ? loadScenario(options.scenario) : undefined,
    };
  } catch (error) {
    return fail((error as Error).message);
  }
  const logger = createLogger({ level: options.logLevel });
  const model = createSwitch(setup.plan, { clock: unrefClock, logger: logger.child({ module: 'sim.switch.model' }) });
  let server;
  try {
    server = await startSwitchServer({
      model,
      listen,
      profile: setup.profile,
      clock: unrefClock,
      logger,
      ...(options.user !== undefined && options.password !== undefined ? { credentials: { username: options.user, password: options.password } } : {}),
    });
  } catch (error) {
    return fail((error as Error).message);
  }
  process.stdout.write(
    `ccbox sim switch: listening on ${server.addresses.join(', ')} (profile ${setup.profile.name}, ${model.devices().length} devices${options.dialplan ? '' : ', demo dial plan'})\n`,
  );
  const media = new CallMediaBook();
  let lines: LineServer | undefined;
  if (options.lines && options.lines.length > 0) {
    try {
      lines = await startLineServer({ model, listen: options.lines, media, clock: unrefClock, logger });
    } catch (error) {
      await server.close();
      return fail((error as Error).message);
    }
    const ports = model.devices().filter((d) => d.kind === 'analogPort').map((d) => d.deviceID);
    process.stdout.write(`ccbox sim switch: analog lines on ${lines.addresses.join(', ')} (ports ${ports.join(', ') || 'none'})\n`);
  }

  let run: ScenarioRun | undefined;
  const scenario = setup.scenario;
  const startScenario = () => {
    if (!scenario) return;
    logger.info({ scenario: scenario.name }, 'scenario starts');
    run = runScenario(model, scenario, { clock: unrefClock, logger, media });
    void run.done.then((stats) => logger.info({ stats }, 'scenario callers done'));
  };
  if (scenario && options.scenarioAfterMonitor) {
    const poll = unrefClock.setInterval(() => {
      if (!server.clients().some((client) => client.monitors.length > 0)) return;
      unrefClock.clearInterval(poll);
      startScenario();
    }, 100);
  } else startScenario();

  const signal = await new Promise<NodeJS.Signals>((resolve) => {
    process.once('SIGINT', resolve).once('SIGTERM', resolve);
  });
  logger.info({ signal }, 'shutting down');
  run?.stop();
  await Promise.all([server.close(), lines?.close()]);
  if (run) process.stdout.write(`scenario: ${JSON.stringify(run.stats)}\n`);
}
