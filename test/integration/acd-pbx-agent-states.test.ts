/**
 * PbxAgentStates against the simulated switch's own agent model: the PBX agent ccbox logged on is
 * the one it logs off, even when the configuration no longer names them.
 */
import t from 'tap';
import { PbxAgentStates } from '../../appliance/acd/telephony/pbx-agent-states.js';
import { startAcdPbxSite } from '../helpers/acd-pbx-site.js';

t.test('an agent removed from the configuration while logged in is logged off at the PBX under the identity they were logged on with', async (t) => {
  const site = await startAcdPbxSite(t, {
    agents: [{ id: 'A1', device: '201' }, { id: 'A2', device: '202' }],
    queue: { waitAt: 'routingPoint', pbxDevice: '700' },
    dialPlan: (plan) => {
      for (const extension of plan.extensions) if (extension.agent) extension.agent.initialState = 'loggedOff';
    },
    adapter: ({ engine, link, logger }) => {
      const states = new PbxAgentStates({ engine, link, logger });
      return { start: () => states.start(), stop: () => states.stop() };
    },
  });
  const pbxState = async (device: string) => {
    const agent = (await site.link.getAgentState(device)).agentStateList?.[0];
    return { loggedOn: agent?.loggedOnState, state: agent?.agentInfo?.[0]?.agentState };
  };
  const config = site.engine.config;
  const mirrored = {
    ...config,
    mirrorStatesToPbx: true,
    agents: config.agents.map((agent) => ({ ...agent, pbxAgent: { id: `A20${agent.id.slice(1)}`, password: `20${agent.id.slice(1)}0` } })),
  };
  site.engine.configure(mirrored);
  site.engine.login('A1', '201', { ready: true });
  await site.advance(500);
  t.same(await pbxState('201'), { loggedOn: true, state: 'agentReady' }, 'A1 is logged on at the PBX as A201');

  site.engine.configure({ ...mirrored, agents: mirrored.agents.filter((agent) => agent.id !== 'A1') });
  await site.advance(500);
  t.equal(site.engine.agents.get('A1'), undefined, 'the ACD logged A1 out and forgot them');
  t.same(await pbxState('201'), { loggedOn: false, state: 'agentNull' }, 'and the PBX agent A201 is logged off: the PBX sends 201 no more calls');
});
