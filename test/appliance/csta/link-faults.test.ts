/**
 * The appliance's CSTA link when things go wrong, over loopback TCP against a scripted peer: a
 * listener that throws, a request that cannot be encoded, an error answer to GetSwitchingFunctionDevices,
 * a session ended in the same chunk as its start, and many reconnects. None may crash the process,
 * leave an unhandled rejection, or leave timers and listeners behind.
 */
import t, { type Test } from 'tap';
import { encodeMessage } from '../../../appliance/csta/codec.js';
import { headerFraming } from '../../../appliance/csta/framing.js';
import { CstaLink } from '../../../appliance/csta/link.js';
import { type PbxProfile, loadPbxProfile } from '../../../appliance/csta/profile.js';
import type { CstaPeer, PeerConnection } from '../../helpers/csta-peer.js';
import { acceptSession as acceptLinkSession, linksUnderFakeTime } from '../../helpers/link-under-test.js';
import { realDelay } from '../../helpers/real-time.js';

const generic = loadPbxProfile('generic-ed4');

/** The links under fake time, plus a record of unhandled rejections and uncaught exceptions. */
function setup(t: Test, profile: Partial<PbxProfile> = {}) {
  const crashes: unknown[] = [];
  const onCrash = (reason: unknown) => crashes.push(reason);
  process.on('unhandledRejection', onCrash);
  process.on('uncaughtException', onCrash);
  t.teardown(() => {
    process.off('unhandledRejection', onCrash);
    process.off('uncaughtException', onCrash);
  });
  /** Lets socket I/O and promise continuations run (real time; fake timers do not move). */
  const settle = async () => {
    for (let i = 0; i < 5; i++) await realDelay(2);
  };
  return { ...linksUnderFakeTime(t, profile), crashes, settle };
}

const acceptSession = (peer: CstaPeer, duration = 0) => acceptLinkSession(peer, duration);

async function monitored(link: CstaLink, conn: PeerConnection, device: string, ref: string): Promise<void> {
  const monitoring = link.monitor(device);
  conn.answer(await conn.next('MonitorStart'), { type: 'MonitorStartResponse', monitorCrossRefID: ref });
  await monitoring;
}

t.test('a listener that throws does not crash the process; the link goes on', async (t) => {
  const { crashes, make, peer: startPeer, settle } = setup(t);
  const peer = await startPeer();
  const link = make(peer.url);
  const started = link.start();
  const conn = await acceptSession(peer);
  await started;
  await monitored(link, conn, '201', 'M1');
  const seen: string[] = [];
  link.on('DeliveredEvent', (event) => {
    seen.push(event.connection.callID);
    if (event.connection.callID === 'C1') throw new Error('a bug in a service');
  });
  const delivered = (callID: string) => ({ type: 'DeliveredEvent', monitorCrossRefID: 'M1', connection: { callID, deviceID: '201' }, alertingDevice: '201' }) as const;
  conn.send(delivered('C1'), 9999);
  await settle();
  // Two frames in one chunk, the first one's listener throwing: the second is still delivered.
  conn.writeRaw(Buffer.concat([delivered('C1'), delivered('C2')].map((m) => headerFraming.encode({ invokeId: 9999, xml: encodeMessage(m) }))));
  conn.send({ type: 'SystemStatus', systemStatus: 'normal' }, 77);
  t.equal((await conn.next('SystemStatusResponse')).invokeId, 77, 'still answering the switch');
  t.same(seen, ['C1', 'C1', 'C2']);
  t.same(crashes, [], 'nothing escaped to the process');
  t.ok(link.isUp);
});

t.test('a request that cannot be encoded fails alone: no unhandled rejection, the link stays up', async (t) => {
  const { clock, crashes, make, peer: startPeer, settle } = setup(t);
  const peer = await startPeer();
  const link = make(peer.url);
  const downs: string[] = [];
  link.on('linkDown', (info) => downs.push(info.reason));
  const started = link.start();
  const conn = await acceptSession(peer);
  await started;
  await t.rejects(link.makeCall('201', '202', 'x'.repeat(70_000)), /65535/);
  await t.rejects(link.request('MakeCall', { callingDevice: 201 } as never), { name: 'CodecError' });
  await clock.tickAsync(generic.responseTimeoutMs * 2);
  await settle();
  t.same(crashes, [], 'no unhandled rejection');
  t.same(downs, [], 'one bad request does not take the link down');
  t.ok(link.isUp);
  const call = link.makeCall('201', '202');
  conn.answer(await conn.next('MakeCall'), { type: 'MakeCallResponse', callingDevice: { callID: 'C1', deviceID: '201' } });
  t.match(await call, { callingDevice: { callID: 'C1' } });
});

t.test('GetSwitchingFunctionDevices refused: listDevices rejects once, its timer goes with it', async (t) => {
  const { clock, crashes, make, peer: startPeer, settle } = setup(t);
  const peer = await startPeer();
  const link = make(peer.url);
  const started = link.start();
  const conn = await acceptSession(peer);
  await started;
  const timersBefore = clock.countTimers();
  const listing = link.listDevices();
  conn.answer(await conn.next('GetSwitchingFunctionDevices'), { type: 'CSTAErrorCode', group: 'operation', value: 'serviceNotSupported' });
  await t.rejects(listing, { name: 'CstaError', value: 'serviceNotSupported' });
  t.equal(clock.countTimers(), timersBefore, 'no timer left behind');
  await clock.tickAsync(generic.responseTimeoutMs * 3);
  await settle();
  t.same(crashes, [], 'no unhandled rejection when the segment timer would have fired');
});

t.test('a session ended in the same chunk as its start: the link does not believe it is up', async (t) => {
  const { clock, make, peer: startPeer, settle } = setup(t, { reconnect: { initialDelayMs: 1000, maxDelayMs: 1000 } });
  const peer = await startPeer();
  const link = make(peer.url);
  const ups: string[] = [];
  link.on('linkUp', (info) => ups.push(info.reason));
  link.start().catch(() => {});
  const conn = await peer.accept();
  const start = await conn.next('StartApplicationSession');
  const frames = [
    headerFraming.encode({ invokeId: start.invokeId ?? 0, xml: encodeMessage({ type: 'StartApplicationSessionPosResponse', sessionID: 'S1', actualSessionDuration: 0 }) }),
    headerFraming.encode({ invokeId: 9999, xml: encodeMessage({ type: 'SessionEndedEvent', sessionID: 'S1', sessionEndReason: { definedEndReason: 'normal' } }) }),
  ];
  conn.writeRaw(Buffer.concat(frames));
  await settle();
  t.notOk(link.isUp);
  t.same(ups, [], 'no linkUp for a session that is already over');
  const next = acceptSession(peer);
  let again: PeerConnection | undefined;
  void next.then((c) => (again = c));
  for (let i = 0; i < 20 && !again; i++) {
    await clock.tickAsync(250);
    await realDelay(3);
  }
  t.ok(again, 'the link tries again');
  await settle();
  t.ok(link.isUp);
});

t.test('20 reconnects grow neither listeners nor timers', async (t) => {
  const { clock, make, peer: startPeer, settle } = setup(t, { reconnect: { initialDelayMs: 100, maxDelayMs: 100 } });
  const peer = await startPeer();
  const link = make(peer.url);
  const started = link.start();
  let conn = await acceptSession(peer);
  await started;
  await monitored(link, conn, '201', 'M0');
  const counts = () => link.eventNames().map((name) => `${String(name)}:${link.listenerCount(name)}`);
  const listenersBefore = counts();
  const timersBefore = clock.countTimers();
  for (let i = 1; i <= 20; i++) {
    const up = new Promise<void>((resolve) => link.once('linkUp', () => resolve()));
    conn.drop();
    const next = acceptSession(peer);
    let accepted: PeerConnection | undefined;
    void next.then((c) => (accepted = c));
    while (!accepted) {
      await clock.tickAsync(100);
      await realDelay(2);
    }
    conn = accepted;
    conn.answer(await conn.next('MonitorStart'), { type: 'MonitorStartResponse', monitorCrossRefID: `M${i}` });
    conn.answer(await conn.next('SnapshotDevice'), { type: 'SnapshotDeviceResponse' });
    await up;
  }
  await settle();
  t.same(counts(), listenersBefore, 'listeners on the link');
  t.equal(clock.countTimers(), timersBefore, 'timers (heartbeat, session, retry)');
  t.same(link.monitoredDevices(), ['201']);
});

t.test('monitoring a device twice sends one MonitorStart: no duplicate events under a stale reference', async (t) => {
  const { make, peer: startPeer, settle } = setup(t);
  const peer = await startPeer();
  const link = make(peer.url);
  const started = link.start();
  const conn = await acceptSession(peer);
  await started;
  await monitored(link, conn, '201', 'M1');
  t.equal(await link.monitor('201'), 'M1', 'the existing cross reference');
  await settle();
  t.same(conn.received.filter((r) => r.message.type === 'MonitorStart'), [], 'no second MonitorStart');
});
