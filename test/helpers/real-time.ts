/**
 * Real time for tests that fake the timer functions: captured when this module loads, before any
 * sinon clock is installed, so socket I/O can be waited for while fake time stands still.
 */
const realSetTimeout = globalThis.setTimeout;

export const realDelay = (ms: number) => new Promise((resolve) => realSetTimeout(resolve, ms));
