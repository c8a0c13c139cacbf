/**
 * The appliance's CSTA link against a scripted peer over loopback TCP: session handshakes,
 * supervision and reconnect with fake timers, request/response matching and errors.
 */
import t from 'tap';
import { CstaError } from '../../../appliance/csta/errors.js';
import { nulFraming } from '../../../appliance/csta/framing.js';
import { CSTA_NAMESPACES } from '../../../appliance/csta/namespaces.js';
import type { PeerConnection } from '../../helpers/csta-peer.js';
import { acceptSession, linksUnderFakeTime } from '../../helpers/link-under-test.js';
import { realDelay } from '../../helpers/real-time.js';

t.test('ECMA-354 session: start, timer reset at half the granted duration, stop', async (t) => {
  const { clock, make, peer: startPeer } = linksUnderFakeTime(t);
  const peer = await startPeer();
  const link = make(peer.url, { applicationId: 'ccbox-test', username: 'admin', password: 'p<w' });
  const ups: unknown[] = [];
  link.on('linkUp', (info) => ups.push(info));
  const started = link.start();
  const conn = await peer.accept();
  const start = await conn.next('StartApplicationSession');
  t.equal(start.invokeId, 1, 'first invoke ID is 0001');
  const request = start.message as Extract<typeof start.message, { type: 'StartApplicationSession' }>;
  t.equal(request.applicationInfo.applicationID, 'ccbox-test');
  t.same(request.requestedProtocolVersions, [CSTA_NAMESPACES.ed4]);
  t.equal(request.requestedSessionDuration, 180);
  conn.answer(start, { type: 'StartApplicationSessionPosResponse', sessionID: 'S1', actualSessionDuration: 60 });
  await started;
  t.ok(link.isUp);
  t.match(ups, [{ reason: 'connected', sessionID: 'S1', remonitored: [] }]);

  await clock.tickAsync(29_000);
  t.equal(conn.received.filter((r) => r.message.type === 'ResetApplicationSessionTimer').length, 0, 'not before half the duration');
  await clock.tickAsync(1_000);
  const reset = await conn.next('ResetApplicationSessionTimer');
  t.match(reset.message, { sessionID: 'S1', requestedSessionDuration: 180 });
  conn.answer(reset, { type: 'ResetApplicationSessionTimerPosResponse', actualSessionDuration: 40 });
  await clock.tickAsync(20_000);
  await conn.next('ResetApplicationSessionTimer');

  const stopping = link.stop();
  const stop = await conn.next('StopApplicationSession');
  t.match(stop.message, { sessionID: 'S1' });
  conn.answer(stop, { type: 'StopApplicationSessionPosResponse' });
  await stopping;
  t.notOk(link.isUp);
});

for (const loginStyle of ['plain', 'avaya'] as const) {
  t.test(`${loginStyle} login goes into applicationSpecificInfo`, async (t) => {
    const { make, peer: startPeer } = linksUnderFakeTime(t, { loginStyle });
    const peer = await startPeer();
    const link = make(peer.url, { applicationId: 'app', username: 'u&1', password: 'secret' });
    link.start().catch(() => {});
    const conn = await peer.accept();
    const start = await conn.next('StartApplicationSession');
    const info = (start.message as { applicationInfo: { applicationSpecificInfo?: string } }).applicationInfo.applicationSpecificInfo ?? '';
    t.match(info, /<userName>u&amp;1<\/userName><password>secret<\/password>/);
    if (loginStyle === 'avaya') t.match(info, /<SessionLoginInfo xmlns="http:\/\/www.avaya.com\/csta">/);
  });
}

t.test('a refused session fails startOnce with the switch reason', async (t) => {
  const { make, peer: startPeer } = linksUnderFakeTime(t);
  const peer = await startPeer();
  const link = make(peer.url);
  const starting = link.startOnce();
  const conn = await peer.accept();
  const start = await conn.next('StartApplicationSession');
  conn.answer(start, { type: 'StartApplicationSessionNegResponse', errorCode: { definedError: 'invalidApplicationInfo' } });
  await t.rejects(starting, { name: 'CstaError', group: 'session', value: 'invalidApplicationInfo' });
});

t.test('supervision: answers SystemStatus, sends its own when idle, two unanswered take the link down', async (t) => {
  const { clock, make, peer: startPeer } = linksUnderFakeTime(t);
  const peer = await startPeer();
  const link = make(peer.url);
  const downs: string[] = [];
  link.on('linkDown', (info) => downs.push(info.reason));
  const started = link.start();
  const conn = await acceptSession(peer, 0);
  await started;

  conn.send({ type: 'SystemStatus', systemStatus: 'normal' }, 42);
  const answer = await conn.next('SystemStatusResponse');
  t.equal(answer.invokeId, 42, 'answered with the switch invoke ID');

  await clock.tickAsync(30_000);
  const first = await conn.next('SystemStatus');
  conn.answer(first, { type: 'SystemStatusResponse' });
  await clock.tickAsync(30_000);
  await conn.next('SystemStatus'); // unanswered 1
  await clock.tickAsync(30_000);
  await conn.next('SystemStatus'); // unanswered 2
  t.same(downs, []);
  await clock.tickAsync(30_000);
  t.same(downs, ['heartbeat'], 'link down after two unanswered');
  t.notOk(link.isUp);
});

t.test('OpenScape Voice style: the switch speaks first, then SystemRegister', async (t) => {
  const { make, peer: startPeer } = linksUnderFakeTime(t, { sessionStyle: 'system-register' });
  const peer = await startPeer();
  const link = make(peer.url);
  const started = link.start();
  const conn = await peer.accept();
  conn.send({ type: 'SystemStatus', systemStatus: 'initializing' }, 1);
  await conn.next('SystemStatusResponse');
  const register = await conn.next('SystemRegister');
  conn.answer(register, { type: 'SystemRegisterResponse', sysStatRegisterID: 'R1' });
  await started;
  t.ok(link.isUp);
});

t.test('services: positive response, CSTAErrorCode as CstaError, timeout, link down', async (t) => {
  const { clock, make, peer: startPeer } = linksUnderFakeTime(t, { responseTimeoutMs: 2000 });
  const peer = await startPeer();
  const link = make(peer.url);
  const started = link.start();
  const conn = await acceptSession(peer, 0);
  await started;

  const call = link.makeCall('201', '202');
  const make1 = await conn.next('MakeCall');
  t.match(make1.message, { callingDevice: '201', calledDirectoryNumber: '202' });
  conn.answer(make1, { type: 'MakeCallResponse', callingDevice: { callID: 'C1', deviceID: '201' } });
  t.same((await call).callingDevice, { callID: 'C1', deviceID: '201' });

  const bad = link.answerCall({ callID: 'nope', deviceID: '201' });
  const answer = await conn.next('AnswerCall');
  conn.answer(answer, { type: 'CSTAErrorCode', group: 'operation', value: 'invalidCallID' });
  await t.rejects(bad, { name: 'CstaError', group: 'operation', value: 'invalidCallID', service: 'AnswerCall' });

  const slow = link.holdCall({ callID: 'C1', deviceID: '201' }).catch((e: unknown) => e);
  await conn.next('HoldCall');
  await clock.tickAsync(2000);
  const error = await slow;
  t.ok(error instanceof CstaError && error.group === 'timeout', 'timeout becomes CstaError timeout');
  t.match((error as Error).stack ?? '', /link\.test\.ts/, 'timeout error stack points at the caller');

  const pending = link.retrieveCall({ callID: 'C1', deviceID: '201' });
  await conn.next('RetrieveCall');
  conn.drop();
  await t.rejects(pending, { name: 'CstaError', group: 'linkDown' });
  await t.rejects(link.clearCall({ callID: 'C1' }), { name: 'CstaError', group: 'linkDown' });
});

t.test('reconnect with capped backoff, re-monitor and snapshot resync', async (t) => {
  const { clock, make, peer: startPeer } = linksUnderFakeTime(t, { reconnect: { initialDelayMs: 1000, maxDelayMs: 4000 } });
  const peer = await startPeer();
  const link = make(peer.url);
  const events: string[] = [];
  link.on('linkUp', (info) => events.push(`up:${info.reason}:${info.remonitored.join(',')}`));
  link.on('linkDown', (info) => events.push(`down:${info.reason}`));
  link.on('snapshot', (s) => events.push(`snapshot:${s.device}:${s.calls.map((c) => `${c.connection.callID}/${c.state}`).join(',')}`));
  const delivered: (string | undefined)[] = [];
  link.on('DeliveredEvent', (_event, device) => delivered.push(device));

  const started = link.start();
  let conn = await acceptSession(peer, 0);
  await started;
  const monitoring = link.monitor('201');
  const ms = await conn.next('MonitorStart');
  t.match(ms.message, { monitorObject: { deviceObject: '201' } });
  conn.answer(ms, { type: 'MonitorStartResponse', monitorCrossRefID: 'M1' });
  t.equal(await monitoring, 'M1');
  conn.send({ type: 'DeliveredEvent', monitorCrossRefID: 'M1', connection: { callID: 'C1', deviceID: '201' }, alertingDevice: '201', cause: 'newCall' });

  const down = new Promise<void>((resolve) => link.once('linkDown', () => resolve()));
  conn.drop();
  await down;
  // The switch comes back but drops us during the handshake, four times: the retries back off 1, 2, 4, 4 s.
  const downAt = Date.now();
  const attempts: number[] = [];
  for (let i = 0; i < 4; i++) {
    const accepted = peer.accept();
    let flapping: PeerConnection | undefined;
    void accepted.then((c) => (flapping = c));
    while (!flapping) {
      await clock.tickAsync(250);
      await realDelay(3);
    }
    attempts.push(Date.now() - downAt);
    (flapping as PeerConnection).drop();
    await realDelay(3);
  }
  t.same(attempts.map((ms) => Math.round(ms / 250) * 250), [1000, 3000, 7000, 11000], 'capped exponential backoff');
  const accepting = acceptSession(peer, 0);
  let reconnected: PeerConnection | undefined;
  void accepting.then((c) => (reconnected = c));
  while (!reconnected) {
    await clock.tickAsync(250);
    await realDelay(3);
  }
  conn = reconnected;
  const ms2 = await conn.next('MonitorStart');
  conn.answer(ms2, { type: 'MonitorStartResponse', monitorCrossRefID: 'M2' });
  const snap = await conn.next('SnapshotDevice');
  t.match(snap.message, { snapshotObject: '201' });
  conn.answer(snap, {
    type: 'SnapshotDeviceResponse',
    crossRefIDorSnapshotData: { snapshotData: [{ connectionIdentifier: { callID: 'C1', deviceID: '201' }, localCallState: { compoundCallState: { localConnectionState: 'connected' } } }] },
  });
  await new Promise<void>((resolve) => link.once('linkUp', () => resolve()));
  conn.send({ type: 'DeliveredEvent', monitorCrossRefID: 'M2', connection: { callID: 'C2', deviceID: '201' }, alertingDevice: '201' });
  conn.send({ type: 'DeliveredEvent', monitorCrossRefID: 'M1', connection: { callID: 'C3', deviceID: '201' }, alertingDevice: '201' });
  while (delivered.length < 3) await new Promise((resolve) => setImmediate(resolve));
  t.same(delivered, ['201', '201', undefined], 'events are tagged by the current cross reference; stale ones have no device');
  t.same(events, ['up:connected:', 'down:closed', 'snapshot:201:C1/connected', 'up:reconnected:201'], 'one down, one up: failed attempts are not reported as links');
  t.same(link.monitoredDevices(), ['201']);
});

t.test('NUL-terminated framing: responses matched in request order', async (t) => {
  const { make, peer: startPeer } = linksUnderFakeTime(t, { framing: 'nul-terminated', sessionStyle: 'none' });
  const peer = await startPeer(nulFraming);
  const link = make(peer.url);
  await link.start();
  const conn = await peer.accept();
  const a = link.monitor('201');
  const b = link.monitor('202');
  const first = await conn.next('MonitorStart');
  const second = await conn.next('MonitorStart');
  t.equal(first.invokeId, undefined, 'no invoke ID on the wire');
  conn.send({ type: 'MonitorStartResponse', monitorCrossRefID: 'X1' });
  conn.send({ type: 'MonitorStartResponse', monitorCrossRefID: 'X2' });
  t.equal(await a, 'X1');
  t.equal(await b, 'X2');
  t.match(second.message, { monitorObject: { deviceObject: '202' } });
});

t.test('unknown events are surfaced, not dropped; unsupported services refused locally', async (t) => {
  const { make, peer: startPeer } = linksUnderFakeTime(t, { unsupportedServices: ['DeflectCall'] });
  const peer = await startPeer();
  const link = make(peer.url);
  const started = link.start();
  const conn = await acceptSession(peer, 0);
  await started;
  const unknown = new Promise((resolve) => link.once('unknownMessage', resolve));
  conn.writeRaw(peer.framing.encode({ invokeId: 9999, xml: '<VendorSpecialEvent xmlns="urn:x"><monitorCrossRefID>M9</monitorCrossRefID><foo>1</foo></VendorSpecialEvent>' }));
  t.match(await unknown, { type: 'Unknown', name: 'VendorSpecialEvent', body: { foo: '1' } });
  await t.rejects(link.deflectCall({ callID: 'C1', deviceID: '201' }, '202'), { name: 'CstaError', group: 'operation', value: 'serviceNotSupported' });
});
