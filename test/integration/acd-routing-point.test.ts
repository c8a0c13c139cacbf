/**
 * Calls that wait at the PBX's routing point 700 (DID 0301234501) while ccbox routes them: the
 * switch simulator over loopback TCP, the real CstaLink, the ACD engine, the agents' phones and
 * RoutingPointQueues, under sinon fake time. Agents answer with CSTA AnswerCall.
 */
import sinon from 'sinon';
import t, { type Test } from 'tap';
import { AcdEngine, acdConfigSchema } from '../../appliance/acd/index.js';
import { AgentPhones } from '../../appliance/acd/telephony/agent-phones.js';
import { RoutingPointQueues } from '../../appliance/acd/telephony/routing-point.js';
import { CstaLink } from '../../appliance/csta/link.js';
import { loadPbxProfile } from '../../appliance/csta/profile.js';
import { systemClock } from '../../appliance/runtime/clock.js';
import { createLogger, silentLogger } from '../../appliance/runtime/logger.js';
import { createSwitch, demoDialPlan, startSwitchServer } from '../../simulators/switch/index.js';
import { realDelay } from '../helpers/real-time.js';

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
  const clock = sinon.useFakeTimers({ now: Date.parse('2026-11-25T10:00:00+08:00'), toFake: ['setTimeout', 'clearTimeout', 'setInterval', 'clearInterval', 'Date'] });
  // ROUTING_SITE_LOG=debug shows what the parts log, for a failing test.
  const logger = process.env.ROUTING_SITE_LOG ? createLogger({ level: process.env.ROUTING_SITE_LOG }) : silentLogger();
  const plan = demoDialPlan();
  plan.routingPoints.push({ number: '701', name: 'Stray routing point', defaultRoute: '600', timeoutMs: 5000 });
  plan.trunks[0]?.dids.push({ number: STRAY_DID, destination: '701' });
  for (const point of plan.routingPoints) point.timeoutMs = options.switchTimeoutMs ?? 600_000;
  const sw = createSwitch(plan, { clock: systemClock, logger });
  const profile = loadPbxProfile('generic-ed4');
  let server = await startSwitchServer({ model: sw, listen: ['tcp://127.0.0.1:0'], profile, clock: systemClock, logger });
  const address = server.addresses[0] as string;
  const link = new CstaLink({ url: address, profile, credentials: { applicationId: 'ccbox-routing-test' }, clock: systemClock, logger });
  await link.start();
  const acd = acdConfigSchema.parse({
    enabled: true,
    queues: [{ name: 'hotline', waitAt: 'routingPoint', pbxDevice: '700', strategy: 'linear', ringTimeoutSeconds: 5, wrapUpSeconds: 30, ...options.queue }],
    agents: options.agents.map(({ id }) => ({ id, name: `Agent ${id}`, skills: { hotline: 1 } })),
  });
  const engine = new AcdEngine({ config: acd, clock: systemClock });
  const phones = new AgentPhones({ link, engine, logger });
  const routing = new RoutingPointQueues({ engine, link, tracker: phones.tracker, clock: systemClock, logger });
  phones.start();
  routing.start();

  const events: string[] = [];
  engine.on('joined', (e) => events.push(`joined ${e.callId}`));
  engine.on('offer', (e) => events.push(`offer ${e.agentId}`));
  engine.on('retract', (e) => events.push(`retract ${e.agentId} ${e.reason}`));
  engine.on('connected', (e) => events.push(`connected ${e.agentId}`));
  engine.on('ended', (e) => events.push(`ended ${e.agentId}`));
  engine.on('left', (e) => events.push(`left ${e.reason}`));

  t.teardown(async () => {
    routing.stop();
    phones.stop();
    clock.restore();
    await link.stop();
    await server.close();
  });

  /** Moves fake time forward in steps, letting socket I/O through between steps. */
  const advance = async (ms: number, step = 100) => {
    for (let done = 0; done < ms; done += step) {
      await realDelay(0);
      await realDelay(0);
      await clock.tickAsync(Math.min(step, ms - done));
    }
    await realDelay(1);
  };
  const login = async (ready: boolean) => {
    for (const agent of options.agents) engine.login(agent.id, agent.device, { ready });
    await advance(500);
  };
  const answer = (device: string) => {
    const ringing = phones.tracker.find(device, 'alerting');
    if (!ringing) throw new Error(`nothing rings at ${device}`);
    return link.answerCall(ringing);
  };
  const call = (to = ROUTING_DID) => sw.placeInboundCall({ from: CALLER, to });
  /** The switch's CSTA server goes away and comes back on the same address (the link reconnects). */
  const restartSwitchServer = async () => {
    await server.close();
    server = await startSwitchServer({ model: sw, listen: [address], profile, clock: systemClock, logger });
  };
  const routeRegistrations = () => server.clients().flatMap((client) => client.routeRegistrations.map((r) => r.device));
  return { sw, link, engine, phones, events, advance, login, answer, call, restartSwitchServer, routeRegistrations };
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
