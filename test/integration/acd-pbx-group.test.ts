/**
 * Calls that wait in the PBX's own ACD group 600 (DID 0301234500) while ccbox watches the group
 * and drives the agents' states there: the switch simulator over loopback TCP, the real CstaLink,
 * the ACD engine, the agents' phones and PbxGroupQueues, under sinon fake time. The PBX picks the
 * agent; ccbox records the offer, the answer and the end.
 */
import t, { type Test } from 'tap';
import { PbxGroupQueues } from '../../appliance/acd/telephony/pbx-group.js';
import { startAcdPbxSite } from '../helpers/acd-pbx-site.js';

const GROUP_DID = '0301234500';
const CALLER = '13800002222';

interface SiteOptions {
  agents: { id: string; device: string }[];
  /** More settings of the queue 'hotline'. */
  queue?: Record<string, unknown>;
  /** The PBX agent of a ccbox agent (default pbxAgentOf). */
  agentIds?: (agentId: string) => { agentID: string; password?: string } | undefined;
}

/** ccbox agent A<n> is the PBX agent A20<n> at 20<n>, password 20<n>0 (the demo plan's agents). */
const pbxAgentOf = (agentId: string) => {
  const n = Number(agentId.slice(1));
  return Number.isInteger(n) && n >= 1 && n <= 6 ? { agentID: `A${200 + n}`, password: `${200 + n}0` } : undefined;
};

async function startGroupSite(t: Test, options: SiteOptions) {
  const site = await startAcdPbxSite(t, {
    agents: options.agents,
    queue: { waitAt: 'pbxGroup', pbxDevice: '600', wrapUpSeconds: 30, ...options.queue },
    // The demo plan's agents start ready on the PBX; here only ccbox logs them on.
    dialPlan: (plan) => {
      for (const extension of plan.extensions) if (extension.agent) extension.agent.initialState = 'loggedOff';
    },
    adapter: ({ engine, link, logger }) => new PbxGroupQueues({ engine, link, logger, agentIds: options.agentIds ?? pbxAgentOf }),
  });
  const call = () => site.sw.placeInboundCall({ from: CALLER, to: GROUP_DID });
  return { ...site, call };
}

/** A1 (ready) and A2 (not ready) logged in one after the other; a call rings at A1's 201. */
async function callRingingAtA1(t: Test) {
  const site = await startGroupSite(t, { agents: [{ id: 'A1', device: '201' }, { id: 'A2', device: '202' }] });
  site.engine.login('A1', '201', { ready: true });
  await site.advance(500);
  site.engine.login('A2', '202', { ready: false });
  await site.advance(500);
  const callID = site.call();
  await site.advance(1000);
  t.ok(site.alerting('201'));
  return { site, callID };
}

t.test('logging in to ccbox logs the agent on at the PBX and makes them ready there', async (t) => {
  const site = await startGroupSite(t, { agents: [{ id: 'A1', device: '201' }, { id: 'A2', device: '202' }] });
  t.same(await site.pbxState('201'), { loggedOn: false, state: 'agentNull' }, 'logged off on the PBX before the login');
  site.engine.login('A1', '201', { ready: true });
  site.engine.login('A2', '202', { ready: false });
  await site.advance(500);
  t.same(await site.pbxState('201'), { loggedOn: true, state: 'agentReady' }, 'A1: loggedOn (A201 with its password), then ready');
  t.same(await site.pbxState('202'), { loggedOn: true, state: 'agentNotReady' }, 'A2 logged in not ready');

  site.engine.request('A2', { state: 'ready' });
  site.engine.logout('A1');
  await site.advance(500);
  t.same(await site.pbxState('202'), { loggedOn: true, state: 'agentReady' });
  t.same(await site.pbxState('201'), { loggedOn: false, state: 'agentNull' }, 'logged out of ccbox: logged off on the PBX');
});

t.test('a call queues at group 600, the PBX delivers it to the ready agent, who answers, talks and hangs up', async (t) => {
  const site = await startGroupSite(t, { agents: [{ id: 'A1', device: '201' }] });
  await site.login(true);
  const callID = site.call();
  await site.advance(1000);
  t.same(site.events, [`joined ${callID}`, 'offer A1'], 'Queued at 600 joined the queue under the CSTA call ID; Delivered at 201 is the offer');
  t.equal(site.engine.call(callID)?.data.callerId, CALLER, 'the caller ID came from the QueuedEvent');
  t.equal(site.engine.agents.get('A1')?.state, 'offered');
  t.ok(site.alerting('201'), 'the PBX rings 201');

  await site.answer('201');
  await site.advance(1000);
  t.equal(site.engine.agents.get('A1')?.state, 'talking', 'the answer was seen');
  t.same(await site.pbxState('201'), { loggedOn: true, state: 'agentBusy' }, 'busy on the PBX');
  await site.advance(20_000);
  await site.link.clearConnection({ callID, deviceID: '201' });
  await site.advance(1000);
  t.same(site.events, [`joined ${callID}`, 'offer A1', 'connected A1', 'ended A1']);
  t.equal(site.engine.agents.get('A1')?.state, 'wrapUp');
  t.same(await site.pbxState('201'), { loggedOn: true, state: 'agentWorkingAfterCall' }, 'wrap-up on the PBX');
  await site.advance(10_000, 500);
  t.same(await site.pbxState('201'), { loggedOn: true, state: 'agentWorkingAfterCall' }, 'still after the group’s own 5 s: ccbox’s 30 s wrap-up rules');
  await site.advance(20_000, 500);
  t.equal(site.engine.agents.get('A1')?.state, 'ready');
  t.same(await site.pbxState('201'), { loggedOn: true, state: 'agentReady' }, 'ready on both after ccbox’s wrap-up');

  const stats = site.engine.stats('hotline');
  t.match(stats, { joined: 1, answered: 1, abandoned: 0, waiting: 0 }, 'the queue’s figures count the call');
});

t.test('an agent not ready in ccbox is not ready on the PBX and gets no call', async (t) => {
  const site = await startGroupSite(t, { agents: [{ id: 'A1', device: '201' }, { id: 'A2', device: '202' }] });
  await site.login(true);
  site.engine.request('A1', { state: 'notReady', reason: 'break' });
  await site.advance(500);
  t.same(await site.pbxState('201'), { loggedOn: true, state: 'agentNotReady' });
  const first = site.call();
  await site.advance(1000);
  t.same(site.events, [`joined ${first}`, 'offer A2'], 'the PBX chose A2');
  t.notOk(site.alerting('201'), 'nothing rings at 201');
  t.ok(site.alerting('202'));

  await site.answer('202');
  await site.advance(1000);
  const second = site.call();
  await site.advance(5000);
  t.same(site.events.slice(3), [`joined ${second}`], 'the second call waits: nobody is ready on the PBX');
  t.notOk(site.alerting('201'));
  t.equal(site.engine.call(second)?.phase, 'waiting');

  site.engine.request('A1', { state: 'ready' });
  await site.advance(1000);
  t.same(site.events.slice(4), ['offer A1'], 'once A1 is ready in ccbox, the PBX delivers to them');
  t.ok(site.alerting('201'));
});

t.test('the caller hanging up while queued leaves the queue as abandoned', async (t) => {
  const site = await startGroupSite(t, { agents: [{ id: 'A1', device: '201' }] });
  await site.login(false);
  const callID = site.call();
  await site.advance(3000);
  t.equal(site.engine.stats('hotline').waiting, 1, 'waiting in the ACD queue too');
  site.sw.hangUpExternal(callID);
  await site.advance(1000);
  t.same(site.events, [`joined ${callID}`, 'left abandoned']);
  t.equal(site.engine.call(callID), undefined, 'the ACD forgot the call');
  t.match(site.engine.stats('hotline'), { joined: 1, abandoned: 1, answered: 0, waiting: 0 }, 'the queue counts it as abandoned');
});

t.test('the caller hanging up while the agent rings is abandoned and frees the agent', async (t) => {
  const site = await startGroupSite(t, { agents: [{ id: 'A1', device: '201' }] });
  await site.login(true);
  const callID = site.call();
  await site.advance(1000);
  site.sw.hangUpExternal(callID);
  await site.advance(1000);
  t.same(site.events, [`joined ${callID}`, 'offer A1', 'retract A1 abandoned', 'left abandoned']);
  t.equal(site.engine.agents.get('A1')?.state, 'ready');
  t.same(await site.pbxState('201'), { loggedOn: true, state: 'agentReady' });
});

t.test('the group’s own overflow after 120 s takes the call away: it leaves the queue', async (t) => {
  const site = await startGroupSite(t, { agents: [{ id: 'A1', device: '201' }] });
  await site.login(false);
  const callID = site.call();
  await site.advance(119_000, 1000);
  t.same(site.events, [`joined ${callID}`], 'still waiting before the overflow');
  await site.advance(2000);
  t.same(site.events, [`joined ${callID}`, 'left abandoned'], 'Diverted (queueTimeOverflow) to 610');
  t.ok((await site.link.snapshotDevice('301')).crossRefIDorSnapshotData?.snapshotData?.length, 'the voice-card hunt group 610 rings');
});

t.test('a delivered call that goes back to the group unanswered is withdrawn and keeps its place', async (t) => {
  const { site, callID } = await callRingingAtA1(t);
  // The PBX would do this on its own ring timeout; the simulator has none, so DeflectCall plays it.
  site.engine.request('A2', { state: 'ready' });
  await site.advance(500);
  await site.link.deflectCall({ callID, deviceID: '201' }, '600');
  await site.advance(1000);
  t.same(site.events.slice(0, 3), [`joined ${callID}`, 'offer A1', 'retract A1 noAnswer'], 'withdrawn by the PBX, one join');
  t.equal(site.events.length, 4, 'offered again');
  t.match(site.events[3], /^offer A[12]$/, 'the PBX delivered it again');
  t.equal(site.engine.stats('hotline').joined, 1, 'the same ACD call');
});

t.test('an agent going not ready while the PBX rings them: the call goes back to the group and to the next agent', async (t) => {
  const { site, callID } = await callRingingAtA1(t);
  site.engine.request('A2', { state: 'ready' });
  site.engine.request('A1', { state: 'notReady', reason: 'break' });
  await site.advance(1000);
  t.same(site.events, [`joined ${callID}`, 'offer A1', 'retract A1 agentLeft', 'offer A2'], 'back in group 600, then delivered to A2');
  t.notOk(site.alerting('201'), '201 stopped ringing');
  t.ok(site.alerting('202'));
  t.same(await site.pbxState('201'), { loggedOn: true, state: 'agentNotReady' });
});

t.test('a refused SetAgentState is logged, never thrown: the agent stays logged off on the PBX and gets no call', async (t) => {
  const site = await startGroupSite(t, {
    agents: [{ id: 'A1', device: '201' }, { id: 'A2', device: '202' }],
    // A1 with a wrong password; A2 as an agent who is not the agent of 202.
    agentIds: (id) => (id === 'A1' ? { agentID: 'A201', password: '9999' } : { agentID: 'A205', password: '2050' }),
  });
  await site.login(true);
  t.same(await site.pbxState('201'), { loggedOn: false, state: 'agentNull' }, 'wrong password: not logged on');
  t.same(await site.pbxState('202'), { loggedOn: false, state: 'agentNull' }, 'wrong agent: not logged on');
  t.equal(site.engine.agents.get('A1')?.state, 'ready', 'ccbox keeps its own state');
  const callID = site.call();
  await site.advance(2000);
  t.same(site.events, [`joined ${callID}`], 'the call waits in the group');
});
