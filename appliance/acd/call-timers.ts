/** The timers of a waiting call: maximum wait, penalty steps, announcements, the pause after a missed offer. */
import type { Clock } from '../runtime/clock.js';
import type { AcdCall } from './model.js';
import type { AcdQueue } from './queue.js';

export interface CallTimerHooks {
  clock: Clock;
  /** Runs timer work as one engine input (its batch). */
  batch(work: () => void): void;
  maxWait(call: AcdCall, queue: AcdQueue): void;
  /** The call waited long enough for the next penalty rule: the queue needs a look. */
  penaltyStep(queue: AcdQueue): void;
  announce(call: AcdCall, queue: AcdQueue): void;
  periodic(call: AcdCall, queue: AcdQueue, prompt: string): void;
}

export class CallTimers {
  constructor(private readonly hooks: CallTimerHooks) {}

  /** The timers of a caller waiting on the line (callbacks and outbound calls have none). */
  start(call: AcdCall, queue: AcdQueue): void {
    const { config } = queue;
    if (call.kind !== 'inbound') return;
    if (config.maxWaitSeconds !== undefined) this.#after(call, config.maxWaitSeconds * 1000, () => this.hooks.maxWait(call, queue));
    for (const rule of config.penaltyRules) if (rule.afterSeconds > 0) this.#after(call, rule.afterSeconds * 1000, () => this.hooks.penaltyStep(queue));
    if (config.announce.positionEverySeconds > 0) this.#every(call, config.announce.positionEverySeconds * 1000, () => this.hooks.announce(call, queue));
    const { periodicPrompt, periodicEverySeconds } = config.announce;
    if (periodicPrompt !== undefined && periodicEverySeconds > 0) this.#every(call, periodicEverySeconds * 1000, () => this.hooks.periodic(call, queue, periodicPrompt));
  }

  /** Wakes the queue at `at` (now, when that has passed). */
  wakeAt(call: AcdCall, queue: AcdQueue, at: number): void {
    const ms = at - this.hooks.clock.now();
    if (ms <= 0) this.hooks.penaltyStep(queue);
    else this.#after(call, ms, () => this.hooks.penaltyStep(queue));
  }

  clear(call: AcdCall): void {
    for (const timer of call.timers) {
      this.hooks.clock.clearTimeout(timer);
      this.hooks.clock.clearInterval(timer);
    }
    call.timers = [];
  }

  #after(call: AcdCall, ms: number, fn: () => void): void {
    call.timers.push(this.hooks.clock.setTimeout(() => this.hooks.batch(fn), ms));
  }

  #every(call: AcdCall, ms: number, fn: () => void): void {
    call.timers.push(this.hooks.clock.setInterval(() => this.hooks.batch(fn), ms));
  }
}
