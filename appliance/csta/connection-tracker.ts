/** Each device's connections and their states, from the monitor events seen: for `ccbox csta` ("answer 201") and the ACD's agent phones. */
import type { ConnectionId } from './schema.js';
import type { CstaMessage } from './messages.js';

export type TrackedState = 'initiated' | 'alerting' | 'connected' | 'hold' | 'queued';
const TRACKED: ReadonlySet<string> = new Set<TrackedState>(['initiated', 'alerting', 'connected', 'hold', 'queued']);

export class ConnectionTracker {
  readonly #byDevice = new Map<string, Map<string, TrackedState>>();

  find(device: string, state: TrackedState): ConnectionId | undefined {
    for (const [callID, s] of this.#byDevice.get(device) ?? []) if (s === state) return { callID, deviceID: device };
    return undefined;
  }

  calls(device: string): [string, TrackedState][] {
    return [...(this.#byDevice.get(device) ?? [])];
  }

  /** Forgets everything: after a reconnect the snapshot tells the truth again. */
  clear(): void {
    this.#byDevice.clear();
  }

  /** The calls SnapshotDevice reported at a device after a (re)connect. */
  applySnapshot(calls: readonly { connection: ConnectionId; state: string }[]): void {
    for (const call of calls) this.set(call.connection, TRACKED.has(call.state) ? (call.state as TrackedState) : undefined);
  }

  set(connection: ConnectionId | undefined, state: TrackedState | undefined): void {
    if (!connection?.deviceID) return;
    let calls = this.#byDevice.get(connection.deviceID);
    if (!calls) this.#byDevice.set(connection.deviceID, (calls = new Map()));
    if (state === undefined) calls.delete(connection.callID);
    else calls.set(connection.callID, state);
  }

  observe(message: CstaMessage): void {
    switch (message.type) {
      case 'ServiceInitiatedEvent':
        return this.set(message.initiatedConnection, 'initiated');
      case 'OriginatedEvent':
        return this.set(message.originatedConnection, 'connected');
      case 'DeliveredEvent':
        return this.set(message.connection, message.connection.deviceID === message.alertingDevice ? 'alerting' : undefined);
      case 'QueuedEvent':
        return this.set(message.queuedConnection, 'queued');
      case 'EstablishedEvent':
        return this.set(message.establishedConnection, 'connected');
      case 'HeldEvent':
        return this.set(message.heldConnection, 'hold');
      case 'RetrievedEvent':
        return this.set(message.retrievedConnection, 'connected');
      case 'ConnectionClearedEvent':
        return this.set(message.droppedConnection, undefined);
      case 'CallClearedEvent':
        for (const calls of this.#byDevice.values()) calls.delete(message.clearedCall.callID);
        return;
      case 'DivertedEvent':
        return this.set(message.connection, undefined);
      case 'TransferredEvent':
      case 'ConferencedEvent': {
        const items = message.type === 'TransferredEvent' ? message.transferredConnections : message.conferenceConnections;
        for (const item of items ?? []) {
          this.set(item.oldConnection, undefined);
          this.set(item.newConnection, 'connected');
        }
        return;
      }
      default:
    }
  }
}
