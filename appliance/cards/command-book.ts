/**
 * Commands in flight on the card link. Every command waits for its ack or nak within the ack
 * timeout (the timeout error is made when the command is registered, so its stack names the
 * caller); a long operation then waits, without a time limit, for the completion event that
 * names it in `cmd`.
 */
import type { Clock, TimerHandle } from '../runtime/clock.js';
import { CardError } from './api.js';
import { type BoardFrame, type CardCommand, type CardEvent, type CardEventName, type CardOp, LONG_OPS, commandSchema } from './protocol.js';

export type AckFrame = Extract<BoardFrame, { type: 'ack' }>;
export type NakFrame = Extract<BoardFrame, { type: 'nak' }>;
/** Events that end a long operation. */
export type CompletionEvent = Exclude<Extract<CardEvent, { cmd: number }>, { event: 'faxProgress' }>;
export type CompletionName = CompletionEvent['event'];

type DistributiveOmit<T, K extends PropertyKey> = T extends unknown ? Omit<T, K> : never;
/** A command as a channel asks for it: the book adds type, id and channel. Args are checked here. */
export type CommandBody = DistributiveOmit<CardCommand, 'type' | 'id' | 'ch'>;

export type CommandOutcome = { kind: 'ack'; ack: AckFrame } | { kind: 'done'; event: CompletionEvent };

/** The event that ends each long operation. */
export const COMPLETION_OF: Readonly<Record<(typeof LONG_OPS)[number], CompletionName>> = {
  dial: 'dialDone',
  play: 'playDone',
  record: 'recordDone',
  getDigits: 'digitsDone',
  sendFax: 'faxDone',
  receiveFax: 'faxDone',
  tapStart: 'recordDone',
};

const isLongOp = (op: CardOp): op is (typeof LONG_OPS)[number] => (LONG_OPS as readonly string[]).includes(op);

interface Pending {
  readonly id: number;
  readonly ch: number;
  readonly op: CardOp;
  readonly completion: CardEventName | undefined;
  acked: boolean;
  timer: TimerHandle | undefined;
  resolve(outcome: CommandOutcome): void;
  reject(error: Error): void;
}

const MAX_ID = 2 ** 31 - 1;

export class CommandBook {
  readonly #clock: Clock;
  readonly #ackTimeoutMs: number;
  readonly #pending = new Map<number, Pending>();
  #lastId = 0;

  constructor(clock: Clock, ackTimeoutMs: number) {
    this.#clock = clock;
    this.#ackTimeoutMs = ackTimeoutMs;
  }

  get size(): number {
    return this.#pending.size;
  }

  /** The next command (or ping) ID: increasing, wrapping to 1, skipping IDs still in flight. */
  nextId(): number {
    do {
      this.#lastId = this.#lastId >= MAX_ID ? 1 : this.#lastId + 1;
    } while (this.#pending.has(this.#lastId));
    return this.#lastId;
  }

  /**
   * Checks the command and registers it under a new ID. Returns the frame to send and the promise
   * of its outcome; a command that fails its schema throws CardError('badMessage') here.
   */
  register(ch: number, body: CommandBody): { frame: CardCommand; outcome: Promise<CommandOutcome> } {
    const id = this.nextId();
    const parsed = commandSchema.safeParse({ type: 'cmd', id, ch, ...body });
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      const where = issue && issue.path.length > 0 ? `${issue.path.join('.')}: ` : '';
      throw new CardError('badMessage', `${body.op} on channel ${ch}: ${where}${issue?.message ?? 'invalid'}`, ch);
    }
    const frame = parsed.data;
    const timeoutError = new CardError('timeout', `${frame.op} on channel ${ch}: no ack within ${this.#ackTimeoutMs} ms`, ch);
    const outcome = new Promise<CommandOutcome>((resolve, reject) => {
      const timer = this.#clock.setTimeout(() => {
        this.#pending.delete(id);
        reject(timeoutError);
      }, this.#ackTimeoutMs);
      timer.unref?.();
      const completion = isLongOp(frame.op) ? COMPLETION_OF[frame.op] : undefined;
      this.#pending.set(id, { id, ch, op: frame.op, completion, acked: false, timer, resolve, reject });
    });
    return { frame, outcome };
  }

  /** The board accepted command `ack.id`. False when nothing waits for it (late or stray). */
  ack(ack: AckFrame): boolean {
    const pending = this.#pending.get(ack.id);
    if (!pending || pending.acked) return false;
    this.#stopTimer(pending);
    pending.acked = true;
    if (pending.completion === undefined) {
      this.#pending.delete(pending.id);
      pending.resolve({ kind: 'ack', ack });
    }
    return true;
  }

  nak(nak: NakFrame): boolean {
    const pending = this.#pending.get(nak.id);
    if (!pending || pending.acked) return false;
    this.#settle(pending, new CardError(nak.code, `${pending.op} on channel ${pending.ch}: ${nak.message}`, pending.ch));
    return true;
  }

  /**
   * A completion event. 'done' settled its operation; 'unknown' matched nothing in flight;
   * 'mismatch' named an operation of another kind or channel (that operation fails with badMessage).
   */
  complete(event: CompletionEvent): 'done' | 'unknown' | 'mismatch' {
    const pending = this.#pending.get(event.cmd);
    if (!pending || pending.completion === undefined) return 'unknown';
    if (pending.ch !== event.ch || pending.completion !== event.event) {
      const error = new CardError('badMessage', `${pending.op} on channel ${pending.ch}: ended by ${event.event} for channel ${event.ch}`, pending.ch);
      this.#settle(pending, error);
      return 'mismatch';
    }
    this.#stopTimer(pending);
    this.#pending.delete(pending.id);
    pending.resolve({ kind: 'done', event });
    return 'done';
  }

  /** Fails a command that could not be sent. */
  fail(id: number, error: Error): void {
    const pending = this.#pending.get(id);
    if (pending) this.#settle(pending, error);
  }

  /** Fails every command in flight on channel `ch`. */
  rejectChannel(ch: number, error: CardError): void {
    for (const pending of [...this.#pending.values()]) if (pending.ch === ch) this.#settle(pending, error);
  }

  rejectAll(makeError: (ch: number) => CardError): void {
    for (const pending of [...this.#pending.values()]) this.#settle(pending, makeError(pending.ch));
  }

  #settle(pending: Pending, error: Error): void {
    this.#stopTimer(pending);
    this.#pending.delete(pending.id);
    pending.reject(error);
  }

  #stopTimer(pending: Pending): void {
    this.#clock.clearTimeout(pending.timer);
    pending.timer = undefined;
  }
}
