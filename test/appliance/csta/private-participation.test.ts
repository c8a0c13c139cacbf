/**
 * Whisper as a private participation: the SingleStepConferenceCall on the wire, reading the mark
 * back (prefixed, beside other vendor data, missing, broken), the link sending it or refusing it by
 * the profile's whisperStyle, and the profile field itself.
 */
import t from 'tap';
import { decodeMessage, encodeMessage } from '../../../appliance/csta/codec.js';
import { CodecError } from '../../../appliance/csta/errors.js';
import { privateParticipationOf, singleStepConferenceArgs } from '../../../appliance/csta/private-participation.js';
import { loadPbxProfile, parsePbxProfile } from '../../../appliance/csta/profile.js';
import { acceptSession, linksUnderFakeTime } from '../../helpers/link-under-test.js';
import * as pbx from './fixtures/pbx-shaped.js';

const AGENT_CALL = { callID: 'FF000100000000006BB1234C31000000', deviceID: '201' };

/** Supervisor 206 whispers to agent 201: a silent join with the private mark, as ccbox writes it (ed4). */
const WHISPER_REQUEST_XML =
  '<SingleStepConferenceCall xmlns="http://www.ecma-international.org/standards/ecma-323/csta/ed4">' +
  '<activeCall><callID>FF000100000000006BB1234C31000000</callID><deviceID>201</deviceID></activeCall>' +
  '<deviceToJoin>206</deviceToJoin><participationType>silent</participationType>' +
  '<extensions><privateData><private><participation xmlns="urn:ccbox:csta:private-participation">whisper</participation></private></privateData></extensions>' +
  '</SingleStepConferenceCall>';

t.test('whisper is a silent SingleStepConferenceCall marked in private data', async (t) => {
  const whisper = { type: 'SingleStepConferenceCall' as const, ...singleStepConferenceArgs(AGENT_CALL, '206', 'whisper') };
  t.equal(encodeMessage(whisper), WHISPER_REQUEST_XML, 'the bytes on the wire');
  const decoded = decodeMessage(WHISPER_REQUEST_XML);
  t.match(decoded, { type: 'SingleStepConferenceCall', activeCall: AGENT_CALL, deviceToJoin: '206', participationType: 'silent' });
  t.equal(privateParticipationOf(decoded.privateData), 'whisper', 'the switch reads the mark back');

  for (const participation of ['silent', 'active'] as const) {
    const xml = encodeMessage({ type: 'SingleStepConferenceCall', ...singleStepConferenceArgs(AGENT_CALL, '206', participation) });
    t.notOk(xml.includes('<extensions>'), `${participation}: plain ECMA-269, no private data`);
    t.match(decodeMessage(xml), { participationType: participation });
  }
});

t.test('reading the mark: any prefix, among other vendor data, or none at all', async (t) => {
  const prefixed =
    '<csta:SingleStepConferenceCall xmlns:csta="http://www.ecma-international.org/standards/ecma-323/csta/ed4" xmlns:p="urn:ccbox:csta:private-participation">' +
    '<csta:activeCall><csta:callID>C1</csta:callID><csta:deviceID>201</csta:deviceID></csta:activeCall><csta:deviceToJoin>206</csta:deviceToJoin>' +
    '<csta:participationType>silent</csta:participationType><csta:extensions><csta:privateData>' +
    '<csta:private><scx:callData xmlns:scx="http://www.example.com/siemens-scx"><scx:trunk>7</scx:trunk></scx:callData></csta:private>' +
    '<csta:private><p:participation> whisper </p:participation></csta:private>' +
    '</csta:privateData></csta:extensions></csta:SingleStepConferenceCall>';
  t.equal(privateParticipationOf(decodeMessage(prefixed).privateData), 'whisper', 'prefixed, in the second private element');
  t.equal(privateParticipationOf(pbx.SIEMENS_EXTENSIONS), undefined, 'Siemens call data is no participation');
  t.equal(privateParticipationOf(undefined), undefined, 'no private data');
  t.equal(privateParticipationOf('<extensions/>'), undefined, 'empty extensions');
  t.throws(() => privateParticipationOf('<extensions><privateData>'), CodecError, 'private data that does not parse is a codec error');
  t.throws(() => privateParticipationOf('<extensions><privateData>'), { code: 'badXml', message: /^extensions: private data does not parse/ });
});

t.test('the link sends the whisper mark when the profile offers it', async (t) => {
  const { make, peer: startPeer } = linksUnderFakeTime(t);
  const peer = await startPeer();
  const link = make(peer.url);
  const started = link.start();
  const conn = await acceptSession(peer, 0);
  await started;
  t.equal(link.profile.whisperStyle, 'privateParticipation', 'generic-ed4 offers whisper');
  const joined = link.singleStepConference(AGENT_CALL, '206', 'whisper');
  const request = await conn.next('SingleStepConferenceCall');
  t.match(request.message, { participationType: 'silent', deviceToJoin: '206', activeCall: AGENT_CALL });
  t.equal(privateParticipationOf(request.message.privateData), 'whisper', 'the mark went out');
  conn.answer(request, { type: 'SingleStepConferenceCallResponse', conferencedCall: { callID: AGENT_CALL.callID, deviceID: '206' } });
  t.match(await joined, { type: 'SingleStepConferenceCallResponse' });
});

t.test('a link whose profile has no whisperStyle refuses whisper without asking the switch', async (t) => {
  const { make: makePlain, peer: startPlainPeer } = linksUnderFakeTime(t, { name: 'openscape-business', whisperStyle: 'none' });
  const plainPeer = await startPlainPeer();
  const plain = makePlain(plainPeer.url);
  const plainStarted = plain.start();
  const plainConn = await acceptSession(plainPeer, 0);
  await plainStarted;
  await t.rejects(plain.singleStepConference(AGENT_CALL, '206', 'whisper'), {
    name: 'CstaError',
    group: 'operation',
    value: 'serviceNotSupported',
    message: /openscape-business offers no whisper/,
  });
  const silent = plain.singleStepConference(AGENT_CALL, '206', 'silent');
  const sent = await plainConn.next('SingleStepConferenceCall');
  t.equal(sent.message.privateData, undefined, 'the refused whisper never went out; the silent join that followed carries no mark');
  plainConn.answer(sent, { type: 'SingleStepConferenceCallResponse', conferencedCall: { callID: AGENT_CALL.callID, deviceID: '206' } });
  await silent;
});

t.test('the profile says how the switch whispers', async (t) => {
  t.equal(loadPbxProfile('generic-ed4').whisperStyle, 'privateParticipation', 'the simulator’s profile');
  for (const name of ['avaya-aes', 'openscape-business', 'openscape-voice']) t.equal(loadPbxProfile(name).whisperStyle, 'none', `${name}: not known to coach over CSTA`);
  const minimal = { name: 'tiny', description: '', vendor: 'acme', sessionStyle: 'none', loginStyle: 'none', port: 9000 };
  t.equal(parsePbxProfile(minimal, 'tiny.json').whisperStyle, 'none', 'left out: none');
  t.throws(() => parsePbxProfile({ ...minimal, whisperStyle: 'coach' }, 'tiny.json'), {
    name: 'ProfileError',
    code: 'invalid',
    message: 'tiny.json: whisperStyle: expected "none" or "privateParticipation", got "coach"',
  });
  t.throws(() => parsePbxProfile({ ...minimal, whisperStyle: true }, 'tiny.json'), { message: 'tiny.json: whisperStyle: expected "none" or "privateParticipation", got true' });
});
