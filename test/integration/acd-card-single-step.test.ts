/**
 * Card queues that hand the caller over by SingleStepTransfer (cardHandoff "singleStep"): a scripted
 * caller → the IVR on a card channel → the queue → SingleStepTransferCall to the agent's phone,
 * which frees the channel → answered, or not (DeflectCall back to a card port, where the caller
 * waits on in their place), or the caller hangs up while it rings. The switch and card simulators,
 * the CSTA link and the card link over loopback TCP, records.sqlite, under sinon fake time; the
 * agents log in through the engine and answer at their phones in the simulated switch.
 */
import t, { type Test } from 'tap';
import type { AcdConfigInput } from '../../appliance/acd/index.js';
import type { LeftEvent } from '../../appliance/acd/events.js';
import { startIvrSite } from '../helpers/ivr-site.js';

const CALLER = '13800001111';
const SECOND_CALLER = '13900002222';

const hotline = {
  id: 'hotline',
  start: 'menu',
  nodes: {
    menu: { type: 'menu', greeting: ['main-menu'], entries: { '2': 'queue' }, timeoutMs: 5000, onFailure: 'bye' },
    queue: { type: 'queue', queue: 'service', prompt: ['please-hold'], next: 'bye', noAcd: 'bye' },
    bye: { type: 'hangup', prompt: ['goodbye'] },
  },
};

interface SingleStepSiteOptions {
  agents: string[];
  /** More settings of the queue 'service'. */
  queue?: Record<string, unknown>;
  autoNotReadyAfterMissed?: number;
  /** singleStep chosen by the PBX profile (queueHandoff) rather than by the queue (cardHandoff). */
  byProfile?: boolean;
}

async function startSingleStepSite(t: Test, options: SingleStepSiteOptions) {
  const acd: AcdConfigInput = {
    queues: [{ name: 'service', joinWhen: 'always', ...(options.byProfile ? {} : { cardHandoff: 'singleStep' }), ...options.queue }],
    agents: options.agents.map((id) => ({ id, name: `Agent ${id}`, skills: { service: 1 } })),
    ...(options.autoNotReadyAfterMissed !== undefined ? { autoNotReadyAfterMissed: options.autoNotReadyAfterMissed } : {}),
  };
  const site = await startIvrSite(t, { flows: [hotline], csta: true, acdConfig: { acd }, ...(options.byProfile ? { pbxProfile: { queueHandoff: 'singleStep' } } : {}) });
  const engine = site.acd!.engine;
  const log: string[] = [];
  const left: LeftEvent[] = [];
  engine.on('offer', (o) => log.push(`offer ${o.agentId}`));
  engine.on('retract', (r) => log.push(`retract ${r.agentId} ${r.reason}`));
  engine.on('connected', (c) => log.push(`connected ${c.agentId}`));
  engine.on('left', (l) => left.push(l));
  /** A caller dials the IVR and presses 2 for the queue; resolves with their IVR (and ACD) call ID. */
  const queueCaller = async (number: string) => {
    const caller = site.call(number);
    const before = site.started.length;
    await site.advance(3000, 100);
    caller.press('2');
    await site.advance(3000, 100);
    const ivrCall = site.started[before];
    t.ok(ivrCall && engine.call(ivrCall), `${number} waits in the queue`);
    return { ...caller, ivrCall: ivrCall as string };
  };
  const login = async (agentId: string, device: string) => {
    engine.login(agentId, device, { ready: true });
    await site.advance(500, 50);
  };
  const portCalls = (port: string) => site.sw.lineCallsAt(port);
  const channelState = (ch: number) => site.sim.channelStates()[ch]?.state;
  return { ...site, engine, log, left, queueCaller, login, portCalls, channelState };
}

t.test('single step: the caller goes to the agent, the card channel is free at once, the agent answers, talks and hangs up', async (t) => {
  const site = await startSingleStepSite(t, { agents: ['A1'], queue: { ringTimeoutSeconds: 20 }, byProfile: true });
  await site.login('A1', '201');
  const caller = await site.queueCaller(CALLER);
  t.same(site.log, ['offer A1'], 'offered to A1 at once');
  t.match(site.sw.lineCallsAt('201'), [{ callID: caller.callID, state: 'alerting', callingDevice: CALLER }], 'the same PBX call rings at the agent’s phone');
  t.same(site.portCalls('301'), [], 'the card port 301 has left the call');
  t.equal(site.channelState(0), 'idle', 'channel 0 is on hook again, free for the next caller');
  t.match(site.ended.get(caller.ivrCall), { outcome: 'queued', channel: 0 }, 'the IVR call ended as handed to the queue’s agent');
  const played = site.sim.played(0).map((f) => f.replace(/^.*\/prompts\//, '').replace(/\.wav$/, ''));
  t.ok(played.includes('zh/please-hold'), 'the caller heard the queue node’s prompt before');

  const next = site.call(SECOND_CALLER);
  await site.advance(2000, 100);
  t.equal(site.started.length, 2, 'a second caller is answered by the IVR while the first still rings at the agent');

  site.sw.answerAt('201');
  await site.advance(1000, 100);
  t.same(site.log, ['offer A1', 'connected A1'], 'AgentPhones saw the answer at 201');
  t.equal(site.engine.agents.get('A1')?.state, 'talking', 'A1 talks');
  t.match(site.sw.voicePathsAt('201'), [{ callID: caller.callID, hears: [CALLER] }], 'the agent talks to the caller');
  await site.advance(10_000, 100);
  site.sw.hangUpAt('201');
  await site.advance(1000, 100);
  t.equal(site.engine.agents.get('A1')?.state, 'ready', 'the call ended (no wrap-up time)');
  t.match(site.acd!.journal.queueCallsOf(caller.ivrCall), [{ queue: 'service', outcome: 'answered', agentId: 'A1' }], 'the queue log');
  t.same(site.left, [], 'the call never left the queue without an agent');
  next.hangUp();
  await site.advance(1000, 100);
});

t.test('ring, no answer: the caller is deflected back to a free card port, waits with music in their place, and the next agent takes them', async (t) => {
  const site = await startSingleStepSite(t, { agents: ['A1', 'A2'], queue: { ringTimeoutSeconds: 10 }, autoNotReadyAfterMissed: 1 });
  await site.login('A1', '201');
  const first = await site.queueCaller(CALLER);
  t.ok(site.sw.lineCallsAt('201').some((c) => c.callID === first.callID && c.state === 'alerting'), 'the first caller rings at A1');
  const second = await site.queueCaller(SECOND_CALLER);
  const secondChannel = site.sim.channelStates().findIndex((c) => c.callerId === SECOND_CALLER && c.state === 'offhook');
  t.ok(secondChannel >= 0, 'the second caller waits on a card channel');
  t.same(site.engine.queue('service')?.calls.map((c) => c.id), [first.ivrCall, second.ivrCall], 'the first caller ahead while ringing at A1');
  const playedBefore = site.sim.channelStates().map((c) => site.sim.played(c.ch).length);

  await site.advance(12_000, 100);
  t.same(site.log, ['offer A1', 'retract A1 noAnswer'], 'A1 did not answer within 10 s; nobody else is ready');
  t.equal(site.engine.agents.get('A1')?.state, 'notReady', 'A1 missed it: not ready');
  t.same(site.sw.lineCallsAt('201'), [], 'the call no longer rings at 201');
  const backOn = site.sim.channelStates().findIndex((c) => c.callerId === CALLER && c.state === 'offhook');
  t.ok(backOn >= 0 && backOn !== secondChannel, `the first caller is back on card channel ${backOn}, not on the second caller’s`);
  t.equal(site.started.length, 3, 'the IVR took the caller in again as a new IVR call');
  const resumed = site.started[2] as string;
  const music = site.sim.played(backOn).slice(playedBefore[backOn]).map((f) => f.replace(/^.*\/prompts\//, '').replace(/\.wav$/, ''));
  t.ok(music.includes('zh/music-on-hold'), 'music on hold on the card port again');
  t.notOk(music.includes('zh/main-menu') || music.includes('zh/please-hold'), 'straight back to the queue, neither menu nor greeting again');
  t.same(site.engine.queue('service')?.calls.map((c) => c.id), [first.ivrCall, second.ivrCall], 'the first caller kept their place ahead of the second');
  t.equal(site.left.length, 0, 'the ACD call never left the queue');

  await site.login('A2', '202');
  t.same(site.log.slice(2), ['offer A2'], 'A2 is offered the first caller, not the second');
  t.ok(site.sw.lineCallsAt('202').some((c) => c.callID === first.callID && c.state === 'alerting'), 'single-step transfer from the new card port to 202, same PBX call');
  t.match(site.ended.get(resumed), { outcome: 'queued', channel: backOn }, 'the second IVR call of the first caller ended handed to A2');
  site.sw.answerAt('202');
  await site.advance(1000, 100);
  t.same(site.log.slice(2), ['offer A2', 'connected A2'], 'A2 answered');
  t.match(site.acd!.journal.queueCallsOf(first.ivrCall), [{ outcome: 'answered', agentId: 'A2' }], 'one queue call, answered by A2');
  t.equal(site.engine.call(second.ivrCall)?.phase, 'waiting', 'the second caller still waits');
  second.hangUp();
  await site.advance(2000, 100);
  t.equal(site.engine.call(second.ivrCall), undefined, 'the second caller hung up on the card');
});

t.test('ring, no answer, another agent ready: the call is deflected straight to that agent’s phone', async (t) => {
  const site = await startSingleStepSite(t, { agents: ['A1', 'A2'], queue: { ringTimeoutSeconds: 10, strategy: 'linear' } });
  await site.login('A1', '201');
  await site.login('A2', '202');
  const caller = await site.queueCaller(CALLER);
  t.same(site.log, ['offer A1'], 'linear: A1 first');
  await site.advance(11_000, 100);
  t.same(site.log, ['offer A1', 'retract A1 noAnswer', 'offer A2'], 'A2 next');
  t.ok(site.sw.lineCallsAt('202').some((c) => c.callID === caller.callID && c.state === 'alerting'), 'DeflectCall moved the ringing call from 201 to 202');
  t.same(site.sw.lineCallsAt('201'), [], '201 rings no more');
  t.equal(site.started.length, 1, 'the caller did not pass through a card port again');
  site.sw.answerAt('202');
  await site.advance(1000, 100);
  t.equal(site.engine.agents.get('A2')?.state, 'talking', 'A2 talks to the caller');
  t.match(site.sw.voicePathsAt('202'), [{ callID: caller.callID, hears: [CALLER] }], 'the agent hears the caller');
});

t.test('ring, no answer, the same agent offered again: the call rings on at that phone', async (t) => {
  const site = await startSingleStepSite(t, { agents: ['A1'], queue: { ringTimeoutSeconds: 10 }, autoNotReadyAfterMissed: 0 });
  await site.login('A1', '201');
  const caller = await site.queueCaller(CALLER);
  await site.advance(11_000, 100);
  t.same(site.log, ['offer A1', 'retract A1 noAnswer', 'offer A1'], 'A1, the only agent, is offered the call again');
  t.ok(site.sw.lineCallsAt('201').some((c) => c.callID === caller.callID && c.state === 'alerting'), 'still ringing at 201');
  t.equal(site.started.length, 1, 'not sent back to a card port');
  site.sw.answerAt('201');
  await site.advance(1000, 100);
  t.equal(site.engine.agents.get('A1')?.state, 'talking', 'the second offer is answered');
  t.match(site.acd!.journal.offersOf(caller.ivrCall), [{ agentId: 'A1', result: 'noAnswer' }, { agentId: 'A1', result: 'answered' }], 'two offers in the log');
});

t.test('the caller hangs up while it rings at the agent: the queue call ends once, as abandoned, and the phone stops ringing', async (t) => {
  const site = await startSingleStepSite(t, { agents: ['A1'], queue: { ringTimeoutSeconds: 20 } });
  await site.login('A1', '201');
  const caller = await site.queueCaller(CALLER);
  t.ok(site.sw.lineCallsAt('201').some((c) => c.state === 'alerting'), 'ringing at 201');
  caller.hangUp();
  await site.advance(2000, 100);
  t.same(
    site.left.map((l) => [l.callId, l.reason]),
    [[caller.ivrCall, 'abandoned']],
    'one leave, abandoned',
  );
  t.same(site.log, ['offer A1', 'retract A1 abandoned'], 'the offer was taken back for the hang-up');
  t.equal(site.engine.call(caller.ivrCall), undefined, 'the ACD forgot the call');
  t.same(site.sw.lineCallsAt('201'), [], 'the phone rings no more');
  t.equal(site.engine.agents.get('A1')?.state, 'ready', 'A1 is ready for the next call, no miss counted');
  await site.advance(25_000, 500);
  t.equal(site.left.length, 1, 'nothing more happened to the call after the ring timeout would have passed');
  t.match(site.acd!.journal.queueCallsOf(caller.ivrCall), [{ outcome: 'abandoned' }], 'the queue log has it abandoned');
});

t.test('no card port free when the offer goes unanswered: the call rings on and goes back to the first port that frees', async (t) => {
  const site = await startSingleStepSite(t, { agents: ['A1'], queue: { ringTimeoutSeconds: 40 }, autoNotReadyAfterMissed: 1 });
  await site.login('A1', '201');
  const first = await site.queueCaller(CALLER);
  const others = [];
  for (const number of ['13900000001', '13900000002', '13900000003', '13900000004']) others.push(await site.queueCaller(number));
  t.same(site.sim.channelStates().map((c) => c.state), ['offhook', 'offhook', 'offhook', 'offhook'], 'four more callers wait on all four channels');

  await site.advance(20_000, 100);
  t.equal(site.engine.agents.get('A1')?.state, 'notReady', 'A1 missed the first caller');
  t.ok(site.sw.lineCallsAt('201').some((c) => c.callID === first.callID && c.state === 'alerting'), 'no port is free: the call rings on at 201');
  t.equal(site.engine.call(first.ivrCall)?.phase, 'waiting', 'and keeps waiting in the ACD');

  const leaving = others[1]!;
  const freed = site.sim.channelStates().findIndex((c) => c.callerId === '13900000002');
  leaving.hangUp();
  await site.advance(5000, 100);
  t.same(site.sw.lineCallsAt('201'), [], 'the call left 201');
  t.equal(site.sim.channelStates()[freed]?.callerId, CALLER, 'the first caller is back on the channel that freed');
  t.same(site.engine.queue('service')?.calls[0]?.id, first.ivrCall, 'still first in the queue');
  for (const other of [first, ...others]) if (other !== leaving) other.hangUp();
  await site.advance(2000, 100);
  t.equal(site.engine.stats('service').waiting, 0, 'everybody hung up on the card');
});

t.test('the maximum wait passes while the caller rings at the agent: back on a card port, the IVR carries out the overflow (voicemail)', async (t) => {
  const site = await startSingleStepSite(t, { agents: ['A1'], queue: { ringTimeoutSeconds: 60, maxWaitSeconds: 15, overflow: { kind: 'voicemail', mailbox: 'service' } } });
  await site.login('A1', '201');
  const caller = await site.queueCaller(CALLER);
  const playedBefore = site.sim.channelStates().map((c) => site.sim.played(c.ch).length);
  await site.advance(16_000, 100);
  t.same(site.left.map((l) => `${l.reason}→${l.action?.kind}`), ['maxWait→voicemail'], 'the queue let the call go while it rang at 201');
  t.same(site.log, ['offer A1', 'retract A1 overflow'], 'the offer was taken back');
  t.same(site.sw.lineCallsAt('201'), [], 'the phone rings no more');
  const backOn = site.sim.channelStates().findIndex((c) => c.callerId === CALLER && c.state === 'offhook');
  t.ok(backOn >= 0, 'the caller is on a card channel again');
  const played = site.sim.played(backOn).slice(playedBefore[backOn]).map((f) => f.replace(/^.*\/prompts\//, '').replace(/\.wav$/, ''));
  t.ok(played.includes('zh/voicemail-greeting'), `the queue node's overflow: the voicemail greeting (${played.join(', ')})`);
  await site.advance(10_000, 100);
  caller.hangUp();
  await site.advance(2000, 100);
  t.match(site.records.database.prepare('SELECT mailbox FROM voicemails').all(), [{ mailbox: 'service' }], 'the message is in the queue’s mailbox');
  t.match(site.ended.get(site.started[1] as string), { outcome: 'hangup', path: ['queue'] }, 'the second IVR call started at the queue node');
});

t.test('the caller hangs up while sent back to a card port that has not rung yet: the queue call ends, nothing moves a call that is gone', async (t) => {
  const site = await startSingleStepSite(t, { agents: ['A1'], queue: { ringTimeoutSeconds: 10 }, autoNotReadyAfterMissed: 1 });
  await site.login('A1', '201');
  const caller = await site.queueCaller(CALLER);
  site.sim.muteChannel(0, true);
  await site.advance(11_000, 100);
  t.match(site.sw.lineCallsAt('301'), [{ callID: caller.callID, state: 'alerting' }], 'deflected back to 301, whose channel has not seen the ring');
  caller.hangUp();
  await site.advance(2000, 100);
  t.same(site.left.map((l) => [l.callId, l.reason]), [[caller.ivrCall, 'abandoned']], 'the queue call ends as abandoned');
  t.equal(site.engine.call(caller.ivrCall), undefined, 'the ACD forgot the call');
  await site.advance(20_000, 500);
  t.equal(site.left.length, 1, 'no port passed over, no call moved on afterwards');
  t.match(site.acd!.journal.queueCallsOf(caller.ivrCall), [{ outcome: 'abandoned' }]);
});
