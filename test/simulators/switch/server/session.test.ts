/** The switch server's session side over loopback TCP: both handshake styles, login, session timer, supervision, bad bytes. */
import t, { type Test } from 'tap';
import sinon from 'sinon';
import { headerFraming } from '../../../../appliance/csta/framing.js';
import { CstaWire } from '../../../../appliance/csta/wire.js';
import { systemClock } from '../../../../appliance/runtime/clock.js';
import { silentLogger } from '../../../../appliance/runtime/logger.js';
import { openStream } from '../../../../appliance/transport/connect.js';
import { createSwitch, demoDialPlan, startSwitchServer, type SwitchServerOptions } from '../../../../simulators/switch/index.js';
import { startSocatPair } from '../../../helpers/socat.js';
import { ECMA354_PROFILE, RawClient, START_SESSION } from './raw-client.js';

const ECMA354 = ECMA354_PROFILE;

async function serve(t: Test, options: Partial<SwitchServerOptions> = {}) {
  const model = createSwitch(demoDialPlan(), { clock: systemClock, logger: silentLogger() });
  const server = await startSwitchServer({ model, listen: ['tcp://127.0.0.1:0'], profile: ECMA354, clock: systemClock, logger: silentLogger(), ...options });
  t.teardown(() => server.close());
  const address = server.addresses[0] as string;
  const connect = async () => {
    const client = await RawClient.connect(address);
    t.teardown(() => client.close());
    return client;
  };
  return { server, model, connect };
}

const MONITOR_201 = { type: 'MonitorStart', monitorObject: { deviceObject: '201' } } as const;

t.test('ECMA-354: start, reset, requests, stop', async (t) => {
  const { server, connect } = await serve(t);
  t.match(server.addresses[0], /^tcp:\/\/127\.0\.0\.1:\d+$/);
  const client = await connect();

  const early = await client.request(MONITOR_201, 1);
  t.same(early.message, { type: 'CSTAErrorCode', group: 'security', value: 'requestIncompatibleWithObject' }, 'a request before the session is refused');

  const started = await client.request(START_SESSION, 2);
  t.equal(started.message.type, 'StartApplicationSessionPosResponse');
  if (started.message.type !== 'StartApplicationSessionPosResponse') return;
  t.equal(started.message.actualSessionDuration, 120, 'the requested duration is granted');
  t.equal(started.message.actualProtocolVersion, 'http://www.ecma-international.org/standards/ecma-323/csta/ed4');
  const sessionID = started.message.sessionID;
  t.ok(sessionID);

  t.equal((await client.request(START_SESSION, 3)).message.type, 'StartApplicationSessionNegResponse', 'a second start on the same connection is refused');
  t.equal((await client.request(MONITOR_201, 4)).message.type, 'MonitorStartResponse');

  const reset = await client.request({ type: 'ResetApplicationSessionTimer', sessionID, requestedSessionDuration: 60 }, 5);
  t.same(reset.message, { type: 'ResetApplicationSessionTimerPosResponse', actualSessionDuration: 60 });
  const badReset = await client.request({ type: 'ResetApplicationSessionTimer', sessionID: 'nope' }, 6);
  t.match(badReset.message, { type: 'ResetApplicationSessionTimerNegResponse', errorCode: { definedError: 'invalidSessionID' } });

  t.match(server.clients(), [{ sessionId: sessionID, sessionOpen: true, monitors: [{ device: '201' }] }]);
  const stopped = await client.request({ type: 'StopApplicationSession', sessionID, sessionEndReason: { definedEndReason: 'normal' } }, 7);
  t.equal(stopped.message.type, 'StopApplicationSessionPosResponse');
  await client.whenClosed;
  t.pass('the switch closes the connection after StopApplicationSession');
  await new Promise((resolve) => setImmediate(resolve));
  t.same(server.clients(), [], 'the client and its monitors are gone');
});

t.test('ECMA-354 login: plain elements and Avaya SessionLoginInfo', async (t) => {
  const { connect } = await serve(t, { credentials: { username: 'ccbox', password: 's3cret' } });
  const withInfo = (info: string | undefined) => ({
    ...START_SESSION,
    applicationInfo: { applicationID: 'test-app', ...(info === undefined ? {} : { applicationSpecificInfo: info }) },
  });
  const client = await connect();
  const none = await client.request(withInfo(undefined), 1);
  t.match(none.message, { type: 'StartApplicationSessionNegResponse', errorCode: { definedError: 'invalidApplicationInfo' } }, 'no login');
  const wrong = await client.request(withInfo('<userName>ccbox</userName><password>guess</password>'), 2);
  t.match(wrong.message, { type: 'StartApplicationSessionNegResponse', errorCode: { definedError: 'invalidApplicationInfo' } }, 'wrong password');
  const plain = await client.request(withInfo('<userName>ccbox</userName><password>s3cret</password>'), 3);
  t.equal(plain.message.type, 'StartApplicationSessionPosResponse', 'plain login accepted after failures on the same connection');

  const avaya = await connect();
  const info = '<SessionLoginInfo xmlns="http://www.avaya.com/csta"><userName>ccbox</userName><password>s3cret</password><sessionCleanupDelay>60</sessionCleanupDelay><sessionID></sessionID></SessionLoginInfo>';
  t.equal((await avaya.request(withInfo(info), 1)).message.type, 'StartApplicationSessionPosResponse', 'Avaya login accepted');

  const noApp = await (await connect()).request({ ...START_SESSION, applicationInfo: { applicationID: '' } }, 1);
  t.match(noApp.message, { type: 'StartApplicationSessionNegResponse', errorCode: { definedError: 'invalidApplicationInfo' } }, 'empty applicationID');
});

t.test('OpenScape Voice style: SystemStatus first, then SystemRegister', async (t) => {
  const { connect } = await serve(t, { profile: { ...ECMA354, sessionStyle: 'system-register' } });
  const client = await connect();
  const greeting = await client.next('SystemStatus');
  t.equal(client.log[0]?.message.type, 'SystemStatus', 'the switch speaks first');
  t.not(greeting.invokeId, 9999);
  client.send({ type: 'SystemStatusResponse' }, greeting.invokeId as number);
  t.equal((await client.request(MONITOR_201, 1)).message.type, 'CSTAErrorCode', 'requests wait for SystemRegister');
  t.equal((await client.request({ type: 'SystemRegister' }, 2)).message.type, 'SystemRegisterResponse');
  t.equal((await client.request(MONITOR_201, 3)).message.type, 'MonitorStartResponse');
});

t.test('supervision with fake timers: heartbeats both ways, silent client dropped, session expiry', async (t) => {
  const clock = sinon.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'setInterval', 'clearInterval', 'Date'] });
  t.teardown(() => clock.restore());
  const { connect } = await serve(t, { profile: { ...ECMA354, heartbeatIntervalSeconds: 30, heartbeatMissedLimit: 2 } });

  const alive = await connect();
  await alive.request(START_SESSION, 1);
  const answer = await alive.request({ type: 'SystemStatus', systemStatus: 'normal' }, 2);
  t.same(answer.message, { type: 'SystemStatusResponse' }, 'the switch answers SystemStatus with the same invoke ID');
  const silent = await connect();
  await silent.request(START_SESSION, 1);

  for (let round = 1; round <= 3; round++) {
    await clock.tickAsync(30_000);
    const status = await alive.next('SystemStatus');
    alive.send({ type: 'SystemStatusResponse' }, status.invokeId as number);
    // A round trip after the answer: once it is back, the switch has read the answer too.
    await alive.request({ type: 'SystemStatus', systemStatus: 'normal' }, 10 + round);
  }
  await silent.whenClosed;
  t.pass('the client that left two SystemStatus unanswered was dropped');
  t.notOk(alive.closed, 'the client that answers stays');
  t.equal(silent.log.filter((r) => r.message.type === 'SystemStatus').length, 2, 'the silent client got two SystemStatus');

  // The session (120 s, last started long ago) expires without ResetApplicationSessionTimer.
  await clock.tickAsync(120_000);
  const ended = await alive.next('SessionEndedEvent');
  t.equal(ended.invokeId, 9999);
  await alive.whenClosed;
  t.pass('the switch closes an expired session');
});

t.test('garbage bytes are dropped; the session goes on', async (t) => {
  const { server, connect } = await serve(t);
  const client = await connect();
  await client.request(START_SESSION, 1);
  client.writeRaw(Buffer.from('\x01\x02garbage that is not a frame\x00\x00\x00\x0c0001<x'));
  client.writeRaw(client.framing.encode({ invokeId: 2, xml: '<MonitorStart><monitorObject>' }));
  const answer = await client.request(MONITOR_201, 3);
  t.equal(answer.message.type, 'MonitorStartResponse', 'the next good request is served');
  t.ok((server.clients()[0]?.protocolErrors ?? 0) >= 2, 'protocol errors are counted');
  t.match(server.clients(), [{ sessionOpen: true }]);
});

t.test('serial: the same session over a socat virtual serial pair', async (t) => {
  const pair = await startSocatPair();
  t.teardown(() => pair.stop());
  const { server } = await serve(t, { listen: [`serial:${pair.a}?baud=9600`] });
  t.same(server.addresses, [`serial:${pair.a}?baud=9600`]);
  const stream = await openStream(`serial:${pair.b}?baud=9600`);
  const wire = new CstaWire(stream, { framing: headerFraming, edition: 'ed4', logger: silentLogger() });
  t.teardown(() => wire.close());
  const answer = new Promise<[string, number | undefined]>((resolve) => wire.once('message', (m, id) => resolve([m.type, id])));
  wire.send(START_SESSION, 77);
  t.same(await answer, ['StartApplicationSessionPosResponse', 77]);
});
