/**
 * PbxLink: the face of the PBX every service uses. Typed service calls, a typed event map, device
 * monitors that survive reconnects. CstaLink is the implementation over a CSTA session.
 */
import { EventEmitter } from 'node:events';
import { CstaError } from './errors.js';
import type { PbxLinkEvents } from './events.js';
import type { ArgsOf, MessageName, MessageOf, RequestName, ResponseOf } from './messages.js';
import { type Participation, singleStepConferenceArgs } from './private-participation.js';
import type { PbxProfile } from './profile.js';
import type { ConnectionId } from './schema.js';

export type AgentState = 'loggedOn' | 'loggedOff' | 'notReady' | 'ready' | 'workingAfterCall';
export type SwitchDevice = NonNullable<MessageOf<'SwitchingFunctionDevices'>['deviceList']>[number];

export abstract class PbxLink extends EventEmitter<PbxLinkEvents> {
  abstract readonly isUp: boolean;
  /** What kind of switch is at the other end: its dialect and what it offers. */
  abstract readonly profile: PbxProfile;
  abstract start(): Promise<void>;
  abstract stop(): Promise<void>;
  /** Starts a device monitor (kept across reconnects) and returns its cross reference. */
  abstract monitor(device: string): Promise<string>;
  abstract unmonitor(device: string): Promise<void>;
  abstract monitoredDevices(): string[];
  /** Sends a request and resolves with its positive response; rejects with CstaError. */
  abstract request<N extends RequestName>(name: N, args: ArgsOf<N>, timeoutMs?: number): Promise<ResponseOf<N>>;
  /** Sends a message that has no positive response (RouteSelect, RouteEnd). */
  /** Sends a message that gets no positive response; returns its invoke ID (a serviceError refusing it carries it). */
  abstract send<N extends MessageName>(name: N, args: ArgsOf<N>): number;
  /** All devices of the switch (GetSwitchingFunctionDevices and its segments). */
  abstract listDevices(): Promise<SwitchDevice[]>;

  makeCall(callingDevice: string, calledDirectoryNumber: string, correlatorData?: string) {
    return this.request('MakeCall', { callingDevice, calledDirectoryNumber, ...(correlatorData ? { correlatorData } : {}) });
  }
  answerCall(callToBeAnswered: ConnectionId) {
    return this.request('AnswerCall', { callToBeAnswered });
  }
  clearConnection(connectionToBeCleared: ConnectionId) {
    return this.request('ClearConnection', { connectionToBeCleared });
  }
  clearCall(callToBeCleared: ConnectionId) {
    return this.request('ClearCall', { callToBeCleared });
  }
  holdCall(callToBeHeld: ConnectionId) {
    return this.request('HoldCall', { callToBeHeld });
  }
  retrieveCall(callToBeRetrieved: ConnectionId) {
    return this.request('RetrieveCall', { callToBeRetrieved });
  }
  alternateCall(heldCall: ConnectionId, activeCall: ConnectionId) {
    return this.request('AlternateCall', { heldCall, activeCall });
  }
  reconnectCall(heldCall: ConnectionId, activeCall: ConnectionId) {
    return this.request('ReconnectCall', { heldCall, activeCall });
  }
  consultationCall(existingCall: ConnectionId, consultedDevice: string) {
    return this.request('ConsultationCall', { existingCall, consultedDevice });
  }
  transferCall(heldCall: ConnectionId, activeCall: ConnectionId) {
    return this.request('TransferCall', { heldCall, activeCall });
  }
  conferenceCall(heldCall: ConnectionId, activeCall: ConnectionId) {
    return this.request('ConferenceCall', { heldCall, activeCall });
  }
  singleStepTransfer(activeCall: ConnectionId, transferredTo: string) {
    return this.request('SingleStepTransferCall', { activeCall, transferredTo });
  }
  /**
   * A supervisor's device joins the call: silent monitoring, whisper (coaching, when the profile's
   * whisperStyle offers it; else rejected with CstaError serviceNotSupported) or barge-in ('active').
   */
  singleStepConference(activeCall: ConnectionId, deviceToJoin: string, participation: Participation) {
    if (participation === 'whisper' && this.profile.whisperStyle === 'none') {
      const message = `SingleStepConferenceCall: PBX profile ${this.profile.name} offers no whisper (whisperStyle none)`;
      return Promise.reject(new CstaError('operation', 'serviceNotSupported', 'SingleStepConferenceCall', message));
    }
    return this.request('SingleStepConferenceCall', singleStepConferenceArgs(activeCall, deviceToJoin, participation));
  }
  deflectCall(callToBeDiverted: ConnectionId, newDestination: string) {
    return this.request('DeflectCall', { callToBeDiverted, newDestination });
  }
  generateDigits(connectionToSendDigits: ConnectionId, charactersToSend: string) {
    return this.request('GenerateDigits', { connectionToSendDigits, charactersToSend });
  }
  snapshotDevice(snapshotObject: string) {
    return this.request('SnapshotDevice', { snapshotObject });
  }
  snapshotCall(snapshotObject: ConnectionId) {
    return this.request('SnapshotCall', { snapshotObject });
  }
  setAgentState(device: string, requestedAgentState: AgentState, extra: { agentID?: string; password?: string; group?: string } = {}) {
    return this.request('SetAgentState', { device, requestedAgentState, ...extra });
  }
  getAgentState(device: string) {
    return this.request('GetAgentState', { device });
  }
  routeRegister(routingDevice?: string) {
    return this.request('RouteRegister', routingDevice === undefined ? {} : { routingDevice });
  }
  routeRegisterCancel(routeRegisterReqID: string) {
    return this.request('RouteRegisterCancel', { routeRegisterReqID });
  }
  routeSelect(args: ArgsOf<'RouteSelect'>): number {
    return this.send('RouteSelect', args);
  }
  routeEnd(args: ArgsOf<'RouteEnd'>): number {
    return this.send('RouteEnd', args);
  }
  systemStatus(systemStatus = 'normal') {
    return this.request('SystemStatus', { systemStatus });
  }
}
