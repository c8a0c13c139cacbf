/**
 * The simulated site of the IVR bench, in its own process: the switch simulator with `ports` analog
 * ports (3001…) in hunt group 610 (DID 0301234502), its line server, and the card simulator with one channel
 * per port, all on a clock scaled by `scale`. Callers are placed in a closed loop: every port busy,
 * a new call as soon as one ends; each caller presses 1 after `pressAfterMs` (scaled).
 */
import { loadBoardProfile } from '../../appliance/cards/board-profile.js';
import { scaledClock } from '../../appliance/runtime/clock.js';
import { createLogger } from '../../appliance/runtime/logger.js';
import { startCardSimulator } from '../../simulators/cards/index.js';
import { CallMediaBook, createSwitch, demoDialPlan, startLineServer } from '../../simulators/switch/index.js';

export type SimsCommand = { cmd: 'start'; ports: number; scale: number; epoch: number; pressAfterMs: number } | { cmd: 'run'; seconds: number } | { cmd: 'exit' };
export type SimsReport = { kind: 'listening'; cardsUrl: string } | { kind: 'done'; placed: number; ended: number; refused: number };

const DID = '0301234502';
const send = (report: SimsReport) => process.connected && process.send?.(report);

async function start(command: Extract<SimsCommand, { cmd: 'start' }>): Promise<void> {
  const logger = createLogger({ level: 'error' });
  const clock = scaledClock(command.scale, command.epoch);
  const plan = demoDialPlan();
  // Four-digit port numbers: 301… would run into the demo plan's 600, 610 and 700 past 299 ports.
  const ports = Array.from({ length: command.ports }, (_, i) => String(3001 + i));
  plan.analogPorts = ports.map((number) => ({ number, name: `bench port ${number}` }));
  const group = plan.huntGroups.find((g) => g.number === '610');
  if (group) group.members = ports;
  const sw = createSwitch(plan, { clock, logger });
  const lines = await startLineServer({ model: sw, listen: ['tcp://127.0.0.1:0'], media: new CallMediaBook(), clock, logger });
  const board = { ...loadBoardProfile('ccbox-sim-4'), model: `bench-${command.ports}`, channels: command.ports };
  const cards = await startCardSimulator({ board, listen: ['tcp://127.0.0.1:0'], switchUrl: lines.addresses[0], clock, logger });
  await cards.whenLineUp();
  send({ kind: 'listening', cardsUrl: cards.addresses[0] as string });

  let running = false;
  let placed = 0;
  let ended = 0;
  let refused = 0;
  let caller = 0;
  const live = new Set<string>();
  const place = () => {
    if (!running) return;
    try {
      const callID = sw.placeInboundCall({ from: String(13800000000 + (caller++ % 1_000_000)), to: DID });
      placed++;
      live.add(callID);
      clock.setTimeout(() => {
        if (live.has(callID)) {
          try {
            sw.sendExternalDigits(callID, '1');
          } catch {
            refused++;
          }
        }
      }, command.pressAfterMs);
    } catch {
      refused++;
    }
  };
  sw.on('callEnded', ({ callID }) => {
    if (!live.delete(callID)) return;
    ended++;
    place();
  });
  process.on('message', (next: SimsCommand) => {
    if (next.cmd === 'exit') {
      running = false;
      void cards.close().then(() => lines.close()).then(() => process.exit(0));
    } else if (next.cmd === 'run') {
      running = true;
      placed = ended = refused = 0;
      for (let i = 0; i < command.ports; i++) place();
      setTimeout(() => {
        running = false;
        send({ kind: 'done', placed, ended, refused });
      }, next.seconds * 1000);
    }
  });
}

process.once('message', (command: SimsCommand) => {
  if (command.cmd === 'start') void start(command).catch((error: unknown) => {
    console.error(error);
    process.exit(1);
  });
});
process.on('disconnect', () => process.exit(0));
