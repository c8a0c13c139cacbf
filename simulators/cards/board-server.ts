/**
 * The board side of the card link: listens (TCP or serial, by URL), runs one HostSession per host,
 * answers hello with the board and every channel's status, routes commands to channels, and sends
 * channel events to every host that said hello.
 */
import { EventEmitter } from 'node:events';
import { boardInfoOf, type BoardProfile } from '../../appliance/cards/board-profile.js';
import { type BoardFrame, type BoardHello, CARD_PROTOCOL_VERSION, type CardCommand } from '../../appliance/cards/protocol.js';
import type { Clock } from '../../appliance/runtime/clock.js';
import type { Logger } from '../../appliance/runtime/logger.js';
import { type ListenStreamOptions, type StreamListener, listenStream } from '../../appliance/transport/listen.js';
import type { ByteStream } from '../../appliance/transport/stream.js';
import type { SimulatedChannel } from './channel.js';
import { HostSession, type SessionBoard } from './host-session.js';
import type { EventBody } from './operations/operation.js';

export interface BoardServerEvents {
  /** A host said hello (version 1). */
  hostConnected: [info: { host: string; client?: string }];
  /** A host that had said hello went away. */
  hostDisconnected: [info: { host: string; reason?: string }];
}

export class BoardServer extends EventEmitter<BoardServerEvents> implements SessionBoard {
  readonly addresses: string[] = [];
  readonly #profile: BoardProfile;
  readonly #channels: readonly SimulatedChannel[];
  readonly #clock: Clock;
  readonly #log: Logger;
  readonly #listeners: StreamListener[] = [];
  readonly #sessions = new Set<HostSession>();
  #closing: Promise<void> | undefined;

  constructor(options: { profile: BoardProfile; channels: readonly SimulatedChannel[]; clock: Clock; logger: Logger }) {
    super();
    this.#profile = options.profile;
    this.#channels = options.channels;
    this.#clock = options.clock;
    this.#log = options.logger;
  }

  async listen(urls: readonly string[], options: Omit<ListenStreamOptions, 'clock'> = {}): Promise<void> {
    for (const url of urls) {
      const listener = await listenStream(url, { ...options, clock: this.#clock });
      this.#listeners.push(listener);
      this.addresses.push(listener.address);
      listener.on('connection', (stream) => this.accept(stream));
      listener.on('error', (error) => this.#log.error({ err: error.message, address: listener.address }, 'card link listener error'));
      this.#log.info({ address: listener.address, board: this.#profile.model }, 'card link listening');
    }
  }

  accept(stream: ByteStream): void {
    if (this.#closing) {
      void stream.close();
      return;
    }
    this.#log.info({ host: stream.description }, 'host connected');
    this.#sessions.add(new HostSession(stream, this, this.#log));
  }

  /** An event of channel `ch` to every host that said hello. */
  broadcast(ch: number, body: EventBody): void {
    const frame = { type: 'event', ch, ...body } as BoardFrame;
    for (const session of this.#sessions) if (session.isReady) session.send(frame);
  }

  close(): Promise<void> {
    this.#closing ??= (async () => {
      await Promise.all([...this.#listeners.map((l) => l.close()), ...[...this.#sessions].map((s) => s.close())]);
    })();
    return this.#closing;
  }

  // ---- SessionBoard

  hello(): BoardHello {
    return { type: 'hello', version: CARD_PROTOCOL_VERSION, board: boardInfoOf(this.#profile), channels: this.#channels.map((c) => c.status()) };
  }

  command(session: HostSession, cmd: CardCommand): void {
    const channel = this.#channels[cmd.ch];
    if (!channel) {
      session.send({ type: 'nak', id: cmd.id, code: 'unknownChannel', message: `channel ${cmd.ch}: this board has channels 0-${this.#channels.length - 1}` });
      return;
    }
    channel.command(cmd, session);
  }

  ready(session: HostSession, client: string | undefined): void {
    this.#emitSafely('hostConnected', { host: session.description, ...(client !== undefined ? { client } : {}) });
  }

  closed(session: HostSession, reason: Error | undefined): void {
    this.#sessions.delete(session);
    for (const channel of this.#channels) channel.hostGone(session);
    if (session.wasReady) this.#emitSafely('hostDisconnected', { host: session.description, ...(reason ? { reason: reason.message } : {}) });
  }

  #emitSafely<K extends keyof BoardServerEvents>(event: K, ...args: BoardServerEvents[K]): void {
    try {
      (this.emit as (event: K, ...args: BoardServerEvents[K]) => boolean)(event, ...args);
    } catch (error) {
      this.#log.error({ event, err: (error as Error).message }, 'card simulator listener failed');
    }
  }
}
