/** The card simulator: a voice/fax board on the card link, its channels wired to the switch simulator's analog ports. */
export { startCardSimulator, type CardSimulator, type CardSimulatorEvents, type CardSimulatorOptions } from './simulator.js';
export { dialSchedule } from './operations/dial.js';
export * from './timing.js';
