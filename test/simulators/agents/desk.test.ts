/**
 * Simulated agent desks against the real MQTT API: the embedded broker with its access rules, the
 * AcdApi and the AcdEngine, in real time with profiles of tens of milliseconds. Only the PBX is
 * stood in for (see phonesFor).
 */
import t, { type Test } from 'tap';
import { AcdEngine, type AgentStateName, acdConfigSchema, type CallControl } from '../../../appliance/acd/index.js';
import { AcdApi } from '../../../appliance/api/acd-api.js';
import { type EmbeddedBroker, startEmbeddedBroker } from '../../../appliance/api/broker.js';
import { EmbeddedBus } from '../../../appliance/api/bus.js';
import type { ApiUser } from '../../../appliance/api/config.js';
import { hashPassword } from '../../../appliance/api/passwords.js';
import type { CustomerRecord } from '../../../appliance/ivr/ports.js';
import { systemClock } from '../../../appliance/runtime/clock.js';
import { silentLogger } from '../../../appliance/runtime/logger.js';
import { AgentDeskError, type AgentProfileOverride, type AgentTeam, SimulatedAgentDesk, startAgentTeam, type TeamMember } from '../../../simulators/agents/index.js';

const SITE = 'hq';
const QUEUE = 'sales';
const WAIT_MS = 5000;
/** Wrap-up the ACD would give on its own; far longer than the desks', so ending it early shows wrapUpDone arrived. */
const ACD_WRAP_UP_SECONDS = 5;
const QUICK: AgentProfileOverride = { answerDelayMs: 40, talkMs: [20, 40], wrapUpMs: 30 };
const password = (agentId: string) => `secret-${agentId}`;
const USERS: ApiUser[] = await Promise.all(
  ['a1', 'a2'].map(async (agentId) => ({ username: agentId, passwordHash: await hashPassword(password(agentId)), role: 'agent' as const, agentId })),
);
const member = (id: string, device: string, profile?: AgentProfileOverride): TeamMember => ({ id, password: password(id), device, ...(profile ? { profile } : {}) });

const CUSTOMER: CustomerRecord = { id: 'C1001', name: 'Li Wei', phones: ['13800000001'], level: 'gold', vip: false, account: { balance: 120.5 } };
const callData = (callerId: string) => ({ callerId, language: 'zh' as const, vip: false, customer: CUSTOMER, keys: ['1', '3'], path: ['welcome', 'menu', 'billing'], variables: {} });

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function until(what: string, check: () => boolean, timeoutMs = WAIT_MS): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`${what}: not within ${timeoutMs} ms`);
    await sleep(10);
  }
}

/**
 * Stands in for the PBX: answering or hanging up at an extension reports straight to the engine,
 * as the CSTA events would. The whole-call test covers the real PBX path.
 */
function phonesFor(engine: AcdEngine) {
  const transfers: { device: string; target: string }[] = [];
  const agentAt = (device: string) => {
    const agent = engine.agents.atDevice(device);
    if (!agent) throw new Error(`nobody is logged in at ${device}`);
    return agent;
  };
  const callAt = (device: string) => {
    const call = agentAt(device).call;
    if (!call) throw new Error(`no call at ${device}`);
    return call;
  };
  const notSimulated = async (): Promise<never> => {
    throw new Error('not simulated in this test');
  };
  const calls: CallControl = {
    async answer(device) {
      const agent = agentAt(device);
      if (!agent.offer) throw new Error(`nothing rings at ${device}`);
      engine.answered(agent.offer.call.id, agent.id);
    },
    async hangup(device) {
      engine.callEnded(callAt(device).id);
    },
    async transfer(device, target) {
      const call = callAt(device);
      transfers.push({ device, target });
      engine.callEnded(call.id);
    },
    hold: notSimulated, retrieve: notSimulated, consult: notSimulated, completeTransfer: notSimulated, conference: notSimulated,
    cancelConsult: notSimulated, makeCall: notSimulated, monitor: notSimulated, takeOver: notSimulated,
  };
  return { calls, transfers };
}

interface Appliance {
  engine: AcdEngine;
  broker: EmbeddedBroker;
  url: string;
  transfers: { device: string; target: string }[];
  /** Every agent's states in order, as "a1:ready" or "a1:notReady:lunch". */
  states: string[];
  /** Stopped at teardown, before the appliance. */
  track<T extends AgentTeam | SimulatedAgentDesk>(stoppable: T): T;
}

async function applianceUnderTest(t: Test): Promise<Appliance> {
  const engine = new AcdEngine({
    config: acdConfigSchema.parse({
      enabled: true,
      queues: [{ name: QUEUE, strategy: 'linear', ringTimeoutSeconds: 1, wrapUpSeconds: ACD_WRAP_UP_SECONDS }],
      agents: [{ id: 'a1', name: 'Ann', skills: { [QUEUE]: 1 } }, { id: 'a2', name: 'Bo', skills: { [QUEUE]: 1 } }],
    }),
    clock: systemClock,
  });
  const states: string[] = [];
  engine.on('agentState', (change) => states.push([change.agentId, change.state, change.reason].filter(Boolean).join(':')));
  const broker = await startEmbeddedBroker({ listen: 'tcp://127.0.0.1:0', site: SITE, users: () => USERS, access: { servedQueues: (agentId) => [...(engine.agents.get(agentId)?.queues ?? [])] } });
  const { calls, transfers } = phonesFor(engine);
  const api = new AcdApi({ bus: new EmbeddedBus(broker), site: SITE, engine, calls, clock: systemClock, logger: silentLogger() });
  await api.start();
  const tracked: (AgentTeam | SimulatedAgentDesk)[] = [];
  t.teardown(async () => {
    await Promise.all(tracked.map((stoppable) => stoppable.stop()));
    await api.stop();
    // Whatever a failed test left behind must not keep ACD timers running.
    for (const call of [...engine.calls()]) engine.abandon(call.id);
    for (const agent of engine.agents.all()) engine.logout(agent.id);
    await broker.close();
  });
  return {
    engine, broker, transfers, states,
    url: `mqtt://127.0.0.1:${broker.address.port}`,
    track: (stoppable) => {
      tracked.push(stoppable);
      return stoppable;
    },
  };
}

function stateOf(engine: AcdEngine, agentId: string): AgentStateName | undefined {
  return engine.agents.get(agentId)?.state;
}

/** True when `expected` appears in `seen` in this order (other entries may come between). */
function inOrder(seen: readonly string[], expected: readonly string[]): boolean {
  let next = 0;
  for (const entry of seen) if (entry === expected[next]) next++;
  return next === expected.length;
}

t.test('two desks log in ready, take calls through talk and wrap-up, see the screen pop, and log out at stop()', async (t) => {
  const site = await applianceUnderTest(t);
  const { engine } = site;
  const times: Record<string, number> = {};
  engine.on('offer', (offer) => (times[`offer ${offer.callId}`] = offer.at));
  engine.on('connected', (connected) => (times[`connected ${connected.callId}`] = connected.at));
  engine.on('agentState', (change) => (times[`${change.agentId} ${change.state}`] = change.at));

  const team = site.track(await startAgentTeam({ url: site.url, site: SITE, agents: [member('a1', '201'), member('a2', '202')], profile: QUICK, random: () => 0.5 }));
  t.same([stateOf(engine, 'a1'), engine.agents.get('a1')?.device, stateOf(engine, 'a2'), engine.agents.get('a2')?.device], ['ready', '201', 'ready', '202']);

  engine.enqueue('c1', QUEUE, callData('13800000001'));
  engine.enqueue('c2', QUEUE, callData('13900000002'));
  await until('both calls talked, hung up and wrapped up', () => team.totals().cleared === 2 && stateOf(engine, 'a1') === 'ready' && stateOf(engine, 'a2') === 'ready');

  t.match(team.totals(), { offered: 2, answered: 2, ignored: 0, retracted: 0, transferred: 0, cleared: 2, errors: 0 });
  for (const agentId of ['a1', 'a2']) {
    t.ok(inOrder(site.states, [`${agentId}:ready`, `${agentId}:offered`, `${agentId}:talking`, `${agentId}:wrapUp`, `${agentId}:ready`]), `${agentId} went through the whole call`);
    const wrapUpMs = times[`${agentId} ready`]! - times[`${agentId} wrapUp`]!;
    t.ok(wrapUpMs >= 25 && wrapUpMs < ACD_WRAP_UP_SECONDS * 1000, `${agentId} ended wrap-up itself after ${wrapUpMs} ms`);
  }
  for (const callId of ['c1', 'c2']) {
    const ringMs = times[`connected ${callId}`]! - times[`offer ${callId}`]!;
    t.ok(ringMs >= 35, `${callId} was answered after the answer delay (${ringMs} ms)`);
  }

  const desk = team.desks.find((candidate) => candidate.lastOffer?.callId === 'c1');
  t.ok(desk, 'a desk got the screen pop of c1');
  t.match(desk?.lastOffer, { type: 'offered', callId: 'c1', queue: QUEUE, callerId: '13800000001', keys: ['1', '3'], path: ['welcome', 'menu', 'billing'], customer: CUSTOMER });

  await team.stop();
  t.same([stateOf(engine, 'a1'), stateOf(engine, 'a2')], ['loggedOut', 'loggedOut']);
  t.same(team.desks.map((d) => [d.state, d.connected]), [['loggedOut', false], ['loggedOut', false]]);
  await team.stop();
});

t.test('a desk that leaves offers ringing lets the ring timeout move the call to the other desk', async (t) => {
  const site = await applianceUnderTest(t);
  const retracts: string[] = [];
  site.engine.on('retract', (retract) => retracts.push(`${retract.callId}→${retract.agentId}:${retract.reason}`));
  const team = site.track(await startAgentTeam({ url: site.url, site: SITE, agents: [member('a1', '201', { noAnswerChance: 1 }), member('a2', '202')], profile: QUICK }));

  site.engine.enqueue('c1', QUEUE, callData('13800000001'));
  await until('the call reached a2 and ended', () => team.desk('a2')?.counters.cleared === 1, 2 * WAIT_MS);

  t.match(team.desk('a1')?.counters, { offered: 1, ignored: 1, retracted: 1, answered: 0, errors: 0 });
  t.match(team.desk('a2')?.counters, { offered: 1, answered: 1, cleared: 1, errors: 0 });
  t.same(retracts, ['c1→a1:noAnswer']);
});

t.test('a desk does not answer an offer withdrawn while it waited to answer', async (t) => {
  const site = await applianceUnderTest(t);
  const desk = site.track(new SimulatedAgentDesk({ url: site.url, site: SITE, agentId: 'a1', password: password('a1'), device: '201', profile: { ...QUICK, answerDelayMs: 200 } }));
  await desk.start();

  site.engine.enqueue('c1', QUEUE, callData('13800000001'));
  await until('the offer reached the desk', () => desk.counters.offered === 1);
  site.engine.abandon('c1');
  await until('the withdrawal reached the desk', () => desk.counters.retracted === 1);
  await sleep(300);

  t.match(desk.counters, { answered: 0, errors: 0 });
  t.equal(stateOf(site.engine, 'a1'), 'ready');
});

t.test('a desk transfers instead of hanging up, then takes a break and comes back ready', async (t) => {
  const site = await applianceUnderTest(t);
  const profile = { ...QUICK, transferChance: 1, transferTarget: '3000', notReadyChance: 1, notReadyMs: 50, notReadyReasons: ['lunch'] };
  const desk = site.track(new SimulatedAgentDesk({ url: site.url, site: SITE, agentId: 'a1', password: password('a1'), device: '201', profile }));
  await desk.start();

  site.engine.enqueue('c1', QUEUE, callData('13800000001'));
  await until('the break is over', () => desk.counters.breaks === 1 && stateOf(site.engine, 'a1') === 'ready');

  t.same(site.transfers, [{ device: '201', target: '3000' }]);
  t.match(desk.counters, { answered: 1, transferred: 1, cleared: 1, breaks: 1, errors: 0 });
  t.ok(inOrder(site.states, ['a1:talking', 'a1:wrapUp', 'a1:notReady:lunch', 'a1:ready']), `states: ${site.states.join(', ')}`);
});

t.test('stop() during a call hangs up and logs out', async (t) => {
  const site = await applianceUnderTest(t);
  const desk = site.track(new SimulatedAgentDesk({ url: site.url, site: SITE, agentId: 'a1', password: password('a1'), device: '201', profile: { ...QUICK, talkMs: 60_000 } }));
  await desk.start();
  site.engine.enqueue('c1', QUEUE, callData('13800000001'));
  await until('the agent talks', () => stateOf(site.engine, 'a1') === 'talking');

  await desk.stop();
  t.equal(stateOf(site.engine, 'a1'), 'loggedOut');
  t.equal(site.engine.call('c1'), undefined, 'the call is over');
  t.equal(desk.counters.errors, 0);
});

t.test('refusals, bad logins and a lost broker give clear errors and never crash the desk', async (t) => {
  const site = await applianceUnderTest(t);

  const intruder = new SimulatedAgentDesk({ url: site.url, site: SITE, agentId: 'a2', password: 'wrong', device: '202', commandTimeoutMs: 2000 });
  await t.rejects(intruder.start(), { name: 'AgentDeskError', code: 'connectFailed', message: /refused the login of 'a2'.*return code 4/ });
  await intruder.stop();

  const desk = site.track(new SimulatedAgentDesk({ url: site.url, site: SITE, agentId: 'a1', password: password('a1'), device: '201', profile: QUICK, reconnectPeriodMs: 100 }));
  const errors: AgentDeskError[] = [];
  desk.on('error', (error) => errors.push(error));
  await desk.start();

  await t.rejects(desk.command({ cmd: 'wrapUpDone' }), { code: 'badState', command: 'wrapUpDone', message: /^agent a1: wrapUpDone failed: badState: / });
  await t.rejects(desk.command({ cmd: 'notReady', reason: 'nap' }), { code: 'unknownReason', message: /notReady failed: unknownReason/ });

  await site.broker.close();
  await until('the desk noticed', () => desk.lastError?.code === 'brokerLost');
  t.ok(errors.some((error) => error instanceof AgentDeskError && error.code === 'brokerLost' && /lost the broker at mqtt:\/\/127\.0\.0\.1/.test(error.message)));
  await t.rejects(desk.command({ cmd: 'ready' }), { code: 'notConnected', command: 'ready' });
  await sleep(300); // reconnection attempts fail meanwhile, quietly
  t.equal(errors.filter((error) => error.code === 'brokerLost').length, 1, 'one outage, one report');
  await desk.stop();
  t.equal(desk.connected, false);
});

t.test('a desk the ACD put not-ready for missed offers comes back ready after a while', async (t) => {
  const site = await applianceUnderTest(t);
  const desk = site.track(new SimulatedAgentDesk({ url: site.url, site: SITE, agentId: 'a1', password: password('a1'), device: '201', profile: { ...QUICK, noAnswerChance: 1, notReadyMs: 50 } }));
  await desk.start();
  site.engine.enqueue('c1', QUEUE, callData('13800000001'));
  await until('missed twice, then back', () => inOrder(site.states, ['a1:notReady:missed', 'a1:ready']), 4 * WAIT_MS);
  t.ok(desk.counters.ignored >= 2, 'missed the offers');
  t.equal(desk.counters.errors, 0);
  site.engine.abandon('c1');
});
