/** Shapes of the call control, monitoring, snapshot, agent and routing services (ECMA-269 / ECMA-323). */
import { bool, connection, device, deviceArg, int, list, required, struct, text } from '../schema.js';

const conn = () => required(connection());
const empty = {} as const;

const snapshotDeviceItem = struct({
  connectionIdentifier: connection(),
  localCallState: struct({
    compoundCallState: struct({ localConnectionState: text() }),
    simpleCallState: text(),
  }),
});

const snapshotCallItem = struct({
  deviceOnCall: device(),
  callIdentifier: connection(),
  localConnectionState: text(),
});

export const serviceShapes = {
  MakeCall: {
    callingDevice: required(deviceArg()),
    calledDirectoryNumber: required(deviceArg()),
    accountCode: text(),
    autoOriginate: text(),
    correlatorData: text(),
  },
  MakeCallResponse: { callingDevice: conn() },
  AnswerCall: { callToBeAnswered: conn() },
  AnswerCallResponse: empty,
  ClearConnection: { connectionToBeCleared: conn(), reason: text() },
  ClearConnectionResponse: empty,
  ClearCall: { callToBeCleared: conn() },
  ClearCallResponse: empty,
  HoldCall: { callToBeHeld: conn() },
  HoldCallResponse: empty,
  RetrieveCall: { callToBeRetrieved: conn() },
  RetrieveCallResponse: empty,
  AlternateCall: { heldCall: conn(), activeCall: conn() },
  AlternateCallResponse: empty,
  ReconnectCall: { activeCall: conn(), heldCall: conn() },
  ReconnectCallResponse: empty,
  ConsultationCall: { existingCall: conn(), consultedDevice: required(deviceArg()), consultPurpose: text() },
  ConsultationCallResponse: { initiatedCall: conn() },
  TransferCall: { heldCall: conn(), activeCall: conn() },
  TransferCallResponse: { transferredCall: connection() },
  ConferenceCall: { heldCall: conn(), activeCall: conn() },
  ConferenceCallResponse: { conferenceCall: connection() },
  SingleStepTransferCall: { activeCall: conn(), transferredTo: required(deviceArg()) },
  SingleStepTransferCallResponse: { transferredCall: connection() },
  SingleStepConferenceCall: {
    activeCall: conn(),
    deviceToJoin: required(deviceArg()),
    participationType: text(),
  },
  SingleStepConferenceCallResponse: { conferencedCall: connection() },
  DeflectCall: { callToBeDiverted: conn(), newDestination: required(deviceArg()) },
  DeflectCallResponse: empty,
  GenerateDigits: { connectionToSendDigits: conn(), charactersToSend: required(text()) },
  GenerateDigitsResponse: empty,
  MonitorStart: {
    monitorObject: required(struct({ deviceObject: deviceArg(), callObject: connection() })),
    monitorType: text(),
  },
  MonitorStartResponse: { monitorCrossRefID: required(text()) },
  MonitorStop: { monitorCrossRefID: required(text()) },
  MonitorStopResponse: empty,
  SnapshotDevice: { snapshotObject: required(deviceArg()) },
  SnapshotDeviceResponse: {
    crossRefIDorSnapshotData: struct({
      snapshotData: list('snapshotDeviceResponseInfo', snapshotDeviceItem),
      serviceCrossRefID: text(),
    }),
  },
  SnapshotCall: { snapshotObject: conn() },
  SnapshotCallResponse: {
    crossRefIDorSnapshotData: struct({
      snapshotData: list('snapshotCallResponseInfo', snapshotCallItem),
      serviceCrossRefID: text(),
    }),
  },
  SetAgentState: {
    device: required(deviceArg()),
    requestedAgentState: required(text()),
    agentID: text(),
    password: text(),
    group: deviceArg(),
  },
  SetAgentStateResponse: empty,
  GetAgentState: { device: required(deviceArg()) },
  GetAgentStateResponse: {
    agentStateList: list(
      'agentStateEntry',
      struct({
        agentID: text(),
        loggedOnState: bool(),
        agentInfo: list('agentInfoItem', struct({ acdGroup: deviceArg(), agentState: text() })),
      }),
    ),
  },
  RouteRegister: { routingDevice: deviceArg() },
  RouteRegisterResponse: { routeRegisterReqID: required(text()) },
  RouteRegisterCancel: { routeRegisterReqID: required(text()) },
  RouteRegisterCancelResponse: empty,
  /** From the switch: a call at a routing point asks where to go. */
  RouteRequest: {
    routeRegisterReqID: text(),
    routingCrossRefID: required(text()),
    currentRoute: required(deviceArg()),
    callingDevice: deviceArg(),
    routedCall: connection(),
    correlatorData: text(),
  },
  RouteSelect: {
    routeRegisterReqID: text(),
    routingCrossRefID: required(text()),
    routeSelected: required(deviceArg()),
    remainRetry: text(),
    routeUsedReq: bool(),
  },
  /** From the switch: where the routed call went. */
  RouteUsed: {
    routeRegisterReqID: text(),
    routingCrossRefID: required(text()),
    routeUsed: required(deviceArg()),
    callingDevice: deviceArg(),
  },
  /** Either side: the routing dialogue is over (errorValue says why, if it failed). */
  RouteEnd: { routeRegisterReqID: text(), routingCrossRefID: required(text()), errorValue: text() },
  GetSwitchingFunctionDevices: { requestedDeviceID: deviceArg(), requestedDeviceCategory: text() },
  GetSwitchingFunctionDevicesResponse: { serviceCrossRefID: text() },
  /** From the switch, after GetSwitchingFunctionDevices: one segment of the device list. */
  SwitchingFunctionDevices: {
    serviceCrossRefID: text(),
    segmentID: int(),
    lastSegment: bool(),
    deviceList: list('deviceEntry', struct({ deviceID: deviceArg(), deviceCategory: text(), groupMembers: text() })),
  },
} as const;
