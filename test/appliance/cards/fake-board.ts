/**
 * A scripted board for card-link tests: a real TCP server on loopback speaking real JSON lines,
 * where the test decides every answer. (Whole call flows use simulators/cards instead.) Plus the
 * CardSetDriver under sinon fake timers with one teardown: drop the boards' connections, restore
 * the clock, then stop the drivers.
 */
import { once } from 'node:events';
import { type AddressInfo, type Server, type Socket, createServer } from 'node:net';
import sinon from 'sinon';
import type { Test } from 'tap';
import { CardSetDriver, type CardSetOptions } from '../../../appliance/cards/card-set.js';
import { JsonLineDecoder, encodeJsonLine } from '../../../appliance/cards/framing.js';
import {
  type BoardInfo,
  type CardCommand,
  type CardErrorCode,
  type CardEvent,
  type ChannelState,
  type ChannelStatus,
  type HostFrame,
  decodeHostFrame,
} from '../../../appliance/cards/protocol.js';
import { systemClock } from '../../../appliance/runtime/clock.js';
import { silentLogger } from '../../../appliance/runtime/logger.js';
import { realDelay } from '../../helpers/real-time.js';

export const BOARD_4: BoardInfo = { model: 'test-4', channels: 4, law: 'alaw', fax: true, tts: false, tapChannels: [3] };

type Distribute<T, K extends PropertyKey> = T extends unknown ? Omit<T, K> : never;
export type EventBody = Distribute<CardEvent, 'type' | 'ch'>;

export class BoardConnectionSide {
  readonly received: HostFrame[] = [];
  /** Lines from the host that did not decode (the host must never send one). */
  readonly undecodable: string[] = [];
  closed = false;
  #waiters: (() => void)[] = [];

  constructor(readonly socket: Socket) {
    const decoder = new JsonLineDecoder({
      line: (text) => {
        const decoded = decodeHostFrame(text);
        if (decoded.ok) this.received.push(decoded.frame);
        else this.undecodable.push(text);
        this.#wake();
      },
      oversize: (preview) => this.undecodable.push(preview),
    });
    socket.on('data', (chunk) => decoder.push(chunk));
    socket.on('close', () => {
      this.closed = true;
      this.#wake();
    });
  }

  /** Waits for (and removes) the next received frame that `match` accepts. */
  async next<F extends HostFrame>(match: (frame: HostFrame) => frame is F): Promise<F> {
    for (;;) {
      const index = this.received.findIndex(match);
      if (index >= 0) return this.received.splice(index, 1)[0] as F;
      if (this.closed) throw new Error('board connection closed while waiting for a frame');
      await new Promise<void>((resolve) => this.#waiters.push(resolve));
    }
  }

  /** The next command (of `op`, when given). */
  command<Op extends CardCommand['op']>(op?: Op): Promise<Extract<CardCommand, { op: Op }>> {
    return this.next((frame): frame is Extract<CardCommand, { op: Op }> => frame.type === 'cmd' && (op === undefined || frame.op === op));
  }

  nextOfType<T extends HostFrame['type']>(type: T): Promise<Extract<HostFrame, { type: T }>> {
    return this.next((frame): frame is Extract<HostFrame, { type: T }> => frame.type === type);
  }

  /** Answers the host's hello with this board and these channel states (index = channel). */
  async acceptHello(board: BoardInfo = BOARD_4, states: (ChannelState | ChannelStatus)[] = []): Promise<void> {
    await this.nextOfType('hello');
    const channels = Array.from({ length: board.channels }, (_, ch): ChannelStatus => {
      const given = states[ch];
      return typeof given === 'object' ? given : { ch, state: given ?? 'idle' };
    });
    this.send({ type: 'hello', version: 1, board, channels });
  }

  send(frame: object): void {
    this.socket.write(encodeJsonLine(frame));
  }

  writeRaw(bytes: string | Buffer): void {
    this.socket.write(bytes);
  }

  ack(command: CardCommand, status?: ChannelStatus): void {
    this.send({ type: 'ack', id: command.id, ...(status ? { status } : {}) });
  }

  nak(command: CardCommand, code: CardErrorCode, message = 'refused'): void {
    this.send({ type: 'nak', id: command.id, code, message });
  }

  event(ch: number, body: EventBody): void {
    this.send({ type: 'event', ch, ...body });
  }

  drop(): void {
    this.socket.destroy();
  }

  #wake(): void {
    for (const wake of this.#waiters.splice(0)) wake();
  }
}

export class FakeBoard {
  readonly #sockets = new Set<Socket>();
  readonly #ready: BoardConnectionSide[] = [];
  #pending: ((c: BoardConnectionSide) => void)[] = [];

  private constructor(readonly server: Server) {
    server.on('connection', (socket) => {
      this.#sockets.add(socket);
      socket.on('close', () => this.#sockets.delete(socket));
      socket.on('error', () => {});
      // Without this, a second small write waits for the first one's delayed ACK (40 ms on Linux).
      socket.setNoDelay(true);
      const side = new BoardConnectionSide(socket);
      const waiter = this.#pending.shift();
      if (waiter) waiter(side);
      else this.#ready.push(side);
    });
  }

  static async start(): Promise<FakeBoard> {
    const server = createServer();
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    return new FakeBoard(server);
  }

  get url(): string {
    return `tcp://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  /** The next host connection (already arrived or still to come). */
  accept(): Promise<BoardConnectionSide> {
    const ready = this.#ready.shift();
    if (ready) return Promise.resolve(ready);
    return new Promise((resolve) => this.#pending.push(resolve));
  }

  async close(): Promise<void> {
    if (this.server.listening) this.server.close();
    for (const socket of this.#sockets) socket.destroy();
    await new Promise((resolve) => setImmediate(resolve));
  }
}

/** Lets socket I/O and promise continuations run (real time; fake timers do not move). */
export async function settle(): Promise<void> {
  for (let i = 0; i < 5; i++) await realDelay(2);
}

export function cardSetsUnderFakeTime(t: Test) {
  const clock = sinon.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'setInterval', 'clearInterval', 'Date'] });
  const drivers: CardSetDriver[] = [];
  const boards: FakeBoard[] = [];
  const crashes: unknown[] = [];
  const onCrash = (reason: unknown) => crashes.push(reason);
  process.on('unhandledRejection', onCrash);
  process.on('uncaughtException', onCrash);
  t.teardown(async () => {
    for (const board of boards) await board.close();
    clock.restore();
    for (const driver of drivers) await driver.stop();
    process.off('unhandledRejection', onCrash);
    process.off('uncaughtException', onCrash);
  });
  const make = (url: string, options: Partial<CardSetOptions> = {}) => {
    const driver = new CardSetDriver({ url, clock: systemClock, logger: silentLogger(), reconnect: { initialMs: 1000, maxMs: 8000 }, ...options });
    drivers.push(driver);
    return driver;
  };
  const board = async () => {
    const started = await FakeBoard.start();
    boards.push(started);
    return started;
  };
  /** A driver connected to a fresh board that answered hello with `states`. */
  const connected = async (states: (ChannelState | ChannelStatus)[] = [], info: BoardInfo = BOARD_4, options: Partial<CardSetOptions> = {}) => {
    const fake = await board();
    const driver = make(fake.url, options);
    const started = driver.start();
    const side = await fake.accept();
    await side.acceptHello(info, states);
    await started;
    return { board: fake, driver, side };
  };
  return { clock, make, board, connected, crashes };
}
