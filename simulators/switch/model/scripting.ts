/** What callers outside and people at the phones do: the scripting API's operations on the call model. */
import { SwitchError } from './api.js';
import { locateAtPhone, reconnect, retrieveConnection, sendDigits } from './basic-calls.js';
import type { Parts } from './context.js';
import type { Call, Connection } from './core.js';
import { answerConnection, clearConnection } from './lifecycle.js';
import { offer } from './offer.js';
import { consult, transfer } from './transfers.js';

/** An outside caller `from` dials the DID `to` on `trunk` (default: the trunk that owns the DID). */
export function placeInboundCall(parts: Parts, args: { from: string; to: string; trunk?: string }): Call {
  const { directory } = parts.core;
  if (args.trunk !== undefined && !directory.trunk(args.trunk)) throw new SwitchError('operation', 'invalidDeviceID', `no trunk ${args.trunk}`);
  const did = directory.did(args.to);
  if (!did) throw new SwitchError('operation', 'invalidDestination', `${args.to} is not a DID of this switch`);
  if (!/^\+?[0-9]{1,24}$/.test(args.from)) throw new SwitchError('operation', 'invalidCallingDevice', `caller ID "${args.from}" is not a number`);
  const trunk = args.trunk ?? did.trunk;
  const caller: Connection = { device: trunk, shown: args.from, external: true, state: 'connected', cause: 'newCall' };
  const call = parts.core.newCall({ callingDevice: args.from, calledDevice: did.destination, networkCalledDevice: args.to }, caller);
  offer(parts, call, directory.resolve(did.destination), 'newCall');
  return call;
}

function outsideParty(parts: Parts, callID: string): { call: Call; connection: Connection } {
  const call = parts.core.call(callID);
  const connection = call.connections.find((c) => c.external);
  if (!connection) throw new SwitchError('operation', 'invalidCallID', `call ${callID} has no outside party`);
  return { call, connection };
}

export function hangUpExternal(parts: Parts, callID: string): void {
  const { call, connection } = outsideParty(parts, callID);
  clearConnection(parts, call, connection);
}

export function sendExternalDigits(parts: Parts, callID: string, digits: string): void {
  const { call, connection } = outsideParty(parts, callID);
  sendDigits(parts, call, connection, digits);
}

export function answerExternal(parts: Parts, callID: string): void {
  const { call, connection } = outsideParty(parts, callID);
  if (connection.state !== 'alerting') throw new SwitchError('operation', 'noCallToAnswer', `the outside party of ${callID} is not ringing`);
  answerConnection(parts, call, connection);
}

interface PendingTransfer {
  device: string;
  held: Call;
  consultation: Call;
}

/** Transfers started at a phone that complete when the consulted party answers. */
export class PhoneTransfers {
  readonly #pending: PendingTransfer[] = [];

  constructor(readonly parts: Parts) {
    parts.core.addSettler(() => this.#settle());
  }

  /** The user at `device` consults `target` about the call in conversation; the transfer completes on answer. */
  start(device: string, target: string): void {
    const { core } = this.parts;
    core.directory.requireStation(device);
    const active = core.connectionsAt(device).find(({ connection }) => connection.state === 'connected');
    if (!active) throw new SwitchError('stateIncompatibility', 'noActiveCall', `${device} has no call in conversation`);
    const consultation = consult(this.parts, { callID: active.call.id, deviceID: device }, target);
    this.#pending.push({ device, held: active.call, consultation });
  }

  #settle(): boolean {
    let acted = false;
    for (const pending of [...this.#pending]) {
      const outcome = this.#step(pending);
      if (outcome === 'waiting') continue;
      this.#pending.splice(this.#pending.indexOf(pending), 1);
      acted = acted || outcome === 'acted';
    }
    return acted;
  }

  #step({ device, held, consultation }: PendingTransfer): 'waiting' | 'acted' | 'dropped' {
    const { core } = this.parts;
    const heldId = { callID: held.id, deviceID: device };
    const consultId = { callID: consultation.id, deviceID: device };
    const heldHere = core.calls.has(held.id) && held.connections.some((c) => c.device === device && c.state === 'hold');
    const consulting = core.calls.has(consultation.id) && consultation.connections.some((c) => c.device === device);
    if (!heldHere) return 'dropped';
    if (!consulting) {
      if (core.isBusy(device)) return 'dropped';
      retrieveConnection(this.parts, locateAtPhone(core, heldId, ['hold']), 'normal');
      return 'acted';
    }
    const others = consultation.connections.filter((c) => c.device !== device);
    if (others.some((c) => c.state === 'connected')) {
      transfer(this.parts, heldId, consultId);
      return 'acted';
    }
    if (others.length === 0) {
      reconnect(this.parts, consultId, heldId);
      return 'acted';
    }
    return 'waiting';
  }
}
