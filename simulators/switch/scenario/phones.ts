/**
 * The scenario's phones: each reacts to what its own device reports. Delivered for its connection →
 * answer after a while; Established for its connection → transfer or hang up after a while. Timers
 * of a call that left the phone (cleared, diverted, ended) are cancelled so they never touch the
 * phone's next call.
 */
import type { TimerHandle } from '../../../appliance/runtime/clock.js';
import type { Logger } from '../../../appliance/runtime/logger.js';
import type { DeviceEvent } from '../model/api.js';
import type { ScenarioStats, ScriptableSwitch } from './runner.js';
import type { PhoneSpec } from './schema.js';

export interface PhoneBankContext {
  after(delayMs: number, fn: () => void): TimerHandle;
  cancel(handle: TimerHandle | undefined): void;
  stats: ScenarioStats;
  refused(what: string, error: unknown): void;
  log: Logger;
}

export class PhoneBank {
  readonly #sw: ScriptableSwitch;
  readonly #phones: Map<string, PhoneSpec>;
  readonly #ctx: PhoneBankContext;
  /** Pending timers by device, then by callID. */
  readonly #timers = new Map<string, Map<string, Set<TimerHandle>>>();
  readonly #onDeviceEvent = (device: string, event: DeviceEvent) => this.#react(device, event);
  readonly #onCallEnded = (info: { callID: string }) => {
    for (const device of this.#timers.keys()) this.#cancelCall(device, info.callID);
  };

  constructor(sw: ScriptableSwitch, phones: readonly PhoneSpec[], ctx: PhoneBankContext) {
    this.#sw = sw;
    this.#phones = new Map(phones.map((p) => [p.device, p]));
    this.#ctx = ctx;
  }

  attach(): void {
    if (this.#phones.size === 0) return;
    this.#sw.on('deviceEvent', this.#onDeviceEvent);
    this.#sw.on('callEnded', this.#onCallEnded);
  }

  detach(): void {
    this.#sw.off('deviceEvent', this.#onDeviceEvent);
    this.#sw.off('callEnded', this.#onCallEnded);
    for (const device of [...this.#timers.keys()]) this.#cancelCall(device, undefined);
  }

  #react(device: string, event: DeviceEvent): void {
    const phone = this.#phones.get(device);
    if (!phone) return;
    switch (event.type) {
      case 'DeliveredEvent':
        if (event.connection.deviceID === device && phone.answerAfterMs !== undefined) {
          this.#schedule(device, event.connection.callID, phone.answerAfterMs, () => {
            if (this.#act('answer', () => this.#sw.answerAt(device))) this.#ctx.stats.phoneAnswers++;
          });
        }
        return;
      case 'EstablishedEvent':
        if (event.establishedConnection.deviceID !== device) return;
        this.#cancelCall(device, event.establishedConnection.callID);
        if (phone.transferTo !== undefined) {
          const target = phone.transferTo;
          this.#schedule(device, event.establishedConnection.callID, phone.transferAfterMs ?? 0, () => {
            if (this.#act(`transfer to ${target}`, () => this.#sw.transferFrom(device, target))) this.#ctx.stats.transfers++;
          });
        } else if (phone.hangUpAfterMs !== undefined) {
          this.#schedule(device, event.establishedConnection.callID, phone.hangUpAfterMs, () => {
            if (this.#act('hang-up', () => this.#sw.hangUpAt(device))) this.#ctx.stats.phoneHangUps++;
          });
        }
        return;
      case 'ConnectionClearedEvent':
        if (event.droppedConnection.deviceID === device) this.#cancelCall(device, event.droppedConnection.callID);
        return;
      case 'DivertedEvent':
        if (event.connection.deviceID === device) this.#cancelCall(device, event.connection.callID);
        return;
      case 'TransferredEvent':
        return this.#follow(device, event.transferredConnections ?? []);
      case 'ConferencedEvent':
        return this.#follow(device, event.conferenceConnections ?? []);
      default:
    }
  }

  /** The phone's connection moved into another call (transfer, conference): its timers move with it. */
  #follow(device: string, moved: readonly { newConnection?: { callID: string; deviceID?: string }; oldConnection?: { callID: string } }[]): void {
    const byCall = this.#timers.get(device);
    if (!byCall) return;
    for (const { newConnection, oldConnection } of moved) {
      if (newConnection?.deviceID !== device || !oldConnection || oldConnection.callID === newConnection.callID) continue;
      const handles = byCall.get(oldConnection.callID);
      if (!handles) continue;
      byCall.delete(oldConnection.callID);
      const into = byCall.get(newConnection.callID);
      if (into) for (const handle of handles) into.add(handle);
      else byCall.set(newConnection.callID, handles);
    }
  }

  /** Runs one action of a phone; a refusal by the switch is counted and logged, not thrown. */
  #act(what: string, action: () => void): boolean {
    try {
      action();
      return true;
    } catch (error) {
      this.#ctx.refused(`phone ${what}`, error);
      return false;
    }
  }

  #schedule(device: string, callID: string, delayMs: number, fn: () => void): void {
    let byCall = this.#timers.get(device);
    if (!byCall) this.#timers.set(device, (byCall = new Map()));
    let handles = byCall.get(callID);
    if (!handles) byCall.set(callID, (handles = new Set()));
    const owned = handles;
    const handle = this.#ctx.after(delayMs, () => {
      owned.delete(handle);
      fn();
    });
    owned.add(handle);
  }

  /** Cancels the timers of `callID` at `device` (every call when undefined). */
  #cancelCall(device: string, callID: string | undefined): void {
    const byCall = this.#timers.get(device);
    if (!byCall) return;
    for (const [id, handles] of byCall) {
      if (callID !== undefined && id !== callID) continue;
      for (const handle of handles) this.#ctx.cancel(handle);
      byCall.delete(id);
    }
    if (byCall.size === 0) this.#timers.delete(device);
  }
}
