/** Time as the appliance sees it. Injected everywhere so tests can use fake timers and the bench can scale time. */
export interface Clock {
  now(): number;
  setTimeout(fn: () => void, ms: number): TimerHandle;
  clearTimeout(handle: TimerHandle | undefined): void;
  setInterval(fn: () => void, ms: number): TimerHandle;
  clearInterval(handle: TimerHandle | undefined): void;
}

/** Opaque handle; unref() keeps a pending timer from holding the process open. */
export interface TimerHandle {
  unref?(): unknown;
}

/**
 * The real clock. It calls the global timer functions at call time (not at construction) so that
 * sinon fake timers installed after construction still take effect.
 */
export const systemClock: Clock = {
  now: () => Date.now(),
  setTimeout: (fn, ms) => globalThis.setTimeout(fn, ms),
  clearTimeout: (handle) => globalThis.clearTimeout(handle as NodeJS.Timeout | undefined),
  setInterval: (fn, ms) => globalThis.setInterval(fn, ms),
  clearInterval: (handle) => globalThis.clearInterval(handle as NodeJS.Timeout | undefined),
};

/**
 * Time running `factor` times faster than the real clock, for benches that compress minutes of
 * calls into seconds: now() advances factor ms per real ms from `epoch`, and a timer of `ms`
 * fires after ms / factor real milliseconds. Every party of a bench must use the same factor.
 */
export function scaledClock(factor: number, epoch = Date.now(), base: Clock = systemClock): Clock {
  if (!(factor > 0) || !Number.isFinite(factor)) throw new RangeError(`time scale must be a positive number, got ${factor}`);
  const realStart = base.now();
  return {
    now: () => epoch + (base.now() - realStart) * factor,
    setTimeout: (fn, ms) => base.setTimeout(fn, ms / factor),
    clearTimeout: (handle) => base.clearTimeout(handle),
    setInterval: (fn, ms) => base.setInterval(fn, Math.max(1, ms / factor)),
    clearInterval: (handle) => base.clearInterval(handle),
  };
}

/** The clock whose timers do not keep the process up: for servers whose listeners do that, so pending call timers cannot hold it open after they close. */
export function unrefTimers(base: Clock = systemClock): Clock {
  return {
    ...base,
    setTimeout: (fn, ms) => {
      const handle = base.setTimeout(fn, ms);
      handle.unref?.();
      return handle;
    },
    setInterval: (fn, ms) => {
      const handle = base.setInterval(fn, ms);
      handle.unref?.();
      return handle;
    },
  };
}
