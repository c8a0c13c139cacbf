import sinon from 'sinon';
import t, { type Test } from 'tap';
import { SwitchError } from '../../../../simulators/switch/model/api.js';
import { makeSwitch, record } from './helpers.js';

const CALLER = '0301555111';
const HOTLINE = '0301234500';
const ROUTED = '0301234501';
const QUEUED = ['T1 Queued enteringDistribution', '600 Queued enteringDistribution'];
const distributedTo = (agent: string) => [
  'T1 Delivered enteringDistribution', '600 Delivered enteringDistribution', `${agent} Delivered enteringDistribution`,
  'T1 Diverted distributed', '600 Diverted distributed', `${agent} Diverted distributed`,
];

let clock: sinon.SinonFakeTimers;
t.beforeEach(() => {
  clock = sinon.useFakeTimers({ now: 1_000_000 });
});
t.afterEach(() => clock.restore());

function refusedWith(t: Test, run: () => unknown, value: string, what: string): void {
  try {
    run();
    t.fail(`${what}: accepted`);
  } catch (error) {
    t.ok(error instanceof SwitchError && error.value === value, `${what}: ${value}`);
  }
}

t.test('call to an ACD group: queued, delivered at the agent, diverted at the group, established; agent busy, wrap-up, ready', (t) => {
  const sw = makeSwitch();
  const log = record(sw);
  const callID = sw.placeInboundCall({ from: CALLER, to: HOTLINE });
  const events = log.takeEvents();
  t.strictSame(events.map((e) => `${e.device} ${e.event.type.replace(/Event$/, '')} ${'cause' in e.event ? e.event.cause : '-'}`), [...QUEUED, ...distributedTo('201')]);
  t.match(events[1]?.event, { queuedConnection: { callID, deviceID: '600' }, queue: '600', numberQueued: 1, callsInFront: 0, localConnectionInfo: 'queued' });
  t.strictSame(events[4]?.event, {
    type: 'DeliveredEvent',
    connection: { callID, deviceID: '201' },
    alertingDevice: '201',
    callingDevice: CALLER,
    calledDevice: '600',
    lastRedirectionDevice: '600',
    localConnectionInfo: 'alerting',
    cause: 'enteringDistribution',
    callCharacteristics: { acdCall: true },
    networkCalledDevice: HOTLINE,
  });
  t.match(events[6]?.event, { connection: { callID, deviceID: '600' }, divertingDevice: '600', newDestination: '201', localConnectionInfo: 'null' });

  sw.answerAt('201');
  const answered = log.takeEvents();
  t.strictSame(answered.map((e) => `${e.device} ${e.event.type}`), ['T1 EstablishedEvent', '201 EstablishedEvent', '201 AgentBusyEvent', '600 AgentBusyEvent']);
  t.match(answered[1]?.event, { callCharacteristics: { acdCall: true }, cause: 'enteringDistribution' });
  t.strictSame(answered[2]?.event, { type: 'AgentBusyEvent', agentDevice: '201', agentID: 'A1', acdGroup: '600' });

  sw.hangUpExternal(callID);
  t.strictSame(log.take(), [
    'T1 ConnectionCleared normalClearing', '201 ConnectionCleared normalClearing', 'T1 CallCleared normalClearing', '201 CallCleared normalClearing',
    '201 AgentWorkingAfterCall -', '600 AgentWorkingAfterCall -',
  ]);
  t.match(sw.execute({ type: 'GetAgentState', device: '201' }), { agentStateList: [{ agentID: 'A1', loggedOnState: true, agentInfo: [{ acdGroup: '600', agentState: 'agentWorkingAfterCall' }] }] });
  clock.tick(9_999);
  t.strictSame(log.take(), []);
  clock.tick(1);
  t.strictSame(log.take(), ['201 AgentReady -', '600 AgentReady -']);
  t.end();
});

t.test('the caller hangs up while queued; a queued call goes to the agent who becomes ready', (t) => {
  const sw = makeSwitch();
  const log = record(sw);
  for (const device of ['201', '202']) sw.execute({ type: 'SetAgentState', device, requestedAgentState: 'notReady' });
  t.strictSame(log.take(), ['201 AgentNotReady -', '600 AgentNotReady -', '202 AgentNotReady -', '600 AgentNotReady -']);
  const first = sw.placeInboundCall({ from: CALLER, to: HOTLINE });
  t.strictSame(log.take(), QUEUED);
  sw.hangUpExternal(first);
  t.strictSame(log.take(), ['T1 ConnectionCleared callCancelled', '600 ConnectionCleared callCancelled', 'T1 CallCleared callCancelled', '600 CallCleared callCancelled']);
  t.strictSame(log.takeOther(), [`callEnded ${first} callCancelled`]);

  sw.placeInboundCall({ from: CALLER, to: HOTLINE });
  log.take();
  sw.dialFrom('202', '*23');
  t.strictSame(log.take(), ['202 AgentReady -', '600 AgentReady -', ...distributedTo('202')]);
  t.end();
});

t.test('distribution: linear, round robin and longest idle', (t) => {
  const order = (distribution: 'linear' | 'roundRobin' | 'longestIdle') => {
    const sw = makeSwitch((plan) => {
      const group = plan.acdGroups?.[0];
      if (group) Object.assign(group, { distribution, wrapUpSeconds: undefined });
    });
    const got: string[] = [];
    sw.on('deviceEvent', (device, event) => {
      if (event.type === 'DeliveredEvent' && device === event.alertingDevice) got.push(device);
    });
    for (let i = 0; i < 3; i++) {
      const callID = sw.placeInboundCall({ from: CALLER, to: HOTLINE });
      clock.tick(1000);
      sw.answerAt(got[got.length - 1] ?? '');
      sw.hangUpExternal(callID);
    }
    return got;
  };
  t.strictSame(order('linear'), ['201', '201', '201']);
  t.strictSame(order('roundRobin'), ['201', '202', '201']);
  t.strictSame(order('longestIdle'), ['201', '202', '201']);
  t.end();
});

t.test('overflow: after the waiting time, and when the queue is full', (t) => {
  const sw = makeSwitch();
  const log = record(sw);
  for (const device of ['201', '202']) sw.execute({ type: 'SetAgentState', device, requestedAgentState: 'loggedOff' });
  t.strictSame(log.take(), ['201 AgentLoggedOff -', '600 AgentLoggedOff -', '202 AgentLoggedOff -', '600 AgentLoggedOff -']);
  sw.placeInboundCall({ from: CALLER, to: HOTLINE });
  sw.placeInboundCall({ from: '0301555222', to: HOTLINE });
  log.take();
  sw.placeInboundCall({ from: '0301555333', to: HOTLINE });
  t.strictSame(log.take(), [
    'T1 Queued enteringDistribution', '610 Queued enteringDistribution',
    'T1 Delivered enteringDistribution', '610 Delivered enteringDistribution', '301 Delivered enteringDistribution',
    'T1 Diverted distributed', '610 Diverted distributed', '301 Diverted distributed',
  ], 'the third call overflows to the hunt group at once');
  clock.tick(60_000);
  t.strictSame(log.take().slice(0, 6), [
    'T1 Diverted queueTimeOverflow', '600 Diverted queueTimeOverflow', 'T1 Queued enteringDistribution', '610 Queued enteringDistribution',
    'T1 Delivered enteringDistribution', '610 Delivered enteringDistribution',
  ]);

  const full = makeSwitch((plan) => {
    const group = plan.acdGroups?.[0];
    if (group) Object.assign(group, { queueLimit: 1, overflowAfterSeconds: undefined, overflowDestination: undefined });
    for (const e of plan.extensions ?? []) if (e.agent) e.agent.initialState = 'notReady';
  });
  const fullLog = record(full);
  full.placeInboundCall({ from: CALLER, to: HOTLINE });
  fullLog.take();
  const refused = full.placeInboundCall({ from: '0301555222', to: HOTLINE });
  t.strictSame(fullLog.take(), ['T1 Failed noAvailableAgents', '600 Failed noAvailableAgents', 'T1 CallCleared noAvailableAgents', '600 CallCleared noAvailableAgents']);
  t.strictSame(fullLog.takeOther(), [`callEnded ${refused} noAvailableAgents`]);
  t.end();
});

t.test('agent states by SetAgentState and by feature codes, and their refusals', (t) => {
  const sw = makeSwitch();
  const log = record(sw);
  sw.execute({ type: 'SetAgentState', device: '201', requestedAgentState: 'loggedOff' });
  log.take();
  refusedWith(t, () => sw.execute({ type: 'SetAgentState', device: '201', requestedAgentState: 'loggedOn', agentID: 'A1', password: 'nope' }), 'privilegeViolationOnSpecifiedDevice', 'wrong password');
  refusedWith(t, () => sw.execute({ type: 'SetAgentState', device: '201', requestedAgentState: 'loggedOn', agentID: 'A2', password: '1111' }), 'privilegeViolationOnSpecifiedDevice', 'wrong agent');
  refusedWith(t, () => sw.execute({ type: 'SetAgentState', device: '201', requestedAgentState: 'ready' }), 'invalidObjectState', 'ready while logged off');
  refusedWith(t, () => sw.execute({ type: 'SetAgentState', device: '201', requestedAgentState: 'sleepy' }), 'valueOutOfRange', 'unknown state');
  refusedWith(t, () => sw.execute({ type: 'SetAgentState', device: '203', requestedAgentState: 'ready' }), 'requestIncompatibleWithObject', 'no agent');
  refusedWith(t, () => sw.execute({ type: 'GetAgentState', device: '999' }), 'invalidDeviceID', 'unknown device');
  t.strictSame(log.take(), []);

  sw.execute({ type: 'SetAgentState', device: '201', requestedAgentState: 'loggedOn', agentID: 'A1', password: '1111', group: '600' });
  t.strictSame(log.takeEvents(), [
    { device: '201', event: { type: 'AgentLoggedOnEvent', agentDevice: '201', agentID: 'A1', acdGroup: '600' } },
    { device: '600', event: { type: 'AgentLoggedOnEvent', agentDevice: '201', agentID: 'A1', acdGroup: '600' } },
  ]);
  t.match(sw.execute({ type: 'GetAgentState', device: '201' }), { agentStateList: [{ loggedOnState: true, agentInfo: [{ agentState: 'agentNotReady' }] }] });
  t.equal(sw.dialFrom('201', '*23'), '', 'a feature code makes no call');
  t.equal(sw.dialFrom('201', '*24'), '');
  sw.dialFrom('201', '*22');
  t.strictSame(log.take(), ['201 AgentReady -', '600 AgentReady -', '201 AgentNotReady -', '600 AgentNotReady -', '201 AgentLoggedOff -', '600 AgentLoggedOff -']);
  sw.dialFrom('202', '*21');
  t.strictSame(log.take(), [], 'logging on when logged on changes nothing');

  sw.placeInboundCall({ from: CALLER, to: HOTLINE });
  sw.answerAt('202');
  sw.execute({ type: 'SetAgentState', device: '202', requestedAgentState: 'notReady' });
  log.take();
  sw.hangUpAt('202');
  t.strictSame(log.take().slice(-2), ['202 AgentNotReady -', '600 AgentNotReady -'], 'a state asked for while busy replaces the wrap-up');
  t.end();
});

t.test('routing point: RouteSelect, timeout to the default route, no router, caller gone', (t) => {
  const sw = makeSwitch();
  const log = record(sw);
  sw.setRouterRegistered('700', true);
  const callID = sw.placeInboundCall({ from: CALLER, to: ROUTED });
  t.strictSame(log.take(), ['T1 Queued newCall', '700 Queued newCall']);
  t.strictSame(log.takeOther(), [`routeRequest 700 1 ${CALLER}`]);
  refusedWith(t, () => sw.execute({ type: 'RouteSelect', routingCrossRefID: '9', routeSelected: '203' }), 'invalidCrossRefID', 'unknown dialogue');
  refusedWith(t, () => sw.execute({ type: 'RouteSelect', routingCrossRefID: '1', routeSelected: '555' }), 'invalidDestination', 'route to nowhere');
  const ack = sw.execute({ type: 'RouteSelect', routingCrossRefID: '1', routeSelected: '203' });
  t.strictSame(ack, { type: 'RouteSelect', routingCrossRefID: '1', routeSelected: '203' });
  t.strictSame(log.takeOther(), ['routeUsed 1 203', 'routeEnd 1 -']);
  const events = log.takeEvents();
  t.strictSame(events.map((e) => `${e.device} ${e.event.type}`), ['T1 DivertedEvent', '700 DivertedEvent', 'T1 DeliveredEvent', '203 DeliveredEvent']);
  t.match(events[3]?.event, { connection: { callID, deviceID: '203' }, lastRedirectionDevice: '700', cause: 'redirected' });
  clock.tick(10_000);
  t.strictSame(log.take(), [], 'no fallback after RouteSelect');

  sw.placeInboundCall({ from: '0301555222', to: ROUTED });
  log.take();
  t.strictSame(log.takeOther(), [`routeRequest 700 2 0301555222`]);
  clock.tick(4_999);
  t.strictSame(log.takeOther(), []);
  clock.tick(1);
  t.strictSame(log.takeOther(), ['routeUsed 2 600', 'routeEnd 2 timeout']);
  t.strictSame(log.take().slice(0, 4), ['T1 Diverted redirected', '700 Diverted redirected', 'T1 Queued enteringDistribution', '600 Queued enteringDistribution']);

  const gone = sw.placeInboundCall({ from: '0301555333', to: ROUTED });
  sw.hangUpExternal(gone);
  t.strictSame(log.takeOther(), ['routeRequest 700 3 0301555333', 'routeEnd 3 invalidCallID', `callEnded ${gone} callCancelled`]);

  t.strictSame(log.take(), ['T1 Queued newCall', '700 Queued newCall', 'T1 ConnectionCleared callCancelled', '700 ConnectionCleared callCancelled', 'T1 CallCleared callCancelled', '700 CallCleared callCancelled']);

  sw.setRouterRegistered('700', false);
  sw.placeInboundCall({ from: '0301555444', to: ROUTED });
  t.strictSame(log.takeOther(), ['routeEnd 4 noRouter']);
  t.strictSame(log.take().slice(0, 4), ['T1 Queued newCall', '700 Queued newCall', 'T1 Diverted redirected', '700 Diverted redirected']);
  t.end();
});

t.test('auto answer and a phone transfer that completes when the target answers', (t) => {
  const sw = makeSwitch((plan) => {
    const e = plan.extensions?.find((x) => x.number === '210');
    if (e) e.autoAnswerMs = 2000;
  });
  const log = record(sw);
  sw.placeInboundCall({ from: CALLER, to: '0301234503' });
  sw.answerAt('203');
  sw.transferFrom('203', '210');
  log.take();
  clock.tick(2000);
  t.strictSame(log.take(), [
    '203 Established newCall', '210 Established newCall',
    '203 Transferred transfer', 'T1 Transferred transfer', '210 Transferred transfer', '203 ConnectionCleared transfer', '203 ConnectionCleared transfer',
  ]);
  t.end();
});

t.test('Diverted at the group names the redirection before the group, not the group itself', (t) => {
  const sw = makeSwitch();
  const log = record(sw);
  sw.placeInboundCall({ from: CALLER, to: HOTLINE });
  const direct = log.takeEvents().find((e) => e.device === '600' && e.event.type === 'DivertedEvent')?.event;
  t.match(direct, { divertingDevice: '600', newDestination: '201' });
  t.notOk(direct && 'lastRedirectionDevice' in direct, 'a call dialled straight to the group had no redirection before it');

  const callID = sw.placeInboundCall({ from: '0301555222', to: '0301234503' }); // rings 203
  log.take();
  sw.execute({ type: 'DeflectCall', callToBeDiverted: { callID, deviceID: '203' }, newDestination: '600' });
  const events = log.takeEvents();
  t.match(events.find((e) => e.device === '600' && e.event.type === 'DivertedEvent')?.event, { divertingDevice: '600', newDestination: '202', lastRedirectionDevice: '203' });
  t.match(events.find((e) => e.device === '202' && e.event.type === 'DeliveredEvent')?.event, { lastRedirectionDevice: '600', cause: 'enteringDistribution' });
  t.end();
});
