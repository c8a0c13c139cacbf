/**
 * Link supervision for the card link: a ping when nothing was heard from the board for one
 * interval; the link is dead when `missedLimit` pings in a row go unanswered (any frame answers).
 */
import type { Clock, TimerHandle } from '../runtime/clock.js';

export interface KeepAliveOptions {
  clock: Clock;
  intervalMs: number;
  missedLimit: number;
  ping(): void;
  dead(reason: string): void;
}

export class KeepAlive {
  readonly #options: KeepAliveOptions;
  #timer: TimerHandle | undefined;
  #lastHeard = 0;
  #unanswered = 0;

  constructor(options: KeepAliveOptions) {
    this.#options = options;
  }

  start(): void {
    this.stop();
    this.heard();
    this.#timer = this.#options.clock.setInterval(() => this.#tick(), this.#options.intervalMs);
    this.#timer.unref?.();
  }

  /** Something arrived from the board. */
  heard(): void {
    this.#lastHeard = this.#options.clock.now();
    this.#unanswered = 0;
  }

  stop(): void {
    this.#options.clock.clearInterval(this.#timer);
    this.#timer = undefined;
  }

  #tick(): void {
    const { clock, intervalMs, missedLimit } = this.#options;
    if (this.#unanswered >= missedLimit) {
      this.stop();
      this.#options.dead(`${this.#unanswered} pings unanswered`);
      return;
    }
    if (this.#unanswered === 0 && clock.now() - this.#lastHeard < intervalMs) return;
    this.#unanswered++;
    this.#options.ping();
  }
}
