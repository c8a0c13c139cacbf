/** SwitchModel.execute(): one CSTA request carried out (or refused with SwitchError) and its positive response. */
import type { KnownMessage } from '../../../appliance/csta/messages.js';
import { SwitchError } from './api.js';
import * as calls from './basic-calls.js';
import type { Parts } from './context.js';
import * as transfers from './transfers.js';

export function execute(parts: Parts, request: KnownMessage): KnownMessage {
  const { core } = parts;
  switch (request.type) {
    case 'MakeCall': {
      const call = calls.makeCall(parts, request.callingDevice, request.calledDirectoryNumber);
      // A feature code makes no call: the answer names a call that has already ended.
      const callID = call?.id ?? core.newCallId();
      return { type: 'MakeCallResponse', callingDevice: { callID, deviceID: request.callingDevice } };
    }
    case 'AnswerCall':
      calls.answer(parts, request.callToBeAnswered);
      return { type: 'AnswerCallResponse' };
    case 'ClearConnection':
      calls.clearConnectionRequest(parts, request.connectionToBeCleared);
      return { type: 'ClearConnectionResponse' };
    case 'ClearCall':
      calls.clearCall(parts, request.callToBeCleared);
      return { type: 'ClearCallResponse' };
    case 'HoldCall':
      calls.hold(parts, request.callToBeHeld);
      return { type: 'HoldCallResponse' };
    case 'RetrieveCall':
      calls.retrieve(parts, request.callToBeRetrieved);
      return { type: 'RetrieveCallResponse' };
    case 'AlternateCall':
      calls.alternate(parts, request.heldCall, request.activeCall);
      return { type: 'AlternateCallResponse' };
    case 'ReconnectCall':
      calls.reconnect(parts, request.activeCall, request.heldCall);
      return { type: 'ReconnectCallResponse' };
    case 'ConsultationCall': {
      const call = transfers.consult(parts, request.existingCall, request.consultedDevice);
      return { type: 'ConsultationCallResponse', initiatedCall: { callID: call.id, deviceID: request.existingCall.deviceID ?? '' } };
    }
    case 'TransferCall': {
      const call = transfers.transfer(parts, request.heldCall, request.activeCall);
      return { type: 'TransferCallResponse', transferredCall: { callID: call.id } };
    }
    case 'ConferenceCall': {
      const call = transfers.conference(parts, request.heldCall, request.activeCall);
      return { type: 'ConferenceCallResponse', conferenceCall: { callID: call.id, deviceID: request.heldCall.deviceID ?? '' } };
    }
    case 'SingleStepTransferCall': {
      const call = transfers.singleStepTransfer(parts, request.activeCall, request.transferredTo);
      return { type: 'SingleStepTransferCallResponse', transferredCall: { callID: call.id } };
    }
    case 'SingleStepConferenceCall': {
      const call = transfers.singleStepConference(parts, request.activeCall, request.deviceToJoin, request);
      return { type: 'SingleStepConferenceCallResponse', conferencedCall: { callID: call.id, deviceID: request.deviceToJoin } };
    }
    case 'DeflectCall':
      transfers.deflect(parts, request.callToBeDiverted, request.newDestination);
      return { type: 'DeflectCallResponse' };
    case 'GenerateDigits': {
      const { call, connection } = calls.locate(core, request.connectionToSendDigits);
      calls.sendDigits(parts, call, connection, request.charactersToSend);
      return { type: 'GenerateDigitsResponse' };
    }
    case 'SnapshotDevice':
      return snapshotDevice(parts, request.snapshotObject);
    case 'SnapshotCall':
      return snapshotCall(parts, request.snapshotObject.callID);
    case 'SetAgentState': {
      const { agentID, password, group } = request;
      parts.agents.request(request.device, request.requestedAgentState, { agentID, password, group });
      return { type: 'SetAgentStateResponse' };
    }
    case 'GetAgentState':
      return { type: 'GetAgentStateResponse', agentStateList: [parts.agents.report(request.device)] };
    case 'RouteSelect':
      parts.routing.select(request.routingCrossRefID, request.routeSelected);
      return request;
    case 'RouteEnd':
      parts.routing.endByRouter(request.routingCrossRefID);
      return request;
    default:
      throw new SwitchError('operation', 'serviceNotSupported', `${request.type} is not a request the call model carries out`);
  }
}

function snapshotDevice(parts: Parts, device: string): KnownMessage {
  parts.core.directory.requireDevice(device);
  const snapshotData = parts.core.connectionsAt(device).map(({ call, connection }) => ({
    connectionIdentifier: { callID: call.id, deviceID: device },
    localCallState: { compoundCallState: { localConnectionState: connection.state } },
  }));
  return { type: 'SnapshotDeviceResponse', crossRefIDorSnapshotData: { snapshotData } };
}

function snapshotCall(parts: Parts, callID: string): KnownMessage {
  const call = parts.core.call(callID);
  const snapshotData = call.connections.map((c) => ({
    deviceOnCall: c.shown,
    callIdentifier: { callID: call.id, deviceID: c.device },
    localConnectionState: c.state,
  }));
  return { type: 'SnapshotCallResponse', crossRefIDorSnapshotData: { snapshotData } };
}
