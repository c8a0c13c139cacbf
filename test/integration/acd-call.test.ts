/**
 * Whole calls through the simulated site: a scripted caller → the IVR on a card channel → the
 * queue (music and announcements on the card) → a simulated agent desk over MQTT answering with
 * CSTA → the agent hangs up → the caller is transferred to the survey. Everything real over
 * loopback: switch and card simulators, CSTA link, card link, embedded broker, records.sqlite.
 */
import t from 'tap';
import { hashPassword } from '../../appliance/api/index.js';
import type { AcdRuntime } from '../../appliance/runtime/acd-runtime.js';
import { type AgentProfileInput, SimulatedAgentDesk } from '../../simulators/agents/index.js';
import { startIvrSite } from '../helpers/ivr-site.js';

const CUSTOMERS = 'id,name,phones,level,vip,language,balance,due\n10086,Wang Fang,13800001111,gold,0,zh,1234.50,2026-12-01\n';

const PASSWORD = 'desk-secret';

/** MQTT logins for these agents, each with PASSWORD. */
async function deskLogins(...agentIds: string[]) {
  const passwordHash = await hashPassword(PASSWORD);
  return { users: agentIds.map((agentId) => ({ username: agentId, passwordHash, role: 'agent' as const, agentId })) };
}

/** A simulated desk for `agentId` at `device`, on the site's embedded broker. */
function deskAt(acd: AcdRuntime, agentId: string, device: string, profile: AgentProfileInput) {
  return new SimulatedAgentDesk({ url: `mqtt://127.0.0.1:${acd.brokerAddress!.port}`, site: 'test', agentId, password: PASSWORD, device, profile });
}

const hotline = {
  id: 'hotline',
  start: 'welcome',
  nodes: {
    welcome: { type: 'lookup', by: 'callerId', found: 'menu', notFound: 'menu' },
    menu: { type: 'menu', greeting: ['main-menu'], entries: { '2': 'queue' }, timeoutMs: 5000, onFailure: 'bye' },
    queue: { type: 'queue', queue: 'service', prompt: ['please-hold'], next: 'bye', noAcd: 'bye' },
    bye: { type: 'hangup', prompt: ['goodbye'] },
  },
};
const survey = {
  id: 'survey',
  start: 'ask',
  nodes: {
    ask: { type: 'survey', question: 'satisfaction', prompt: ['survey-question'], thanksPrompt: ['survey-thanks'], invalidPrompt: ['invalid-entry'], maxAttempts: 2, next: 'done' },
    done: { type: 'hangup' },
  },
};

t.test('caller → IVR → queue → agent over MQTT → hang-up → survey, with the screen pop carrying the IVR data', async (t) => {
  const site = await startIvrSite(t, {
    flows: [hotline, survey],
    csta: true,
    customersCsv: CUSTOMERS,
    acdConfig: {
      acd: {
        queues: [{ name: 'service', ringTimeoutSeconds: 20, wrapUpSeconds: 30, afterCallSurvey: { number: '610', flow: 'survey' }, announce: { positionEverySeconds: 20 } }],
        agents: [{ id: 'A1', name: 'Li Na', skills: { service: 3 } }],
      },
      api: await deskLogins('A1'),
    },
  });
  const acd = site.acd!;
  const desk = deskAt(acd, 'A1', '201', { answerDelayMs: 1000, talkMs: 8000, wrapUpMs: 3000 });
  const states: string[] = [];
  acd.engine.on('agentState', (change) => states.push(change.state));
  const started = desk.start();
  await site.advance(2000, 100);
  await started;
  t.equal(acd.engine.agents.get('A1')?.state, 'ready', 'the desk logged in at 201, ready');

  const caller = site.call('13800001111');
  await site.advance(3000, 100);
  caller.press('2');
  await site.advance(6000, 100);
  const offer = desk.lastOffer;
  t.ok(offer, 'the desk got the offer');
  t.match(offer, { type: 'offered', queue: 'service', callerId: '13800001111', keys: ['2'], customer: { id: '10086', name: 'Wang Fang' } }, 'the screen pop carries the caller, the keys and the customer record');
  t.ok(offer?.path.includes('menu') && offer.path.includes('queue'), `the IVR path: ${offer?.path.join(' → ')}`);

  await site.advance(4000, 100);
  t.equal(acd.engine.agents.get('A1')?.state, 'talking', 'answered through CSTA AnswerCall; the caller transferred from the card port to the agent');
  const [ivrCall] = site.started;
  t.equal(site.ended.get(ivrCall as string)?.outcome, 'queued', 'the IVR call left the port for the agent');

  await site.advance(10_000, 100);
  t.same(states.splice(0), ['ready', 'offered', 'talking', 'wrapUp', 'ready'], 'login ready, offered, talking; the desk hung up, wrap-up, done');
  await site.advance(8000, 100);
  const surveyCall = site.started[1];
  t.ok(surveyCall, 'the caller came back to the IVR for the survey');
  caller.press('5');
  await site.advance(8000, 100);
  const rows = site.records.database.prepare('SELECT score, agent FROM survey_results').all();
  t.same(rows, [{ score: 5, agent: 'A1' }], 'the survey score is recorded against the agent');
  t.equal(acd.engine.agents.get('A1')?.state, 'ready', 'wrap-up done by the desk');
  const queueCalls = acd.journal.queueCallsOf(ivrCall as string);
  t.match(queueCalls, [{ queue: 'service', outcome: 'answered', agentId: 'A1' }], 'the queue log');
  const stopped = desk.stop();
  await site.advance(2000, 100);
  await stopped;
  t.equal(acd.engine.agents.get('A1')?.state, 'loggedOut');
});

t.test('a caller presses the callback key, keeps their place, and is called back through the agent’s phone first', async (t) => {
  const site = await startIvrSite(t, {
    flows: [hotline],
    csta: true,
    customersCsv: CUSTOMERS,
    acdConfig: {
      acd: {
        dialing: { outsidePrefix: '0' },
        queues: [{ name: 'service', joinWhen: 'always', callbackKey: '*', ringTimeoutSeconds: 20, wrapUpSeconds: 5, callback: { maxAttempts: 2, retrySeconds: 60 } }],
        agents: [{ id: 'A1', name: 'Li Na', skills: { service: 1 } }],
      },
      api: await deskLogins('A1'),
    },
  });
  const acd = site.acd!;
  const results: string[] = [];
  acd.engine.on('callbackResult', (r) => results.push(`${r.outcome}#${r.attempt}`));
  const caller = site.call('13800001111');
  await site.advance(3000, 100);
  caller.press('2');
  await site.advance(8000, 100);
  caller.press('*');
  await site.advance(12_000, 100);
  const [ivrCall] = site.started;
  t.match(site.ended.get(ivrCall as string), { outcome: 'completed', path: ['welcome', 'menu', 'queue', 'bye'] }, 'the caller heard the confirmation and the goodbye');
  t.match(acd.engine.stats('service'), { waiting: 0, callbacksWaiting: 1 }, 'the call waits on as a callback');

  const desk = deskAt(acd, 'A1', '201', { answerDelayMs: 1000, talkMs: 6000, wrapUpMs: 1000 });
  const started = desk.start();
  await site.advance(2000, 100);
  await started;
  t.match(desk.lastOffer, { kind: 'callback', callbackNumber: '13800001111', customer: { id: '10086' } }, 'the desk pops the callback with the customer');
  const outbound = acd.phones!.tracker.calls('201')[0]?.[0];
  t.ok(outbound, 'MakeCall from the agent’s extension');
  site.sw.answerExternal(outbound as string);
  await site.advance(2000, 100);
  t.same(results, ['connected#1'], 'the customer answered: connected on the first attempt');
  await site.advance(10_000, 100);
  t.equal(acd.engine.agents.get('A1')?.state, 'ready', 'talked, hung up, wrapped up');
  t.match(acd.journal.queueCallsOf(ivrCall as string), [{ outcome: 'callback' }, { kind: 'callback', outcome: 'answered', agentId: 'A1' }], 'the queue log has the wait and the callback');
  const stopped = desk.stop();
  await site.advance(2000, 100);
  await stopped;
});

t.test('an agent works the revisit list over MQTT: the next task with its customer, the call placed for it, the outcome and its retry', async (t) => {
  const site = await startIvrSite(t, {
    flows: [hotline],
    csta: true,
    customersCsv: CUSTOMERS,
    acdConfig: {
      acd: { dialing: { outsidePrefix: '0' }, queues: [{ name: 'service' }], agents: [{ id: 'A1', name: 'Li Na', skills: { service: 1 } }] },
      api: await deskLogins('A1'),
    },
  });
  const acd = site.acd!;
  acd.revisits.importCsv('after-repair', 'number,name,customer_id,note,priority\n13800001111,Wang Fang,10086,router replaced,5\n13900002222,Zhao Lei,,,1\n');
  const desk = deskAt(acd, 'A1', '201', { talkMs: 3_600_000 });
  const started = desk.start();
  await site.advance(1000, 100);
  await started;
  const command = async (cmd: Parameters<typeof desk.command>[0]) => {
    const reply = desk.command(cmd);
    await site.advance(500, 50);
    return reply;
  };
  const next = (await command({ cmd: 'revisitNext', list: 'after-repair' })) as { task: { id: number; name: string; note: string }; customer: { id: string } };
  t.match(next, { task: { name: 'Wang Fang', note: 'router replaced' }, customer: { id: '10086' } }, 'the highest priority first, with the customer record');
  const placed = (await command({ cmd: 'revisitCall', taskId: next.task.id })) as { callId: string };
  t.ok(placed.callId, 'MakeCall from the agent’s extension');
  t.equal(acd.engine.agents.get('A1')?.state, 'talking', 'the agent is on the revisit call');
  await site.advance(20_000, 100);
  await command({ cmd: 'hangup' });
  await site.advance(1000, 100);
  const result = (await command({ cmd: 'revisitResult', taskId: next.task.id, outcome: 'noAnswer', note: 'no one home' })) as { retryAt: number };
  t.equal(result.retryAt - Date.now(), 120 * 60_000 - 500, 'no answer: tried again in two hours');
  const attempts = acd.revisits.tasks('after-repair').find((task) => task.id === next.task.id);
  t.match(attempts, { state: 'pending', attempts: 1, lastOutcome: 'noAnswer' });
  const refused = desk.command({ cmd: 'revisitResult', taskId: next.task.id, outcome: 'reached' }).then(() => 'accepted', (error: Error) => error.message);
  await site.advance(500, 50);
  t.match(await refused, /notAssigned/, 'a task not assigned to the agent is refused');
  const stopped = desk.stop();
  await site.advance(2000, 100);
  await stopped;
});

t.test('an agent sends the caller to an IVR flow (PIN check) and the caller comes back to the same agent', async (t) => {
  const pinCheck = {
    id: 'pin-check',
    start: 'pin',
    nodes: {
      pin: { type: 'collect', prompt: ['enter-account'], variable: 'pin', minDigits: 4, maxDigits: 6, next: 'back', onFailure: 'back' },
      back: { type: 'queue', queue: 'service', next: 'bye', noAcd: 'bye' },
      bye: { type: 'hangup' },
    },
  };
  const site = await startIvrSite(t, {
    flows: [hotline, pinCheck],
    csta: true,
    customersCsv: CUSTOMERS,
    acdConfig: {
      acd: {
        ivrNumber: '610',
        queues: [{ name: 'service', wrapUpSeconds: 60 }],
        agents: [{ id: 'A1', name: 'Li Na', skills: { service: 1 } }, { id: 'A2', name: 'Zhao Lei', skills: { service: 1 } }],
      },
      api: await deskLogins('A1', 'A2'),
    },
  });
  const acd = site.acd!;
  const desk = (agentId: string, device: string) => deskAt(acd, agentId, device, { answerDelayMs: 1000, talkMs: 3_600_000 });
  const a1 = desk('A1', '201');
  const started = a1.start();
  await site.advance(1000, 100);
  await started;
  const caller = site.call('13800001111');
  await site.advance(3000, 100);
  caller.press('2');
  await site.advance(8000, 100);
  t.equal(acd.engine.agents.get('A1')?.state, 'talking', 'A1 talks to the caller');
  const a2 = desk('A2', '202');
  const a2Started = a2.start();
  await site.advance(1000, 100);
  await a2Started;

  const sent = a1.command({ cmd: 'sendToIvr', flow: 'pin-check' });
  await site.advance(1000, 100);
  await sent;
  await site.advance(3000, 100);
  t.same([acd.engine.agents.get('A1')?.state, acd.engine.agents.get('A1')?.reason], ['notReady', 'awaitingCaller'], 'A1 waits for the caller, offered nothing else');
  const pinCall = site.started[1];
  t.ok(pinCall, 'the caller is in the PIN check');
  caller.press('4321#');
  await site.advance(6000, 100);
  t.match(a1.lastOffer, { callerId: '13800001111', variables: { pin: '4321', returnToAgent: 'A1' } }, 'the caller came back to A1 with what the IVR collected');
  t.equal(acd.engine.agents.get('A1')?.state, 'talking', 'and A1 talks to them again');
  t.equal(a2.counters.offered, 0, 'A2, ready all along, was never offered the returning caller');
  const stopped = Promise.all([a1.stop(), a2.stop()]);
  await site.advance(2000, 100);
  await stopped;
});

t.test('at the maximum wait the queue’s overflow action runs on the card channel: voicemail for the queue’s mailbox', async (t) => {
  const site = await startIvrSite(t, {
    flows: [hotline],
    csta: true,
    acdConfig: {
      acd: { queues: [{ name: 'service', joinWhen: 'always', maxWaitSeconds: 20, overflow: { kind: 'voicemail', mailbox: 'service' } }], agents: [{ id: 'A1', name: 'Li Na', skills: { service: 1 } }] },
    },
  });
  const left: string[] = [];
  site.acd!.engine.on('left', (l) => left.push(`${l.reason}→${l.action?.kind}`));
  const caller = site.call('13800001111');
  await site.advance(3000, 100);
  caller.press('2');
  await site.advance(40_000, 100);
  t.same(left, ['maxWait→voicemail'], 'nobody answered within 20 s');
  const played = site.sim.played(0).map((f) => f.replace(/^.*\/prompts\//, '').replace(/\.wav$/, ''));
  t.ok(played.includes('zh/music-on-hold'), 'the caller heard music while waiting');
  t.ok(played.includes('zh/voicemail-greeting'), 'then the voicemail greeting of the overflow');
  await site.advance(10_000, 100);
  caller.hangUp();
  await site.advance(2000, 100);
  t.match(site.records.database.prepare('SELECT mailbox, duration_ms AS ms FROM voicemails').all(), [{ mailbox: 'service' }], 'the message is in the queue’s mailbox');
});

/** A1 logged in at 201 with a desk that does not answer; a caller queued and the consultation ringing at 201. */
async function callerRingingAtSlowDesk(t: Parameters<typeof startIvrSite>[0], ringTimeoutSeconds: number) {
  const site = await startIvrSite(t, {
    flows: [hotline],
    csta: true,
    acdConfig: {
      acd: { queues: [{ name: 'service', ringTimeoutSeconds }], agents: [{ id: 'A1', name: 'Li Na', skills: { service: 1 } }] },
      api: await deskLogins('A1'),
    },
  });
  const acd = site.acd!;
  const desk = deskAt(acd, 'A1', '201', { answerDelayMs: 600_000, talkMs: 5000, wrapUpMs: 1000 });
  const started = desk.start();
  await site.advance(2000, 100);
  await started;
  const caller = site.call('13800001111');
  await site.advance(3000, 100);
  caller.press('2');
  await site.advance(6000, 100);
  const stopDesk = async () => {
    const stopped = desk.stop();
    await site.advance(2000, 100);
    await stopped;
  };
  return { site, acd, desk, caller, stopDesk };
}

t.test('a caller who hangs up while held for the consultation ends the queue call, and the agent’s phone stops ringing', async (t) => {
  const { site, acd, desk, caller, stopDesk } = await callerRingingAtSlowDesk(t, 30);
  const left: string[] = [];
  acd.engine.on('left', (event) => left.push(event.reason));
  t.equal(acd.engine.agents.get('A1')?.state, 'offered', 'the agent’s phone rings with the consultation');
  t.ok(acd.phones?.tracker.find('201', 'alerting'), '201 alerting');

  caller.hangUp();
  await site.advance(2000, 100);
  t.same(left, ['abandoned'], 'the queue call ends once, abandoned');
  t.notOk(acd.phones?.tracker.find('201', 'alerting'), 'the consultation no longer rings at 201');
  t.equal(acd.engine.agents.get('A1')?.state, 'ready', 'the agent is ready again');
  t.equal(acd.engine.agents.get('A1')?.missedInRow, 0, 'no missed offer is counted against the agent');
  t.equal(site.ended.get(site.started[0] as string)?.outcome, 'hangup', 'the IVR call ends as a hang-up');
  await site.advance(10_000, 100);
  t.equal(desk.counters.answered, 0, 'the desk never answers a call that is gone');
  await stopDesk();
});

t.test('the CSTA link drops while the agent’s phone rings with the consultation: a hook flash takes the caller back, offers resume with the link', async (t) => {
  const { site, acd, caller, stopDesk } = await callerRingingAtSlowDesk(t, 60);
  const port = site.sw.lineCallsAt('301').length > 0 ? '301' : '302';
  t.match(site.sw.lineCallsAt(port), [{ state: 'hold' }, { state: 'connected', calledDevice: '201' }], 'the caller held at the card port, the consultation ringing at 201');

  const csta = await site.dropCsta();
  await site.advance(3000, 100);
  t.match(site.sw.lineCallsAt(port), [{ state: 'connected', callingDevice: '13800001111' }], 'the flash dropped the consultation and brought the caller back to the port');
  t.same(site.sw.lineCallsAt('201'), [], '201 no longer rings');
  t.ok(acd.engine.call(site.started[0] as string), 'the caller still waits in the queue');

  await csta.up();
  await site.advance(8000, 100);
  t.equal(acd.engine.agents.get('A1')?.state, 'offered', 'with the link back the call is offered again');
  t.match(site.sw.lineCallsAt('201'), [{ state: 'alerting' }], '201 rings again');
  caller.hangUp();
  await site.advance(3000, 100);
  t.notOk(acd.engine.call(site.started[0] as string), 'the caller hanging up ends it');
  await stopDesk();
});
