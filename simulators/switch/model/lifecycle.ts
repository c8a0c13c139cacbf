/** A connection's life: delivered (alerting), answered, cleared, or failed; the network side of outbound calls. */
import type { Parts } from './context.js';
import { defined } from './context.js';
import type { Call, Connection } from './core.js';
import type { Station } from './directory.js';

const acdCharacteristics = (call: Call) => (call.acdGroup !== undefined ? { acdCall: true } : undefined);

/** Rings `station` with the call; a station busy on another call (or an analog port off hook) fails the offer. */
export function deliverToStation(parts: Parts, call: Call, station: Station, cause: string): void {
  const { core } = parts;
  if (core.isBusy(station.number) || core.offHook.has(station.number)) {
    failOffer(parts, call, station.number, 'busy');
    return;
  }
  const connection: Connection = { device: station.number, shown: station.number, external: false, state: 'alerting', cause };
  call.connections.push(connection);
  core.touch(station.number);
  core.report(call, (local) =>
    defined({
      type: 'DeliveredEvent' as const,
      connection: { callID: call.id, deviceID: station.number },
      alertingDevice: station.number,
      callingDevice: call.callingDevice,
      calledDevice: call.calledDevice,
      lastRedirectionDevice: call.lastRedirectionDevice,
      localConnectionInfo: local,
      cause,
      callCharacteristics: acdCharacteristics(call),
      networkCalledDevice: call.networkCalledDevice,
    }),
  );
  if (station.autoAnswerMs !== undefined) {
    core.after(station.autoAnswerMs, () => {
      if (connection.state === 'alerting' && call.connections.includes(connection)) answerConnection(parts, call, connection);
    });
  }
}

/** The alerting party answers: Established at every device of the call. */
export function answerConnection(parts: Parts, call: Call, connection: Connection): void {
  connection.state = 'connected';
  call.answered = true;
  parts.core.report(call, (local) =>
    defined({
      type: 'EstablishedEvent' as const,
      establishedConnection: { callID: call.id, deviceID: connection.device },
      answeringDevice: connection.shown,
      callingDevice: call.callingDevice,
      calledDevice: call.calledDevice,
      lastRedirectionDevice: call.lastRedirectionDevice,
      localConnectionInfo: local,
      cause: connection.cause,
      callCharacteristics: acdCharacteristics(call),
    }),
  );
  parts.agents.answered(connection.device, call);
}

/**
 * The party hangs up (or is dropped): ConnectionCleared at every device, then CallCleared when
 * fewer than two parties remain. The caller leaving before anyone answered is callCancelled.
 */
export function clearConnection(parts: Parts, call: Call, connection: Connection, cause?: string): void {
  const { core } = parts;
  const devices = core.devicesOf(call);
  const why = cause ?? (connection === call.connections[0] && !call.answered ? 'callCancelled' : 'normalClearing');
  core.removeConnection(call, connection);
  core.report(
    call,
    (local) => ({
      type: 'ConnectionClearedEvent',
      droppedConnection: { callID: call.id, deviceID: connection.device },
      releasingDevice: connection.shown,
      localConnectionInfo: local,
      cause: why,
    }),
    devices,
  );
  if (!core.isAlive(call)) core.endCall(call, why, devices);
}

/**
 * The call could not reach `device`: Failed at the call's devices and at `device`. An outside
 * caller then hears busy and the network clears the call; a phone keeps its line until it hangs up.
 */
export function failOffer(parts: Parts, call: Call, device: string, cause: string): void {
  const { core } = parts;
  const devices = [...new Set([...core.devicesOf(call), device])];
  core.report(
    call,
    (local) => ({
      type: 'FailedEvent',
      failedConnection: { callID: call.id, deviceID: device },
      failingDevice: device,
      callingDevice: call.callingDevice,
      calledDevice: call.calledDevice,
      localConnectionInfo: local,
      cause,
    }),
    devices,
  );
  if (call.connections[0]?.external) core.endCall(call, cause, devices);
}

/** An outbound call leaves on a trunk the call does not use yet: NetworkReached, then Delivered from the network. */
export function reachNetwork(parts: Parts, call: Call, number: string): void {
  const { core } = parts;
  const inUse = new Set(core.devicesOf(call));
  const trunk = core.directory.trunks().find((t) => !inUse.has(t.id));
  if (!trunk) {
    failOffer(parts, call, number, 'trunksBusy');
    return;
  }
  const connection: Connection = { device: trunk.id, shown: number, external: true, state: 'alerting', cause: 'newCall' };
  call.connections.push(connection);
  const outbound = { callID: call.id, deviceID: trunk.id };
  core.report(call, (local) => ({
    type: 'NetworkReachedEvent',
    outboundConnection: outbound,
    networkInterfaceUsed: trunk.id,
    callingDevice: call.callingDevice,
    calledDevice: number,
    localConnectionInfo: local,
    cause: 'newCall',
  }));
  core.report(call, (local) =>
    defined({
      type: 'DeliveredEvent' as const,
      connection: outbound,
      alertingDevice: number,
      callingDevice: call.callingDevice,
      calledDevice: number,
      lastRedirectionDevice: call.lastRedirectionDevice,
      localConnectionInfo: local,
      cause: 'newCall',
    }),
  );
}

/** Removes a connection that leaves by redirection: Diverted at every device (it included), no clearing. */
export function divertConnection(parts: Parts, call: Call, connection: Connection, newDestination: string, cause: string): void {
  const { core } = parts;
  const devices = core.devicesOf(call);
  const previous = call.lastRedirectionDevice;
  core.removeConnection(call, connection);
  core.report(
    call,
    (local) =>
      defined({
        type: 'DivertedEvent' as const,
        connection: { callID: call.id, deviceID: connection.device },
        divertingDevice: connection.device,
        newDestination,
        callingDevice: call.callingDevice,
        calledDevice: call.calledDevice,
        lastRedirectionDevice: previous,
        localConnectionInfo: local,
        cause,
      }),
    devices,
  );
  call.lastRedirectionDevice = connection.device;
}
