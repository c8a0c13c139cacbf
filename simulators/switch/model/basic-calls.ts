/** Making, answering, clearing, holding and retrieving calls, and digits: each checks its request first. */
import type { ConnectionId } from '../../../appliance/csta/schema.js';
import { SwitchError } from './api.js';
import type { Parts } from './context.js';
import type { Call, Connection, ConnectionState, Core, Located } from './core.js';
import { answerConnection, clearConnection } from './lifecycle.js';
import { offer } from './offer.js';

const refuse = (value: string, message: string) => new SwitchError('operation', value, message);

/** The connection a request names: invalidDeviceID for an unknown device, invalidCallID for an unknown call or a device not in it. */
export function locate(core: Core, id: ConnectionId): Located {
  if (id.deviceID === undefined || id.deviceID === '') throw refuse('invalidCallID', `connection of call ${id.callID} names no device`);
  core.directory.requireDevice(id.deviceID);
  const call = core.call(id.callID);
  const connection = call.connections.find((c) => c.device === id.deviceID);
  if (!connection) throw refuse('invalidCallID', `${id.deviceID} is not in call ${id.callID}`);
  return { call, connection };
}

/** As locate(), for a connection of a phone (not a trunk, group or routing point) in one of `states`. */
export function locateAtPhone(core: Core, id: ConnectionId, states: readonly ConnectionState[]): Located {
  const found = locate(core, id);
  if (!core.directory.station(found.connection.device)) {
    throw refuse('privilegeViolationOnSpecifiedDevice', `${found.connection.device} is not a phone`);
  }
  requireState(found.connection, states);
  return found;
}

export function requireState(connection: Connection, states: readonly ConnectionState[]): void {
  if (!states.includes(connection.state)) {
    throw refuse('invalidConnectionState', `${connection.device} is ${connection.state}, not ${states.join(' or ')}`);
  }
}

/** A phone that is ringing, dialling or talking cannot start another call. */
export function requireFree(core: Core, device: string): void {
  if (core.isBusy(device)) throw new SwitchError('stateIncompatibility', 'invalidObjectState', `${device} is busy`);
}

/**
 * `device` calls `number`: ServiceInitiated and Originated at the caller, then the offer to the
 * destination. A feature code changes the agent's state instead and makes no call (returns undefined).
 */
export function makeCall(parts: Parts, device: string, number: string, cause = 'newCall'): Call | undefined {
  const { core } = parts;
  core.directory.requireStation(device);
  const feature = core.directory.feature(number);
  if (feature !== undefined) {
    const state = { agentLogOn: 'loggedOn', agentLogOff: 'loggedOff', agentReady: 'ready', agentNotReady: 'notReady', agentWorkingAfterCall: 'workingAfterCall' }[feature];
    parts.agents.request(device, state, { password: parts.agents.get(device)?.password });
    return undefined;
  }
  requireFree(core, device);
  const destination = core.directory.resolve(number);
  if (destination.kind === 'station' && destination.station.number === device) throw refuse('invalidDestination', `${device} cannot call itself`);
  return originate(parts, device, number, cause, (call) => offer(parts, call, destination, 'newCall'));
}

/** A new call from a phone: initiated, then connected towards `number`; `then` offers it. */
export function originate(parts: Parts, device: string, number: string, cause: string, then: (call: Call) => void): Call {
  const { core } = parts;
  const connection: Connection = { device, shown: device, external: false, state: 'initiated', cause };
  const call = core.newCall({ callingDevice: device, calledDevice: number }, connection);
  core.touch(device);
  const own = { callID: call.id, deviceID: device };
  core.report(call, (local) => ({ type: 'ServiceInitiatedEvent', initiatedConnection: own, initiatingDevice: device, localConnectionInfo: local, cause }));
  connection.state = 'connected';
  core.report(call, (local) => ({ type: 'OriginatedEvent', originatedConnection: own, callingDevice: device, calledDevice: number, localConnectionInfo: local, cause }));
  then(call);
  return call;
}

export function answer(parts: Parts, id: ConnectionId): void {
  const { call, connection } = locateAtPhone(parts.core, id, ['alerting']);
  answerConnection(parts, call, connection);
}

/** The phone at `device` answers its ringing call. */
export function answerAt(parts: Parts, device: string): void {
  parts.core.directory.requireStation(device);
  const ringing = parts.core.connectionsAt(device).find(({ connection }) => connection.state === 'alerting');
  if (!ringing) throw new SwitchError('operation', 'noCallToAnswer', `nothing rings at ${device}`);
  answerConnection(parts, ringing.call, ringing.connection);
}

/** The phone at `device` hangs up: its connected (else dialling, else ringing) connection is cleared. */
export function hangUpAt(parts: Parts, device: string): void {
  parts.core.directory.requireStation(device);
  const found = parts.core.connectionsAt(device);
  for (const state of ['connected', 'initiated', 'alerting', 'fail'] as const) {
    const active = found.find(({ connection }) => connection.state === state);
    if (active) return clearConnection(parts, active.call, active.connection);
  }
  throw new SwitchError('stateIncompatibility', 'noConnectionToClear', `${device} has no active call`);
}

export function clearConnectionRequest(parts: Parts, id: ConnectionId): void {
  const { call, connection } = locate(parts.core, id);
  clearConnection(parts, call, connection);
}

export function clearCall(parts: Parts, id: ConnectionId): void {
  const call = parts.core.call(id.callID);
  parts.core.endCall(call, 'normalClearing');
}

export function hold(parts: Parts, id: ConnectionId, cause = 'normal'): Located {
  const found = locateAtPhone(parts.core, id, ['connected']);
  holdConnection(parts, found, cause);
  return found;
}

export function holdConnection(parts: Parts, { call, connection }: Located, cause: string): void {
  connection.state = 'hold';
  parts.core.report(call, (local) => ({
    type: 'HeldEvent',
    heldConnection: { callID: call.id, deviceID: connection.device },
    holdingDevice: connection.device,
    localConnectionInfo: local,
    cause,
  }));
}

export function retrieve(parts: Parts, id: ConnectionId, cause = 'normal'): void {
  const found = locateAtPhone(parts.core, id, ['hold']);
  requireFree(parts.core, found.connection.device);
  retrieveConnection(parts, found, cause);
}

export function retrieveConnection(parts: Parts, { call, connection }: Located, cause: string): void {
  connection.state = 'connected';
  parts.core.report(call, (local) => ({
    type: 'RetrievedEvent',
    retrievedConnection: { callID: call.id, deviceID: connection.device },
    retrievingDevice: connection.device,
    localConnectionInfo: local,
    cause,
  }));
}

/** Two connections of one phone in two different calls. */
export function samePhonePair(core: Core, first: ConnectionId, second: ConnectionId): void {
  if (first.deviceID !== second.deviceID) throw refuse('invalidCallID', 'the two connections are on different devices');
  if (first.callID === second.callID) throw refuse('invalidCallID', 'the two connections are in the same call');
  core.directory.requireDevice(first.deviceID ?? '');
}

/** AlternateCall: the active call goes on hold, the held one comes back. */
export function alternate(parts: Parts, heldId: ConnectionId, activeId: ConnectionId): void {
  samePhonePair(parts.core, heldId, activeId);
  const held = locateAtPhone(parts.core, heldId, ['hold']);
  const active = locateAtPhone(parts.core, activeId, ['connected']);
  holdConnection(parts, active, 'alternate');
  retrieveConnection(parts, held, 'alternate');
}

/** ReconnectCall: the active call is cleared, the held one comes back. */
export function reconnect(parts: Parts, activeId: ConnectionId, heldId: ConnectionId): void {
  samePhonePair(parts.core, heldId, activeId);
  const held = locateAtPhone(parts.core, heldId, ['hold']);
  const active = locateAtPhone(parts.core, activeId, ['connected', 'initiated', 'fail']);
  clearConnection(parts, active.call, active.connection);
  retrieveConnection(parts, held, 'normal');
}

/** DTMF from `from`'s connection reaches every other connected party of the call. */
export function sendDigits(parts: Parts, call: Call, from: Connection, digits: string): void {
  if (!/^[0-9*#A-D]{1,64}$/.test(digits)) throw refuse('valueOutOfRange', `"${digits}" are not DTMF digits`);
  requireState(from, ['connected']);
  const hearing = call.connections.filter((c) => c !== from && c.state === 'connected');
  if (hearing.length === 0) throw refuse('invalidConnectionState', `nobody is connected to hear digits in call ${call.id}`);
  for (const c of hearing) parts.core.emitter.emit('digits', { device: c.device, callID: call.id, digits });
}
