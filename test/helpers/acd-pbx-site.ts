/**
 * A small simulated site for the ACD's waiting modes on the PBX itself (a PBX ACD group, a CSTA
 * routing point), in the test process: the switch simulator (demo dial plan) serving CSTA over
 * loopback TCP, the real CstaLink, the ACD engine with one queue 'hotline', the agents' phones and
 * the test's own waiting-mode adapter — all under sinon fake time. `advance(ms)` moves fake time in
 * steps and lets socket I/O run between them.
 */
import sinon from 'sinon';
import type { Test } from 'tap';
import { AcdEngine, acdConfigSchema } from '../../appliance/acd/index.js';
import { AgentPhones } from '../../appliance/acd/telephony/agent-phones.js';
import { CstaLink } from '../../appliance/csta/link.js';
import { loadPbxProfile } from '../../appliance/csta/profile.js';
import { systemClock } from '../../appliance/runtime/clock.js';
import { createLogger, silentLogger, type Logger } from '../../appliance/runtime/logger.js';
import { createSwitch, demoDialPlan, startSwitchServer } from '../../simulators/switch/index.js';
import { advanceWithIo } from './real-time.js';

type DialPlan = ReturnType<typeof demoDialPlan>;

/** What a waiting-mode adapter is built from. */
export interface AcdPbxSiteParts {
  engine: AcdEngine;
  link: CstaLink;
  phones: AgentPhones;
  logger: Logger;
}

export interface AcdPbxSiteOptions {
  /** The settings of the queue 'hotline' (waitAt, pbxDevice, ...). */
  queue: Record<string, unknown>;
  agents: { id: string; device: string }[];
  /** Changes the test makes to the demo dial plan before the switch starts. */
  dialPlan?: (plan: DialPlan) => void;
  /** The waiting-mode adapter under test, started after the agents' phones and stopped first. */
  adapter: (parts: AcdPbxSiteParts) => { start(): void; stop(): void };
}

export async function startAcdPbxSite(t: Test, options: AcdPbxSiteOptions) {
  const clock = sinon.useFakeTimers({ now: Date.parse('2026-11-25T10:00:00+08:00'), toFake: ['setTimeout', 'clearTimeout', 'setInterval', 'clearInterval', 'Date'] });
  // ACD_PBX_SITE_LOG=debug shows what the parts log, for a failing test.
  const logger = process.env.ACD_PBX_SITE_LOG ? createLogger({ level: process.env.ACD_PBX_SITE_LOG }) : silentLogger();
  const plan = demoDialPlan();
  options.dialPlan?.(plan);
  const sw = createSwitch(plan, { clock: systemClock, logger });
  const profile = loadPbxProfile('generic-ed4');
  let server = await startSwitchServer({ model: sw, listen: ['tcp://127.0.0.1:0'], profile, clock: systemClock, logger });
  const address = server.addresses[0] as string;
  const link = new CstaLink({ url: address, profile, credentials: { applicationId: 'ccbox-acd-pbx-test' }, clock: systemClock, logger });
  await link.start();
  const acd = acdConfigSchema.parse({
    enabled: true,
    queues: [{ name: 'hotline', ...options.queue }],
    agents: options.agents.map(({ id }) => ({ id, name: `Agent ${id}`, skills: { hotline: 1 } })),
  });
  const engine = new AcdEngine({ config: acd, clock: systemClock });
  const phones = new AgentPhones({ link, engine, logger });
  const adapter = options.adapter({ engine, link, phones, logger });
  phones.start();
  adapter.start();

  const events: string[] = [];
  engine.on('joined', (e) => events.push(`joined ${e.callId}`));
  engine.on('offer', (e) => events.push(`offer ${e.agentId}`));
  engine.on('retract', (e) => events.push(`retract ${e.agentId} ${e.reason}`));
  engine.on('connected', (e) => events.push(`connected ${e.agentId}`));
  engine.on('ended', (e) => events.push(`ended ${e.agentId}`));
  engine.on('left', (e) => events.push(`left ${e.reason}`));

  t.teardown(async () => {
    adapter.stop();
    phones.stop();
    clock.restore();
    await link.stop();
    await server.close();
  });

  /** Moves fake time forward in steps, letting socket I/O through between steps. */
  const advance = (ms: number, step = 100) => advanceWithIo(clock, ms, step);
  /** Logs every agent in at their phone, ready or not. */
  const login = async (ready: boolean) => {
    for (const agent of options.agents) engine.login(agent.id, agent.device, { ready });
    await advance(500);
  };
  const answer = (device: string) => {
    const ringing = phones.tracker.find(device, 'alerting');
    if (!ringing) throw new Error(`nothing rings at ${device}`);
    return link.answerCall(ringing);
  };
  const alerting = (device: string) => phones.tracker.find(device, 'alerting') !== undefined;
  /** The PBX agent's state at `device` as GetAgentState reports it (agentNull: logged off). */
  const pbxState = async (device: string) => {
    const agent = (await link.getAgentState(device)).agentStateList?.[0];
    return { loggedOn: agent?.loggedOnState, state: agent?.agentInfo?.[0]?.agentState };
  };
  /** The switch's CSTA server goes away and comes back on the same address (the link reconnects). */
  const restartSwitchServer = async () => {
    await server.close();
    server = await startSwitchServer({ model: sw, listen: [address], profile, clock: systemClock, logger });
  };
  /** The devices the switch's CSTA clients are registered as router for. */
  const routeRegistrations = () => server.clients().flatMap((client) => client.routeRegistrations.map((r) => r.device));
  return { sw, link, engine, phones, events, advance, login, answer, alerting, pbxState, restartSwitchServer, routeRegistrations };
}
