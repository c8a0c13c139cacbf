/**
 * What the far end of each call puts on the line (the caller's recorded voice, its fax machine), by
 * call ID. The scenario runner fills it as it places calls and moves an entry when a transfer gives
 * the caller's call another ID; the line server reads it when a port's call is connected.
 */
import type { FarEndMedia } from './protocol.js';

export class CallMediaBook {
  readonly #byCall = new Map<string, FarEndMedia>();

  set(callID: string, media: FarEndMedia): void {
    this.#byCall.set(callID, { ...media });
  }

  /** A copy of the call's media, or undefined when the call has none. */
  get(callID: string): FarEndMedia | undefined {
    const media = this.#byCall.get(callID);
    return media ? { ...media } : undefined;
  }

  /** The call continues under another ID (transfer, conference); nothing happens if it has no media. */
  move(fromCallID: string, toCallID: string): void {
    const media = this.#byCall.get(fromCallID);
    if (media === undefined || fromCallID === toCallID) return;
    this.#byCall.delete(fromCallID);
    this.#byCall.set(toCallID, media);
  }

  delete(callID: string): void {
    this.#byCall.delete(callID);
  }

  get size(): number {
    return this.#byCall.size;
  }
}
