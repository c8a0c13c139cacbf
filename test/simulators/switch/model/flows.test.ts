import t from 'tap';
import { SwitchError } from '../../../../simulators/switch/model/api.js';
import { makeSwitch, record, OUTSIDE_CALLER, talkingAt203 } from './helpers.js';

const CALLER = OUTSIDE_CALLER;


t.test('inbound trunk call to an extension: delivered, established, cleared', (t) => {
  const sw = makeSwitch();
  const log = record(sw);
  const callID = sw.placeInboundCall({ from: CALLER, to: '0301234503' });
  t.equal(callID, '1');
  const delivered = log.takeEvents();
  t.same(delivered.map((e) => `${e.device} ${e.event.type}`), ['T1 DeliveredEvent', '203 DeliveredEvent']);
  t.strictSame(delivered[1]?.event, {
    type: 'DeliveredEvent',
    connection: { callID: '1', deviceID: '203' },
    alertingDevice: '203',
    callingDevice: CALLER,
    calledDevice: '203',
    localConnectionInfo: 'alerting',
    cause: 'newCall',
    networkCalledDevice: '0301234503',
  });
  t.equal(delivered[0]?.event.type === 'DeliveredEvent' && delivered[0].event.localConnectionInfo, 'connected', 'the trunk side is connected');

  sw.answerAt('203');
  t.strictSame(log.take(), ['T1 Established newCall', '203 Established newCall']);
  sw.hangUpAt('203');
  t.strictSame(log.take(), ['T1 ConnectionCleared normalClearing', '203 ConnectionCleared normalClearing', 'T1 CallCleared normalClearing', '203 CallCleared normalClearing']);
  t.strictSame(log.takeOther(), ['callEnded 1 normalClearing']);
  t.end();
});

t.test('the caller hangs up while the extension rings: callCancelled', (t) => {
  const sw = makeSwitch();
  const log = record(sw);
  const callID = sw.placeInboundCall({ from: CALLER, to: '0301234503' });
  log.take();
  sw.hangUpExternal(callID);
  const events = log.takeEvents();
  t.strictSame(events.map((e) => `${e.device} ${e.event.type} ${'cause' in e.event ? e.event.cause : ''}`), [
    'T1 ConnectionClearedEvent callCancelled',
    '203 ConnectionClearedEvent callCancelled',
    'T1 CallClearedEvent callCancelled',
    '203 CallClearedEvent callCancelled',
  ]);
  t.match(events[1]?.event, { droppedConnection: { callID, deviceID: 'T1' }, releasingDevice: CALLER, localConnectionInfo: 'alerting' });
  t.end();
});

t.test('MakeCall from an extension to an extension and to an outside number', (t) => {
  const sw = makeSwitch();
  const log = record(sw);
  const response = sw.execute({ type: 'MakeCall', callingDevice: '210', calledDirectoryNumber: '203' });
  t.strictSame(response, { type: 'MakeCallResponse', callingDevice: { callID: '1', deviceID: '210' } });
  t.strictSame(log.take(), ['210 ServiceInitiated newCall', '210 Originated newCall', '210 Delivered newCall', '203 Delivered newCall']);
  sw.execute({ type: 'AnswerCall', callToBeAnswered: { callID: '1', deviceID: '203' } });
  t.strictSame(log.take(), ['210 Established newCall', '203 Established newCall']);

  const out = sw.dialFrom('301', '0301555999');
  const events = log.takeEvents();
  t.strictSame(events.map((e) => `${e.device} ${e.event.type}`), [
    '301 ServiceInitiatedEvent', '301 OriginatedEvent', '301 NetworkReachedEvent', 'T1 NetworkReachedEvent', '301 DeliveredEvent', 'T1 DeliveredEvent',
  ]);
  t.match(events[2]?.event, { outboundConnection: { callID: out, deviceID: 'T1' }, networkInterfaceUsed: 'T1', calledDevice: '0301555999', localConnectionInfo: 'connected' });
  sw.answerExternal(out);
  t.strictSame(log.take(), ['301 Established newCall', 'T1 Established newCall']);
  t.end();
});

t.test('hold, retrieve, alternate and reconnect', (t) => {
  const { sw, log, callID } = talkingAt203();
  const mine = { callID, deviceID: '203' };
  sw.execute({ type: 'HoldCall', callToBeHeld: mine });
  t.strictSame(log.take(), ['T1 Held normal', '203 Held normal']);
  sw.execute({ type: 'RetrieveCall', callToBeRetrieved: mine });
  t.strictSame(log.take(), ['T1 Retrieved normal', '203 Retrieved normal']);

  const consult = sw.execute({ type: 'ConsultationCall', existingCall: mine, consultedDevice: '210' });
  t.strictSame(consult, { type: 'ConsultationCallResponse', initiatedCall: { callID: '2', deviceID: '203' } });
  sw.answerAt('210');
  log.take();
  const second = { callID: '2', deviceID: '203' };
  sw.execute({ type: 'AlternateCall', heldCall: mine, activeCall: second });
  t.strictSame(log.take(), ['203 Held alternate', '210 Held alternate', 'T1 Retrieved alternate', '203 Retrieved alternate']);
  sw.execute({ type: 'AlternateCall', heldCall: second, activeCall: mine });
  log.take();
  sw.execute({ type: 'ReconnectCall', activeCall: second, heldCall: mine });
  t.strictSame(log.take(), [
    '203 ConnectionCleared normalClearing', '210 ConnectionCleared normalClearing', '203 CallCleared normalClearing', '210 CallCleared normalClearing',
    'T1 Retrieved normal', '203 Retrieved normal',
  ]);
  t.end();
});

t.test('consultation transfer', (t) => {
  const { sw, log, callID } = talkingAt203();
  sw.execute({ type: 'ConsultationCall', existingCall: { callID, deviceID: '203' }, consultedDevice: '210' });
  t.strictSame(log.take(), [
    'T1 Held consultation', '203 Held consultation', '203 ServiceInitiated consultation', '203 Originated consultation',
    '203 Delivered newCall', '210 Delivered newCall',
  ]);
  sw.answerAt('210');
  t.strictSame(log.take(), ['203 Established newCall', '210 Established newCall']);
  const response = sw.execute({ type: 'TransferCall', heldCall: { callID, deviceID: '203' }, activeCall: { callID: '2', deviceID: '203' } });
  t.strictSame(response, { type: 'TransferCallResponse', transferredCall: { callID } });
  const events = log.takeEvents();
  t.strictSame(events.map((e) => `${e.device} ${e.event.type} ${'cause' in e.event ? e.event.cause : ''}`), [
    '203 TransferredEvent transfer', 'T1 TransferredEvent transfer', '210 TransferredEvent transfer',
    '203 ConnectionClearedEvent transfer', '203 ConnectionClearedEvent transfer',
  ]);
  t.strictSame(events[1]?.event, {
    type: 'TransferredEvent',
    primaryOldCall: { callID, deviceID: '203' },
    secondaryOldCall: { callID: '2', deviceID: '203' },
    transferringDevice: '203',
    transferredToDevice: '210',
    transferredConnections: [
      { newConnection: { callID, deviceID: 'T1' }, oldConnection: { callID, deviceID: 'T1' }, endpoint: 'T1' },
      { newConnection: { callID, deviceID: '210' }, oldConnection: { callID: '2', deviceID: '210' }, endpoint: '210' },
    ],
    localConnectionInfo: 'connected',
    cause: 'transfer',
  });
  t.match(events[0]?.event, { localConnectionInfo: 'null' });
  t.strictSame(log.takeOther(), ['callEnded 2 transfer']);
  t.strictSame(sw.execute({ type: 'SnapshotCall', snapshotObject: { callID } }), {
    type: 'SnapshotCallResponse',
    crossRefIDorSnapshotData: {
      snapshotData: [
        { deviceOnCall: CALLER, callIdentifier: { callID, deviceID: 'T1' }, localConnectionState: 'connected' },
        { deviceOnCall: '210', callIdentifier: { callID, deviceID: '210' }, localConnectionState: 'connected' },
      ],
    },
  });
  t.strictSame(sw.execute({ type: 'SnapshotDevice', snapshotObject: '203' }), { type: 'SnapshotDeviceResponse', crossRefIDorSnapshotData: { snapshotData: [] } });
  t.end();
});

t.test('conference', (t) => {
  const { sw, log, callID } = talkingAt203();
  sw.execute({ type: 'ConsultationCall', existingCall: { callID, deviceID: '203' }, consultedDevice: '210' });
  sw.answerAt('210');
  log.take();
  sw.execute({ type: 'ConferenceCall', heldCall: { callID, deviceID: '203' }, activeCall: { callID: '2', deviceID: '203' } });
  const events = log.takeEvents();
  t.strictSame(events.map((e) => `${e.device} ${e.event.type}`), ['T1 ConferencedEvent', '203 ConferencedEvent', '210 ConferencedEvent']);
  t.match(events[1]?.event, {
    primaryOldCall: { callID, deviceID: '203' },
    secondaryOldCall: { callID: '2', deviceID: '203' },
    conferencingDevice: '203',
    addedParty: '210',
    localConnectionInfo: 'connected',
    cause: 'conference',
  });
  t.equal(events[1]?.event.type === 'ConferencedEvent' && events[1].event.conferenceConnections?.length, 3);
  t.strictSame(sw.execute({ type: 'SnapshotDevice', snapshotObject: '203' }), {
    type: 'SnapshotDeviceResponse',
    crossRefIDorSnapshotData: { snapshotData: [{ connectionIdentifier: { callID, deviceID: '203' }, localCallState: { compoundCallState: { localConnectionState: 'connected' } } }] },
  });
  sw.hangUpAt('203');
  t.strictSame(log.take(), ['T1 ConnectionCleared normalClearing', '203 ConnectionCleared normalClearing', '210 ConnectionCleared normalClearing'], 'two parties stay');
  t.end();
});

t.test('single-step transfer from an analog port to an extension', (t) => {
  const sw = makeSwitch();
  const log = record(sw);
  const callID = sw.placeInboundCall({ from: CALLER, to: '0301234502' });
  t.strictSame(log.take(), [
    'T1 Queued enteringDistribution', '610 Queued enteringDistribution',
    'T1 Delivered enteringDistribution', '610 Delivered enteringDistribution', '301 Delivered enteringDistribution',
    'T1 Diverted distributed', '610 Diverted distributed', '301 Diverted distributed',
  ]);
  sw.answerAt('301');
  log.take();
  sw.execute({ type: 'SingleStepTransferCall', activeCall: { callID, deviceID: '301' }, transferredTo: '203' });
  const events = log.takeEvents();
  t.strictSame(events.map((e) => `${e.device} ${e.event.type} ${'cause' in e.event ? e.event.cause : ''}`), [
    '301 TransferredEvent singleStepTransfer', 'T1 TransferredEvent singleStepTransfer', '301 ConnectionClearedEvent singleStepTransfer',
    'T1 DeliveredEvent singleStepTransfer', '203 DeliveredEvent singleStepTransfer',
  ]);
  t.notOk(events[0]?.event.type === 'TransferredEvent' && 'secondaryOldCall' in events[0].event, 'no secondaryOldCall');
  t.match(events[4]?.event, { lastRedirectionDevice: '301', calledDevice: '203', callingDevice: CALLER });
  sw.answerAt('203');
  t.strictSame(log.take(), ['T1 Established singleStepTransfer', '203 Established singleStepTransfer']);
  t.end();
});

t.test('deflect while alerting', (t) => {
  const sw = makeSwitch();
  const log = record(sw);
  const callID = sw.placeInboundCall({ from: CALLER, to: '0301234503' });
  log.take();
  sw.execute({ type: 'DeflectCall', callToBeDiverted: { callID, deviceID: '203' }, newDestination: '210' });
  const events = log.takeEvents();
  t.strictSame(events.map((e) => `${e.device} ${e.event.type} ${'cause' in e.event ? e.event.cause : ''}`), [
    'T1 DivertedEvent redirected', '203 DivertedEvent redirected', 'T1 DeliveredEvent redirected', '210 DeliveredEvent redirected',
  ]);
  t.match(events[1]?.event, { divertingDevice: '203', newDestination: '210', localConnectionInfo: 'null' });
  t.match(events[3]?.event, { lastRedirectionDevice: '203', alertingDevice: '210' });
  t.end();
});

t.test('silent monitor and barge-in by SingleStepConferenceCall', (t) => {
  const { sw, log, callID } = talkingAt203();
  const response = sw.execute({ type: 'SingleStepConferenceCall', activeCall: { callID, deviceID: '203' }, deviceToJoin: '210', participationType: 'silent' });
  t.strictSame(response, { type: 'SingleStepConferenceCallResponse', conferencedCall: { callID, deviceID: '210' } });
  t.strictSame(log.take(), ['T1 Conferenced silentParticipation', '203 Conferenced silentParticipation', '210 Conferenced silentParticipation']);
  sw.execute({ type: 'SingleStepConferenceCall', activeCall: { callID, deviceID: '203' }, deviceToJoin: '301', participationType: 'active' });
  t.strictSame(log.take(), ['T1 Conferenced activeParticipation', '203 Conferenced activeParticipation', '210 Conferenced activeParticipation', '301 Conferenced activeParticipation']);
  t.end();
});

t.test('digits from the caller and from a phone reach the other connected parties', (t) => {
  const { sw, log, callID } = talkingAt203();
  sw.sendExternalDigits(callID, '12#');
  sw.execute({ type: 'GenerateDigits', connectionToSendDigits: { callID, deviceID: '203' }, charactersToSend: '5' });
  t.strictSame(log.takeOther(), [`digits 203 ${callID} 12#`, `digits T1 ${callID} 5`]);
  t.strictSame(log.take(), [], 'digits are no monitor events');
  t.end();
});

t.test('bad requests are refused with the ECMA-269 error value and change nothing', (t) => {
  const { sw, log, callID } = talkingAt203();
  const ringing = sw.placeInboundCall({ from: '0301555222', to: '0301234502' });
  log.take();
  const cases: [string, () => unknown, string][] = [
    ['unknown device', () => sw.execute({ type: 'HoldCall', callToBeHeld: { callID, deviceID: '999' } }), 'invalidDeviceID'],
    ['unknown call', () => sw.execute({ type: 'HoldCall', callToBeHeld: { callID: '77', deviceID: '203' } }), 'invalidCallID'],
    ['device not in the call', () => sw.execute({ type: 'ClearConnection', connectionToBeCleared: { callID, deviceID: '210' } }), 'invalidCallID'],
    ['hold while alerting', () => sw.execute({ type: 'HoldCall', callToBeHeld: { callID: ringing, deviceID: '301' } }), 'invalidConnectionState'],
    ['answer a connected call', () => sw.execute({ type: 'AnswerCall', callToBeAnswered: { callID, deviceID: '203' } }), 'invalidConnectionState'],
    ['answer for the trunk', () => sw.execute({ type: 'AnswerCall', callToBeAnswered: { callID, deviceID: 'T1' } }), 'privilegeViolationOnSpecifiedDevice'],
    ['nothing rings', () => sw.answerAt('210'), 'noCallToAnswer'],
    ['no such number', () => sw.execute({ type: 'MakeCall', callingDevice: '210', calledDirectoryNumber: '555' }), 'invalidDestination'],
    ['calling from a group', () => sw.execute({ type: 'MakeCall', callingDevice: '600', calledDirectoryNumber: '210' }), 'invalidCallingDevice'],
    ['calling from nowhere', () => sw.execute({ type: 'MakeCall', callingDevice: '999', calledDirectoryNumber: '210' }), 'invalidDeviceID'],
    ['deflect a connected call', () => sw.execute({ type: 'DeflectCall', callToBeDiverted: { callID, deviceID: '203' }, newDestination: '210' }), 'invalidConnectionState'],
    ['deflect to a busy phone', () => sw.execute({ type: 'DeflectCall', callToBeDiverted: { callID: ringing, deviceID: '301' }, newDestination: '203' }), 'invalidObjectState'],
    ['transfer without a held call', () => sw.execute({ type: 'TransferCall', heldCall: { callID, deviceID: '203' }, activeCall: { callID: ringing, deviceID: '203' } }), 'invalidConnectionState'],
    ['bad digits', () => sw.execute({ type: 'GenerateDigits', connectionToSendDigits: { callID, deviceID: '203' }, charactersToSend: 'xyz' }), 'valueOutOfRange'],
    ['bad participation', () => sw.execute({ type: 'SingleStepConferenceCall', activeCall: { callID, deviceID: '203' }, deviceToJoin: '210', participationType: 'loud' }), 'valueOutOfRange'],
    ['join twice', () => sw.execute({ type: 'SingleStepConferenceCall', activeCall: { callID, deviceID: '203' }, deviceToJoin: '203' }), 'invalidDestination'],
    ['snapshot of nothing', () => sw.execute({ type: 'SnapshotDevice', snapshotObject: '999' }), 'invalidDeviceID'],
    ['snapshot of no call', () => sw.execute({ type: 'SnapshotCall', snapshotObject: { callID: '77' } }), 'invalidCallID'],
    ['not a model request', () => sw.execute({ type: 'MonitorStop', monitorCrossRefID: '1' }), 'serviceNotSupported'],
    ['unknown DID', () => sw.placeInboundCall({ from: CALLER, to: '0309999' }), 'invalidDestination'],
    ['busy phone dials', () => sw.dialFrom('203', '210'), 'invalidObjectState'],
    ['hang up an idle phone', () => sw.hangUpAt('210'), 'noConnectionToClear'],
  ];
  for (const [what, run, value] of cases) {
    try {
      run();
      t.fail(`${what}: accepted`);
    } catch (error) {
      t.ok(error instanceof SwitchError, `${what}: a SwitchError`);
      t.equal((error as SwitchError).value, value, what);
    }
  }
  t.strictSame(log.take(), [], 'no events for refused requests');
  t.end();
});
