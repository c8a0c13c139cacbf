/**
 * What one analog port's line hears, worked out from the port's calls in the model: it compares
 * the calls now with what it last told the line and says what changed (ring, ringStop, connected,
 * disconnect). Working from the state rather than from single events means the steps inside one
 * switch operation (a transfer, a flash-back) never reach the line as flickers.
 */
import type { LineCall } from '../model/api.js';
import type { CallMediaBook } from './media-book.js';
import type { SwitchToLine } from './protocol.js';

export class PortLine {
  #ringing: string | undefined;
  #talking: string | undefined;
  /** The dialled call whose failure the line has heard about (once per call). */
  #failedHeard: string | undefined;
  /** The loop as the line left it: open until offhook, or until the switch connects the port itself. */
  #onHook = true;

  constructor(readonly port: string) {}

  get talkingCallID(): string | undefined {
    return this.#talking;
  }

  /** The line closed (offhook, flash, dial) or opened (onhook) the loop. */
  setOnHook(onHook: boolean): void {
    this.#onHook = onHook;
  }

  /** The messages that bring the line from what it last heard to `calls`. */
  update(calls: readonly LineCall[], media: CallMediaBook): SwitchToLine[] {
    const { port } = this;
    const out: SwitchToLine[] = [];
    const ringing = calls.find((c) => c.state === 'alerting');
    const active = calls.find((c) => c.state === 'connected');
    const talking = active?.others.some((o) => o.state === 'connected') ? active : undefined;

    if (ringing && ringing.callID !== this.#ringing) {
      const dnis = ringing.networkCalledDevice ?? ringing.calledDevice;
      out.push({ t: 'ring', port, callID: ringing.callID, callerId: ringing.callingDevice, ...(dnis ? { dnis } : {}) });
    } else if (!ringing && this.#ringing !== undefined && talking?.callID !== this.#ringing) {
      out.push({ t: 'ringStop', port });
    }
    this.#ringing = ringing?.callID;

    let farEndGone = false;
    if (talking && talking.callID !== this.#talking) {
      this.#onHook = false;
      const remote = talking.others.find((o) => o.state === 'connected')?.shown;
      out.push({ t: 'connected', port, callID: talking.callID, ...(remote !== undefined ? { remote } : {}), media: media.get(talking.callID) ?? {} });
    } else if (!talking && this.#talking !== undefined) {
      farEndGone = !calls.some((c) => c.callID === this.#talking && c.state === 'hold');
    }
    this.#talking = talking?.callID;
    // A call the line dialled that lost its far end before an answer (busy, cleared) is heard once.
    if (active && !talking && active.others.length === 0 && this.#failedHeard !== active.callID) {
      this.#failedHeard = active.callID;
      farEndGone = true;
    }
    if (farEndGone && !this.#onHook) out.push({ t: 'disconnect', port });
    return out;
  }
}
