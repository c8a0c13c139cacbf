/**
 * The face of the simulated switch's call model, as the CSTA server side and the scenario runner
 * see it. The model knows nothing of sockets, frames or monitors: it executes decoded requests and
 * reports what happened at each device as CSTA events (without monitorCrossRefID; the server adds
 * the cross reference of every monitor on that device).
 */
import type { EventEmitter } from 'node:events';
import type { KnownMessage, MonitorEvent } from '../../../appliance/csta/messages.js';
import type { ConnectionId } from '../../../appliance/csta/schema.js';

type DistributiveOmit<T, K extends PropertyKey> = T extends unknown ? Omit<T, K> : never;

/** A monitor event as the model reports it: the server fills in monitorCrossRefID per monitor. */
export type DeviceEvent = DistributiveOmit<MonitorEvent, 'monitorCrossRefID'>;

export type DeviceCategory = 'station' | 'acd' | 'group' | 'trunk' | 'routingDevice' | 'other';

export interface DeviceSummary {
  deviceID: string;
  category: DeviceCategory;
  /** The dial plan's kind: extension, analogPort, trunk, acdGroup, huntGroup, routingPoint. */
  kind: string;
  name?: string;
}

export interface RouteRequestInfo {
  routingDevice: string;
  routingCrossRefID: string;
  callingDevice: string;
  routedCall: ConnectionId;
}

export interface SwitchModelEvents {
  /** Something happened that a monitor on `device` reports. Emitted in the order a real switch sends them. */
  deviceEvent: [device: string, event: DeviceEvent];
  /** A call reached a routing point: the server asks the registered router (RouteRequest). */
  routeRequest: [request: RouteRequestInfo];
  /** The routed call went to `routeUsed` (by RouteSelect or the fallback after the timeout). */
  routeUsed: [info: { routingDevice: string; routingCrossRefID: string; routeUsed: string; callingDevice: string }];
  /** The routing dialogue ended (call gone, timeout fallback, or after RouteSelect). */
  routeEnd: [info: { routingDevice: string; routingCrossRefID: string; errorValue?: string }];
  /** DTMF that reached a device, for simulators of what sits on that device (voice cards). */
  digits: [info: { device: string; callID: string; digits: string }];
  /** A call is completely gone: for scenario bookkeeping and logs. */
  callEnded: [info: { callID: string; cause: string }];
}

/** A request the model refuses, answered as CSTAErrorCode with this group and value. */
export class SwitchError extends Error {
  override readonly name = 'SwitchError';
  constructor(
    readonly group: 'operation' | 'stateIncompatibility' | 'systemResourceAvailability' | 'security' | 'unspecified',
    readonly value: string,
    message?: string,
  ) {
    super(message ?? `${group}/${value}`);
  }
}

export interface SwitchModel extends EventEmitter<SwitchModelEvents> {
  /**
   * Executes one request (MakeCall, AnswerCall, ClearConnection, ClearCall, HoldCall, RetrieveCall,
   * AlternateCall, ReconnectCall, ConsultationCall, TransferCall, ConferenceCall,
   * SingleStepTransferCall, SingleStepConferenceCall, DeflectCall, GenerateDigits, SnapshotDevice,
   * SnapshotCall, SetAgentState, GetAgentState, RouteSelect, RouteEnd) and returns its positive
   * response message. Throws SwitchError for a request the switch refuses (invalidDeviceID,
   * invalidCallID, invalidConnectionState, noCallToAnswer, ...). The response must go out before
   * the events the request caused, as on
   * a real switch: the server holds events emitted while execute() runs and sends them after the
   * response. Events are emitted synchronously, never from a timer or microtask of their own.
   */
  execute(request: KnownMessage): KnownMessage;
  /** Whether `device` exists in the dial plan (MonitorStart and RouteRegister check this). */
  hasDevice(device: string): boolean;
  devices(): DeviceSummary[];
  /** The server tells the model which routing points have a registered router. */
  setRouterRegistered(routingDevice: string, registered: boolean): void;
}

/** What a scripted caller or a person at a phone can do; the scenario runner and the bench drive these. */
export interface SwitchScripting {
  /** An external caller `from` on a trunk dials `to` (a DID of the dial plan). Returns the new callID. */
  placeInboundCall(args: { from: string; to: string; trunk?: string }): string;
  /** The external party of `callID` hangs up. */
  hangUpExternal(callID: string): void;
  /** DTMF sent by the external party of `callID` to whatever answered (emitted as `digits` at that device). */
  sendExternalDigits(callID: string, digits: string): void;
  /** The phone at `device` goes off hook to answer its alerting call. Throws SwitchError(noCallToAnswer) if none. */
  answerAt(device: string): void;
  /** The phone at `device` hangs up (clears its active connection). */
  hangUpAt(device: string): void;
  /** The user at `device` lifts the handset and dials `number`. Returns the callID. */
  dialFrom(device: string, number: string): string;
  /** Consultation transfer done by the user at `device` to `target` (consult, then transfer when answered). */
  transferFrom(device: string, target: string): void;
}

/** What the network side of the simulated site can do besides calling in (added with the call model). */
export interface NetworkScripting {
  /** The outside party that `callID` rings (a call out on a trunk) answers. Throws SwitchError(noCallToAnswer) if none rings. */
  answerExternal(callID: string): void;
}

/** What one device hears of a call and who hears it, parties named as shown (the number outside for an external party). */
export interface VoicePath {
  callID: string;
  hears: string[];
  heardBy: string[];
}

/** The switch's conference bridges as the people on the calls would notice them. */
export interface VoiceQueries {
  /** Who `device` hears and who hears it in each of its calls: a silent monitor is heard by nobody, a whisper by the coached party only. */
  voicePathsAt(device: string): VoicePath[];
}

/** A call at an analog port as its line sees it: the port's own connection and the other parties. */
export interface LineCall {
  callID: string;
  /** The port's own connection: alerting (ringing), connected (talking or dialling out), hold (after a flash). */
  state: 'null' | 'initiated' | 'alerting' | 'connected' | 'hold' | 'queued' | 'fail';
  callingDevice: string;
  calledDevice: string;
  /** The DID an inbound call dialled. */
  networkCalledDevice?: string;
  /** The other parties in joining order: the number they show and their state. */
  others: { device: string; shown: string; external: boolean; state: LineCall['state'] }[];
}

/**
 * What the line of an analog port does (the card simulator over the line link): loop closed or
 * open, hook flash, dialling. An analog port off hook with no call is busy for new calls.
 */
export interface AnalogScripting {
  /** Answers the call ringing at `device`, or goes off hook to dial (dial tone). Throws SwitchError if already off hook. */
  offHookAt(device: string): 'answered' | 'dialTone';
  /**
   * Opens the loop: a flash consultation whose consulted party rings or talks is transferred to
   * the held call; a held call with no consultation rings back (recall); a call in conversation
   * or being dialled is cleared. A ringing call keeps ringing.
   */
  onHookAt(device: string): 'idle' | 'cleared' | 'transferred' | 'recall';
  /** Hook flash: the call in conversation goes on hold (dial tone for a consultation); in a consultation, back to the held call. */
  flashAt(device: string): 'held' | 'retrieved';
  /** Digits from the line: a consultation after a flash, DTMF to the far end in conversation, else a new call from dial tone. */
  dialAt(device: string, digits: string): { action: 'consultation' | 'digits' | 'call'; callID: string };
  /** The calls at `device` as its line sees them. */
  lineCallsAt(device: string): LineCall[];
  isOffHook(device: string): boolean;
}
