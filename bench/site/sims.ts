/**
 * The simulated site of the site bench, in its own process: the switch simulator (demo dial plan
 * with `ports` analog ports 3001… in hunt group 610 and `agents` extensions 5001…) serving CSTA and
 * the line link, the card simulator with one channel per port, the agent desks on the appliance's
 * broker, and the scripted callers — all on a clock scaled by `scale`.
 */
import { loadBoardProfile } from '../../appliance/cards/board-profile.js';
import { seededRandom } from '../../appliance/media/signals.js';
import { type Clock, scaledClock } from '../../appliance/runtime/clock.js';
import { createLogger } from '../../appliance/runtime/logger.js';
import { startCardSimulator, type CardSimulator } from '../../simulators/cards/index.js';
import { CallMediaBook, createSwitch, demoDialPlan, startLineServer, startSwitchServer, type LineServer, type SimulatedSwitch, type SwitchServer } from '../../simulators/switch/index.js';
import { ScriptedCallers } from './callers.js';
import { startBenchTeam, type BenchTeam } from './desks.js';
import { IVR_HUNT_GROUP, type SimsCommand, type SimsReport, agentDevice, portNumber, scaledCstaProfile } from './protocol.js';

type StartCommand = Extract<SimsCommand, { cmd: 'start' }>;
type RunCommand = Extract<SimsCommand, { cmd: 'run' }>;

interface Site {
  start: StartCommand;
  clock: Clock;
  sw: SimulatedSwitch;
  csta: SwitchServer;
  lines: LineServer;
  cards: CardSimulator;
  ports: string[];
  agentDevices: string[];
  team?: BenchTeam;
}

const send = (report: SimsReport) => process.connected && process.send?.(report);

async function startSite(start: StartCommand): Promise<Site> {
  const logger = createLogger({ level: 'error' });
  const clock = scaledClock(start.scale, start.epoch);
  const plan = demoDialPlan();
  const ports = Array.from({ length: start.ports }, (_, i) => portNumber(i));
  const agentDevices = Array.from({ length: start.agents }, (_, i) => agentDevice(i));
  plan.analogPorts = ports.map((number) => ({ number, name: `bench port ${number}` }));
  plan.extensions.push(...agentDevices.map((number) => ({ number, name: `bench agent ${number}` })));
  // Only the IVR's hunt group stays: the demo's other groups name the demo ports 301–304, gone here.
  plan.huntGroups = plan.huntGroups.filter((g) => g.number === IVR_HUNT_GROUP).map((g) => ({ ...g, members: ports }));
  const sw = createSwitch(plan, { clock, logger });
  const csta = await startSwitchServer({ model: sw, listen: ['tcp://127.0.0.1:0'], profile: scaledCstaProfile(start.scale), clock, logger });
  const lines = await startLineServer({ model: sw, listen: ['tcp://127.0.0.1:0'], media: new CallMediaBook(), clock, logger });
  const board = { ...loadBoardProfile('ccbox-sim-4'), model: `bench-${start.ports}`, channels: start.ports };
  const cards = await startCardSimulator({ board, listen: ['tcp://127.0.0.1:0'], switchUrl: lines.addresses[0], clock, logger });
  const channelPorts = await cards.whenLineUp();
  send({ kind: 'listening', cstaUrl: csta.addresses[0] as string, cardsUrl: cards.addresses[0] as string, ports: channelPorts });
  return { start, clock, sw, csta, lines, cards, ports: channelPorts, agentDevices };
}

/** Arrivals for `seconds`, then no new callers while those in the site finish (at most `drainSeconds`). */
async function run(site: Site, command: RunCommand): Promise<void> {
  const team = site.team;
  if (!team) throw new Error('the agents must be started before the run');
  const callers = new ScriptedCallers({
    sw: site.sw,
    clock: site.clock,
    random: seededRandom(site.start.seed),
    behaviour: command.callers,
    ports: new Set(site.ports),
    agentDevices: new Set(site.agentDevices),
  });
  const started = performance.now();
  callers.startArrivals(command.callsPerScaledSecond);
  await new Promise((resolve) => setTimeout(resolve, command.seconds * 1000));
  callers.stopArrivals();
  const arrivalSeconds = (performance.now() - started) / 1000;
  const drainUntil = performance.now() + command.drainSeconds * 1000;
  while (callers.live > 0 && performance.now() < drainUntil) await new Promise((resolve) => setTimeout(resolve, 100));
  const drainSeconds = (performance.now() - started) / 1000 - arrivalSeconds;
  const results = {
    callers: callers.records(),
    offersSeen: team.offersSeen,
    commands: team.commands,
    desks: team.totals(),
    deskErrors: team.errors,
    arrivalSeconds,
    drainSeconds,
    refused: callers.refused,
  };
  callers.close();
  send({ kind: 'done', results });
}

async function close(site: Site | undefined): Promise<void> {
  await site?.team?.stop();
  await site?.cards.close();
  await site?.lines.close();
  await site?.csta.close();
}

let site: Site | undefined;
const fail = (error: unknown) => {
  send({ kind: 'failed', message: error instanceof Error ? (error.stack ?? error.message) : String(error) });
};

process.on('message', (command: SimsCommand) => {
  switch (command.cmd) {
    case 'start':
      void startSite(command).then((started) => {
        site = started;
      }, fail);
      return;
    case 'startAgents':
      if (!site) return fail(new Error('startAgents before start'));
      void startBenchTeam({ brokerUrl: command.brokerUrl, agents: site.agentDevices.length, profile: command.profile, clock: site.clock, seed: site.start.seed }).then((team) => {
        if (site) site.team = team;
        send({ kind: 'agentsStarted' });
      }, fail);
      return;
    case 'run':
      if (!site) return fail(new Error('run before start'));
      void run(site, command).catch(fail);
      return;
    case 'stopAgents':
      void (site?.team?.stop() ?? Promise.resolve()).then(() => send({ kind: 'agentsStopped' }), fail);
      return;
    case 'exit':
      void close(site).finally(() => process.exit(0));
      return;
  }
});
process.on('disconnect', () => process.exit(0));
