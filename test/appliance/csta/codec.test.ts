/**
 * The CSTA XML codec: a round trip for every message of the catalogue, real-PBX shaped documents
 * (prefixes, editions, vendor data, identifier forms), error replies, unknown roots and bad input.
 */
import t from 'tap';
import { decodeMessage, encodeMessage } from '../../../appliance/csta/codec.js';
import { normalizeDeviceId } from '../../../appliance/csta/device-id.js';
import { CodecError } from '../../../appliance/csta/errors.js';
import { type CstaMessage, type KnownMessage, type MessageName, shapes } from '../../../appliance/csta/messages.js';
import { APPLICATION_SESSION_NAMESPACE, CSTA_NAMESPACES, type CstaEdition, editionOfNamespace } from '../../../appliance/csta/namespaces.js';
import { parseXml } from '../../../appliance/csta/xml/parser.js';
import { MESSAGE_NAMES, Rng, sampleMessage } from '../../helpers/fuzz.js';
import * as pbx from './fixtures/pbx-shaped.js';
import * as pub from './fixtures/public-examples.js';

const SESSION_NAMES = new Set(Object.keys(shapes).filter((name) => /ApplicationSession|SessionEnded/.test(name)));
const ENCODE_EDITIONS: CstaEdition[] = ['ed3', 'ed4', 'ed5'];

function rootNamespace(xml: string): string | undefined {
  return parseXml(xml).attrs?.xmlns;
}

function roundTrip(message: CstaMessage, edition: CstaEdition = 'ed4'): CstaMessage {
  return decodeMessage(encodeMessage(message, { edition }));
}

t.test('every catalogue message survives encode → decode with every field filled', async (t) => {
  const rng = new Rng(1);
  t.ok(MESSAGE_NAMES.length >= 80, `catalogue has ${MESSAGE_NAMES.length} messages`);
  for (const name of MESSAGE_NAMES) {
    for (const edition of ENCODE_EDITIONS) {
      const message = sampleMessage(name, rng, { full: true });
      const xml = encodeMessage(message, { edition });
      const expectedNs = SESSION_NAMES.has(name) ? APPLICATION_SESSION_NAMESPACE : CSTA_NAMESPACES[edition];
      t.equal(rootNamespace(xml), expectedNs, `${name} ${edition}: namespace`);
      t.strictSame(decodeMessage(xml), message, `${name} ${edition}: round trip`);
    }
  }
});

t.test('random subsets of optional fields, private data and the XML declaration round-trip too', async (t) => {
  const rng = new Rng(2);
  let checked = 0;
  for (let round = 0; round < 5; round++) {
    for (const name of MESSAGE_NAMES) {
      const message: KnownMessage = sampleMessage(name, rng, { full: false });
      if (rng.chance(0.3)) message.privateData = '<extensions><privateData><private><v:x xmlns:v="urn:vendor">1</v:x></private></privateData></extensions>';
      const xml = encodeMessage(message, { edition: rng.pick(ENCODE_EDITIONS), declaration: rng.chance(0.5) });
      t.strictSame(decodeMessage(xml), message, `${name} round ${round}`);
      checked++;
    }
  }
  t.equal(checked, 5 * Object.keys(shapes).length);
});

t.test('hand-written samples of the important messages', async (t) => {
  const samples: KnownMessage[] = [
    { type: 'MakeCall', callingDevice: '201', calledDirectoryNumber: '+4930123456', correlatorData: 'ticket 42' },
    { type: 'MakeCallResponse', callingDevice: { callID: pbx.CALL_ID, deviceID: '201' } },
    { type: 'AnswerCall', callToBeAnswered: { callID: pbx.CALL_ID, deviceID: '202' } },
    { type: 'ClearConnection', connectionToBeCleared: { callID: pbx.CALL_ID, deviceID: '202' } },
    { type: 'ConsultationCall', existingCall: { callID: 'C1', deviceID: '201' }, consultedDevice: '202' },
    { type: 'TransferCall', heldCall: { callID: 'C1', deviceID: '201' }, activeCall: { callID: 'C2', deviceID: '201' } },
    { type: 'SingleStepTransferCall', activeCall: { callID: 'C1', deviceID: '700' }, transferredTo: '201' },
    { type: 'SingleStepConferenceCall', activeCall: { callID: 'C1', deviceID: '201' }, deviceToJoin: '299', participationType: 'silent' },
    { type: 'DeflectCall', callToBeDiverted: { callID: 'C1', deviceID: '201' }, newDestination: '203' },
    { type: 'GenerateDigits', connectionToSendDigits: { callID: 'C1', deviceID: '700' }, charactersToSend: '1234#' },
    { type: 'MonitorStart', monitorObject: { deviceObject: '212700' }, monitorType: 'device' },
    { type: 'MonitorStartResponse', monitorCrossRefID: '1136370025' },
    { type: 'SnapshotDeviceResponse', crossRefIDorSnapshotData: { snapshotData: [
      { connectionIdentifier: { callID: 'C1', deviceID: '201' }, localCallState: { compoundCallState: { localConnectionState: 'connected' } } },
      { connectionIdentifier: { callID: 'C2', deviceID: '201' }, localCallState: { simpleCallState: 'hold' } },
    ] } },
    { type: 'SetAgentState', device: '201', requestedAgentState: 'loggedOn', agentID: '4711', password: 's3cret', group: '600' },
    { type: 'RouteRequest', routingCrossRefID: '5', currentRoute: '800', callingDevice: '+4930123456', routedCall: { callID: 'C9', deviceID: '800' } },
    { type: 'RouteSelect', routingCrossRefID: '5', routeSelected: '600', routeUsedReq: true },
    { type: 'DeliveredEvent', monitorCrossRefID: '7', connection: { callID: 'C1', deviceID: '201' }, alertingDevice: '201', callingDevice: '+4930123456',
      calledDevice: '600', lastRedirectionDevice: '600', localConnectionInfo: 'alerting', cause: 'enteringDistribution', callCharacteristics: { acdCall: true } },
    { type: 'QueuedEvent', monitorCrossRefID: '8', queuedConnection: { callID: 'C1', deviceID: '600' }, queue: '600', numberQueued: 3, callsInFront: 2, cause: 'newCall' },
    { type: 'ConnectionClearedEvent', monitorCrossRefID: '7', droppedConnection: { callID: 'C1', deviceID: '201' }, releasingDevice: '201', cause: 'normalClearing' },
    { type: 'ConferencedEvent', monitorCrossRefID: '7', primaryOldCall: { callID: 'C1', deviceID: '201' }, conferencingDevice: '299', addedParty: '299',
      conferenceConnections: [{ newConnection: { callID: 'C1', deviceID: '299' }, endpoint: '299' }], cause: 'silentParticipation' },
    { type: 'AgentReadyEvent', monitorCrossRefID: '7', agentDevice: '201', agentID: '4711', acdGroup: '600' },
    { type: 'StartApplicationSession', applicationInfo: { applicationID: 'ccbox', applicationSpecificInfo: '<SessionLoginInfo xmlns="http://www.avaya.com/csta"><userName>u</userName></SessionLoginInfo>' },
      requestedProtocolVersions: [CSTA_NAMESPACES.ed4], requestedSessionDuration: 300 },
    { type: 'StartApplicationSessionPosResponse', sessionID: 'S-1', actualProtocolVersion: CSTA_NAMESPACES.ed4, actualSessionDuration: 180 },
    { type: 'ResetApplicationSessionTimer', sessionID: 'S-1', requestedSessionDuration: 300 },
    { type: 'SystemStatus', systemStatus: 'normal' },
    { type: 'SystemStatusResponse' },
  ];
  for (const message of samples) t.strictSame(roundTrip(message, 'ed5'), message, message.type);
  t.equal(
    encodeMessage({ type: 'MonitorStart', monitorObject: { deviceObject: '212700' }, monitorType: 'device' }),
    pub.MONITOR_START_XML.replace(' typeOfNumber="dialingNumber"', ''),
    'MonitorStart is written exactly as the public example (less the optional typeOfNumber)',
  );
  t.equal(encodeMessage({ type: 'SystemStatusResponse' }), pub.SYSTEM_STATUS_RESPONSE_XML, 'an empty message is one empty element');
  t.equal(encodeMessage(decodeMessage(pub.AVAYA_START_SESSION_XML)), pub.AVAYA_START_SESSION_XML, 'the Avaya session start re-encodes byte for byte');
  t.match(encodeMessage({ type: 'SystemStatus', systemStatus: 'normal' }, { declaration: true }), /^<\?xml version="1\.0" encoding="UTF-8"\?><SystemStatus /);
});

t.test('public examples decode', async (t) => {
  t.strictSame(decodeMessage(pub.MONITOR_START_XML), { type: 'MonitorStart', monitorObject: { deviceObject: '212700' }, monitorType: 'device' });
  t.strictSame(decodeMessage(pub.MONITOR_START_RESPONSE_XML), { type: 'MonitorStartResponse', monitorCrossRefID: '1136370025' });
  t.strictSame(decodeMessage(pub.MAKE_CALL_XML), { type: 'MakeCall', callingDevice: '201', calledDirectoryNumber: '202' });
  t.strictSame(decodeMessage(pub.MAKE_CALL_RESPONSE_XML), { type: 'MakeCallResponse', callingDevice: { callID: pbx.CALL_ID, deviceID: '201' } });
  t.strictSame(decodeMessage(pub.HOSTED_PBX_ESTABLISHED_XML), {
    type: 'EstablishedEvent', monitorCrossRefID: 'u-12345678-200', establishedConnection: { callID: 'SIP/hpbx-00000233', deviceID: '200' },
    answeringDevice: '22334455', callingDevice: '200', calledDevice: '22334455', localConnectionInfo: 'connected', cause: 'normal',
  });
  t.strictSame(decodeMessage(pub.OPENSCAPE_DEFLECT_CALL_XML), { type: 'DeflectCall', callToBeDiverted: { callID: pbx.CALL_ID, deviceID: 'SUB_C' }, newDestination: 'SUB_D' });
  t.strictSame(decodeMessage(pub.SYSTEM_STATUS_XML), { type: 'SystemStatus', systemStatus: 'normal' });
  t.strictSame(decodeMessage(pub.SYSTEM_STATUS_RESPONSE_XML), { type: 'SystemStatusResponse' });
  t.strictSame(decodeMessage(pub.AVAYA_START_SESSION_XML), {
    type: 'StartApplicationSession',
    applicationInfo: {
      applicationID: 'testApplicationId',
      applicationSpecificInfo: '<SessionLoginInfo xmlns="http://www.avaya.com/csta"><userName>username</userName><password>password</password><sessionCleanupDelay>60</sessionCleanupDelay><sessionID></sessionID></SessionLoginInfo>',
    },
    requestedProtocolVersions: [CSTA_NAMESPACES.ed4],
    requestedSessionDuration: 300,
  });
});

t.test('real-PBX shaped documents', async (t) => {
  t.strictSame(decodeMessage(pbx.SIEMENS_PREFIXED_DELIVERED_XML), {
    type: 'DeliveredEvent', monitorCrossRefID: '4711', connection: { callID: pbx.CALL_ID, deviceID: '+4930123456200' },
    alertingDevice: '+4930123456200', callingDevice: '+4930123456', calledDevice: '+4930123456100', localConnectionInfo: 'alerting',
    cause: 'enteringDistribution', callCharacteristics: { acdCall: true }, privateData: pbx.SIEMENS_EXTENSIONS,
  }, 'prefixed root and children, declaration, comment; notKnown device left out; private data kept raw');
  const avaya = decodeMessage(pbx.AVAYA_ESTABLISHED_XML);
  t.strictSame(avaya, {
    type: 'EstablishedEvent', monitorCrossRefID: '12', establishedConnection: { callID: '3301', deviceID: '5001' }, answeringDevice: '5001',
    callingDevice: '+4930123456', calledDevice: '5000', cause: 'normal',
    privateData: pbx.AVAYA_ESTABLISHED_XML.slice(pbx.AVAYA_ESTABLISHED_XML.indexOf('<extensions>'), pbx.AVAYA_ESTABLISHED_XML.indexOf('</EstablishedEvent>')),
  }, 'typeOfNumber attributes ignored, Avaya private data kept raw');
  t.strictSame(decodeMessage(encodeMessage(avaya, { edition: 'ed3' })), avaya, 'private data survives re-encoding');
  t.strictSame(decodeMessage(pbx.UNQUALIFIED_QUEUED_XML), {
    type: 'QueuedEvent', monitorCrossRefID: '77', queuedConnection: { callID: pbx.CALL_ID, deviceID: '600' }, queue: '600',
    callingDevice: '030123456', calledDevice: '600', numberQueued: 3, callsInFront: 2, cause: 'newCall',
  }, 'no namespace, CRLF and tabs, padded integer, CDATA');
  t.strictSame(decodeMessage(pbx.TRANSFERRED_XML), {
    type: 'TransferredEvent', monitorCrossRefID: '9', primaryOldCall: { callID: 'A1', deviceID: '201' }, secondaryOldCall: { callID: 'A2', deviceID: '201' },
    transferringDevice: '201',
    transferredConnections: [
      { newConnection: { callID: 'A2', deviceID: '202' }, endpoint: '202' },
      { newConnection: { callID: 'A2', deviceID: '+4930123456' }, oldConnection: { callID: 'A1', deviceID: '+4930123456' }, endpoint: '+4930123456' },
    ],
    localConnectionInfo: 'null', cause: 'transfer',
  });
});

t.test('every edition namespace on both hosts, qualified and unqualified', async (t) => {
  for (const edition of ['ed2', 'ed3', 'ed4', 'ed5', 'ed6'] as const) {
    for (const host of ['www.ecma.ch', 'www.ecma-international.org']) {
      const uri = `http://${host}/standards/ecma-323/csta/${edition}`;
      t.equal(editionOfNamespace(uri), edition, uri);
      const body = '<monitorCrossRefID>1</monitorCrossRefID><clearedCall><callID>C1</callID></clearedCall><cause>normalClearing</cause>';
      const expected = { type: 'CallClearedEvent', monitorCrossRefID: '1', clearedCall: { callID: 'C1' }, cause: 'normalClearing' };
      t.strictSame(decodeMessage(`<CallClearedEvent xmlns="${uri}">${body}</CallClearedEvent>`), expected, `${uri} default`);
      const prefixed = body.replace(/<(\/?)/g, '<$1x:');
      t.strictSame(decodeMessage(`<x:CallClearedEvent xmlns:x="${uri}">${prefixed}</x:CallClearedEvent>`), expected, `${uri} prefixed`);
      t.strictSame(decodeMessage(`<x:CallClearedEvent xmlns:x="${uri}">${body}</x:CallClearedEvent>`), expected, `${uri} qualified root only`);
    }
  }
  t.strictSame(decodeMessage(`<as:SessionEndedEvent xmlns:as="${APPLICATION_SESSION_NAMESPACE}"><as:sessionID>S</as:sessionID></as:SessionEndedEvent>`), { type: 'SessionEndedEvent', sessionID: 'S' });
  t.equal(editionOfNamespace(APPLICATION_SESSION_NAMESPACE), undefined);
});

t.test('device identifiers: plain, typeOfNumber, N<…>;noa=nk, not known', async (t) => {
  const delivered = (device: string) =>
    decodeMessage(`<DeliveredEvent><monitorCrossRefID>1</monitorCrossRefID><connection><callID>C</callID><deviceID>201</deviceID></connection><callingDevice>${device}</callingDevice></DeliveredEvent>`);
  t.match(delivered('<deviceIdentifier>201</deviceIdentifier>'), { callingDevice: '201' });
  t.match(delivered('<deviceIdentifier typeOfNumber="explicitPublic:international"> +4930123456 </deviceIdentifier>'), { callingDevice: '+4930123456' });
  t.match(delivered('<deviceIdentifier>N&lt;+4930123456&gt;;noa=nk</deviceIdentifier>'), { callingDevice: '+4930123456' });
  t.match(delivered('<deviceIdentifier>N&lt;+4930123456&gt;</deviceIdentifier>'), { callingDevice: '+4930123456' });
  t.notOk('callingDevice' in delivered('<notKnown/>'), '<notKnown/> leaves the field out');
  t.notOk('callingDevice' in delivered('<restricted/>'), '<restricted/> leaves the field out');
  t.strictSame(decodeMessage('<SnapshotDevice><snapshotObject typeOfNumber="dialingNumber">N&lt;201&gt;;noa=unknown</snapshotObject></SnapshotDevice>'), { type: 'SnapshotDevice', snapshotObject: '201' });
  t.equal(normalizeDeviceId('201'), '201');
  t.equal(normalizeDeviceId('N<>'), 'N<>', 'an empty number is left as it came');
  t.equal(normalizeDeviceId('N<+49'), 'N<+49', 'an unclosed bracket is left as it came');
});

t.test('CSTAErrorCode of every group', async (t) => {
  for (const { group, value } of pbx.ERROR_CODES) {
    const xml = `<CSTAErrorCode xmlns="${CSTA_NAMESPACES.ed4}"><${group}>${value}</${group}></CSTAErrorCode>`;
    t.strictSame(decodeMessage(xml), { type: 'CSTAErrorCode', group, value }, `${group}/${value}`);
    t.equal(encodeMessage({ type: 'CSTAErrorCode', group, value }), xml, `${group}/${value} encodes`);
  }
  t.strictSame(decodeMessage('<csta:CSTAErrorCode xmlns:csta="x"><csta:operation><csta:invalidCallID/></csta:operation></csta:CSTAErrorCode>'), { type: 'CSTAErrorCode', group: 'operation', value: 'invalidCallID' }, 'value as an empty element');
  t.strictSame(decodeMessage('<CSTAErrorCode><extensions/><security>\n unspecified \n</security></CSTAErrorCode>'), { type: 'CSTAErrorCode', group: 'security', value: 'unspecified', privateData: '<extensions/>' });
  t.strictSame(decodeMessage('<CSTAErrorCode/>'), { type: 'CSTAErrorCode', group: 'unspecified', value: 'unspecified' });
  t.strictSame(roundTrip({ type: 'CSTAErrorCode', group: 'privateError', value: 'a<b&c' }), { type: 'CSTAErrorCode', group: 'privateError', value: 'a<b&c' }, 'value escaped');
  t.throws(() => encodeMessage({ type: 'CSTAErrorCode', group: 'x><y', value: 'v' }), { name: 'CodecError', code: 'badValue', message: /CSTAErrorCode.group/ });
});

t.test('unknown roots become Unknown with a plain body', async (t) => {
  t.strictSame(decodeMessage(pbx.VENDOR_UNKNOWN_XML), { type: 'Unknown', name: 'CallDataEvent', body: { monitorCrossRefID: '5', item: ['a', 'b'], nested: { depth: '2' } } });
  t.strictSame(decodeMessage('<FancyEvent>just text</FancyEvent>'), { type: 'Unknown', name: 'FancyEvent', body: {} });
  const odd = decodeMessage('<Odd><constructor>1</constructor><toString>2</toString><__proto__>3</__proto__><__proto__>4</__proto__></Odd>');
  t.equal(odd.type, 'Unknown');
  if (odd.type === 'Unknown') {
    t.same(Object.entries(odd.body), [['constructor', '1'], ['toString', '2'], ['__proto__', ['3', '4']]], 'names of Object.prototype members are plain keys');
    t.equal(Object.getPrototypeOf(odd.body), Object.prototype, 'the body prototype is untouched');
  }
  t.throws(() => encodeMessage(odd), { name: 'CodecError', code: 'unknownMessage' });
  t.throws(() => encodeMessage({ type: 'NoSuchThing' } as never), { name: 'CodecError', code: 'unknownMessage', message: /NoSuchThing/ });
});

t.test('children and attributes named like Object.prototype members are ignored, not crashes', async (t) => {
  const body = '<monitorCrossRefID>1</monitorCrossRefID><clearedCall><callID>C</callID></clearedCall>';
  for (const name of ['toString', 'constructor', '__proto__', 'hasOwnProperty', 'valueOf']) {
    t.strictSame(decodeMessage(`<CallClearedEvent ${name}="x"><${name}>1</${name}>${body}</CallClearedEvent>`), { type: 'CallClearedEvent', monitorCrossRefID: '1', clearedCall: { callID: 'C' } }, name);
  }
  t.strictSame(Object.entries(parseXml('<a constructor="1" __proto__="2"/>').attrs ?? {}), [['constructor', '1'], ['__proto__', '2']], 'attributes too');
});

const BAD_XML: [label: string, xml: string, problem: RegExp][] = [
  ['unclosed element', '<SystemStatus><systemStatus>normal</systemStatus>', /<SystemStatus> is not closed/],
  ['mismatched end tag', '<SystemStatus><systemStatus>normal</status></SystemStatus>', /end tag <\/status> does not match <systemStatus>/],
  ['end tag without start', '</SystemStatus>', /without a start tag/],
  ['DOCTYPE', '<!DOCTYPE SystemStatus [<!ENTITY e "x">]><SystemStatus/>', /DOCTYPE/],
  ['unknown entity', '<SystemStatus><systemStatus>&bogus;</systemStatus></SystemStatus>', /unknown entity "&bogus;"/],
  ['entity named like an Object.prototype member', '<SystemStatus><systemStatus>&toString;</systemStatus></SystemStatus>', /unknown entity "&toString;"/],
  ['unterminated entity', '<SystemStatus><systemStatus>AT&T</systemStatus></SystemStatus>', /unterminated entity/],
  ['character reference to NUL', '<SystemStatus><systemStatus>&#0;</systemStatus></SystemStatus>', /unknown entity "&#0;"/],
  ['character reference with junk', '<SystemStatus><systemStatus>&#12ab;</systemStatus></SystemStatus>', /unknown entity "&#12ab;"/],
  ['surrogate character reference', '<SystemStatus><systemStatus>&#xD800;</systemStatus></SystemStatus>', /unknown entity/],
  ['text after the root', '<SystemStatus/>trailing', /text after the root element/],
  ['text before the root', 'leading<SystemStatus/>', /text before the root element/],
  ['two roots', '<SystemStatus/><SystemStatus/>', /second root element <SystemStatus>/],
  ['attribute without quotes', '<SystemStatus a=1/>', /attribute a in <SystemStatus> is not quoted/],
  ['attribute without value', '<SystemStatus a/>', /attribute a in <SystemStatus> has no value/],
  ['repeated attribute', '<SystemStatus a="1" a="2"/>', /attribute a repeated/],
  ['attributes run together', '<SystemStatus a="1"b="2"/>', /no whitespace after attribute a/],
  ['"<" in an attribute', '<SystemStatus a="<"/>', /"<" in the value of attribute a/],
  ['bad character in a name', '<System<Status/>', /invalid character "<" in the name <System…>/],
  ['bad start of a name', '<1SystemStatus/>', /invalid character after "<"/],
  ['unterminated start tag', '<SystemStatus a="1"', /unterminated/],
  ['unterminated comment', '<SystemStatus><!-- x</SystemStatus>', /unterminated comment/],
  ['unterminated CDATA', '<SystemStatus><![CDATA[x</SystemStatus>', /unterminated CDATA/],
  ['nesting too deep', `<SystemStatus>${'<a>'.repeat(300)}${'</a>'.repeat(300)}</SystemStatus>`, /nested deeper than 256 levels/],
  ['empty document', '', /no root element/],
  ['only a declaration', '<?xml version="1.0"?>', /no root element/],
];

t.test('bad XML is a CodecError badXml naming the problem', async (t) => {
  for (const [label, xml, problem] of BAD_XML) {
    t.throws(() => decodeMessage(xml), { name: 'CodecError', code: 'badXml', message: problem }, label);
  }
  t.doesNotThrow(() => decodeMessage(`<SystemStatus>${'<a>'.repeat(250)}${'</a>'.repeat(250)}</SystemStatus>`), '250 levels are fine');
  t.strictSame(decodeMessage('\uFEFF<SystemStatus><systemStatus>&#x6E;&#111;rmal&amp;&lt;&gt;&quot;&apos;</systemStatus></SystemStatus>'), { type: 'SystemStatus', systemStatus: 'normal&<>"\'' }, 'BOM and every entity form');
});

t.test('missing required fields and malformed values name the path', async (t) => {
  t.throws(() => decodeMessage('<MakeCall><callingDevice>201</callingDevice></MakeCall>'), { name: 'CodecError', code: 'missingField', message: 'MakeCall: missing calledDirectoryNumber' });
  t.throws(() => decodeMessage('<MakeCall><callingDevice><notKnown/></callingDevice><calledDirectoryNumber>1</calledDirectoryNumber></MakeCall>'), { code: 'missingField', message: 'MakeCall: missing callingDevice' });
  t.throws(() => decodeMessage('<StartApplicationSession><applicationInfo/></StartApplicationSession>'), { code: 'missingField', message: 'StartApplicationSession.applicationInfo: missing applicationID' });
  t.throws(() => decodeMessage('<DeliveredEvent><connection><callID>1</callID></connection></DeliveredEvent>'), { code: 'missingField', message: /DeliveredEvent: missing monitorCrossRefID/ });
  t.throws(() => decodeMessage('<QueuedEvent><monitorCrossRefID>1</monitorCrossRefID><queuedConnection><callID>1</callID></queuedConnection><numberQueued>three</numberQueued></QueuedEvent>'),
    { code: 'badValue', message: 'QueuedEvent.numberQueued: expected an integer, got "three"' });
  t.throws(() => decodeMessage('<QueuedEvent><monitorCrossRefID>1</monitorCrossRefID><queuedConnection><callID>1</callID></queuedConnection><numberQueued>99999999999999999999</numberQueued></QueuedEvent>'),
    { code: 'badValue', message: /numberQueued: expected an integer/ }, 'integers beyond 2^53 are refused, not rounded');
  t.throws(() => decodeMessage('<DeliveredEvent><monitorCrossRefID>1</monitorCrossRefID><connection><callID>1</callID></connection><callCharacteristics><acdCall>yes</acdCall></callCharacteristics></DeliveredEvent>'),
    { code: 'badValue', message: 'DeliveredEvent.callCharacteristics.acdCall: expected true or false, got "yes"' });
  t.throws(() => decodeMessage('<GetAgentStateResponse><agentStateList><agentStateEntry/><agentStateEntry><loggedOnState>2</loggedOnState></agentStateEntry></agentStateList></GetAgentStateResponse>'),
    { code: 'badValue', message: /GetAgentStateResponse\.agentStateList\[1\]\.loggedOnState/ });
  t.strictSame(decodeMessage('<RouteSelect><routingCrossRefID>1</routingCrossRefID><routeSelected>2</routeSelected><routeUsedReq>1</routeUsedReq></RouteSelect>'),
    { type: 'RouteSelect', routingCrossRefID: '1', routeSelected: '2', routeUsedReq: true }, 'booleans as 1/0');
});

t.test('encoding refuses what the peer would refuse, naming the path', async (t) => {
  const error = (code: CodecError['code'], message: RegExp) => ({ name: 'CodecError', code, message });
  t.throws(() => encodeMessage({ type: 'MakeCall', callingDevice: '201' } as never), error('missingField', /MakeCall: missing calledDirectoryNumber/));
  t.throws(() => encodeMessage({ type: 'StartApplicationSession', applicationInfo: {} } as never), error('missingField', /StartApplicationSession.applicationInfo: missing applicationID/));
  t.throws(() => encodeMessage({ type: 'QueuedEvent', monitorCrossRefID: '1', queuedConnection: { callID: 'C' }, numberQueued: 1.5 }), error('badValue', /QueuedEvent.numberQueued: expected an integer/));
  t.throws(() => encodeMessage({ type: 'RouteSelect', routingCrossRefID: '1', routeSelected: '2', routeUsedReq: 'yes' } as never), error('badValue', /RouteSelect.routeUsedReq: expected true or false, got "yes"/));
  t.throws(() => encodeMessage({ type: 'TransferredEvent', monitorCrossRefID: '1', primaryOldCall: { callID: 'C' }, transferredConnections: {} } as never), error('badValue', /transferredConnections: expected an array/));
  t.throws(() => encodeMessage({ type: 'AnswerCall', callToBeAnswered: 'C1' } as never), error('badValue', /AnswerCall.callToBeAnswered: expected a connection/));
  t.throws(() => encodeMessage({ type: 'MonitorStart', monitorObject: { deviceObject: { id: 1 } } } as never), error('badValue', /MonitorStart.monitorObject.deviceObject: expected a string/));
  t.equal(decodeMessage(encodeMessage({ type: 'MonitorStartResponse', monitorCrossRefID: 12 } as never)).type, 'MonitorStartResponse', 'numbers pass as text');
});

t.test('raw fields: inner XML kept as written, text returned escaped so it re-encodes', async (t) => {
  const start = (info: string) => `<StartApplicationSession><applicationInfo><applicationID>a</applicationID><applicationSpecificInfo>${info}</applicationSpecificInfo></applicationInfo></StartApplicationSession>`;
  const text = decodeMessage(start('user &amp; <![CDATA[<pw>]]>'));
  t.match(text, { applicationInfo: { applicationSpecificInfo: 'user &amp; &lt;pw&gt;' } });
  t.strictSame(decodeMessage(encodeMessage(text)), text, 'escaped text round-trips');
  const inner = decodeMessage(start('\n  <v:a xmlns:v="urn:v" k="1">x</v:a>\n  <v:b xmlns:v="urn:v"/>\n'));
  t.match(inner, { applicationInfo: { applicationSpecificInfo: '<v:a xmlns:v="urn:v" k="1">x</v:a>\n  <v:b xmlns:v="urn:v"/>' } });
});

t.test('a message name for each kind of message the issue lists', async (t) => {
  const wanted = [
    'MakeCall', 'AnswerCall', 'ClearConnection', 'ClearCall', 'HoldCall', 'RetrieveCall', 'AlternateCall', 'ReconnectCall', 'ConsultationCall',
    'TransferCall', 'ConferenceCall', 'SingleStepTransferCall', 'SingleStepConferenceCall', 'DeflectCall', 'GenerateDigits', 'MonitorStart',
    'MonitorStop', 'SnapshotDevice', 'SnapshotCall', 'SetAgentState', 'GetAgentState', 'RouteRegister', 'RouteRegisterCancel', 'RouteSelect',
    'RouteEnd', 'RouteRequest', 'RouteUsed', 'SystemStatus', 'SystemRegister', 'GetSwitchingFunctionDevices',
    ...['ServiceInitiated', 'Originated', 'Delivered', 'Queued', 'Diverted', 'Established', 'Held', 'Retrieved', 'Transferred', 'Conferenced',
      'ConnectionCleared', 'CallCleared', 'Failed', 'NetworkReached', 'CallInformation', 'AgentLoggedOn', 'AgentLoggedOff', 'AgentReady',
      'AgentNotReady', 'AgentWorkingAfterCall', 'AgentBusy', 'DoNotDisturb', 'Forwarding', 'OutOfService', 'BackInService'].map((e) => `${e}Event`),
    'StartApplicationSession', 'StopApplicationSession', 'ResetApplicationSessionTimer',
  ];
  const missing = wanted.filter((name) => !(name in shapes));
  t.strictSame(missing, [], 'all in the catalogue');
  const names: MessageName[] = MESSAGE_NAMES;
  t.ok(names.includes('MakeCallResponse') && names.includes('StartApplicationSessionPosResponse'), 'with their responses');
});
