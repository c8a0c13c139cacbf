/**
 * CardSetDriver: the CardSet over the card link (docs/card-protocol.md). Connects by URL (TCP or
 * serial), says hello, keeps the link alive with ping/pong, reconnects with capped backoff, and
 * routes the board's acks, naks and events to the channels. The channel objects live as long as the
 * driver: after a reconnect the board's hello restores each one's state.
 */
import { EventEmitter } from 'node:events';
import type { Clock, TimerHandle } from '../runtime/clock.js';
import type { Logger } from '../runtime/logger.js';
import { openStream } from '../transport/connect.js';
import type { ByteStream } from '../transport/stream.js';
import { type BoardInfo, type CardAlarm, CardError, type CardSet, type CardSetEvents, type RingInfo } from './api.js';
import { BoardConnection, type ProtocolErrorInfo } from './board-connection.js';
import { CardChannelDriver, type ChannelHost } from './channel.js';
import { type CompletionEvent, CommandBook } from './command-book.js';
import { KeepAlive } from './keep-alive.js';
import { type BoardFrame, type BoardHello, CARD_PROTOCOL_VERSION, type CardEvent, type ChannelStatus } from './protocol.js';

export interface CardSetOptions {
  /** tcp://host:port or serial:/dev/ttyS1?baud=115200 */
  url: string;
  clock: Clock;
  logger: Logger;
  /** How long the board may take to ack or nak a command before its channel leaves service. Default 2000. */
  ackTimeoutMs?: number;
  /** How often a channel that stopped answering is probed with `status`. Default 5000. */
  probeIntervalMs?: number;
  reconnect?: { initialMs: number; maxMs: number };
  /** Ping after this long without a frame from the board; two unanswered pings take the link down. Default 10000. */
  heartbeatMs?: number;
  /** How long the board may take to answer hello. Default 5000. */
  helloTimeoutMs?: number;
  /** Sent as `client` in hello. */
  clientName?: string;
  /** How streams are opened; defaults to the transport by URL. */
  connect?: (url: string) => Promise<ByteStream>;
}

export class CardSetDriver extends EventEmitter<CardSetEvents> implements CardSet {
  readonly #options: Required<Omit<CardSetOptions, 'connect' | 'logger'>> & Pick<CardSetOptions, 'connect'>;
  readonly #clock: Clock;
  readonly #log: Logger;
  readonly #book: CommandBook;
  readonly #channels: CardChannelDriver[] = [];
  readonly #alarms = new Map<string, CardAlarm>();
  readonly #host: ChannelHost;
  #board: BoardInfo | undefined;
  #conn: BoardConnection | undefined;
  #up = false;
  #running = false;
  #attempt = 0;
  #retryTimer: TimerHandle | undefined;
  #helloTimer: TimerHandle | undefined;
  readonly #keepAlive: KeepAlive;
  #firstUp: { resolve(): void; reject(error: Error): void } | undefined;

  constructor(options: CardSetOptions) {
    super();
    const reconnect = options.reconnect ?? { initialMs: 1000, maxMs: 30_000 };
    this.#options = {
      url: options.url,
      clock: options.clock,
      ackTimeoutMs: positive('ackTimeoutMs', options.ackTimeoutMs ?? 2000),
      probeIntervalMs: positive('probeIntervalMs', options.probeIntervalMs ?? 5000),
      reconnect: { initialMs: positive('reconnect.initialMs', reconnect.initialMs), maxMs: positive('reconnect.maxMs', reconnect.maxMs) },
      heartbeatMs: positive('heartbeatMs', options.heartbeatMs ?? 10_000),
      helloTimeoutMs: positive('helloTimeoutMs', options.helloTimeoutMs ?? 5000),
      clientName: options.clientName ?? 'ccbox',
      connect: options.connect,
    };
    this.#clock = options.clock;
    this.#log = options.logger.child({ module: 'cards' });
    this.#book = new CommandBook(this.#clock, this.#options.ackTimeoutMs);
    this.#keepAlive = new KeepAlive({
      clock: this.#clock,
      intervalMs: this.#options.heartbeatMs,
      missedLimit: 2,
      ping: () => this.#ping(),
      dead: (reason) => {
        if (this.#conn) this.#drop(this.#conn, reason);
      },
    });
    const driver = this;
    this.#host = {
      clock: this.#clock,
      log: this.#log,
      probeIntervalMs: this.#options.probeIntervalMs,
      get isUp() {
        return driver.#up;
      },
      submit: (ch, body) => this.#submit(ch, body),
      rejectPending: (ch, error) => this.#book.rejectChannel(ch, error),
      alarm: (raised, code, channel, message) => this.#alarm(raised, code, message, channel),
      ringing: (channel, info) => this.#notify('ring', channel, info),
    };
  }

  get board(): BoardInfo | undefined {
    return this.#board;
  }

  get isUp(): boolean {
    return this.#up;
  }

  channels(): readonly CardChannelDriver[] {
    return this.#channels.slice(0, this.#board?.channels ?? 0);
  }

  channel(index: number): CardChannelDriver {
    const channel = index < (this.#board?.channels ?? 0) ? this.#channels[index] : undefined;
    if (!channel) throw new CardError('unknownChannel', `no channel ${index} on the board (it has ${this.#board?.channels ?? 0})`, index);
    return channel;
  }

  /** Alarms raised and not yet cleared. */
  activeAlarms(): CardAlarm[] {
    return [...this.#alarms.values()];
  }

  start(): Promise<void> {
    if (this.#running) return this.#up ? Promise.resolve() : new Promise((resolve, reject) => this.#chainFirstUp(resolve, reject));
    this.#running = true;
    return new Promise<void>((resolve, reject) => {
      this.#firstUp = { resolve, reject };
      void this.#connect();
    });
  }

  async stop(): Promise<void> {
    this.#running = false;
    this.#clock.clearTimeout(this.#retryTimer);
    this.#retryTimer = undefined;
    this.#stopTimers();
    const conn = this.#conn;
    const wasUp = this.#up;
    this.#conn = undefined;
    this.#up = false;
    this.#book.rejectAll((ch) => new CardError('closed', 'the card set was stopped', ch));
    for (const channel of this.#channels) channel.close();
    this.#firstUp?.reject(new CardError('closed', 'the card set was stopped before the board answered hello'));
    this.#firstUp = undefined;
    if (conn) await conn.close();
    if (wasUp) this.#notify('down', { reason: 'stopped' });
  }

  // ---- connection

  async #connect(): Promise<void> {
    const { url } = this.#options;
    let stream: ByteStream;
    try {
      stream = await (this.#options.connect ?? openStream)(url);
    } catch (error) {
      this.#log.warn({ url, err: (error as Error).message }, 'card link: connect failed');
      this.#alarm(true, 'linkDown', `card link to ${url} down: ${(error as Error).message}`);
      this.#scheduleRetry();
      return;
    }
    if (!this.#running) {
      await stream.close();
      return;
    }
    const conn = new BoardConnection(stream, this.#log);
    this.#conn = conn;
    conn.on('frame', (frame) => this.#onFrame(conn, frame));
    conn.on('protocolError', (info) => this.#notify('protocolError', info));
    conn.once('close', (reason) => this.#drop(conn, reason ? reason.message : 'the board closed the connection'));
    this.#helloTimer = this.#clock.setTimeout(() => this.#drop(conn, `no hello from the board within ${this.#options.helloTimeoutMs} ms`), this.#options.helloTimeoutMs);
    this.#helloTimer.unref?.();
    try {
      conn.send({ type: 'hello', version: CARD_PROTOCOL_VERSION, client: this.#options.clientName });
    } catch (error) {
      this.#drop(conn, (error as Error).message);
    }
  }

  /** Ends connection `conn` (if it is still ours): everything in flight fails, a retry is scheduled. */
  #drop(conn: BoardConnection, reason: string): void {
    if (this.#conn !== conn) return;
    this.#conn = undefined;
    this.#stopTimers();
    void conn.close();
    const wasUp = this.#up;
    this.#up = false;
    this.#book.rejectAll((ch) => new CardError('linkDown', `the card link went down: ${reason}`, ch));
    this.#log.warn({ url: this.#options.url, reason }, wasUp ? 'card link down' : 'card link: connection failed');
    if (wasUp) for (const channel of this.#channels) channel.linkDown(`card link down: ${reason}`);
    this.#alarm(true, 'linkDown', `card link to ${this.#options.url} down: ${reason}`);
    if (wasUp) this.#notify('down', { reason });
    this.#scheduleRetry();
  }

  #scheduleRetry(): void {
    if (!this.#running || this.#retryTimer) return;
    const { initialMs, maxMs } = this.#options.reconnect;
    const delay = Math.min(maxMs, initialMs * 2 ** Math.min(this.#attempt, 20));
    this.#attempt++;
    this.#retryTimer = this.#clock.setTimeout(() => {
      this.#retryTimer = undefined;
      if (this.#running) void this.#connect();
    }, delay);
  }

  #stopTimers(): void {
    this.#clock.clearTimeout(this.#helloTimer);
    this.#helloTimer = undefined;
    this.#keepAlive.stop();
  }

  // ---- frames from the board

  #onFrame(conn: BoardConnection, frame: BoardFrame): void {
    if (this.#conn !== conn) return;
    this.#keepAlive.heard();
    if (frame.type === 'hello') {
      this.#onHello(conn, frame);
      return;
    }
    if (frame.type === 'error') {
      this.#log.warn({ code: frame.code, frame: frame.frame }, `card link: the board reports an error: ${frame.message}`);
      this.#notify('protocolError', { code: frame.code, message: `board: ${frame.message}`, ...(frame.frame === undefined ? {} : { frame: frame.frame }) });
      if (!this.#up && frame.code === 'version') this.#drop(conn, `the board refused protocol version ${CARD_PROTOCOL_VERSION}: ${frame.message}`);
      return;
    }
    if (!this.#up) {
      this.#log.debug({ type: frame.type }, 'card link: frame before hello; dropped');
      return;
    }
    switch (frame.type) {
      case 'ack':
        if (!this.#book.ack(frame)) this.#log.debug({ id: frame.id }, 'card link: ack for no command in flight');
        return;
      case 'nak':
        if (!this.#book.nak(frame)) this.#log.debug({ id: frame.id, code: frame.code }, 'card link: nak for no command in flight');
        return;
      case 'event':
        this.#onEvent(conn, frame);
        return;
      case 'pong':
        return;
    }
  }

  #onHello(conn: BoardConnection, hello: BoardHello): void {
    if (hello.version !== CARD_PROTOCOL_VERSION) {
      const message = `protocol version ${hello.version} is not spoken here; expected ${CARD_PROTOCOL_VERSION}`;
      this.#protocolError(conn, { code: 'version', message });
      this.#drop(conn, `the board answered ${message}`);
      return;
    }
    this.#clock.clearTimeout(this.#helloTimer);
    this.#helloTimer = undefined;
    const board = hello.board;
    const statuses = new Map<number, ChannelStatus>();
    for (const status of hello.channels) {
      if (status.ch < board.channels) statuses.set(status.ch, status);
      else this.#log.warn({ ch: status.ch, channels: board.channels }, 'card link: hello reports a channel the board does not have; ignored');
    }
    while (this.#channels.length < board.channels) this.#channels.push(new CardChannelDriver(this.#channels.length, this.#host));
    const wasUp = this.#up;
    this.#board = board;
    this.#up = true;
    this.#attempt = 0;
    this.#log.info({ url: this.#options.url, model: board.model, channels: board.channels, reconnect: !wasUp && this.#firstUp === undefined }, 'card link up');
    const rings: [CardChannelDriver, RingInfo][] = [];
    this.#channels.forEach((channel, index) => {
      const status = index < board.channels ? (statuses.get(index) ?? missingStatus(this.#log, index)) : undefined;
      const ring = channel.restore(status, board.tapChannels.includes(index));
      if (ring) rings.push([channel, ring]);
    });
    this.#alarm(false, 'linkDown', `card link to ${this.#options.url} up`);
    if (!wasUp) this.#keepAlive.start();
    this.#notify('up', board);
    this.#firstUp?.resolve();
    this.#firstUp = undefined;
    for (const [channel, info] of rings) channel.announceRing(info);
  }

  #onEvent(conn: BoardConnection, event: CardEvent): void {
    const channel = event.ch < (this.#board?.channels ?? 0) ? this.#channels[event.ch] : undefined;
    if (!channel) {
      this.#protocolError(conn, { code: 'unknownChannel', message: `event ${event.event} for channel ${event.ch}, which the board does not have` });
      return;
    }
    if ('cmd' in event && event.event !== 'faxProgress') {
      const result = this.#book.complete(event as CompletionEvent);
      if (result === 'unknown') this.#log.debug({ ch: event.ch, cmd: event.cmd, event: event.event }, 'card link: completion of no operation in flight');
      if (result === 'mismatch') this.#protocolError(conn, { code: 'badMessage', message: `${event.event} on channel ${event.ch} names command ${event.cmd}, which is another operation` });
    }
    channel.event(event);
  }

  /** A frame that decoded but cannot be used: log, report, tell the board. */
  #protocolError(conn: BoardConnection, info: ProtocolErrorInfo & { code: 'version' | 'unknownChannel' | 'badMessage' }): void {
    this.#log.warn({ code: info.code }, `card link: ${info.message}`);
    this.#notify('protocolError', info);
    try {
      conn.send({ type: 'error', code: info.code, message: info.message });
    } catch {
      // Closed meanwhile: the close handler reports it.
    }
  }

  // ---- commands and keep-alive

  #submit(ch: number, body: Parameters<ChannelHost['submit']>[1]): ReturnType<ChannelHost['submit']> {
    const conn = this.#conn;
    if (!conn || !this.#up) return Promise.reject(new CardError('linkDown', `${body.op} on channel ${ch}: the card link is down`, ch));
    const { frame, outcome } = this.#book.register(ch, body);
    this.#log.debug({ ch, id: frame.id, op: frame.op }, 'card command');
    try {
      conn.send(frame);
    } catch (error) {
      this.#book.fail(frame.id, error as Error);
    }
    return outcome;
  }

  #ping(): void {
    const conn = this.#conn;
    if (!conn) return;
    try {
      conn.send({ type: 'ping', id: this.#book.nextId() });
    } catch (error) {
      this.#drop(conn, (error as Error).message);
    }
  }

  // ---- alarms and listeners

  #alarm(raised: boolean, code: CardAlarm['code'], message: string, channel?: number): void {
    const key = `${code}:${channel ?? ''}`;
    if (raised === this.#alarms.has(key)) return;
    const alarm: CardAlarm = { raised, code, message, at: this.#clock.now(), ...(channel === undefined ? {} : { channel }) };
    if (raised) this.#alarms.set(key, alarm);
    else this.#alarms.delete(key);
    this.#notify('alarm', alarm);
  }

  #chainFirstUp(resolve: () => void, reject: (error: Error) => void): void {
    const previous = this.#firstUp;
    this.#firstUp = {
      resolve: () => {
        previous?.resolve();
        resolve();
      },
      reject: (error) => {
        previous?.reject(error);
        reject(error);
      },
    };
  }

  /** Emits to listeners; one that throws is logged and does not stop the driver. */
  #notify<K extends keyof CardSetEvents>(name: K, ...args: CardSetEvents[K]): void {
    try {
      (this.emit as (name: K, ...args: CardSetEvents[K]) => boolean)(name, ...args);
    } catch (error) {
      this.#log.error({ err: error, event: name }, 'a CardSet listener threw; ignored');
    }
  }
}

function positive(name: string, value: number): number {
  if (!Number.isFinite(value) || value <= 0) throw new RangeError(`CardSetDriver: ${name} must be a positive number of milliseconds, got ${value}`);
  return value;
}

function missingStatus(log: Logger, ch: number): ChannelStatus {
  log.warn({ ch }, 'card link: hello left out a channel; taken as idle');
  return { ch, state: 'idle' };
}
