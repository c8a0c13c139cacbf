/** Consultation, transfer, conference, single-step transfer and conference, and deflection. */
import type { ConnectionId } from '../../../appliance/csta/schema.js';
import { SwitchError } from './api.js';
import type { Parts } from './context.js';
import type { Call, Connection } from './core.js';
import { holdConnection, locate, locateAtPhone, originate, requireState, samePhonePair } from './basic-calls.js';
import { divertConnection } from './lifecycle.js';
import { numberOf, offer } from './offer.js';
import { joiningAs, requestedParticipation } from './participation.js';

const refuse = (value: string, message: string) => new SwitchError('operation', value, message);

/** ConsultationCall: the existing call is held (cause consultation) and a new call goes to `target`. */
export function consult(parts: Parts, existing: ConnectionId, target: string): Call {
  const { core } = parts;
  const found = locateAtPhone(core, existing, ['connected']);
  const destination = core.directory.resolve(target);
  const device = found.connection.device;
  if (numberOf(destination) === device) throw refuse('invalidDestination', `${device} cannot consult itself`);
  holdConnection(parts, found, 'consultation');
  return originate(parts, device, target, 'consultation', (call) => offer(parts, call, destination, 'newCall'));
}

interface Pair {
  device: string;
  held: { call: Call; connection: Connection };
  active: { call: Call; connection: Connection };
}

function pair(parts: Parts, heldId: ConnectionId, activeId: ConnectionId, activeStates: Connection['state'][]): Pair {
  samePhonePair(parts.core, heldId, activeId);
  const held = locateAtPhone(parts.core, heldId, ['hold']);
  const active = locateAtPhone(parts.core, activeId, activeStates);
  if (active.call.connections.length < 2) throw refuse('invalidConnectionState', `call ${active.call.id} has nobody to join`);
  return { device: held.connection.device, held, active };
}

/** Moves the parties of `from` (all but `except`) into `into`; returns [party, its old call] in the result's order. */
function merge(parts: Parts, from: Call, into: Call, except: Connection): Map<Connection, string> {
  const oldCall = new Map(into.connections.map((c) => [c, into.id]));
  for (const c of from.connections) {
    if (c === except) continue;
    into.connections.push(c);
    oldCall.set(c, from.id);
  }
  from.connections = from.connections.filter((c) => c === except);
  if (into.acdGroup === undefined && from.acdGroup !== undefined) into.acdGroup = from.acdGroup;
  parts.core.mergeCall(from, into);
  return oldCall;
}

const connectionList = (call: Call, oldCall: Map<Connection, string>, skip?: Connection) =>
  call.connections
    .filter((c) => c !== skip)
    .map((c) => ({ newConnection: { callID: call.id, deviceID: c.device }, oldConnection: { callID: oldCall.get(c) ?? call.id, deviceID: c.device }, endpoint: c.device }));

/** TransferCall: the held call's parties and the consulted ones join in the held call; the transferring phone leaves both. */
export function transfer(parts: Parts, heldId: ConnectionId, activeId: ConnectionId): Call {
  const { core } = parts;
  const { device, held, active } = pair(parts, heldId, activeId, ['connected']);
  const result = held.call;
  const devices = [...new Set([device, ...core.devicesOf(held.call), ...core.devicesOf(active.call)])];
  const transferredTo = active.call.connections.find((c) => c !== active.connection)?.shown ?? '';
  const oldCall = merge(parts, active.call, result, active.connection);
  core.removeConnection(result, held.connection);
  core.removeConnection(active.call, active.connection);
  result.calledDevice = transferredTo;
  core.report(
    result,
    (local) => ({
      type: 'TransferredEvent',
      primaryOldCall: { callID: held.call.id, deviceID: device },
      secondaryOldCall: { callID: active.call.id, deviceID: device },
      transferringDevice: device,
      transferredToDevice: transferredTo,
      transferredConnections: connectionList(result, oldCall),
      localConnectionInfo: local,
      cause: 'transfer',
    }),
    devices,
  );
  for (const callID of [held.call.id, active.call.id]) {
    core.emit(device, { type: 'ConnectionClearedEvent', droppedConnection: { callID, deviceID: device }, releasingDevice: device, localConnectionInfo: 'null', cause: 'transfer' });
  }
  core.forgetMergedCall(active.call, 'transfer');
  if (!core.isAlive(result)) core.endCall(result, 'normalClearing');
  return result;
}

/** ConferenceCall: the consulted parties join the held call, which comes back for the conferencing phone. */
export function conference(parts: Parts, heldId: ConnectionId, activeId: ConnectionId): Call {
  const { core } = parts;
  const { device, held, active } = pair(parts, heldId, activeId, ['connected']);
  const others = active.call.connections.filter((c) => c !== active.connection);
  if (others.some((c) => c.state !== 'connected')) throw refuse('invalidConnectionState', `call ${active.call.id} is not answered yet`);
  const result = held.call;
  const oldCall = merge(parts, active.call, result, active.connection);
  core.removeConnection(active.call, active.connection);
  held.connection.state = 'connected';
  core.report(result, (local) => ({
    type: 'ConferencedEvent',
    primaryOldCall: { callID: held.call.id, deviceID: device },
    secondaryOldCall: { callID: active.call.id, deviceID: device },
    conferencingDevice: device,
    addedParty: others[0]?.shown ?? '',
    conferenceConnections: connectionList(result, oldCall),
    localConnectionInfo: local,
    cause: 'conference',
  }));
  core.forgetMergedCall(active.call, 'conference');
  return result;
}

/** SingleStepTransferCall: the phone leaves (Transferred, cause singleStepTransfer) and the call is offered to `target`. */
export function singleStepTransfer(parts: Parts, activeId: ConnectionId, target: string): Call {
  const { core } = parts;
  const { call, connection } = locateAtPhone(core, activeId, ['connected']);
  const destination = core.directory.resolve(target);
  const device = connection.device;
  if (numberOf(destination) === device) throw refuse('invalidDestination', `${device} cannot transfer to itself`);
  if (call.connections.length < 2) throw refuse('invalidConnectionState', `call ${call.id} has nobody to transfer`);
  const devices = [device, ...core.devicesOf(call).filter((d) => d !== device)];
  core.removeConnection(call, connection);
  const same = new Map(call.connections.map((c) => [c, call.id]));
  core.report(
    call,
    (local) => ({
      type: 'TransferredEvent',
      primaryOldCall: { callID: call.id, deviceID: device },
      transferringDevice: device,
      transferredToDevice: target,
      transferredConnections: connectionList(call, same),
      localConnectionInfo: local,
      cause: 'singleStepTransfer',
    }),
    devices,
  );
  core.emit(device, { type: 'ConnectionClearedEvent', droppedConnection: { callID: call.id, deviceID: device }, releasingDevice: device, localConnectionInfo: 'null', cause: 'singleStepTransfer' });
  call.lastRedirectionDevice = device;
  call.calledDevice = target;
  call.answered = false;
  offer(parts, call, destination, 'singleStepTransfer');
  return call;
}

/**
 * SingleStepConferenceCall: `joining` enters the call at once, silently (monitor), as a whisper
 * (only the party named by `activeId` hears it: coaching) or actively (barge-in).
 */
export function singleStepConference(parts: Parts, activeId: ConnectionId, joining: string, asked: { participationType?: string; privateData?: string } = {}): Call {
  const { core } = parts;
  const { call, connection: coached } = locate(core, activeId);
  requireState(coached, ['connected']);
  const participation = requestedParticipation(asked.participationType, asked.privateData);
  const station = core.directory.station(joining);
  if (!station) {
    core.directory.requireDevice(joining);
    throw refuse('invalidDestination', `${joining} is not a phone`);
  }
  if (call.connections.some((c) => c.device === joining)) throw refuse('invalidDestination', `${joining} is already in call ${call.id}`);
  if (core.isBusy(joining)) throw new SwitchError('stateIncompatibility', 'invalidObjectState', `${joining} is busy`);
  const { cause, heardOnlyBy, privateData } = joiningAs(participation, coached.device);
  call.connections.push({ device: joining, shown: joining, external: false, state: 'connected', cause, ...(heardOnlyBy ? { heardOnlyBy } : {}) });
  core.touch(joining);
  const same = new Map(call.connections.map((c) => [c, call.id]));
  core.report(call, (local) => ({
    type: 'ConferencedEvent',
    primaryOldCall: { callID: call.id, deviceID: coached.device },
    conferencingDevice: joining,
    addedParty: joining,
    conferenceConnections: connectionList(call, same),
    localConnectionInfo: local,
    cause,
    ...(privateData ? { privateData } : {}),
  }));
  return call;
}

/**
 * DeflectCall: a ringing (or queued) call goes on to `target` (Diverted, cause redirected). A phone
 * that is busy or off hook refuses the deflection and the call rings on where it was.
 */
export function deflect(parts: Parts, id: ConnectionId, target: string): void {
  const { core } = parts;
  const { call, connection } = locate(core, id);
  requireState(connection, ['alerting', 'queued']);
  if (connection.external) throw refuse('privilegeViolationOnSpecifiedDevice', `${connection.device} is a trunk`);
  const destination = core.directory.resolve(target);
  if (numberOf(destination) === connection.device) throw refuse('invalidDestination', `cannot deflect ${connection.device} to itself`);
  const station = destination.kind === 'station' ? destination.station.number : undefined;
  if (station !== undefined && (core.isBusy(station) || core.offHook.has(station))) {
    throw new SwitchError('stateIncompatibility', 'invalidObjectState', `${station} is busy: the call rings on at ${connection.device}`);
  }
  if (core.directory.routingPoint(connection.device)) throw refuse('invalidConnectionState', 'route the call with RouteSelect instead');
  if (connection.state === 'queued') parts.queues.remove(call);
  divertConnection(parts, call, connection, target, 'redirected');
  offer(parts, call, destination, 'redirected');
}
