/**
 * PbxAgentStates against the simulated switch's own agent model, for routing-point agents (whose
 * states reach the PBX only with mirrorStatesToPbx): the PBX agent is the configured pbxAgent, and
 * the one ccbox logged on is the one it logs off, even when the configuration no longer names them.
 */
import t, { type Test } from 'tap';
import type { AcdConfig } from '../../appliance/acd/index.js';
import { PbxAgentStates } from '../../appliance/acd/telephony/pbx-agent-states.js';
import { RoutingPointQueues } from '../../appliance/acd/telephony/routing-point.js';
import { startAcdPbxSite } from '../helpers/acd-pbx-site.js';

/** A1 at 201 and A2 at 202 serve a routing-point queue; the PBX agents start logged off. */
async function routingSite(t: Test) {
  return startAcdPbxSite(t, {
    agents: [{ id: 'A1', device: '201' }, { id: 'A2', device: '202' }],
    queue: { waitAt: 'routingPoint', pbxDevice: '700', strategy: 'linear', ringTimeoutSeconds: 5 },
    dialPlan: (plan) => {
      for (const extension of plan.extensions) if (extension.agent) extension.agent.initialState = 'loggedOff';
    },
    adapter: ({ engine, link, phones, logger }) => {
      const routing = new RoutingPointQueues({ engine, link, tracker: phones.tracker, logger });
      const states = new PbxAgentStates({ engine, link, logger });
      return { start: () => (routing.start(), states.start()), stop: () => (states.stop(), routing.stop()) };
    },
  });
}

/** The configuration with mirrorStatesToPbx on and agent A<n> known to the PBX as A20<n>, password 20<n>0 (the demo plan's). */
function mirrored(config: AcdConfig): AcdConfig {
  return { ...config, mirrorStatesToPbx: true, agents: config.agents.map((agent) => ({ ...agent, pbxAgent: { id: `A20${agent.id.slice(1)}`, password: `20${agent.id.slice(1)}0` } })) };
}

t.test('mirrorStatesToPbx, switched on while running, reports routing-point agents to the PBX under their pbxAgent identity', async (t) => {
  const site = await routingSite(t);
  site.engine.login('A1', '201', { ready: true });
  await site.advance(500);
  t.same(await site.pbxState('201'), { loggedOn: false, state: 'agentNull' }, 'off by default: the PBX is not told');

  site.engine.configure(mirrored(site.engine.config));
  site.engine.login('A2', '202', { ready: false });
  site.engine.request('A1', { state: 'notReady', reason: 'break' });
  await site.advance(500);
  t.same(await site.pbxState('202'), { loggedOn: true, state: 'agentNotReady' }, 'A2 logged on as PBX agent A202 with its password');
  t.same(await site.pbxState('201'), { loggedOn: true, state: 'agentNotReady' }, 'A1, already logged in, is logged on at its next change');
  site.engine.logout('A2');
  await site.advance(500);
  t.same(await site.pbxState('202'), { loggedOn: false, state: 'agentNull' }, 'a logout logs the PBX agent off');
});

t.test('an agent removed from the configuration while logged in is logged off at the PBX under the identity they were logged on with', async (t) => {
  const site = await routingSite(t);
  const config = mirrored(site.engine.config);
  site.engine.configure(config);
  site.engine.login('A1', '201', { ready: true });
  await site.advance(500);
  t.same(await site.pbxState('201'), { loggedOn: true, state: 'agentReady' }, 'A1 is logged on at the PBX as A201');

  site.engine.configure({ ...config, agents: config.agents.filter((agent) => agent.id !== 'A1') });
  await site.advance(500);
  t.equal(site.engine.agents.get('A1'), undefined, 'the ACD logged A1 out and forgot them');
  t.same(await site.pbxState('201'), { loggedOn: false, state: 'agentNull' }, 'and the PBX agent A201 is logged off: the PBX sends 201 no more calls');
});
