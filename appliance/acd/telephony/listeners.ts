/** The telephony adapters' listeners on the link and on the engine, taken off together at stop. */
import type { PbxLinkEvents } from '../../csta/events.js';
import type { PbxLink } from '../../csta/pbx-link.js';
import type { AcdEngine } from '../engine.js';
import type { AcdEngineEvents } from '../events.js';

/** An adapter's listeners on the link and on the engine, taken off together. */
export class LinkAndEngineListeners {
  readonly #detach: (() => void)[] = [];

  constructor(
    private readonly link: PbxLink,
    private readonly engine: AcdEngine,
  ) {}

  readonly onLink = <K extends keyof PbxLinkEvents>(event: K, listener: (...args: PbxLinkEvents[K]) => void): void => {
    this.link.on(event, listener as never);
    this.#detach.push(() => this.link.off(event, listener as never));
  };

  readonly onEngine = <K extends keyof AcdEngineEvents>(event: K, listener: (...args: AcdEngineEvents[K]) => void): void => {
    this.engine.on(event, listener as never);
    this.#detach.push(() => this.engine.off(event, listener as never));
  };

  detachAll(): void {
    for (const detach of this.#detach.splice(0)) detach();
  }
}
