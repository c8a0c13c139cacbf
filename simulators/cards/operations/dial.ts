/**
 * dial: DIAL_DIGIT_MS per digit, DIAL_PAUSE_MS per ",". Each run of digits between pauses goes
 * down the line when its last digit has been sent; dialDone comes when the whole string is out.
 */
import { DIAL_DIGIT_MS, DIAL_PAUSE_MS } from '../timing.js';
import { type ChannelContext, type EndReason, Operation, type OperationSink } from './operation.js';

/** When each run of digits is complete (ms from the start), and when the dial ends. */
export function dialSchedule(digits: string): { runs: { atMs: number; digits: string }[]; totalMs: number } {
  const runs: { atMs: number; digits: string }[] = [];
  let at = 0;
  let run = '';
  for (const char of digits) {
    if (char === ',') {
      if (run !== '') runs.push({ atMs: at, digits: run });
      run = '';
      at += DIAL_PAUSE_MS;
    } else {
      run += char;
      at += DIAL_DIGIT_MS;
    }
  }
  if (run !== '') runs.push({ atMs: at, digits: run });
  return { runs, totalMs: at };
}

export class DialOperation extends Operation {
  readonly op = 'dial';
  readonly #digits: string;

  constructor(cmd: number, channel: ChannelContext, sink: OperationSink, digits: string) {
    super(cmd, channel, sink);
    this.#digits = digits;
  }

  start(): void {
    const { runs, totalMs } = dialSchedule(this.#digits);
    for (const run of runs) this.after(run.atMs, () => this.channel.lineDial(run.digits));
    this.after(totalMs, () => this.#done('done'));
  }

  end(reason: EndReason): void {
    this.#done(reason === 'error' ? 'stopped' : reason);
  }

  #done(reason: 'done' | 'hangup' | 'stopped'): void {
    this.finish({ event: 'dialDone', cmd: this.cmd, reason });
  }
}
