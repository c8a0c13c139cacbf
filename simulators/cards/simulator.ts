/**
 * The card simulator: a voice/fax board of a board profile's channels, serving the card link (the
 * board side) and, with a switch URL, wired over the line link to the switch simulator's analog
 * ports, which its non-tap channels take in order.
 */
import { EventEmitter } from 'node:events';
import { boardInfoOf, type BoardProfile } from '../../appliance/cards/board-profile.js';
import type { BoardInfo, ChannelStatus } from '../../appliance/cards/protocol.js';
import { type Clock, systemClock } from '../../appliance/runtime/clock.js';
import { type Logger, silentLogger } from '../../appliance/runtime/logger.js';
import type { ListenStreamOptions } from '../../appliance/transport/listen.js';
import type { ByteStream } from '../../appliance/transport/stream.js';
import type { SwitchToLine } from '../switch/lines/protocol.js';
import { BoardServer } from './board-server.js';
import { SimulatedChannel } from './channel.js';
import { LineClient } from './line-client.js';

export interface CardSimulatorOptions {
  board: BoardProfile;
  /** Where to serve the card link, e.g. ['tcp://127.0.0.1:8810']; tcp://host:0 picks a free port. [] serves only streams given to accept(). */
  listen: string[];
  /** The switch simulator's line server (e.g. tcp://127.0.0.1:8900); absent: the channels have no lines. */
  switchUrl?: string | undefined;
  /** Analog ports to attach; absent: every analog port the switch offers. */
  ports?: string[] | undefined;
  clock?: Clock;
  logger?: Logger;
  /** Passed to listenStream (e.g. a mock serial binding in tests). */
  listenOptions?: Omit<ListenStreamOptions, 'clock'>;
}

export interface CardSimulatorEvents {
  /** The line link is up: `ports[i]` is wired to `channels[i]`. */
  lineUp: [info: { ports: string[]; channels: number[] }];
  lineDown: [info: { reason: string }];
  /** Every message the switch sent about a port (after the channel took it in): for logs and tests. */
  lineMessage: [message: SwitchToLine];
  /** A host said hello (version 1). */
  hostConnected: [info: { host: string; client?: string }];
  hostDisconnected: [info: { host: string; reason?: string }];
}

export interface CardSimulator extends EventEmitter<CardSimulatorEvents> {
  /** The URLs actually served (tcp://host:0 comes back with its port). */
  readonly addresses: string[];
  readonly board: BoardInfo;
  /** Serves a host connected some other way (an in-process stream). */
  accept(stream: ByteStream): void;
  /** Stops the channels' operations, the listeners, the hosts and the line link. Idempotent. */
  close(): Promise<void>;
  /** The channel's hardware fails: `fault` event, out of service, its running operation ends with `error`. */
  faultChannel(ch: number, reason: string): void;
  /** The channel works again: `recovered` event, idle (a call still ringing rings again). */
  recoverChannel(ch: number): void;
  /** A muted channel ignores commands (no ack, no nak) and sends no events, to test the host's command timeout. */
  muteChannel(ch: number, muted: boolean): void;
  channelStates(): ChannelStatus[];
  /** Prompt files played on the channel so far (`text:…` for a tts play), oldest first. */
  played(ch: number): string[];
  /** The analog port of each channel (undefined: none, or the line link is down). */
  channelPorts(): (string | undefined)[];
  /** Resolves with the attached ports once the line link is up (at once if it is). */
  whenLineUp(): Promise<string[]>;
}

class CardSimulatorImpl extends EventEmitter<CardSimulatorEvents> implements CardSimulator {
  readonly board: BoardInfo;
  readonly #channels: SimulatedChannel[];
  readonly #server: BoardServer;
  readonly #line: LineClient | undefined;
  readonly #log: Logger;
  readonly #byPort = new Map<string, SimulatedChannel>();
  #closing: Promise<void> | undefined;

  constructor(options: CardSimulatorOptions) {
    super();
    const clock = options.clock ?? systemClock;
    const root = options.logger ?? silentLogger();
    this.#log = root.child({ module: 'sim.cards' });
    this.board = boardInfoOf(options.board);
    const wiring = {
      profile: options.board,
      clock,
      logger: this.#log,
      broadcast: (ch: number, body: Parameters<BoardServer['broadcast']>[1]) => this.#server.broadcast(ch, body),
      toLine: (message: Parameters<LineClient['send']>[0]) => this.#line?.send(message),
    };
    this.#channels = Array.from({ length: options.board.channels }, (_, index) => new SimulatedChannel(index, wiring));
    this.#server = new BoardServer({ profile: options.board, channels: this.#channels, clock, logger: this.#log });
    this.#server.on('hostConnected', (info) => this.#emitSafely('hostConnected', info));
    this.#server.on('hostDisconnected', (info) => this.#emitSafely('hostDisconnected', info));
    if (options.switchUrl !== undefined) {
      this.#line = new LineClient({ url: options.switchUrl, ports: options.ports, clock, logger: root });
      this.#line.on('up', (ports) => this.#lineUp(ports));
      this.#line.on('down', (reason) => this.#lineDown(reason));
      this.#line.on('message', (message) => {
        this.#fromLine(message);
        this.#emitSafely('lineMessage', message);
      });
    }
  }

  get addresses(): string[] {
    return this.#server.addresses;
  }

  async start(listen: string[], listenOptions: Omit<ListenStreamOptions, 'clock'> | undefined): Promise<void> {
    await this.#server.listen(listen, listenOptions);
    this.#line?.start();
  }

  accept(stream: ByteStream): void {
    this.#server.accept(stream);
  }

  close(): Promise<void> {
    this.#closing ??= (async () => {
      for (const channel of this.#channels) channel.close();
      await Promise.all([this.#server.close(), this.#line?.close()]);
      this.#log.info('card simulator closed');
    })();
    return this.#closing;
  }

  faultChannel(ch: number, reason: string): void {
    this.#channel(ch).fault(reason.slice(0, 500) || 'fault');
  }

  recoverChannel(ch: number): void {
    this.#channel(ch).recover();
  }

  muteChannel(ch: number, muted: boolean): void {
    this.#channel(ch).mute(muted);
  }

  channelStates(): ChannelStatus[] {
    return this.#channels.map((c) => c.status());
  }

  played(ch: number): string[] {
    return [...this.#channel(ch).played];
  }

  channelPorts(): (string | undefined)[] {
    return this.#channels.map((c) => c.port);
  }

  whenLineUp(): Promise<string[]> {
    if (!this.#line) return Promise.reject(new Error('the card simulator has no switch to connect to'));
    if (this.#line.isUp) return Promise.resolve(this.#attached());
    return new Promise((resolve) => this.once('lineUp', (info) => resolve(info.ports)));
  }

  #attached(): string[] {
    return [...this.#byPort.keys()];
  }

  #channel(ch: number): SimulatedChannel {
    const channel = this.#channels[ch];
    if (!channel) throw new RangeError(`channel ${ch}: the board has channels 0-${this.#channels.length - 1}`);
    return channel;
  }

  #lineUp(ports: string[]): void {
    const lineChannels = this.#channels.filter((c) => !c.isTap);
    const wired: { ports: string[]; channels: number[] } = { ports: [], channels: [] };
    ports.forEach((port, i) => {
      const channel = lineChannels[i];
      if (!channel) return;
      channel.setPort(port);
      this.#byPort.set(port, channel);
      wired.ports.push(port);
      wired.channels.push(channel.index);
    });
    const spare = ports.slice(lineChannels.length);
    this.#log.info({ ports: wired.ports, channels: wired.channels, ...(spare.length ? { unused: spare } : {}) }, 'channels wired to analog ports');
    this.#emitSafely('lineUp', wired);
  }

  #lineDown(reason: string): void {
    this.#byPort.clear();
    for (const channel of this.#channels) channel.lineLost();
    this.#emitSafely('lineDown', { reason });
  }

  #fromLine(message: SwitchToLine): void {
    if (!('port' in message) || message.port === undefined) return;
    const channel = this.#byPort.get(message.port);
    if (!channel) return;
    switch (message.t) {
      case 'ring':
        return channel.lineRing(message);
      case 'ringStop':
        return channel.lineRingStop();
      case 'connected':
        return channel.lineConnected(message.callID, message.media);
      case 'digits':
        return channel.lineDigits(message.digits);
      case 'disconnect':
        return channel.lineDisconnect();
      default:
        return;
    }
  }

  #emitSafely<K extends keyof CardSimulatorEvents>(event: K, ...args: CardSimulatorEvents[K]): void {
    try {
      (this.emit as (event: K, ...args: CardSimulatorEvents[K]) => boolean)(event, ...args);
    } catch (error) {
      this.#log.error({ event, err: (error as Error).message }, 'card simulator listener failed');
    }
  }
}

/** Starts the simulator: listening on every URL of `listen` (rejects, closing what was opened, if one cannot be served), then connecting to the switch. */
export async function startCardSimulator(options: CardSimulatorOptions): Promise<CardSimulator> {
  const simulator = new CardSimulatorImpl(options);
  try {
    await simulator.start(options.listen, options.listenOptions);
  } catch (error) {
    await simulator.close();
    throw error;
  }
  return simulator;
}
