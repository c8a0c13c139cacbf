/**
 * An agent without a desktop logs in from the phone: extension 202 dials the agent desk number
 * (620, a hunt group on the card ports), the IVR's shipped agent-desk flow takes the agent ID and
 * the PIN by DTMF, and the ACD logs the agent in at 202; a queued caller then rings there; the
 * agent logs out the same way. Everything real over loopback: switch and card simulators, CSTA
 * link, card link, ACD runtime, records.sqlite, under fake time.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import t from 'tap';
import { IVR_DID, startIvrSite } from '../helpers/ivr-site.js';

const AGENT_DESK_NUMBER = '620';
const AGENT_PHONE = '202';
const agentDeskFlow = JSON.parse(readFileSync(fileURLToPath(new URL('../../firmware-config/flows/agent-desk.json', import.meta.url)), 'utf8')) as Record<string, unknown>;
const hotline = { id: 'hotline', start: 'queue', nodes: { queue: { type: 'queue', queue: 'service', next: 'bye', noAcd: 'bye' }, bye: { type: 'hangup' } } };

t.test('an agent logs in by phone at 202 with ID and PIN, takes a queued call there, and logs out by phone', async (t) => {
  const site = await startIvrSite(t, {
    flows: [hotline, agentDeskFlow],
    csta: true,
    ivr: { bindings: [{ did: IVR_DID, flow: 'hotline' }, { did: AGENT_DESK_NUMBER, flow: 'agent-desk' }] },
    acdConfig: {
      acd: {
        queues: [{ name: 'service', joinWhen: 'always', ringTimeoutSeconds: 20 }],
        agents: [{ id: '1001', name: 'Li Na', pin: '4321', skills: { service: 1 } }],
      },
    },
  });
  const acd = site.acd!;
  const states: string[] = [];
  acd.engine.on('agentState', (change) => states.push(`${change.state}@${change.device}`));
  const ringsAtAgent: string[] = [];
  site.sw.on('deviceEvent', (device, event) => {
    if (device === AGENT_PHONE && event.type === 'DeliveredEvent' && event.alertingDevice === AGENT_PHONE) ringsAtAgent.push(event.connection.callID);
  });
  /** The person at 202 lifts the handset, dials the agent desk and keys `entries` one after the other. */
  const callAgentDesk = async (...entries: string[]) => {
    const callID = site.sw.dialFrom(AGENT_PHONE, AGENT_DESK_NUMBER);
    await site.advance(1500, 100);
    for (const digits of entries) {
      site.sw.execute({ type: 'GenerateDigits', connectionToSendDigits: { callID, deviceID: AGENT_PHONE }, charactersToSend: digits });
      await site.advance(1500, 100);
    }
    return callID;
  };

  await callAgentDesk('1', '1001#', '4321#');
  const login = site.started[0] as string;
  t.match(site.journal.callOf(login), { flow: 'agent-desk' }, 'the agent desk number is bound to the agent-desk flow');
  t.match(acd.engine.agents.get('1001'), { state: 'ready', device: AGENT_PHONE }, 'the ACD has the agent logged in at the extension they called from, ready');
  t.equal(acd.engine.agents.get('1001')?.phoneBusy, true, 'while the IVR still talks to the agent, the phone counts as busy');
  await site.advance(10_000, 100);
  t.match(site.ended.get(login), { outcome: 'completed', path: ['menu', 'login', 'bye'] }, 'confirmed, and the IVR hung up');
  t.equal(acd.engine.agents.get('1001')?.phoneBusy, false, 'the phone is free once that call is over');
  t.same(site.journal.keyPressesOf(login).map((k) => k.digits), ['1', '1001', 'hidden'], 'the PIN is not in key_presses');
  t.match(acd.journal.agentStatesOf('1001'), [{ state: 'ready', previous: 'loggedOut', device: AGENT_PHONE }], 'the login is in agent_states');

  const caller = site.call('13800001111');
  await site.advance(3000, 100);
  t.equal(ringsAtAgent.length, 1, 'the queued caller rings at 202');
  site.sw.answerAt(AGENT_PHONE);
  await site.advance(3000, 100);
  t.equal(acd.engine.agents.get('1001')?.state, 'talking', 'the agent answered at the phone and talks to the caller');
  caller.hangUp();
  await site.advance(2000, 100);
  t.equal(acd.engine.agents.get('1001')?.state, 'ready', 'ready again after the call');

  await callAgentDesk('2');
  await site.advance(8000, 100);
  const logout = site.started.at(-1) as string;
  t.match(site.ended.get(logout), { outcome: 'completed', path: ['menu', 'logout', 'bye'] });
  t.same(states, ['ready@202', 'offered@202', 'talking@202', 'ready@202', 'loggedOut@202'], 'logged in, offered, talking, ready, logged out by phone');
  t.equal(acd.engine.agents.atDevice(AGENT_PHONE), undefined, 'nobody is at 202 any more');
});

t.test('a wrong PIN or a caller from outside does not log anybody in', async (t) => {
  const site = await startIvrSite(t, {
    flows: [agentDeskFlow],
    csta: true,
    ivr: { bindings: [{ did: IVR_DID, flow: 'agent-desk' }, { did: AGENT_DESK_NUMBER, flow: 'agent-desk' }] },
    acdConfig: { acd: { queues: [{ name: 'service' }], agents: [{ id: '1001', name: 'Li Na', pin: '4321', skills: { service: 1 } }] } },
  });
  const acd = site.acd!;
  const callID = site.sw.dialFrom(AGENT_PHONE, AGENT_DESK_NUMBER);
  await site.advance(1500, 100);
  for (const digits of ['1', '1001#', '1234#']) {
    site.sw.execute({ type: 'GenerateDigits', connectionToSendDigits: { callID, deviceID: AGENT_PHONE }, charactersToSend: digits });
    await site.advance(1500, 100);
  }
  await site.advance(8000, 100);
  t.match(site.ended.get(site.started[0] as string), { path: ['menu', 'login', 'bye'] });
  t.same(site.journal.stepsOf(site.started[0] as string).map((s) => s.outcome), ['key:1', 'badPin', 'completed']);

  const outside = site.call('13800001111');
  await site.advance(1500, 100);
  for (const digits of ['1', '1001#', '4321#']) {
    outside.press(digits);
    await site.advance(1500, 100);
  }
  await site.advance(8000, 100);
  t.same(site.journal.stepsOf(site.started[1] as string).map((s) => s.outcome), ['key:1', 'notAnExtension', 'completed'], 'the right PIN from an outside number is refused');
  t.equal(acd.engine.agents.get('1001')?.state, 'loggedOut');
  t.same(acd.journal.agentStatesOf('1001'), []);
});
