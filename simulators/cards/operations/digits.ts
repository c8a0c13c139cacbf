/**
 * getDigits: takes the digit buffer first (digit by digit, applying max and terminators), then
 * waits for more: firstDigitMs for the first digit, interDigitMs after each one.
 */
import { type ChannelContext, type EndReason, Operation, type OperationSink } from './operation.js';

export interface DigitsRequest {
  max: number;
  firstDigitMs: number;
  interDigitMs: number;
  terminators: string;
}

type DigitsReason = 'max' | 'terminator' | 'firstTimeout' | 'interTimeout' | 'stopped' | 'hangup';

export class GetDigitsOperation extends Operation {
  readonly op = 'getDigits';
  readonly #request: DigitsRequest;
  #collected = '';
  /** Bumped on every digit, so only the newest wait's timer ends the collection. */
  #wait = 0;

  constructor(cmd: number, channel: ChannelContext, sink: OperationSink, request: DigitsRequest) {
    super(cmd, channel, sink);
    this.#request = request;
  }

  start(): void {
    if (this.#consume()) return;
    this.#waitForDigit();
  }

  override digit(): void {
    if (this.#consume()) return;
    this.#waitForDigit();
  }

  end(reason: EndReason): void {
    // A fault is not a reason getDigits can give: the host sees the fault event and takes the channel out anyway.
    this.#done(reason === 'error' ? 'stopped' : reason);
  }

  /** Takes buffered digits; true when that ended the collection. */
  #consume(): boolean {
    for (let digit = this.channel.digits.take(); digit !== undefined; digit = this.channel.digits.take()) {
      if (this.#request.terminators.includes(digit)) {
        this.#done('terminator');
        return true;
      }
      this.#collected += digit;
      if (this.#collected.length >= this.#request.max) {
        this.#done('max');
        return true;
      }
    }
    return false;
  }

  #waitForDigit(): void {
    const first = this.#collected.length === 0;
    const wait = ++this.#wait;
    const ms = first ? this.#request.firstDigitMs : this.#request.interDigitMs;
    if (ms === 0) return this.#done(first ? 'firstTimeout' : 'interTimeout');
    this.after(ms, () => {
      if (wait === this.#wait) this.#done(first ? 'firstTimeout' : 'interTimeout');
    });
  }

  #done(reason: DigitsReason): void {
    this.finish({ event: 'digitsDone', cmd: this.cmd, reason, digits: this.#collected });
  }
}
