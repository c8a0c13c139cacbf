/** PhoneLogin (the IVR's agentDesk port) on the ACD engine: who may log in at a phone, and what each refusal is. */
import t from 'tap';
import { PIN_LOCK_MS, PIN_TRIES_BEFORE_LOCK, PhoneLogin } from '../../../appliance/acd/telephony/phone-login.js';
import { systemClock } from '../../../appliance/runtime/clock.js';
import { silentLogger } from '../../../appliance/runtime/logger.js';
import { DATA, acdUnderTest } from '../../helpers/acd-engine.js';

const CONFIG = {
  queues: [{ name: 'service' }],
  agents: [
    { id: '1001', name: 'Li Na', pin: '4321', skills: { service: 1 } },
    { id: '1002', name: 'Zhao Lei', pin: '8765', skills: { service: 1 } },
    { id: '1003', name: 'Desk only', skills: { service: 1 } },
  ],
};

function desk(t: Parameters<typeof acdUnderTest>[0]) {
  const acd = acdUnderTest(t, CONFIG);
  const states = () => acd.of('agentState').map((s) => `${s.agentId}@${s.device}:${s.state}${s.reason ? `(${s.reason})` : ''}`);
  return { acd, phones: new PhoneLogin(acd.engine, silentLogger(), systemClock), states };
}

t.test('login at the calling extension with the agent ID and PIN: ready or not ready as asked', async (t) => {
  const { acd, phones, states } = desk(t);
  t.same(phones.login('1001', '4321', '202', { ready: true }), { ok: true, agentId: '1001', state: 'ready' });
  t.same(phones.login('1002', '8765', '203', { ready: false }), { ok: true, agentId: '1002', state: 'notReady' });
  t.same(states(), ['1001@202:ready', '1002@203:notReady(login)']);
  t.equal(acd.engine.agents.atDevice('202')?.id, '1001');
  t.same(phones.login('1001', '4321', '202', { ready: false }), { ok: true, agentId: '1001', state: 'ready' }, 'logging in again at the same extension changes nothing');
  t.equal(states().length, 2);
});

t.test('refusals: unknown agent, wrong PIN, no PIN, not an extension, extension taken, logged in elsewhere', async (t) => {
  const { acd, phones, states } = desk(t);
  t.same(phones.login('9999', '4321', '202', { ready: true }), { ok: false, refusal: 'unknownAgent' });
  t.same(phones.login('1001', '1234', '202', { ready: true }), { ok: false, refusal: 'badPin' });
  t.same(phones.login('1001', '43210', '202', { ready: true }), { ok: false, refusal: 'badPin' }, 'a longer PIN that starts right is wrong');
  t.same(phones.login('1003', '0000', '202', { ready: true }), { ok: false, refusal: 'noPin' }, 'an agent without a PIN cannot log in from a phone');
  t.same(phones.login('1001', '4321', '013800001111', { ready: true }), { ok: false, refusal: 'notAnExtension' }, 'longer than dialing.internalMaxLength: an outside caller');
  t.same(phones.login('1001', '4321', '+4930', { ready: true }), { ok: false, refusal: 'notAnExtension' });
  t.same(states(), [], 'nobody logged in');

  acd.engine.login('1003', '202', { ready: true });
  t.same(phones.login('1001', '4321', '202', { ready: true }), { ok: false, refusal: 'deviceInUse' });
  t.same(phones.login('1001', '4321', '203', { ready: true }), { ok: true, agentId: '1001', state: 'ready' });
  t.same(phones.login('1001', '4321', '204', { ready: true }), { ok: false, refusal: 'loggedInElsewhere' });
  t.equal(acd.engine.agents.get('1001')?.device, '203', 'the agent stays where they are');
  t.same(phones.login('1002', '1111', '203', { ready: true }), { ok: false, refusal: 'badPin' }, 'the PIN is checked before the extension is looked at');
});

t.test('too many wrong PINs lock the agent’s phone login for a while, the right PIN too', async (t) => {
  const { acd, phones } = desk(t);
  for (let i = 1; i < PIN_TRIES_BEFORE_LOCK; i++) phones.login('1001', '0000', '202', { ready: true });
  t.same(phones.login('1001', '4321', '202', { ready: true }), { ok: true, agentId: '1001', state: 'ready' }, 'below the limit the right PIN works, and resets the count');
  acd.engine.logout('1001');
  for (let i = 0; i < PIN_TRIES_BEFORE_LOCK; i++) phones.login('1001', '0000', '202', { ready: true });
  t.same(phones.login('1001', '4321', '202', { ready: true }), { ok: false, refusal: 'badPin' }, 'locked: the right PIN is refused like a wrong one');
  t.same(phones.login('1002', '8765', '203', { ready: true }), { ok: true, agentId: '1002', state: 'ready' }, 'other agents are not locked');
  acd.clock.tick(PIN_LOCK_MS);
  t.same(phones.login('1001', '4321', '202', { ready: true }), { ok: true, agentId: '1001', state: 'ready' }, 'after the lock the right PIN works again');
});

t.test('logout and ready / not ready act on the agent at the calling extension', async (t) => {
  const { acd, phones, states } = desk(t);
  t.same(phones.logout('202'), { ok: false, refusal: 'notLoggedIn' });
  t.same(phones.setReady('202', true), { ok: false, refusal: 'notLoggedIn' });
  t.same(phones.logout('013800001111'), { ok: false, refusal: 'notAnExtension' });
  phones.login('1001', '4321', '202', { ready: false });
  t.same(phones.setReady('202', 'toggle', 'break'), { ok: true, agentId: '1001', state: 'ready' }, 'not ready → ready');
  t.same(phones.setReady('202', 'toggle', 'break'), { ok: true, agentId: '1001', state: 'notReady' }, 'ready → not ready, reason break');
  t.same(phones.setReady('202', false, 'nap'), { ok: false, refusal: 'unknownReason' }, 'a reason the ACD does not know');
  t.same(phones.setReady('202', false), { ok: false, refusal: 'unknownReason' }, 'not ready needs a reason');
  t.same(phones.setReady('202', true), { ok: true, agentId: '1001', state: 'ready' });
  t.same(phones.logout('202'), { ok: true, agentId: '1001', state: 'loggedOut' });
  t.same(states(), ['1001@202:notReady(login)', '1001@202:ready', '1001@202:notReady(break)', '1001@202:ready', '1001@202:loggedOut']);
  t.equal(acd.engine.agents.atDevice('202'), undefined, 'the extension is free for the next agent');
});

t.test('a logout asked for during a call is taken after it', async (t) => {
  const { acd, phones } = desk(t);
  phones.login('1001', '4321', '202', { ready: true });
  acd.engine.enqueue('c1', 'service', DATA);
  acd.engine.answered('c1', '1001');
  t.same(phones.logout('202'), { ok: true, agentId: '1001', state: 'loggedOut' });
  t.equal(acd.engine.agents.get('1001')?.state, 'talking', 'still talking');
  acd.engine.callEnded('c1');
  t.equal(acd.engine.agents.get('1001')?.state, 'loggedOut', 'logged out when the call ended');
});
