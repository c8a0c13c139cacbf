/** The ACD engine on fake time: every strategy, skills and penalties, priorities, ring timeouts, overflow, callbacks, agent states. */
import t from 'tap';
import { unsupportedOnPbx } from '../../../appliance/acd/config.js';
import { AcdError, acdConfigSchema, brokenInvariants } from '../../../appliance/acd/index.js';
import { DATA, acdUnderTest } from '../../helpers/acd-engine.js';

const agents = (n: number, extra: Record<string, unknown> = {}) =>
  Array.from({ length: n }, (_, i) => ({ id: `a${i + 1}`, name: `Agent ${i + 1}`, skills: { sales: 1 }, ...extra }));
const sales = (queue: Record<string, unknown> = {}) => ({ name: 'sales', ...queue });

t.test('strategies pick the agent their rule names', async (t) => {
  t.test('longestIdle: the agent free longest; each answered call sends its agent to the back', async (t) => {
    const acd = acdUnderTest(t, { queues: [sales({ strategy: 'longestIdle' })], agents: agents(3) });
    acd.engine.login('a2', 'd2', { ready: true });
    acd.clock.tick(1000);
    acd.engine.login('a1', 'd1', { ready: true });
    acd.clock.tick(1000);
    acd.engine.login('a3', 'd3', { ready: true });
    for (const id of ['c1', 'c2']) {
      acd.engine.enqueue(id, 'sales', DATA);
      const offer = acd.of('offer').at(-1);
      acd.engine.answered(id, offer?.agentId as string);
      acd.clock.tick(1000);
      acd.engine.callEnded(id);
    }
    acd.engine.enqueue('c3', 'sales', DATA);
    t.same(acd.offers(), ['c1→a2', 'c2→a1', 'c3→a3']);
  });

  t.test('fewestCalls and leastTalkTime count what each agent did since login', async (t) => {
    for (const strategy of ['fewestCalls', 'leastTalkTime'] as const) t.test(strategy, async (t) => {
      const acd = acdUnderTest(t, { queues: [sales({ strategy })], agents: agents(2) });
      acd.loginReady('a1', 'a2');
      const talk = (id: string, agent: string, ms: number) => {
        acd.engine.enqueue(id, 'sales', DATA);
        acd.engine.answered(id, agent);
        acd.clock.tick(ms);
        acd.engine.callEnded(id);
      };
      talk('c1', 'a1', 100_000);
      talk('c2', 'a2', 10_000);
      talk('c3', 'a2', 10_000);
      acd.clear();
      acd.engine.enqueue('c4', 'sales', DATA);
      t.same(acd.offers(), [strategy === 'fewestCalls' ? 'c4→a1' : 'c4→a2'], strategy);
    });
  });

  t.test('linear always starts at the top; roundRobin remembers where it was', async (t) => {
    for (const strategy of ['linear', 'roundRobin'] as const) t.test(strategy, async (t) => {
      const acd = acdUnderTest(t, { queues: [sales({ strategy })], agents: agents(3) });
      acd.loginReady('a3', 'a1', 'a2');
      for (const id of ['c1', 'c2', 'c3', 'c4']) {
        acd.engine.enqueue(id, 'sales', DATA);
        const agent = acd.of('offer').at(-1)?.agentId as string;
        acd.engine.answered(id, agent);
        acd.engine.callEnded(id);
      }
      t.same(acd.offers(), strategy === 'linear' ? ['c1→a1', 'c2→a1', 'c3→a1', 'c4→a1'] : ['c1→a1', 'c2→a2', 'c3→a3', 'c4→a1'], strategy);
    });
  });

  t.test('random spreads calls; weightedRandom follows the weights', async (t) => {
    const weights = { a1: 1, a2: 3 };
    for (const strategy of ['random', 'weightedRandom'] as const) t.test(strategy, async (t) => {
      const acd = acdUnderTest(t, {
        queues: [sales({ strategy })],
        agents: agents(2).map((a) => ({ ...a, queues: { sales: { weight: weights[a.id as 'a1' | 'a2'] } } })),
      }, 7);
      acd.loginReady('a1', 'a2');
      const count: Record<string, number> = { a1: 0, a2: 0 };
      for (let i = 0; i < 2000; i++) {
        acd.engine.enqueue(`c${i}`, 'sales', DATA);
        const agent = acd.of('offer').at(-1)?.agentId as string;
        count[agent] = (count[agent] ?? 0) + 1;
        acd.engine.answered(`c${i}`, agent);
        acd.engine.callEnded(`c${i}`);
      }
      const share = (count.a2 ?? 0) / 2000;
      if (strategy === 'random') t.ok(share > 0.45 && share < 0.55, `random: a2 got ${share}`);
      else t.ok(share > 0.72 && share < 0.78, `weightedRandom 1:3: a2 got ${share}`);
    });
  });

  t.test('ringAll rings every free agent; the first to answer gets it, the others stop ringing', async (t) => {
    const acd = acdUnderTest(t, { queues: [sales({ strategy: 'ringAll' })], agents: agents(3) });
    acd.loginReady('a1', 'a2', 'a3');
    acd.engine.enqueue('c1', 'sales', DATA);
    t.same(acd.offers(), ['c1→a1', 'c1→a2', 'c1→a3']);
    t.same(brokenInvariants(acd.engine), []);
    t.equal(acd.engine.answered('c1', 'a2'), true);
    t.equal(acd.engine.answered('c1', 'a3'), false, 'a second answer is refused: that leg must be released');
    t.same(acd.of('retract').map((r) => `${r.agentId}:${r.reason}`), ['a1:answeredElsewhere', 'a3:answeredElsewhere']);
    t.same([...acd.engine.agents.all()].map((a) => a.state), ['ready', 'talking', 'ready']);
  });
});

t.test('skills, penalties and priorities', async (t) => {
  t.test('only agents with the skill levels serve the queue', async (t) => {
    const acd = acdUnderTest(t, {
      queues: [{ name: 'vip', skills: { sales: 1, english: 3 } }],
      agents: [
        { id: 'a1', name: 'A', skills: { sales: 5, english: 2 } },
        { id: 'a2', name: 'B', skills: { sales: 1, english: 3 } },
      ],
    });
    acd.loginReady('a1', 'a2');
    acd.engine.enqueue('c1', 'vip', DATA);
    t.same(acd.offers(), ['c1→a2']);
  });

  t.test('penalty rules widen the pool as the caller waits', async (t) => {
    const acd = acdUnderTest(t, {
      queues: [sales({ ringTimeoutSeconds: 120, penaltyRules: [{ afterSeconds: 30, maxPenalty: 2 }, { afterSeconds: 60, maxPenalty: 5 }] })],
      agents: [
        { id: 'p0', name: 'P0', skills: { sales: 1 } },
        { id: 'p2', name: 'P2', skills: { sales: 1 }, queues: { sales: { penalty: 2 } } },
        { id: 'p5', name: 'P5', skills: { sales: 1 }, queues: { sales: { penalty: 5 } } },
      ],
    });
    acd.engine.login('p0', 'd0', { ready: false });
    acd.loginReady('p5', 'p2');
    acd.engine.enqueue('c1', 'sales', DATA);
    acd.engine.enqueue('c2', 'sales', DATA);
    t.same(acd.offers(), [], 'penalty 0 is the only pool at first, and p0 is not ready');
    acd.clock.tick(29_999);
    t.same(acd.offers(), []);
    acd.clock.tick(1);
    t.same(acd.offers(), ['c1→p2'], 'after 30 s penalty 2 serves, the oldest call first');
    acd.clock.tick(30_000);
    t.same(acd.offers(), ['c1→p2', 'c2→p5'], 'after 60 s penalty 5 too');
  });

  t.test('a VIP call jumps ahead of calls that waited longer; equal priority keeps arrival order', async (t) => {
    const acd = acdUnderTest(t, { queues: [sales()], agents: agents(1) });
    acd.engine.login('a1', 'd1', { ready: false });
    acd.engine.enqueue('c1', 'sales', DATA);
    acd.clock.tick(5000);
    acd.engine.enqueue('c2', 'sales', DATA);
    acd.engine.enqueue('vip', 'sales', { ...DATA, vip: true });
    t.same(acd.of('joined').map((j) => j.position), [1, 2, 1]);
    acd.engine.request('a1', { state: 'ready' });
    for (const _ of [1, 2, 3]) {
      const offer = acd.of('offer').at(-1)?.callId as string;
      acd.engine.answered(offer, 'a1');
      acd.engine.callEnded(offer);
    }
    t.same(acd.offers(), ['vip→a1', 'c1→a1', 'c2→a1']);
  });

  t.test('of two queues an agent serves, the older call is taken first', async (t) => {
    const acd = acdUnderTest(t, { queues: [sales({ joinWhen: 'always' }), { name: 'support', joinWhen: 'always' }], agents: [{ id: 'a1', name: 'A', skills: { sales: 1, support: 1 } }] });
    acd.engine.enqueue('s1', 'support', DATA);
    acd.clock.tick(1000);
    acd.engine.enqueue('x1', 'sales', DATA);
    acd.engine.login('a1', 'd1', { ready: true });
    t.same(acd.offers(), ['s1→a1']);
  });
});

t.test('offers that ring out, and agents who miss them', async (t) => {
  const acd = acdUnderTest(t, { queues: [sales({ ringTimeoutSeconds: 10, retrySeconds: 3 })], agents: agents(2), autoNotReadyAfterMissed: 2 });
  acd.loginReady('a1', 'a2');
  acd.engine.enqueue('c1', 'sales', DATA);
  t.same(acd.offers(), ['c1→a1']);
  acd.clock.tick(10_000);
  t.same(acd.of('retract').map((r) => `${r.agentId}:${r.reason}`), ['a1:noAnswer']);
  t.same(acd.offers(), ['c1→a1'], 'the call pauses for retrySeconds');
  acd.clock.tick(3000);
  t.same(acd.offers(), ['c1→a1', 'c1→a2'], 'then goes to the agent who has not missed it');
  acd.clock.tick(10_000);
  acd.clock.tick(3000);
  t.same(acd.offers(), ['c1→a1', 'c1→a2', 'c1→a1'], 'everyone missed it: round again');
  acd.clock.tick(10_000);
  t.equal(acd.engine.agents.get('a1')?.state, 'notReady');
  t.equal(acd.engine.agents.get('a1')?.reason, 'missed', 'two unanswered offers in a row: automatic not-ready');
  t.same(brokenInvariants(acd.engine), []);
  acd.engine.offerFailed('c1', 'a2');
  t.equal(acd.engine.agents.get('a2')?.missedInRow, 1, 'a failed offer (busy phone) is not a miss');
});

t.test('wrap-up, not-ready reasons and requests made during a call', async (t) => {
  const acd = acdUnderTest(t, { queues: [sales({ wrapUpSeconds: 30 })], agents: [...agents(1), { id: 'a2', name: 'B', skills: { sales: 1 }, wrapUpSeconds: 5 }] });
  acd.loginReady('a1', 'a2');
  acd.engine.enqueue('c1', 'sales', DATA);
  acd.engine.answered('c1', 'a1');
  acd.engine.request('a1', { state: 'notReady', reason: 'lunch' });
  t.equal(acd.engine.agents.get('a1')?.state, 'talking', 'a request during a call waits for its end');
  acd.engine.callEnded('c1');
  t.equal(acd.engine.agents.get('a1')?.state, 'wrapUp');
  acd.engine.enqueue('c2', 'sales', DATA);
  t.same(acd.offers(), ['c1→a1', 'c2→a2'], 'an agent in wrap-up is not offered');
  acd.engine.answered('c2', 'a2');
  acd.clock.tick(30_000);
  t.same([acd.engine.agents.get('a1')?.state, acd.engine.agents.get('a1')?.reason], ['notReady', 'lunch'], 'after wrap-up the requested not-ready');
  acd.engine.callEnded('c2');
  acd.clock.tick(4999);
  t.equal(acd.engine.agents.get('a2')?.state, 'wrapUp', "the agent's own wrap-up time wins over the queue's");
  acd.engine.wrapUpDone('a2');
  t.equal(acd.engine.agents.get('a2')?.state, 'ready', 'wrap-up done ends it early');
  t.throws(() => acd.engine.request('a2', { state: 'notReady', reason: 'nap' }), AcdError, 'unknown reason code');
  t.throws(() => acd.engine.wrapUpDone('a2'), /not in wrap-up/);
  t.throws(() => acd.engine.login('a1', 'da2'), /logged in at da2|is logged in/, 'hot desking: a device with another agent is refused');
  acd.engine.logout('a1');
  acd.engine.login('a1', 'd9', { pin: undefined });
  t.equal(acd.engine.agents.atDevice('d9')?.id, 'a1', 'logged in again on another extension');
  t.same(acd.of('agentState').filter((s) => s.agentId === 'a1').map((s) => `${s.state}${s.reason ? `(${s.reason})` : ''}`), ['ready', 'offered', 'talking', 'wrapUp', 'notReady(lunch)', 'loggedOut', 'notReady(login)']);
});

t.test('PIN check and hot desking', async (t) => {
  const acd = acdUnderTest(t, { queues: [sales()], agents: [{ id: '1001', name: 'Li', pin: '4321', skills: { sales: 1 } }] });
  t.throws(() => acd.engine.login('1001', '201', { pin: '0000' }), /wrong PIN/);
  t.throws(() => acd.engine.login('9999', '201', {}), /no agent 9999/);
  acd.engine.login('1001', '201', { pin: '4321' });
  acd.engine.login('1001', '202', { pin: '4321' });
  t.equal(acd.engine.agents.atDevice('201'), undefined);
  t.equal(acd.engine.agents.atDevice('202')?.id, '1001');
});

t.test('a new configuration while running: removed agents leave after their call, removed queues at once (their callers by the overflow)', async (t) => {
  const acd = acdUnderTest(t, { queues: [sales(), { name: 'support', joinWhen: 'always', overflow: { kind: 'voicemail', mailbox: 'support' } }], agents: [...agents(3), { id: 'a4', name: 'D', skills: { support: 1 } }] });
  acd.loginReady('a1', 'a2');
  acd.engine.enqueue('c1', 'sales', DATA);
  acd.engine.answered('c1', 'a1');
  acd.engine.enqueue('c9', 'support', DATA);
  const config = acd.engine.config;
  acd.engine.configure({ ...config, queues: config.queues.filter((q) => q.name === 'sales'), agents: config.agents.filter((a) => a.id === 'a2' || a.id === 'a4') });
  t.equal(acd.engine.agents.get('a1')?.state, 'talking', 'a removed agent on a call keeps it');
  t.equal(acd.engine.agents.get('a3'), undefined, 'a removed agent who was logged out is gone');
  t.same(acd.engine.queueNames(), ['sales'], 'a removed queue is gone');
  t.match(acd.of('left'), [{ callId: 'c9', queue: 'support', reason: 'unknownQueue', action: { kind: 'voicemail', mailbox: 'support' } }], 'its waiting call left by the queue’s overflow');
  acd.engine.enqueue('c2', 'sales', DATA);
  t.same(acd.offers(), ['c1→a1', 'c2→a2'], 'the remaining agent serves the queue');
  acd.engine.callEnded('c1');
  t.equal(acd.engine.agents.get('a1'), undefined, 'after the call the removed agent is logged out and gone');
  t.same(acd.of('agentState').filter((s) => s.agentId === 'a1').map((s) => s.state).slice(-1), ['loggedOut'], 'with a loggedOut event for the records');
  t.throws(() => acd.engine.login('a1', 'd1'), /no agent a1/, 'and cannot log in again');
  t.same([...(acd.engine.agents.get('a4')?.queues ?? [])], [], 'an agent whose only queue was removed serves none');
});

t.test('overflow: maximum wait, full queue, join and leave rules, exit key', async (t) => {
  t.test('after maxWait the call moves to the overflow queue, then out with its action', async (t) => {
    const acd = acdUnderTest(t, {
      queues: [sales({ maxWaitSeconds: 60, overflow: { kind: 'queue', queue: 'backup' }, joinWhen: 'always' }), { name: 'backup', maxWaitSeconds: 30, overflow: { kind: 'voicemail', mailbox: 'sales' }, joinWhen: 'always' }],
      agents: agents(1),
    });
    acd.engine.enqueue('c1', 'sales', DATA);
    acd.clock.tick(60_000);
    t.same(acd.of('joined').map((j) => j.queue), ['sales', 'backup']);
    acd.clock.tick(30_000);
    t.same(acd.of('left').map((l) => [l.queue, l.reason, l.action?.kind, l.waitedMs]), [['backup', 'maxWait', 'voicemail', 90_000]]);
    t.equal(acd.engine.call('c1'), undefined);
  });

  t.test('a full queue refuses; joinWhen and leaveWhen follow who is logged in', async (t) => {
    const acd = acdUnderTest(t, { queues: [sales({ maxLength: 1, joinWhen: 'loggedIn', leaveWhen: 'noneLoggedIn', overflow: { kind: 'ivr', flow: 'closed' } })], agents: agents(1) });
    t.match(acd.engine.enqueue('c0', 'sales', DATA), { joined: false, reason: 'closedToJoin', action: { kind: 'ivr' } }, 'nobody logged in');
    acd.engine.login('a1', 'd1');
    t.match(acd.engine.enqueue('c1', 'sales', DATA), { joined: true, position: 1 });
    t.match(acd.engine.enqueue('c2', 'sales', DATA), { joined: false, reason: 'full' });
    acd.engine.logout('a1');
    t.same(acd.of('left').map((l) => `${l.callId}:${l.reason}`), ['c0:closedToJoin', 'c2:full', 'c1:empty'], 'the last agent logging out empties the queue');
    t.match(acd.engine.stats('sales'), { overflowed: 3, waiting: 0, joined: 1 });
  });

  t.test('the exit key takes the caller out; other keys do nothing', async (t) => {
    const acd = acdUnderTest(t, { queues: [sales({ exitKey: '0', joinWhen: 'always', overflow: { kind: 'number', target: '8000' } })], agents: agents(1) });
    acd.engine.enqueue('c1', 'sales', DATA);
    t.equal(acd.engine.exitKey('c1', '5'), false);
    t.equal(acd.engine.exitKey('c1', '0'), true);
    t.same(acd.of('left').map((l) => [l.reason, l.action]), [['exitKey', { kind: 'number', target: '8000' }]]);
  });
});

t.test('a callback keeps its place, calls the agent first, retries by rule and records the outcome', async (t) => {
  const acd = acdUnderTest(t, { queues: [sales({ joinWhen: 'always', callback: { maxAttempts: 2, retrySeconds: 120 } })], agents: agents(1) });
  acd.engine.enqueue('c1', 'sales', DATA);
  acd.clock.tick(10_000);
  acd.engine.enqueue('c2', 'sales', DATA);
  acd.engine.toCallback('c1', '13800001111');
  t.same(acd.of('left').map((l) => `${l.callId}:${l.reason}`), ['c1:callback'], 'the caller leaves the line');
  t.match(acd.engine.stats('sales'), { waiting: 1, callbacksWaiting: 1 });
  acd.engine.login('a1', 'd1', { ready: true });
  t.match(acd.of('offer'), [{ callId: 'c1', kind: 'callback', callbackNumber: '13800001111' }], 'the callback still goes first');
  acd.engine.answered('c1', 'a1');
  acd.engine.callbackResult('c1', 'noAnswer');
  t.same(acd.offers(), ['c1→a1', 'c2→a1'], 'while the callback pauses, the next caller is served');
  acd.engine.answered('c2', 'a1');
  acd.engine.callEnded('c2');
  acd.clock.tick(120_000);
  t.same(acd.offers(), ['c1→a1', 'c2→a1', 'c1→a1'], 'second attempt');
  acd.engine.answered('c1', 'a1');
  acd.engine.callbackResult('c1', 'busy');
  t.same(acd.of('callbackResult').map((r) => [r.outcome, r.attempt, r.willRetry]), [['noAnswer', 1, true], ['busy', 2, false]]);
  t.same(acd.of('left').map((l) => `${l.callId}:${l.reason}`), ['c1:callback', 'c1:callbackFailed']);
});

t.test('announcements: position and expected wait only when changed; periodic prompts', async (t) => {
  const acd = acdUnderTest(t, { queues: [sales({ joinWhen: 'always', announce: { positionEverySeconds: 30, periodicPrompt: 'still-waiting', periodicEverySeconds: 45 } })], agents: agents(1) });
  acd.engine.login('a1', 'd1');
  for (const id of ['h1', 'h2']) {
    acd.engine.enqueue(id, 'sales', DATA);
    acd.clock.tick(150_000);
    acd.engine.request('a1', { state: 'ready' });
    acd.engine.answered(id, 'a1');
    acd.engine.callEnded(id);
    acd.engine.request('a1', { state: 'notReady', reason: 'break' });
  }
  acd.clear();
  acd.engine.enqueue('c1', 'sales', DATA);
  acd.engine.enqueue('c2', 'sales', DATA);
  acd.clock.tick(30_000);
  t.same(acd.of('announce').map((a) => `${a.callId}:${a.position}:${a.expectedWaitSeconds}`), ['c1:1:120', 'c2:2:120'], 'average wait 150 s, 30 s gone: 2 minutes');
  acd.clock.tick(30_000);
  t.equal(acd.of('announce').length, 2, 'nothing changed: nothing said');
  acd.clock.tick(30_000);
  t.same(acd.of('announce').slice(2).map((a) => `${a.callId}:${a.position}:${a.expectedWaitSeconds}`), ['c1:1:60', 'c2:2:60']);
  t.equal(acd.of('periodic').length, 4, 'periodic prompt at 45 and 90 s for each caller');
});

t.test('a link drop withdraws the offers without counting misses; link up offers again', async (t) => {
  const acd = acdUnderTest(t, { queues: [sales()], agents: agents(2) });
  acd.loginReady('a1', 'a2');
  acd.engine.enqueue('c1', 'sales', DATA);
  acd.engine.linkDown();
  acd.engine.enqueue('c2', 'sales', DATA);
  t.same(acd.offers(), ['c1→a1']);
  t.same(acd.of('retract').map((r) => r.reason), ['linkDown']);
  t.equal(acd.engine.agents.get('a1')?.missedInRow, 0);
  acd.engine.linkUp();
  t.same(acd.offers(), ['c1→a1', 'c1→a1', 'c2→a2'], 'the same agent again: a withdrawn offer is not a miss');
  t.same(brokenInvariants(acd.engine), []);
});

t.test('an agent with a private call on the phone is not offered; preview calls go through wrap-up', async (t) => {
  const acd = acdUnderTest(t, { queues: [sales({ wrapUpSeconds: 10 })], agents: agents(1) });
  acd.loginReady('a1');
  acd.engine.phoneBusy('da1', true);
  acd.engine.enqueue('c1', 'sales', DATA);
  t.same(acd.offers(), []);
  acd.engine.phoneBusy('da1', false);
  t.same(acd.offers(), ['c1→a1']);
  acd.engine.request('a1', { state: 'notReady', reason: 'away' });
  t.same(acd.of('retract').map((r) => r.reason), ['agentLeft'], 'going not-ready withdraws a ringing offer');
  acd.engine.startOutbound('a1', 'o1', '13800001111');
  t.equal(acd.engine.agents.get('a1')?.state, 'talking');
  acd.engine.callEnded('o1');
  t.equal(acd.engine.agents.get('a1')?.state, 'notReady', 'no queue: no wrap-up; back to the not-ready it had');
});

t.test('ringAll on a card port or a routing point is refused when the ACD starts on a PBX, naming the queue', async (t) => {
  const config = acdConfigSchema.parse({
    queues: [{ name: 'hunt', strategy: 'ringAll' }, { name: 'rp', strategy: 'ringAll', waitAt: 'routingPoint', pbxDevice: '700' }, { name: 'group', strategy: 'ringAll', waitAt: 'pbxGroup', pbxDevice: '600' }],
  });
  t.match(unsupportedOnPbx(config), [/^acd\.queues\.0\.strategy: ringAll cannot ring several phones from a card port/, /^acd\.queues\.1\.strategy: .*routing point/]);
});
