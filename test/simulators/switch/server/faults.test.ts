/**
 * The switch server against hostile and careless clients over loopback TCP: malformed frames and
 * requests, clients that vanish mid-request, a model listener that throws. The server must answer
 * what it can, drop nothing silently, keep serving others, and forget everything of a client that left.
 */
import t, { type Test } from 'tap';
import { encodeMessage } from '../../../../appliance/csta/codec.js';
import { headerFraming } from '../../../../appliance/csta/framing.js';
import { systemClock } from '../../../../appliance/runtime/clock.js';
import { silentLogger } from '../../../../appliance/runtime/logger.js';
import { createSwitch, demoDialPlan, startSwitchServer } from '../../../../simulators/switch/index.js';
import { ECMA354_PROFILE, RawClient, START_SESSION } from './raw-client.js';

const PROFILE = ECMA354_PROFILE;

const frame = (invokeId: number, xml: string) => headerFraming.encode({ invokeId, xml });
const NS = 'xmlns="http://www.ecma-international.org/standards/ecma-323/csta/ed4"';

async function serve(t: Test) {
  const crashes: unknown[] = [];
  const onCrash = (reason: unknown) => crashes.push(reason);
  process.on('unhandledRejection', onCrash);
  process.on('uncaughtException', onCrash);
  const model = createSwitch(demoDialPlan(), { clock: systemClock, logger: silentLogger() });
  const server = await startSwitchServer({ model, listen: ['tcp://127.0.0.1:0'], profile: PROFILE, clock: systemClock, logger: silentLogger() });
  t.teardown(async () => {
    await server.close();
    process.off('unhandledRejection', onCrash);
    process.off('uncaughtException', onCrash);
  });
  const connect = async () => {
    const client = await RawClient.connect(server.addresses[0] as string);
    t.teardown(() => client.close());
    await client.request(START_SESSION, 8999);
    return client;
  };
  return { server, model, connect, crashes };
}

const until = async (done: () => boolean) => {
  for (let i = 0; i < 200 && !done(); i++) await new Promise((resolve) => setTimeout(resolve, 5));
};

t.test('malformed frames and requests: each answered or dropped, the connection goes on', async (t) => {
  const { connect, crashes } = await serve(t);
  const client = await connect();
  client.writeRaw(Buffer.from('garbage before any header \x01\x02\x03'));
  client.writeRaw(Buffer.from([0x00, 0x00, 0x00, 0x04, 0x30, 0x30, 0x30, 0x31])); // length under the header
  client.writeRaw(Buffer.from([0x00, 0x01, 0x00, 0x10, 0x30, 0x30, 0x30, 0x31])); // format indicator not 0
  const answers: [string, number, unknown][] = [
    ['<MakeCall', 11, { group: 'operation', value: 'generic' }], // does not parse
    [`<MonitorStart ${NS}><monitorType>device</monitorType></MonitorStart>`, 12, { group: 'operation', value: 'generic' }], // required field missing
    [`<MonitorStart ${NS}><monitorObject><callObject><callID>1</callID></callObject></monitorObject></MonitorStart>`, 13, { value: 'invalidMonitorObject' }],
    [`<MakeCall ${NS}><callingDevice>999</callingDevice><calledDirectoryNumber>202</calledDirectoryNumber></MakeCall>`, 14, { value: 'invalidDeviceID' }],
    [`<AnswerCall ${NS}><callToBeAnswered><deviceID>201</deviceID></callToBeAnswered></AnswerCall>`, 15, { type: 'CSTAErrorCode' }],
    [`<SnapshotCall ${NS}><snapshotObject><callID></callID></snapshotObject></SnapshotCall>`, 16, { type: 'CSTAErrorCode' }],
    [`<RouteSelect ${NS}><routeRegisterReqID>R9</routeRegisterReqID><routingCrossRefID>77</routingCrossRefID><routeSelected>201</routeSelected></RouteSelect>`, 17, { value: 'invalidCrossRefID' }],
    [`<SetAgentState ${NS}><device>201</device><requestedAgentState>dancing</requestedAgentState></SetAgentState>`, 18, { type: 'CSTAErrorCode' }],
    [`<VendorThing ${NS}><a>1</a></VendorThing>`, 19, { value: 'serviceNotSupported' }],
    [`<MonitorStop ${NS}><monitorCrossRefID>nope</monitorCrossRefID></MonitorStop>`, 20, { value: 'invalidMonitorCrossRefID' }],
    [`<GenerateDigits ${NS}><connectionToSendDigits><callID>X</callID><deviceID>201</deviceID></connectionToSendDigits><charactersToSend>1</charactersToSend></GenerateDigits>`, 21, { type: 'CSTAErrorCode' }],
    [`<MakeCall ${NS}><callingDevice>201</callingDevice><calledDirectoryNumber>201</calledDirectoryNumber></MakeCall>`, 22, { type: /^(MakeCallResponse|CSTAErrorCode)$/ }],
  ];
  for (const [xml, invokeId] of answers) client.writeRaw(frame(invokeId, xml));
  const answerTo = (invokeId: number) => client.log.find((r) => r.invokeId === invokeId);
  await until(() => answers.every(([, invokeId]) => answerTo(invokeId) !== undefined));
  for (const [xml, invokeId, expected] of answers) t.match(answerTo(invokeId)?.message, expected, `answered: ${xml.slice(0, 50)}`);
  const status = await client.request({ type: 'SystemStatus', systemStatus: 'normal' }, 30);
  t.equal(status.message.type, 'SystemStatusResponse', 'the connection still works');
  t.same(crashes, []);
});

t.test('a client that vanishes mid-request leaves nothing behind; the others are served', async (t) => {
  const { server, connect, crashes } = await serve(t);
  const stays = await connect();
  for (let i = 0; i < 10; i++) {
    const gone = await connect();
    gone.writeRaw(
      Buffer.concat([
        frame(1, encodeMessage({ type: 'MonitorStart', monitorObject: { deviceObject: '201' } })),
        frame(2, encodeMessage({ type: 'RouteRegister', routingDevice: '700' })),
        frame(3, encodeMessage({ type: 'GetSwitchingFunctionDevices' })),
        frame(4, encodeMessage({ type: 'MakeCall', callingDevice: '203', calledDirectoryNumber: '204' })),
      ]),
    );
    gone.socket.destroy();
  }
  await until(() => server.clients().length === 1);
  t.equal(server.clients().length, 1, 'only the client that stayed');
  t.same(server.clients()[0]?.monitors, [], 'no monitors of the clients that left');
  t.same(server.clients()[0]?.routeRegistrations, []);
  const answer = await stays.request({ type: 'MonitorStart', monitorObject: { deviceObject: '202' } }, 5);
  t.equal(answer.message.type, 'MonitorStartResponse');
  t.same(crashes, []);
});

t.test('a model listener that throws does not crash the server', async (t) => {
  const { model, connect, crashes } = await serve(t);
  const client = await connect();
  await client.request({ type: 'MonitorStart', monitorObject: { deviceObject: '202' } }, 1);
  let thrown = 0;
  model.on('deviceEvent', () => {
    thrown++;
    throw new Error('a bug in a scenario listener');
  });
  const made = await client.request({ type: 'MakeCall', callingDevice: '201', calledDirectoryNumber: '202' }, 2);
  t.ok(['MakeCallResponse', 'CSTAErrorCode'].includes(made.message.type), 'the request is answered');
  await until(() => thrown > 0);
  const status = await client.request({ type: 'SystemStatus', systemStatus: 'normal' }, 3);
  t.equal(status.message.type, 'SystemStatusResponse', 'the connection still works');
  t.same(crashes, []);
});
