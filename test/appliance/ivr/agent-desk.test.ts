/**
 * The agentDesk node, walked by callers through the switch and card simulators into the IVR, with
 * a scripted AgentDeskPort on the ACD's side: what reaches the port, what the caller hears, and
 * that the PIN never reaches the journal, the call's keys or the events.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import t from 'tap';
import {
  FlowError, PromptDirectory, compileFlow, defaultPromptDir,
  type AcdPort, type AgentDeskPort, type AgentDeskResult, type QueueHandoff,
} from '../../../appliance/ivr/index.js';
import { startIvrSite } from '../../helpers/ivr-site.js';

type Site = Awaited<ReturnType<typeof startIvrSite>>;

const AGENT_DESK_FLOW = JSON.parse(readFileSync(fileURLToPath(new URL('../../../firmware-config/flows/agent-desk.json', import.meta.url)), 'utf8')) as Record<string, unknown>;
const PIN = '8642';

/** The ACD's side as a script: each agent ID's answer to a login; every request kept as a line. */
class ScriptedDesk implements AgentDeskPort {
  readonly requests: string[] = [];
  constructor(private readonly logins: Record<string, AgentDeskResult> = {}) {}

  login(agentId: string, pin: string, device: string, options: { ready: boolean }): AgentDeskResult {
    this.requests.push(`login ${agentId} pin ${pin} at ${device}${options.ready ? ' ready' : ''}`);
    return this.logins[agentId] ?? { ok: false, refusal: 'unknownAgent' };
  }

  logout(device: string): AgentDeskResult {
    this.requests.push(`logout at ${device}`);
    return { ok: true, agentId: '1001', state: 'loggedOut' };
  }

  setReady(device: string, ready: boolean | 'toggle', reason?: string): AgentDeskResult {
    this.requests.push(`ready ${String(ready)}${reason ? ` ${reason}` : ''} at ${device}`);
    return { ok: true, agentId: '1001', state: ready === 'toggle' ? 'notReady' : ready ? 'ready' : 'notReady' };
  }
}

const loginFlow = (login: Record<string, unknown>, next = 'bye') => ({
  id: 'desk',
  start: 'login',
  nodes: { login: { type: 'agentDesk', action: 'login', next, onFailure: 'bye', ...login }, bye: { type: 'hangup' } },
});
const outcomes = (site: Site, callId: string) => site.journal.stepsOf(callId).map((s) => `${s.node}=${s.outcome}`);
const callNo = (site: Site, n: number) => {
  const callId = site.started[n];
  if (!callId) throw new Error(`no IVR call #${n}`);
  return callId;
};
const heard = (site: Site, callId: string) => site.sim.played(site.ended.get(callId)?.channel ?? -1).map((f) => f.replace(/^.*\/prompts\//, '').replace(/\.wav$/, ''));

t.test('login: the agent ID and PIN reach the port with the calling extension; the PIN is hidden from the journal, the keys and the events', async (t) => {
  const desk = new ScriptedDesk({ '1001': { ok: true, agentId: '1001', state: 'ready' } });
  const handoffs: QueueHandoff[] = [];
  const acd: AcdPort = { enqueue: async (_caller, handoff) => (handoffs.push(handoff), { outcome: 'transferred' }) };
  const flow = loginFlow({}, 'q');
  Object.assign(flow.nodes, { q: { type: 'queue', queue: 'service', next: 'bye', noAcd: 'bye' } });
  const site = await startIvrSite(t, { flows: [flow], agentDesk: desk, acd });
  const keyEvents: string[] = [];
  site.runtime.engine.on('keyPress', (info) => keyEvents.push(info.digits));
  const caller = site.call('202');
  await site.advance(1000);
  caller.press('1001#');
  await site.advance(2000);
  caller.press(`${PIN}#`);
  await site.advance(15_000);
  const id = callNo(site, 0);
  t.same(desk.requests, [`login 1001 pin ${PIN} at 202 ready`], 'the port is asked once, with the PIN as typed');
  t.same(outcomes(site, id), ['login=loggedIn:ready', 'q=queued']);
  t.same(heard(site, id), ['zh/agent-enter-id', 'zh/agent-enter-pin', 'zh/agent-logged-in', 'zh/agent-ready'], 'each entry prompt cut short by the first key, then the confirmation');
  t.same(site.journal.keyPressesOf(id).map((k) => `${k.node}:${k.digits}`), ['login:1001', 'login:hidden'], 'key_presses: the agent ID, and the PIN hidden');
  t.same(keyEvents, ['1001', 'hidden'], 'keyPress events');
  t.same(handoffs[0]?.keys, ['1001', 'hidden'], 'the keys a later node hands on');
  t.notOk(JSON.stringify(handoffs).includes(PIN), 'nothing handed to the ACD carries the PIN');
});

t.test('refusals: the reason is said and onFailure taken (wrong PIN, unknown agent, logged in elsewhere)', async (t) => {
  const desk = new ScriptedDesk({ '1001': { ok: false, refusal: 'badPin' }, '1002': { ok: false, refusal: 'loggedInElsewhere' } });
  const site = await startIvrSite(t, { flows: [loginFlow({})], agentDesk: desk });
  for (const agentId of ['1001', '7777', '1002']) {
    const caller = site.call('203');
    await site.advance(1000);
    caller.press(`${agentId}#`);
    await site.advance(2000);
    caller.press('0000#');
    await site.advance(15_000);
  }
  const ids = [0, 1, 2].map((n) => callNo(site, n));
  t.same(ids.map((id) => outcomes(site, id)), [['login=badPin', 'bye=completed'], ['login=unknownAgent', 'bye=completed'], ['login=loggedInElsewhere', 'bye=completed']]);
  t.same(ids.map((id) => heard(site, id).at(-1)), ['zh/agent-wrong-pin', 'zh/agent-unknown', 'zh/agent-logged-in-elsewhere']);
  t.same(desk.requests, ['login 1001 pin 0000 at 203 ready', 'login 7777 pin 0000 at 203 ready', 'login 1002 pin 0000 at 203 ready']);
});

t.test('timeouts and short entries are asked again up to maxAttempts, then noEntry; the port is not asked', async (t) => {
  const desk = new ScriptedDesk();
  const site = await startIvrSite(t, { flows: [loginFlow({ maxAttempts: 2, timeoutMs: 3000, ready: false })], agentDesk: desk });
  site.call('202');
  await site.advance(40_000);
  const silent = callNo(site, 0);
  t.same(outcomes(site, silent), ['login=noEntry', 'bye=completed']);
  t.same(heard(site, silent), ['zh/agent-enter-id', 'zh/invalid-entry', 'zh/agent-enter-id', 'zh/too-many-failures'], 'two tries at the agent ID, then the failure');

  const caller = site.call('202');
  await site.advance(1000);
  caller.press('1001#');
  await site.advance(2000);
  caller.press('12#');
  await site.advance(40_000);
  const shortPin = callNo(site, 1);
  t.same(outcomes(site, shortPin), ['login=noEntry', 'bye=completed']);
  t.same(heard(site, shortPin), ['zh/agent-enter-id', 'zh/agent-enter-pin', 'zh/invalid-entry', 'zh/agent-enter-pin', 'zh/too-many-failures'], 'a PIN of fewer than 4 digits is no entry');
  t.same(site.journal.keyPressesOf(shortPin).map((k) => k.digits), ['1001', 'hidden'], 'a short PIN is hidden too');
  t.same(desk.requests, []);
});

t.test('the shipped agent-desk flow: 2 logs out, 3 toggles ready with reason break, at the calling extension', async (t) => {
  const desk = new ScriptedDesk();
  const site = await startIvrSite(t, { flows: [AGENT_DESK_FLOW], agentDesk: desk });
  for (const key of ['2', '3']) {
    const caller = site.call('204');
    await site.advance(1000);
    caller.press(key);
    await site.advance(12_000);
  }
  const [logout, toggle] = [callNo(site, 0), callNo(site, 1)];
  t.same(desk.requests, ['logout at 204', 'ready toggle break at 204']);
  t.same(outcomes(site, logout), ['menu=key:2', 'logout=loggedOut', 'bye=completed']);
  t.same(heard(site, logout), ['zh/agent-desk-menu', 'zh/agent-logged-out']);
  t.same(outcomes(site, toggle), ['menu=key:3', 'toggle-ready=notReady', 'bye=completed']);
  t.same(heard(site, toggle), ['zh/agent-desk-menu', 'zh/agent-not-ready']);
});

t.test('without the ACD’s port the node says so and fails', async (t) => {
  const site = await startIvrSite(t, { flows: [loginFlow({})] });
  site.call('202');
  await site.advance(10_000);
  const id = callNo(site, 0);
  t.same(outcomes(site, id), ['login=noAcd', 'bye=completed']);
  t.same(heard(site, id), ['zh/agent-desk-unavailable'], 'no agent ID is asked for');
});

t.test('flow checks: defaults, a not-ready without its reason, a prompt the set lacks', async (t) => {
  const prompts = new PromptDirectory([defaultPromptDir()]);
  const flow = compileFlow(loginFlow({}), { prompts });
  t.match(flow.node('login'), { ready: true, agentIdMaxDigits: 8, pinMaxDigits: 12, maxAttempts: 3, prompts: { enterPin: ['agent-enter-pin'], badPin: ['agent-wrong-pin'] } });
  const noReason = { id: 'desk', start: 'nr', nodes: { nr: { type: 'agentDesk', action: 'notReady', next: 'bye', onFailure: 'bye' }, bye: { type: 'hangup' } } };
  t.throws(() => compileFlow(noReason), new FlowError('desk', 'nr', 'reason', 'notReady needs the not-ready reason code (one of acd.notReadyReasons)'));
  t.throws(() => compileFlow(loginFlow({ prompts: { badPin: ['no-such-prompt'] } }), { prompts }), { message: 'flow "desk": node "login": prompts.badPin.0: no prompt "no-such-prompt" in the prompt set' });
  t.throws(() => compileFlow(loginFlow({ action: 'logon' })), { name: 'FlowError', node: 'login', field: 'action' });
  t.equal(compileFlow(AGENT_DESK_FLOW, { prompts }).warnings.length, 0, 'the shipped flow is valid and every node is reachable');
});
