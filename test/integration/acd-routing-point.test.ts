/**
 * Calls that wait at the PBX's routing point 700 (DID 0301234501) while ccbox routes them: the
 * switch simulator over loopback TCP, the real CstaLink, the ACD engine, the agents' phones and
 * RoutingPointQueues, under sinon fake time. Agents answer with CSTA AnswerCall.
 */
import t, { type Test } from 'tap';
import { RoutingPointQueues } from '../../appliance/acd/telephony/routing-point.js';
import { startAcdPbxSite } from '../helpers/acd-pbx-site.js';

const ROUTING_DID = '0301234501';
/** A second routing point that no queue waits at (only in the test's dial plan). */
const STRAY_DID = '0301234509';
const CALLER = '13800001111';

interface SiteOptions {
  /** The routing point's own timeout before the switch takes its default route (600). */
  switchTimeoutMs?: number;
  agents: { id: string; device: string }[];
  /** More settings of the queue 'hotline'. */
  queue?: Record<string, unknown>;
}

async function startRoutingSite(t: Test, options: SiteOptions) {
  const site = await startAcdPbxSite(t, {
    agents: options.agents,
    queue: { waitAt: 'routingPoint', pbxDevice: '700', strategy: 'linear', ringTimeoutSeconds: 5, wrapUpSeconds: 30, ...options.queue },
    dialPlan: (plan) => {
      plan.routingPoints.push({ number: '701', name: 'Stray routing point', defaultRoute: '600', timeoutMs: 5000 });
      plan.trunks[0]?.dids.push({ number: STRAY_DID, destination: '701' });
      for (const point of plan.routingPoints) point.timeoutMs = options.switchTimeoutMs ?? 600_000;
    },
    adapter: ({ engine, link, phones, logger }) => new RoutingPointQueues({ engine, link, tracker: phones.tracker, logger }),
  });
  const call = (to = ROUTING_DID) => site.sw.placeInboundCall({ from: CALLER, to });
  return { ...site, call };
}

t.test('a call waits at the routing point, is routed to the ready agent, answered, talked and hung up', async (t) => {
  const site = await startRoutingSite(t, { agents: [{ id: 'A1', device: '201' }] });
  await site.login(true);
  const callID = site.call();
  await site.advance(1000);
  t.same(site.events, [`joined ${callID}`, 'offer A1'], 'the RouteRequest joined the queue under the CSTA call ID and was offered');
  t.equal(site.engine.call(callID)?.data.callerId, CALLER, 'the caller ID came from the RouteRequest');
  t.ok(site.phones.tracker.find('201', 'alerting'), 'RouteSelect made 201 ring');

  await site.answer('201');
  await site.advance(1000);
  t.equal(site.engine.agents.get('A1')?.state, 'talking', 'the AnswerCall was seen as the agent answering');
  await site.advance(10_000);
  // The agent hangs up (AgentPhones does not yet end a call on the caller's CallCleared alone).
  await site.link.clearConnection({ callID, deviceID: '201' });
  await site.advance(1000);
  t.same(site.events, [`joined ${callID}`, 'offer A1', 'connected A1', 'ended A1'], 'joined, offered, connected, ended');
  t.equal(site.engine.agents.get('A1')?.state, 'wrapUp', 'the agent is in wrap-up after the call');
});

t.test('with no agent ready the call keeps waiting at the routing point until one becomes ready', async (t) => {
  const site = await startRoutingSite(t, { agents: [{ id: 'A1', device: '201' }] });
  await site.login(false);
  const callID = site.call();
  await site.advance(60_000, 500);
  t.same(site.events, [`joined ${callID}`], 'waiting, not offered');
  t.equal(site.engine.call(callID)?.phase, 'waiting');
  t.notOk(site.phones.tracker.find('201', 'alerting'), 'nothing rings yet');

  site.engine.request('A1', { state: 'ready' });
  await site.advance(1000);
  t.ok(site.phones.tracker.find('201', 'alerting'), 'routed to 201 once A1 was ready');
  await site.answer('201');
  await site.advance(1000);
  t.same(site.events, [`joined ${callID}`, 'offer A1', 'connected A1']);
});

t.test('an offer not answered within the ring timeout is deflected back and goes to the next agent, as the same call', async (t) => {
  const site = await startRoutingSite(t, { agents: [{ id: 'A1', device: '201' }, { id: 'A2', device: '202' }] });
  await site.login(true);
  const callID = site.call();
  await site.advance(1000);
  t.ok(site.phones.tracker.find('201', 'alerting'), 'A1 (linear) rings first');
  await site.advance(5000);
  t.notOk(site.phones.tracker.find('201', 'alerting'), '201 stopped ringing: deflected back to 700');
  t.ok(site.phones.tracker.find('202', 'alerting'), 'the new RouteRequest went to A2');
  t.same(site.events, [`joined ${callID}`, 'offer A1', 'retract A1 noAnswer', 'offer A2'], 'one join: the call kept its place');

  await site.answer('202');
  await site.advance(1000);
  t.equal(site.engine.call(callID)?.agent?.id, 'A2', 'the same ACD call is connected to A2');
  t.equal(site.engine.agents.get('A1')?.state, 'ready', 'A1 is free again');
});

t.test('an agent whose phone cannot be monitored gets no offers: the call goes to the next agent', async (t) => {
  // 299 is no device of the dial plan: MonitorStart fails, so an offer there could never be seen answered.
  const site = await startRoutingSite(t, { agents: [{ id: 'A1', device: '299' }, { id: 'A2', device: '202' }] });
  await site.login(true);
  const callID = site.call();
  await site.advance(1000);
  t.same(site.events, [`joined ${callID}`, 'offer A2']);
  t.equal(site.engine.agents.get('A1')?.phoneBusy, true, 'A1 stays out of the offers');
  t.ok(site.phones.tracker.find('202', 'alerting'), 'routed to 202');
});

t.test('the caller hanging up while waiting leaves the queue as abandoned', async (t) => {
  const site = await startRoutingSite(t, { agents: [{ id: 'A1', device: '201' }] });
  await site.login(false);
  const callID = site.call();
  await site.advance(3000);
  site.sw.hangUpExternal(callID);
  await site.advance(1000);
  t.same(site.events, [`joined ${callID}`, 'left abandoned']);
  t.equal(site.engine.call(callID), undefined, 'the ACD forgot the call');
});

t.test('the caller hanging up while the agent rings is abandoned and frees the agent', async (t) => {
  const site = await startRoutingSite(t, { agents: [{ id: 'A1', device: '201' }] });
  await site.login(true);
  const callID = site.call();
  await site.advance(1000);
  site.sw.hangUpExternal(callID);
  await site.advance(1000);
  t.same(site.events, [`joined ${callID}`, 'offer A1', 'retract A1 abandoned', 'left abandoned']);
  t.equal(site.engine.agents.get('A1')?.state, 'ready');
});

t.test("the switch's own timeout takes the default route and the call leaves the queue", async (t) => {
  const site = await startRoutingSite(t, { switchTimeoutMs: 5000, agents: [{ id: 'A1', device: '201' }] });
  await site.login(false);
  const callID = site.call();
  await site.advance(6000);
  t.same(site.events, [`joined ${callID}`, 'left abandoned'], 'RouteEnd(timeout): the ACD lets the call go');
  t.ok(site.phones.tracker.find('201', 'alerting'), 'the default route (ACD group 600) rings its members: ccbox sees 201 busy with a call it did not route');
  t.equal(site.engine.agents.get('A1')?.phoneBusy, true);
});

t.test('a RouteRequest for a routing point no queue waits at is ended at once: the switch takes its default route', async (t) => {
  const site = await startRoutingSite(t, { agents: [{ id: 'A1', device: '201' }] });
  await site.login(false);
  await site.link.routeRegister('701');
  site.call(STRAY_DID);
  await site.advance(1000);
  t.same(site.events, [], 'the ACD saw nothing');
  t.ok(site.phones.tracker.find('201', 'alerting'), 'the default route (group 600) rings 201 without waiting for the routing timeout');
});

t.test('after the CSTA link drops, waiting calls are let go and ccbox registers as router again', async (t) => {
  const site = await startRoutingSite(t, { agents: [{ id: 'A1', device: '201' }] });
  await site.login(false);
  t.same(site.routeRegistrations(), ['700'], 'registered for the routing point 700');
  const lost = site.call();
  await site.advance(1000);
  await site.restartSwitchServer();
  await site.advance(5000);
  t.same(site.events, [`joined ${lost}`, 'left abandoned'], 'the call waiting when the link dropped is left to the switch');
  t.same(site.routeRegistrations(), ['700'], 'registered again on the new session');

  site.engine.request('A1', { state: 'ready' });
  const callID = site.call();
  await site.advance(1000);
  t.same(site.events.slice(2), [`joined ${callID}`, 'offer A1']);
  t.ok(site.phones.tracker.find('201', 'alerting'), 'a new call is routed again');
});

t.test('a call that reaches the maximum wait is routed to the overflow number', async (t) => {
  const site = await startRoutingSite(t, { agents: [{ id: 'A1', device: '201' }], queue: { maxWaitSeconds: 10, overflow: { kind: 'number', target: '210' } } });
  await site.login(false);
  const callID = site.call();
  await site.advance(11_000);
  t.same(site.events, [`joined ${callID}`, 'left maxWait']);
  const at210 = await site.link.snapshotDevice('210');
  t.match(at210.crossRefIDorSnapshotData?.snapshotData, [{ connectionIdentifier: { callID }, localCallState: { compoundCallState: { localConnectionState: 'alerting' } } }], 'RouteSelect to 210: the supervisor rings');
});

t.test('a RouteSelect the switch refuses is matched to its request by invoke ID: the call goes to the next agent', async (t) => {
  // A1 logged in at 299, a number the switch does not have: RouteSelect to it is refused.
  const site = await startRoutingSite(t, { agents: [{ id: 'A1', device: '299' }, { id: 'A2', device: '202' }] });
  await site.login(true);
  // Its monitor failed, so it counts as busy; taken as free it gets the first offer.
  site.engine.phoneBusy('299', false);
  const callID = site.call();
  await site.advance(1000);
  t.same(site.events, [`joined ${callID}`, 'offer A1', 'retract A1 failed', 'offer A2'], 'the refusal withdrew the offer to A1 and the next agent was offered');
  t.ok(site.phones.tracker.find('202', 'alerting'), 'routed to 202');
  await site.answer('202');
  await site.advance(1000);
  t.equal(site.engine.agents.get('A2')?.state, 'talking');
});

t.test('a CSTA error that answers another request is not taken for the refusal of a RouteSelect', async (t) => {
  const site = await startRoutingSite(t, { agents: [{ id: 'A1', device: '201' }] });
  await site.login(true);
  const callID = site.call();
  await site.advance(1000);
  t.ok(site.phones.tracker.find('201', 'alerting'), 'routed to 201');
  // Another request refused by the switch right after the RouteSelect (a RouteEnd for no dialogue).
  site.link.routeEnd({ routingCrossRefID: 'no-such-dialogue' });
  await site.advance(1000);
  t.same(site.events, [`joined ${callID}`, 'offer A1'], 'the offer to A1 stands');
  t.ok(site.phones.tracker.find('201', 'alerting'), '201 still rings');
});
