/**
 * Real time for tests that fake the timer functions: captured when this module loads, before any
 * sinon clock is installed, so socket I/O can be waited for while fake time stands still.
 */
const realSetTimeout = globalThis.setTimeout;

export const realDelay = (ms: number) => new Promise((resolve) => realSetTimeout(resolve, ms));

/** Moves sinon fake time forward `ms` in steps of `step`, letting socket I/O through between steps. */
export async function advanceWithIo(clock: { tickAsync(ms: number): Promise<number> }, ms: number, step: number): Promise<void> {
  for (let done = 0; done < ms; done += step) {
    await realDelay(0);
    await realDelay(0);
    await clock.tickAsync(Math.min(step, ms - done));
  }
  await realDelay(1);
}
