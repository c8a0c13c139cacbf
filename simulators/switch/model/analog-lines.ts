/**
 * The line side of an analog port: the loop closed (off hook) or open, hook flash and dialling, as a
 * voice-card channel on the port does them. Flash puts the call on hold for a consultation; going
 * on hook while consulting transfers the held call to the consulted party, ringing or answered
 * (how an analog IVR port transfers); a held call left behind rings the port again (recall).
 */
import { type LineCall, SwitchError } from './api.js';
import { holdConnection, makeCall, originate, retrieveConnection, sendDigits } from './basic-calls.js';
import type { Parts } from './context.js';
import { defined } from './context.js';
import type { Call, Connection, Located } from './core.js';
import { answerConnection, clearConnection } from './lifecycle.js';
import { numberOf, offer } from './offer.js';
import { transfer } from './transfers.js';

const onHook = (device: string) => new SwitchError('stateIncompatibility', 'invalidObjectState', `${device} is on hook`);

/** The port's connections: ringing, active (talking or dialling), held. */
function linesAt(parts: Parts, device: string): { ringing?: Located; active?: Located; held?: Located } {
  parts.core.directory.requireStation(device);
  const found = parts.core.connectionsAt(device);
  const inState = (...states: Connection['state'][]) => found.find(({ connection }) => states.includes(connection.state));
  return defined({ ringing: inState('alerting'), active: inState('connected', 'initiated', 'fail'), held: inState('hold') });
}

export function offHookAt(parts: Parts, device: string): 'answered' | 'dialTone' {
  const { core } = parts;
  const { ringing } = linesAt(parts, device);
  if (core.offHook.has(device)) throw new SwitchError('stateIncompatibility', 'invalidObjectState', `${device} is already off hook`);
  core.offHook.add(device);
  core.touch(device);
  if (!ringing) return 'dialTone';
  answerConnection(parts, ringing.call, ringing.connection);
  return 'answered';
}

export function onHookAt(parts: Parts, device: string): 'idle' | 'cleared' | 'transferred' | 'recall' {
  const { core } = parts;
  const { active, held } = linesAt(parts, device);
  core.offHook.delete(device);
  core.touch(device);
  if (held && active && active.connection.state === 'connected' && active.call.connections.length >= 2) {
    transfer(parts, { callID: held.call.id, deviceID: device }, { callID: active.call.id, deviceID: device });
    return 'transferred';
  }
  if (active) clearConnection(parts, active.call, active.connection);
  if (held && core.calls.has(held.call.id)) {
    recall(parts, held.call, held.connection);
    return 'recall';
  }
  return active ? 'cleared' : 'idle';
}

export function flashAt(parts: Parts, device: string): 'held' | 'retrieved' {
  const { core } = parts;
  const { active, held } = linesAt(parts, device);
  if (held) {
    if (active) clearConnection(parts, active.call, active.connection);
    core.offHook.add(device);
    retrieveConnection(parts, held, 'normal');
    return 'retrieved';
  }
  if (active?.connection.state !== 'connected') {
    throw new SwitchError('stateIncompatibility', 'noActiveCall', `${device} has no call to put on hold`);
  }
  core.offHook.add(device);
  holdConnection(parts, active, 'consultation');
  return 'held';
}

export function dialAt(parts: Parts, device: string, digits: string): { action: 'consultation' | 'digits' | 'call'; callID: string } {
  const { core } = parts;
  const { active, held } = linesAt(parts, device);
  if (held && !active) return { action: 'consultation', callID: consultFromHold(parts, device, digits).id };
  if (active) {
    sendDigits(parts, active.call, active.connection, digits);
    return { action: 'digits', callID: active.call.id };
  }
  if (!core.offHook.has(device)) throw onHook(device);
  return { action: 'call', callID: makeCall(parts, device, digits)?.id ?? '' };
}

/** After a flash: the port dials the consultation target while its call waits on hold. */
function consultFromHold(parts: Parts, device: string, target: string): Call {
  const destination = parts.core.directory.resolve(target);
  if (numberOf(destination) === device) throw new SwitchError('operation', 'invalidDestination', `${device} cannot consult itself`);
  return originate(parts, device, target, 'consultation', (call) => offer(parts, call, destination, 'newCall'));
}

/** The held call rings the port again (Delivered, cause recall). */
function recall(parts: Parts, call: Call, connection: Connection): void {
  connection.state = 'alerting';
  parts.core.report(call, (local) =>
    defined({
      type: 'DeliveredEvent' as const,
      connection: { callID: call.id, deviceID: connection.device },
      alertingDevice: connection.device,
      callingDevice: call.callingDevice,
      calledDevice: call.calledDevice,
      lastRedirectionDevice: call.lastRedirectionDevice,
      localConnectionInfo: local,
      cause: 'recall',
      networkCalledDevice: call.networkCalledDevice,
    }),
  );
}

export function lineCallsAt(parts: Parts, device: string): LineCall[] {
  parts.core.directory.requireStation(device);
  return parts.core.connectionsAt(device).map(({ call, connection }) =>
    defined({
      callID: call.id,
      state: connection.state,
      callingDevice: call.callingDevice,
      calledDevice: call.calledDevice,
      networkCalledDevice: call.networkCalledDevice,
      others: call.connections.filter((c) => c !== connection).map((c) => ({ device: c.device, shown: c.shown, external: c.external, state: c.state })),
    }),
  );
}
