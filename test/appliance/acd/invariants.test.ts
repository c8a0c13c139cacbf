/**
 * The ACD's promises under random interleavings of arrivals, answers (also late and duplicate
 * ones), hang-ups, no-answers, state changes, callbacks and link drops, checked after every step.
 */
import sinon from 'sinon';
import t from 'tap';
import { AcdEngine, AcdError, acdConfigSchema, brokenInvariants } from '../../../appliance/acd/index.js';
import { systemClock } from '../../../appliance/runtime/clock.js';
import { DATA, seededRandom } from '../../helpers/acd-engine.js';

const RUNS = 2000;
const STEPS = 150;
const AGENTS = ['a1', 'a2', 'a3', 'a4', 'a5', 'a6'];
const QUEUES = ['hunt', 'sales', 'vip'];

const config = acdConfigSchema.parse({
  queues: [
    { name: 'hunt', strategy: 'ringAll', ringTimeoutSeconds: 10, joinWhen: 'always', maxWaitSeconds: 120, overflow: { kind: 'queue', queue: 'sales' }, exitKey: '0' },
    { name: 'sales', strategy: 'longestIdle', ringTimeoutSeconds: 8, retrySeconds: 2, joinWhen: 'loggedIn', maxLength: 6, leaveWhen: 'noneLoggedIn', penaltyRules: [{ afterSeconds: 20, maxPenalty: 3 }], wrapUpSeconds: 5, callback: { maxAttempts: 2, retrySeconds: 30 } },
    { name: 'vip', strategy: 'weightedRandom', ringTimeoutSeconds: 12, joinWhen: 'always', skills: { vip: 2 }, announce: { positionEverySeconds: 15 } },
  ],
  agents: AGENTS.map((id, i) => ({
    id,
    name: id,
    skills: { hunt: 1, sales: 1, ...(i % 2 === 0 ? { vip: 2 } : {}) },
    queues: { sales: { penalty: i % 3 } },
    ...(i === 5 ? { wrapUpSeconds: 0 } : {}),
  })),
  autoNotReadyAfterMissed: 3,
});

interface Watch {
  /** Offer events not yet retracted or answered, by agent. */
  ringing: Map<string, string>;
  connected: Map<string, string>;
  problems: string[];
}

function watch(engine: AcdEngine): Watch {
  const w: Watch = { ringing: new Map(), connected: new Map(), problems: [] };
  engine.on('offer', (o) => {
    if (w.ringing.has(o.agentId)) w.problems.push(`${o.agentId} offered ${o.callId} while ${w.ringing.get(o.agentId)} rings`);
    const others = [...w.ringing].filter(([, call]) => call === o.callId);
    if (others.length > 0 && !o.ringAll) w.problems.push(`${o.callId} offered to ${o.agentId} while ringing at ${others[0]?.[0]}`);
    const state = engine.agents.get(o.agentId)?.state;
    if (state !== 'offered') w.problems.push(`${o.agentId} offered while ${state}`);
    w.ringing.set(o.agentId, o.callId);
  });
  engine.on('agentState', (change) => {
    if (change.state === 'offered' && change.previous !== 'ready') w.problems.push(`${change.agentId} offered a call while ${change.previous}`);
  });
  engine.on('retract', (r) => {
    if (w.ringing.get(r.agentId) !== r.callId) w.problems.push(`retract of ${r.callId} at ${r.agentId}, which was not ringing there`);
    w.ringing.delete(r.agentId);
  });
  engine.on('connected', (c) => {
    if (w.connected.has(c.callId)) w.problems.push(`${c.callId} connected twice`);
    w.connected.set(c.callId, c.agentId);
    w.ringing.delete(c.agentId);
    if ([...w.ringing.values()].includes(c.callId)) w.problems.push(`${c.callId} connected but still ringing elsewhere`);
  });
  engine.on('ended', (e) => w.connected.delete(e.callId));
  return w;
}

type Step = (engine: AcdEngine, pick: <T>(items: readonly T[]) => T, clock: sinon.SinonFakeTimers, callIds: string[]) => string;

const STEPS_BY_WEIGHT: [number, Step][] = [
  [6, (e, pick, _c, ids) => {
    const id = `c${ids.length + 1}`;
    ids.push(id);
    const target = pick([undefined, undefined, undefined, undefined, pick(AGENTS)]);
    e.enqueue(id, pick(QUEUES), { ...DATA, vip: pick([false, false, true]) }, target === undefined ? {} : { agent: target, priority: 100 });
    return `enqueue ${id}${target ? ` for ${target}` : ''}`;
  }],
  [8, (e, pick, _c, ids) => {
    const ringing = [...e.calls()].flatMap((call) => [...call.offers.keys()].map((agent) => [call.id, agent] as const));
    const [callId, agent] = ringing.length > 0 && pick([true, true, true, false]) ? pick(ringing) : [pick(ids), pick(AGENTS)];
    const live = e.call(callId)?.offers.has(agent) ?? false;
    const ok = e.answered(callId, agent);
    if (ok !== live) throw new Error(`answered(${callId}, ${agent}) returned ${ok} with the offer ${live ? 'live' : 'gone'}`);
    return `answer ${callId} by ${agent}`;
  }],
  [5, (e, pick, _c, ids) => {
    const callId = pick(ids);
    e.callEnded(callId);
    return `hang up ${callId}`;
  }],
  [6, (_e, pick, clock) => {
    const ms = pick([100, 1000, 2000, 5000, 8000, 12_000, 30_000]);
    clock.tick(ms);
    return `tick ${ms}`;
  }],
  [5, (e, pick) => {
    const agent = pick(AGENTS);
    const want = pick([{ state: 'ready' }, { state: 'notReady', reason: 'break' }, { state: 'loggedOut' }] as const);
    e.request(agent, want);
    return `${agent} asks ${want.state}`;
  }],
  [4, (e, pick) => {
    const agent = pick(AGENTS);
    e.login(agent, `d${pick(AGENTS)}`, { ready: pick([true, false]) });
    return `login ${agent}`;
  }],
  [2, (e, pick) => {
    const agent = pick(AGENTS);
    e.wrapUpDone(agent);
    return `wrap-up done ${agent}`;
  }],
  [2, (e, pick, _c, ids) => {
    const callId = pick(ids);
    e.offerFailed(callId, pick(AGENTS));
    return `offer failed ${callId}`;
  }],
  [1, (e, pick, _c, ids) => {
    const callId = pick(ids);
    e.exitKey(callId, pick(['0', '5']));
    return `key on ${callId}`;
  }],
  [1, (e, pick, _c, ids) => {
    const callId = pick(ids);
    e.toCallback(callId, '13800001111');
    return `callback ${callId}`;
  }],
  [2, (e, pick, _c, ids) => {
    const callId = pick(ids);
    e.callbackResult(callId, pick(['connected', 'noAnswer', 'busy', 'failed'] as const));
    return `callback result ${callId}`;
  }],
  [1, (e, pick) => {
    if (pick([true, false])) e.linkDown();
    else e.linkUp();
    return 'link down/up';
  }],
  [2, (e, pick) => {
    const agent = pick(AGENTS);
    e.held(agent, pick([true, false]));
    return `hold ${agent}`;
  }],
  [1, (e, pick) => {
    const device = `d${pick(AGENTS)}`;
    e.phoneBusy(device, pick([true, false]));
    return `phone ${device}`;
  }],
];
const TOTAL_WEIGHT = STEPS_BY_WEIGHT.reduce((sum, [w]) => sum + w, 0);

t.test(`${RUNS} random interleavings of ${STEPS} steps keep every invariant after every step`, async (t) => {
  const clock = sinon.useFakeTimers({ now: Date.UTC(2026, 11, 2, 9), toFake: ['Date', 'setTimeout', 'clearTimeout', 'setInterval', 'clearInterval'] });
  t.teardown(() => clock.restore());
  let steps = 0;
  let connected = 0;
  let refused = 0;
  for (let run = 0; run < RUNS; run++) {
    clock.reset();
    const random = seededRandom(run + 1);
    const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)] as T;
    const engine = new AcdEngine({ config, clock: systemClock, random });
    const w = watch(engine);
    engine.on('connected', () => connected++);
    const ids: string[] = ['c0'];
    const trail: string[] = [];
    for (let i = 0; i < STEPS; i++) {
      let roll = random() * TOTAL_WEIGHT;
      const step = STEPS_BY_WEIGHT.find(([weight]) => (roll -= weight) < 0)?.[1] ?? (STEPS_BY_WEIGHT[0] as [number, Step])[1];
      try {
        trail.push(step(engine, pick, clock, ids));
      } catch (error) {
        if (!(error instanceof AcdError)) throw new Error(`run ${run} step ${i}: ${(error as Error).message}\n${trail.slice(-15).join('\n')}`);
        refused++;
        trail.push(`refused: ${error.message}`);
      }
      steps++;
      const broken = [...brokenInvariants(engine), ...w.problems];
      if (broken.length > 0) {
        t.fail(`run ${run} (seed ${run + 1}) after step ${i}: ${broken.join('; ')}`, { trail: trail.slice(-20) });
        return;
      }
    }
    engine.removeAllListeners();
  }
  t.pass(`${steps} steps, ${connected} calls connected, ${refused} requests refused with AcdError, no broken invariant`);
  t.ok(connected > RUNS, 'the runs reached agents often enough to mean something');
});

