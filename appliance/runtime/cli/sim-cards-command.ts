/** `ccbox sim cards`: the card simulator, serving the card link until interrupted, its channels on the switch simulator's analog ports. */
import type { Command } from 'commander';
import { loadBoardProfile } from '../../cards/board-profile.js';
import { startCardSimulator } from '../../../simulators/cards/index.js';
import { type Clock, unrefTimers } from '../clock.js';
import { createLogger } from '../logger.js';

export interface SimCardsOptions {
  listen: string[];
  board: string;
  switch?: string;
  ports?: string;
  logLevel: string;
}

export const DEFAULT_SIM_CARDS_LISTEN = 'tcp://127.0.0.1:8810';
export const DEFAULT_SIM_BOARD = 'ccbox-sim-4';

const SIM_CARDS_HELP = `
The card simulator is the board side of the card link (docs/card-protocol.md): ccbox connects to it
like to a real board's driver host. With --switch it connects to the switch simulator's line link
(ccbox sim switch --lines URL) and wires its channels to the analog ports in order: a caller who
dials the IVR's number rings a channel, its DTMF reaches the channel, and a hang-up on either side
reaches the other. Prompts are real WAV files played for their real duration; recordings and faxes
are real files.

examples:
  ccbox sim switch --lines tcp://127.0.0.1:8900
  ccbox sim cards --switch tcp://127.0.0.1:8900
  ccbox sim cards --listen tcp://0.0.0.0:8810 --board dialogic-d41-us --switch tcp://127.0.0.1:8900 --ports 301,302`;

export function registerSimCardsCommand(sim: Command): void {
  sim
    .command('cards')
    .description('the voice/fax card simulator: a board on the card link, its channels on the PBX simulator\'s analog ports')
    .option('--listen <url...>', 'where to serve the card link: tcp://host:port or serial:/dev/ttyS1?baud=115200 (several allowed)', [DEFAULT_SIM_CARDS_LISTEN])
    .option('--board <profile>', 'board profile from firmware-config/cards (or a path to a .json file)', DEFAULT_SIM_BOARD)
    .option('--switch <url>', "the switch simulator's line link, e.g. tcp://127.0.0.1:8900 (without it the channels have no lines)")
    .option('--ports <list>', 'analog ports to attach, comma-separated, in channel order (default: every port the switch offers)')
    .option('--log-level <level>', 'log level on stderr: trace, debug, info, warn, error', 'info')
    .addHelpText('after', SIM_CARDS_HELP)
    .action((options: SimCardsOptions) => runSimCards(options));
}

const unrefClock: Clock = unrefTimers();

export interface SimCardsIo {
  /** Where the human-readable lines go (default stdout). */
  out?: (line: string) => void;
  /** Runs until this settles (default: SIGINT or SIGTERM). */
  until?: Promise<unknown>;
}

export function parsePortList(list: string): string[] {
  const ports = list.split(',').map((p) => p.trim()).filter((p) => p !== '');
  const bad = ports.find((p) => !/^[0-9]{1,16}$/.test(p));
  if (bad !== undefined) throw new Error(`--ports: "${bad}" is not a port number (expected e.g. 301,302)`);
  if (ports.length === 0) throw new Error('--ports: expected at least one port, e.g. 301,302');
  return ports;
}

export async function runSimCards(options: SimCardsOptions, io: SimCardsIo = {}): Promise<void> {
  const out = io.out ?? ((line: string) => void process.stdout.write(`${line}\n`));
  const fail = (message: string) => {
    process.stderr.write(`ccbox sim cards: ${message}\n`);
    process.exitCode = 1;
  };
  let board;
  let ports;
  try {
    board = loadBoardProfile(options.board);
    ports = options.ports !== undefined ? parsePortList(options.ports) : undefined;
  } catch (error) {
    return fail((error as Error).message);
  }
  const logger = createLogger({ level: options.logLevel });
  let simulator;
  try {
    simulator = await startCardSimulator({ board, listen: options.listen, switchUrl: options.switch, ports, clock: unrefClock, logger });
  } catch (error) {
    return fail((error as Error).message);
  }
  out(`ccbox sim cards: listening on ${simulator.addresses.join(', ')} (board ${board.model}, ${board.channels} channels, ${board.law}${board.fax ? ', fax' : ''})`);
  if (options.switch === undefined) out('ccbox sim cards: no --switch: the channels have no lines');
  simulator.on('lineUp', ({ ports: attached, channels }) => {
    const pairs = attached.map((port, i) => `${channels[i]}→${port}`).join(', ');
    out(`ccbox sim cards: attached analog ports on ${options.switch}: ${pairs || 'none'}`);
  });
  simulator.on('lineDown', ({ reason }) => out(`ccbox sim cards: line link down (${reason}); reconnecting`));

  const until =
    io.until ??
    new Promise<NodeJS.Signals>((resolve) => {
      process.once('SIGINT', resolve).once('SIGTERM', resolve);
    });
  await until;
  logger.info('shutting down');
  await simulator.close();
}
