/** Payloads of the PbxLink's typed event map. */
import type { CodecError, FramingError } from './errors.js';
import type { CstaMessage, MessageOf, MonitorEventName } from './messages.js';
import type { ConnectionId } from './schema.js';

/** Every monitor event, with the monitored device it was reported for (undefined if its monitor is gone). */
type MonitorEventArgs = { [N in MonitorEventName]: [event: MessageOf<N>, device: string | undefined] };

export interface LinkUpInfo {
  /** 'connected' the first time, 'reconnected' after a link down. */
  reason: 'connected' | 'reconnected';
  url: string;
  sessionID?: string;
  /** Devices whose monitors were re-issued after a reconnect. */
  remonitored: string[];
}

export interface LinkDownInfo {
  reason: 'closed' | 'heartbeat' | 'sessionEnded' | 'sessionRefused' | 'connectFailed' | 'stopped' | 'sessionTimer';
  detail: string;
}

/** One call at a monitored device as SnapshotDevice reported it after a (re)connect. */
export interface DeviceCallSnapshot {
  connection: ConnectionId;
  state: string;
}

export interface PbxLinkEvents extends MonitorEventArgs {
  linkUp: [info: LinkUpInfo];
  linkDown: [info: LinkDownInfo];
  /** The calls that survived at a device, after its monitor was (re)started on a new session. */
  snapshot: [info: { device: string; calls: DeviceCallSnapshot[] }];
  monitorLost: [info: { device: string; error: Error }];
  RouteRequest: [request: MessageOf<'RouteRequest'>];
  RouteUsed: [info: MessageOf<'RouteUsed'>];
  RouteEnd: [info: MessageOf<'RouteEnd'>];
  /** An event or unsolicited message ccbox has no handler for; logged and surfaced, never dropped. */
  unknownMessage: [message: CstaMessage];
  /** A CSTAErrorCode that answered nothing we wait for (e.g. after RouteSelect, which has no response). */
  serviceError: [info: { group: string; value: string; invokeId: number | undefined }];
  protocolError: [error: FramingError | CodecError];
}
