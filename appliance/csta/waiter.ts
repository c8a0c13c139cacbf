/**
 * Request/response matching. A pending request is found by its invoke ID or, on framings that carry
 * none, as the oldest pending request the response answers. The timeout error is created when the
 * request is sent, so its stack points at the caller.
 */
import type { Clock, TimerHandle } from '../runtime/clock.js';
import { CstaError } from './errors.js';
import type { CstaMessage } from './messages.js';
import { requestNameOfResponse } from './messages.js';

interface Pending {
  invokeId: number;
  service: string;
  resolve(message: CstaMessage): void;
  reject(error: Error): void;
  timer: TimerHandle;
}

export class ResponseWaiter {
  readonly #clock: Clock;
  readonly #pending = new Map<number, Pending>();

  constructor(clock: Clock) {
    this.#clock = clock;
  }

  get size(): number {
    return this.#pending.size;
  }

  has(invokeId: number): boolean {
    return this.#pending.has(invokeId);
  }

  /** Registers a request about to be sent. The promise settles with the answer or a timeout CstaError. */
  wait(invokeId: number, service: string, timeoutMs: number): Promise<CstaMessage> {
    const timeoutError = new CstaError('timeout', 'noResponse', service, `${service}: no response within ${timeoutMs} ms`);
    return new Promise<CstaMessage>((resolve, reject) => {
      const timer = this.#clock.setTimeout(() => {
        this.#pending.delete(invokeId);
        reject(timeoutError);
      }, timeoutMs);
      timer.unref?.();
      this.#pending.set(invokeId, { invokeId, service, resolve, reject, timer });
    });
  }

  /**
   * Settles the request `message` answers. Returns false when nothing was waiting for it (a late
   * answer after a timeout, or a stray frame).
   */
  settle(message: CstaMessage, invokeId: number | undefined): boolean {
    const pending = invokeId === undefined ? this.#oldestFor(message) : this.#pending.get(invokeId);
    if (!pending) return false;
    this.#clock.clearTimeout(pending.timer);
    this.#pending.delete(pending.invokeId);
    pending.resolve(message);
    return true;
  }

  /** Forgets a request that never went out; its promise is left unsettled. */
  cancel(invokeId: number): void {
    const pending = this.#pending.get(invokeId);
    if (!pending) return;
    this.#clock.clearTimeout(pending.timer);
    this.#pending.delete(invokeId);
  }

  /** Fails every pending request, e.g. when the link goes down. */
  rejectAll(makeError: (service: string) => Error): void {
    const all = [...this.#pending.values()];
    this.#pending.clear();
    for (const pending of all) {
      this.#clock.clearTimeout(pending.timer);
      pending.reject(makeError(pending.service));
    }
  }

  #oldestFor(message: CstaMessage): Pending | undefined {
    const service = message.type === 'CSTAErrorCode' ? undefined : requestNameOfResponse(message.type);
    for (const pending of this.#pending.values()) {
      if (service === undefined || pending.service === service) return pending;
    }
    return undefined;
  }
}

/** Our invoke IDs cycle 0001..8999 (9999 marks events), skipping any still waiting for an answer. */
export class InvokeIdCounter {
  #last = 0;

  next(inUse: (id: number) => boolean): number {
    for (let tries = 0; tries < 8999; tries++) {
      this.#last = this.#last >= 8999 ? 1 : this.#last + 1;
      if (!inUse(this.#last)) return this.#last;
    }
    throw new CstaError('systemResourceAvailability', 'outstandingRequestLimitExceeded', 'invoke', 'all 8999 invoke IDs are waiting for answers');
  }
}
