/**
 * The card simulator's end of the line link: connects to the switch simulator's line server,
 * attaches the analog ports, and passes on what the switch says about them. When the link goes it
 * reports `down` and reconnects after 1, 2, 4 … s (at most LINE_RECONNECT_MAX_MS), attaching the
 * same ports again.
 */
import { EventEmitter } from 'node:events';
import { JsonLineDecoder, encodeJsonLine } from '../../appliance/cards/framing.js';
import type { Clock, TimerHandle } from '../../appliance/runtime/clock.js';
import type { Logger } from '../../appliance/runtime/logger.js';
import { openStream } from '../../appliance/transport/connect.js';
import type { ByteStream } from '../../appliance/transport/stream.js';
import { type LineToSwitch, type SwitchToLine, switchToLineSchema } from '../switch/lines/protocol.js';
import { LINE_RECONNECT_INITIAL_MS, LINE_RECONNECT_MAX_MS } from './timing.js';

export interface LineClientOptions {
  url: string;
  /** Ports to attach; absent: every analog port the switch offers. */
  ports?: string[] | undefined;
  clock: Clock;
  logger: Logger;
}

export interface LineClientEvents {
  /** The switch attached these ports (in the order the channels take them). */
  up: [ports: string[]];
  down: [reason: string];
  /** A message about a port (everything after `attached`). */
  message: [message: SwitchToLine];
}

export class LineClient extends EventEmitter<LineClientEvents> {
  readonly #options: LineClientOptions;
  readonly #log: Logger;
  #stream: ByteStream | undefined;
  #up = false;
  #closed = false;
  #delayMs = LINE_RECONNECT_INITIAL_MS;
  #retry: TimerHandle | undefined;
  #failures = 0;

  constructor(options: LineClientOptions) {
    super();
    this.#options = options;
    this.#log = options.logger.child({ module: 'sim.cards.line', switch: options.url });
  }

  get isUp(): boolean {
    return this.#up;
  }

  start(): void {
    void this.#connect();
  }

  send(message: LineToSwitch): void {
    const stream = this.#stream;
    if (!this.#up || !stream?.isOpen) return;
    try {
      stream.write(encodeJsonLine(message));
    } catch (error) {
      this.#log.debug({ err: (error as Error).message, message }, 'line link gone while sending');
    }
  }

  async close(): Promise<void> {
    this.#closed = true;
    this.#options.clock.clearTimeout(this.#retry);
    this.#retry = undefined;
    await this.#stream?.close();
  }

  async #connect(): Promise<void> {
    this.#retry = undefined;
    let stream: ByteStream;
    try {
      stream = await openStream(this.#options.url, { clock: this.#options.clock });
    } catch (error) {
      if (this.#failures++ === 0) this.#log.warn({ err: (error as Error).message }, 'cannot reach the switch line link; retrying');
      return this.#scheduleRetry();
    }
    if (this.#closed) {
      await stream.close();
      return;
    }
    this.#failures = 0;
    this.#stream = stream;
    const decoder = new JsonLineDecoder({
      line: (text) => this.#receive(text),
      oversize: (preview, length) => this.#log.warn({ preview, length }, 'line-link frame too long: dropped'),
    });
    stream.on('data', (chunk) => decoder.push(chunk));
    stream.once('close', (reason) => this.#lost(reason?.message ?? 'closed'));
    const ports = this.#options.ports;
    try {
      stream.write(encodeJsonLine({ t: 'attach', ...(ports ? { ports } : {}) } satisfies LineToSwitch));
    } catch (error) {
      this.#log.debug({ err: (error as Error).message }, 'line link closed before attach');
    }
  }

  #receive(text: string): void {
    let parsed;
    try {
      parsed = switchToLineSchema.safeParse(JSON.parse(text));
    } catch (error) {
      this.#log.warn({ frame: text.slice(0, 200), err: (error as Error).message }, 'line-link frame is not JSON: dropped');
      return;
    }
    if (!parsed.success) {
      this.#log.warn({ frame: text.slice(0, 200), problems: parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`) }, 'not a line-link message: dropped');
      return;
    }
    const message = parsed.data;
    if (message.t === 'refused') {
      this.#log.info({ port: message.port, reason: message.reason }, 'the switch refused a line request');
      return;
    }
    if (message.t === 'attached') {
      if (this.#up) return;
      this.#up = true;
      this.#delayMs = LINE_RECONNECT_INITIAL_MS;
      this.#log.info({ ports: message.ports }, 'line link up');
      this.#emitSafely('up', message.ports);
      return;
    }
    if (this.#up) this.#emitSafely('message', message);
  }

  #lost(reason: string): void {
    this.#stream = undefined;
    const wasUp = this.#up;
    this.#up = false;
    if (this.#closed) return;
    if (wasUp) {
      this.#log.warn({ reason }, 'line link down');
      this.#emitSafely('down', reason);
    }
    this.#scheduleRetry();
  }

  #scheduleRetry(): void {
    if (this.#closed) return;
    const delay = this.#delayMs;
    this.#delayMs = Math.min(this.#delayMs * 2, LINE_RECONNECT_MAX_MS);
    this.#retry = this.#options.clock.setTimeout(() => void this.#connect(), delay);
    this.#retry.unref?.();
  }

  #emitSafely<K extends keyof LineClientEvents>(event: K, ...args: LineClientEvents[K]): void {
    try {
      (this.emit as (event: K, ...args: LineClientEvents[K]) => boolean)(event, ...args);
    } catch (error) {
      this.#log.error({ event, err: (error as Error).message }, 'line client listener failed');
    }
  }
}
