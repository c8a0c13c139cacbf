/** The switch server's service side over loopback TCP: monitors, requests to the model, device list, routing. */
import t, { type Test } from 'tap';
import sinon from 'sinon';
import { systemClock } from '../../../../appliance/runtime/clock.js';
import { silentLogger } from '../../../../appliance/runtime/logger.js';
import { createSwitch, demoDialPlan, startSwitchServer } from '../../../../simulators/switch/index.js';
import { ECMA354_PROFILE, RawClient, START_SESSION } from './raw-client.js';

const PROFILE = ECMA354_PROFILE;

/** The demo site: agents 201-206, ACD group 600, hunt group 610, routing point 700 (DID 0301234501, default route 600, 5 s). */
async function serve(t: Test, segmentSize?: number) {
  const model = createSwitch(demoDialPlan(), { clock: systemClock, logger: silentLogger() });
  const server = await startSwitchServer({ model, listen: ['tcp://127.0.0.1:0'], profile: PROFILE, clock: systemClock, logger: silentLogger(), ...(segmentSize ? { segmentSize } : {}) });
  t.teardown(() => server.close());
  const connect = async () => {
    const client = await RawClient.connect(server.addresses[0] as string);
    t.teardown(() => client.close());
    await client.request(START_SESSION, 8999);
    return client;
  };
  return { server, model, connect };
}

async function monitor(client: RawClient, device: string, invokeId: number): Promise<string> {
  const answer = await client.request({ type: 'MonitorStart', monitorObject: { deviceObject: device } }, invokeId);
  if (answer.message.type !== 'MonitorStartResponse') throw new Error(`MonitorStart ${device}: ${JSON.stringify(answer.message)}`);
  return answer.message.monitorCrossRefID;
}

t.test('monitors: bad device, events after the response with the right cross reference, two clients, stop', async (t) => {
  const { server, connect } = await serve(t);
  const a = await connect();
  const b = await connect();

  const bad = await a.request({ type: 'MonitorStart', monitorObject: { deviceObject: '999' } }, 17);
  t.same(bad, { message: { type: 'CSTAErrorCode', group: 'operation', value: 'invalidDeviceID' }, invokeId: 17 }, 'unknown device: CSTAErrorCode with the same invoke ID');

  const refA = await monitor(a, '201', 1);
  const refB = await monitor(b, '202', 1);
  t.not(refA, refB, 'each monitor has its own cross reference');

  const startA = a.log.length;
  const startB = b.log.length;
  const made = await a.request({ type: 'MakeCall', callingDevice: '201', calledDirectoryNumber: '202' }, 2);
  t.equal(made.message.type, 'MakeCallResponse');
  await a.next('DeliveredEvent');
  await b.next('DeliveredEvent');
  t.same(a.typesSince(startA), ['MakeCallResponse', 'ServiceInitiatedEvent', 'OriginatedEvent', 'DeliveredEvent'], 'the response comes before the events it caused');
  t.same(b.typesSince(startB), ['DeliveredEvent'], 'the other client hears only its own device');
  for (const r of a.log.slice(startA + 1)) t.match(r, { invokeId: 9999, message: { monitorCrossRefID: refA } });
  t.match(b.log[startB], { invokeId: 9999, message: { monitorCrossRefID: refB, connection: { deviceID: '202' } } });

  const stopped = await b.request({ type: 'MonitorStop', monitorCrossRefID: refB }, 3);
  t.equal(stopped.message.type, 'MonitorStopResponse');
  t.match((await b.request({ type: 'MonitorStop', monitorCrossRefID: refA }, 4)).message, { type: 'CSTAErrorCode', value: 'invalidMonitorCrossRefID' }, 'another client\'s monitor cannot be stopped');
  const afterStop = b.log.length;
  const callID = made.message.type === 'MakeCallResponse' ? made.message.callingDevice.callID : '?';
  t.equal((await a.request({ type: 'ClearCall', callToBeCleared: { callID, deviceID: '201' } }, 5)).message.type, 'ClearCallResponse');
  await b.request({ type: 'SystemStatus', systemStatus: 'normal' }, 6);
  // The events of ClearCall went out right after its response, before b's SystemStatus was read.
  t.same(b.typesSince(afterStop), ['SystemStatusResponse'], 'no events after MonitorStop');
  await a.request({ type: 'SystemStatus', systemStatus: 'normal' }, 7);
  t.ok(a.typesSince(startA).includes('CallClearedEvent') || a.typesSince(startA).includes('ConnectionClearedEvent'), 'the monitor left running saw the call cleared');

  t.match(server.clients(), [{ monitors: [{ device: '201', crossRefId: refA }] }, { monitors: [] }]);
  await a.close();
  for (let i = 0; i < 50 && server.clients().length > 1; i++) await new Promise((resolve) => setImmediate(resolve));
  t.equal(server.clients().length, 1, 'a client that goes takes its monitors with it');
});

t.test('requests: refusals and unknown services are answered, never silent', async (t) => {
  const { connect } = await serve(t);
  const client = await connect();
  const refused = await client.request({ type: 'AnswerCall', callToBeAnswered: { callID: 'FF00', deviceID: '201' } }, 40);
  t.same(refused, { message: { type: 'CSTAErrorCode', group: 'operation', value: 'invalidCallID' }, invokeId: 40 }, 'SwitchError → CSTAErrorCode');
  client.writeRaw(client.framing.encode({ invokeId: 41, xml: '<FrobnicateCall xmlns="urn:x"><callID>1</callID></FrobnicateCall>' }));
  t.same(await client.next('CSTAErrorCode'), { message: { type: 'CSTAErrorCode', group: 'operation', value: 'serviceNotSupported' }, invokeId: 41 }, 'unknown service');
  const wrongWay = await client.request({ type: 'RouteUsed', routingCrossRefID: '1', routeUsed: '201' }, 42);
  t.match(wrongWay.message, { type: 'CSTAErrorCode', value: 'serviceNotSupported' }, 'a switch-to-client message from the client');
  client.writeRaw(client.framing.encode({ invokeId: 43, xml: '<MakeCall xmlns="urn:x"><callingDevice>201</callingDevice></MakeCall>' }));
  t.same(await client.next('CSTAErrorCode', (r) => r.invokeId === 43), { message: { type: 'CSTAErrorCode', group: 'operation', value: 'generic' }, invokeId: 43 }, 'a request missing a required field');
  client.writeRaw(client.framing.encode({ invokeId: 44, xml: '<HoldCall><callToBeHeld><callID>1</callID></HoldCall>' }));
  t.same(await client.next('CSTAErrorCode', (r) => r.invokeId === 44), { message: { type: 'CSTAErrorCode', group: 'operation', value: 'generic' }, invokeId: 44 }, 'a request whose XML does not parse');
});

t.test('GetSwitchingFunctionDevices: response, then segments', async (t) => {
  const { connect, model } = await serve(t, 5);
  t.equal(model.devices().length, 18, 'the demo site has 18 devices');
  const client = await connect();
  const answer = await client.request({ type: 'GetSwitchingFunctionDevices' }, 7);
  t.equal(answer.message.type, 'GetSwitchingFunctionDevicesResponse');
  const ref = answer.message.type === 'GetSwitchingFunctionDevicesResponse' ? answer.message.serviceCrossRefID : undefined;
  const segments = [];
  for (let i = 0; i < 4; i++) segments.push(await client.next('SwitchingFunctionDevices'));
  t.same(
    segments.map((s) => s.message.type === 'SwitchingFunctionDevices' && [s.invokeId, s.message.serviceCrossRefID, s.message.segmentID, s.message.lastSegment, s.message.deviceList?.length]),
    [[9999, ref, 1, false, 5], [9999, ref, 2, false, 5], [9999, ref, 3, false, 5], [9999, ref, 4, true, 3]],
  );
  t.match(segments[0]?.message, { deviceList: [{ deviceID: '201', deviceCategory: 'station' }] });
  await client.request({ type: 'GetSwitchingFunctionDevices', requestedDeviceCategory: 'routingDevice' }, 8);
  t.match((await client.next('SwitchingFunctionDevices')).message, { lastSegment: true, deviceList: [{ deviceID: '700' }] }, 'filtered by category');
  t.match((await client.request({ type: 'GetSwitchingFunctionDevices', requestedDeviceID: '999' }, 9)).message, { type: 'CSTAErrorCode', value: 'invalidDeviceID' });
});

t.test('routing: register, RouteRequest, RouteSelect, timeout fallback, router gone', async (t) => {
  const clock = sinon.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'setInterval', 'clearInterval', 'Date'] });
  t.teardown(() => clock.restore());
  const { model, connect } = await serve(t);
  const registered = sinon.spy(model, 'setRouterRegistered');
  const routerOf700 = () => registered.args.filter(([device]) => device === '700').at(-1)?.[1];
  const router = await connect();
  t.match((await router.request({ type: 'RouteRegister', routingDevice: '201' }, 1)).message, { type: 'CSTAErrorCode', value: 'requestIncompatibleWithObject' }, 'not a routing point');
  t.match((await router.request({ type: 'RouteRegister', routingDevice: '999' }, 2)).message, { type: 'CSTAErrorCode', value: 'invalidDeviceID' });
  const answer = await router.request({ type: 'RouteRegister', routingDevice: '700' }, 3);
  t.equal(answer.message.type, 'RouteRegisterResponse');
  const reqId = answer.message.type === 'RouteRegisterResponse' ? answer.message.routeRegisterReqID : '';
  t.equal(routerOf700(), true, 'the model knows the routing point has a router');
  const agent = await monitor(router, '202', 4);

  const routed = model.placeInboundCall({ from: '0301555111', to: '0301234501' });
  const request = await router.next('RouteRequest');
  t.match(request, { invokeId: 9999, message: { routeRegisterReqID: reqId, currentRoute: '700', callingDevice: '0301555111', routedCall: { callID: routed } } });
  const crossRef = request.message.type === 'RouteRequest' ? request.message.routingCrossRefID : '';
  const before = router.log.length;
  router.send({ type: 'RouteSelect', routeRegisterReqID: reqId, routingCrossRefID: crossRef, routeSelected: '202' }, 5);
  t.match((await router.next('RouteUsed')).message, { routingCrossRefID: crossRef, routeUsed: '202' });
  t.match((await router.next('RouteEnd')).message, { routingCrossRefID: crossRef });
  t.match((await router.next('DeliveredEvent')).message, { monitorCrossRefID: agent, connection: { callID: routed, deviceID: '202' } }, 'the call rings at the selected route');
  t.notOk(router.typesSince(before).some((type) => type.endsWith('Response') || type === 'CSTAErrorCode'), 'RouteSelect gets no response frame');
  router.send({ type: 'RouteSelect', routingCrossRefID: crossRef, routeSelected: '203' }, 6);
  t.same(await router.next('CSTAErrorCode'), { message: { type: 'CSTAErrorCode', group: 'operation', value: 'invalidCrossRefID' }, invokeId: 6 }, 'a RouteSelect the switch refuses is answered');

  const second = model.placeInboundCall({ from: '0301555112', to: '0301234501' });
  const unanswered = await router.next('RouteRequest');
  await clock.tickAsync(5000);
  t.match((await router.next('RouteUsed')).message, { routeUsed: '600' }, 'the timeout falls back to the default route');
  const ended = await router.next('RouteEnd');
  t.match(ended.message, { routingCrossRefID: unanswered.message.type === 'RouteRequest' ? unanswered.message.routingCrossRefID : '?', errorValue: 'timeout' });
  t.ok(second);

  await router.request({ type: 'RouteRegisterCancel', routeRegisterReqID: reqId }, 7);
  t.equal(routerOf700(), false, 'cancelled');
  await router.request({ type: 'RouteRegister' }, 8);
  t.equal(routerOf700(), true, 'a registration for all routing points covers 700');
  await router.close();
  for (let i = 0; i < 50 && routerOf700(); i++) await new Promise((resolve) => setImmediate(resolve));
  t.equal(routerOf700(), false, 'the router went away');
});
