/**
 * A long operation running on a simulated channel (play, record, getDigits, dial, fax, tap): it is
 * started after its command was acked, keeps its own timers on the channel's clock, and ends once,
 * with its completion event, either by itself or from outside (stop, hang-up, fault).
 */
import type { FarEndMedia } from '../../../simulators/switch/lines/protocol.js';
import type { CardEvent, LONG_OPS, Law } from '../../../appliance/cards/protocol.js';
import type { Clock, TimerHandle } from '../../../appliance/runtime/clock.js';
import type { Logger } from '../../../appliance/runtime/logger.js';
import type { LineAudio } from '../line-audio.js';

export type LongOp = (typeof LONG_OPS)[number];
/** Why an operation is ended from outside. */
export type EndReason = 'stopped' | 'hangup' | 'error';

type DistributiveOmit<T, K extends PropertyKey> = T extends unknown ? Omit<T, K> : never;
/** An event as a channel reports it; the board adds `type` and `ch`. */
export type EventBody = DistributiveOmit<CardEvent, 'type' | 'ch'>;

/** DTMF the channel detected and no getDigits has taken yet. */
export class DigitBuffer {
  #digits = '';

  get text(): string {
    return this.#digits;
  }

  get length(): number {
    return this.#digits.length;
  }

  push(digit: string): void {
    this.#digits += digit;
  }

  /** Removes and returns the oldest digit. */
  take(): string | undefined {
    const first = this.#digits[0];
    this.#digits = this.#digits.slice(1);
    return first;
  }

  clear(): void {
    this.#digits = '';
  }
}

/** The call the channel's line is in, as far as the far end goes. */
export interface FarEnd {
  callID: string;
  media: FarEndMedia;
}

/** What an operation may use of its channel. */
export interface ChannelContext {
  readonly ch: number;
  readonly clock: Clock;
  readonly law: Law;
  readonly log: Logger;
  readonly digits: DigitBuffer;
  /** The far end while a call is connected. */
  farEnd(): FarEnd | undefined;
  /** What the line carries now (silence without a call). */
  lineAudio(): LineAudio;
  /** Sends digits down the line (nothing happens without a line). */
  lineDial(digits: string): void;
  /** Tells the far end a fax of `pages` pages (the TIFF `file`) went to it. */
  lineFax(file: string, pages: number): void;
  /** Notes a prompt as played on the channel (for tests). */
  notePlayed(file: string): void;
}

export interface OperationSink {
  /** A progress event of the operation (faxProgress). */
  progress(operation: Operation, body: EventBody): void;
  /** The completion event: the operation is over. */
  done(operation: Operation, body: EventBody): void;
}

export abstract class Operation {
  abstract readonly op: LongOp;
  protected readonly startedAt: number;
  readonly #timers = new Set<TimerHandle>();
  #finished = false;

  constructor(
    readonly cmd: number,
    protected readonly channel: ChannelContext,
    private readonly sink: OperationSink,
  ) {
    this.startedAt = channel.clock.now();
  }

  get finished(): boolean {
    return this.#finished;
  }

  abstract start(): void;

  /** Ends it from outside (stop, onhook, hang-up, fault, the host went away). */
  abstract end(reason: EndReason, error?: string): void;

  /** A DTMF digit was detected; it is already in the channel's digit buffer. */
  digit(_digit: string): void {}

  /** Milliseconds since the operation started, as an integer. */
  protected elapsed(): number {
    return Math.round(this.channel.clock.now() - this.startedAt);
  }

  protected after(ms: number, fn: () => void): void {
    const handle = this.channel.clock.setTimeout(() => {
      this.#timers.delete(handle);
      if (!this.#finished) fn();
    }, Math.max(0, ms));
    this.#timers.add(handle);
  }

  protected progress(body: EventBody): void {
    if (!this.#finished) this.sink.progress(this, body);
  }

  /** Sends the completion event once; later calls do nothing. */
  protected finish(body: EventBody): void {
    if (this.#finished) return;
    this.#finished = true;
    for (const handle of this.#timers) this.channel.clock.clearTimeout(handle);
    this.#timers.clear();
    this.sink.done(this, body);
  }
}

export function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
