/**
 * The ACD half of `ccbox demo`: the ACD runtime with its embedded MQTT broker (queue "service" of
 * the demo hotline, waiting on the card channels, survey after the call) and a team of simulated
 * agent desks logging in over MQTT at extensions 204–206. Prints one line per ACD step worth seeing.
 */
import { acdConfigSchema } from '../../acd/index.js';
import { apiConfigSchema, hashPassword } from '../../api/index.js';
import type { PbxLink } from '../../csta/pbx-link.js';
import type { RecordsStore } from '../../store/records/index.js';
import { startAgentTeam, type AgentTeam } from '../../../simulators/agents/index.js';
import { createAcdRuntime, type AcdRuntime } from '../acd-runtime.js';
import type { Clock } from '../clock.js';
import type { Logger } from '../logger.js';

export const DEMO_SITE = 'demo';
export const DEMO_PASSWORD = 'demo';
const DESKS = [
  { id: 'D1', name: 'Zhang Wei', device: '204' },
  { id: 'D2', name: 'Li Na', device: '205' },
  { id: 'D3', name: 'Anna Smith', device: '206' },
];
/** Agents without a desktop: they log in by phone at any extension (dial 620, key 1, the agent ID and the PIN, each ended by #). */
const PHONE_AGENTS = [
  { id: '1001', name: 'Wang Fang', pin: '4321' },
  { id: '1002', name: 'Zhao Lei', pin: '8765' },
];

export interface DemoAcd {
  runtime: AcdRuntime;
  /** Logs the simulated agents in (once the IVR is up, so their calls have somewhere to come from). */
  startAgents(): Promise<AgentTeam>;
  stop(): Promise<void>;
}

export async function startDemoAcd(options: { link: PbxLink; records: RecordsStore; cardPorts: readonly string[]; mqttListen: string; clock: Clock; logger: Logger; out: (line: string) => void }): Promise<DemoAcd> {
  const { clock, logger, out } = options;
  const hash = await hashPassword(DEMO_PASSWORD);
  const acd = acdConfigSchema.parse({
    enabled: true,
    queues: [
      {
        name: 'service',
        strategy: 'longestIdle',
        ringTimeoutSeconds: 15,
        wrapUpSeconds: 10,
        maxWaitSeconds: 180,
        overflow: { kind: 'voicemail', mailbox: 'service' },
        callbackKey: '*',
        announce: { positionEverySeconds: 30, periodicPrompt: 'queue-still-waiting', periodicEverySeconds: 45 },
        afterCallSurvey: { number: '610', flow: 'survey' },
      },
    ],
    agents: [...DESKS.map(({ id, name }) => ({ id, name, skills: { service: 1 } })), ...PHONE_AGENTS.map((agent) => ({ ...agent, skills: { service: 1 } }))],
  });
  const api = apiConfigSchema.parse({
    users: [...DESKS.map(({ id }) => ({ username: id, passwordHash: hash, role: 'agent', agentId: id })), { username: 'supervisor', passwordHash: hash, role: 'supervisor' }],
  });
  const runtime = createAcdRuntime({ site: DEMO_SITE, acd, api, link: options.link, cardPorts: options.cardPorts, records: options.records, brokerListen: options.mqttListen, clock, logger: logger.child({ module: 'acd' }) });
  const { engine } = runtime;
  engine.on('joined', (i) => out(`  ACD ${i.callId}: joined ${i.queue} at position ${i.position}`));
  engine.on('offer', (i) => out(`  ACD ${i.callId}: offered to ${i.agentId} at ${i.device} after ${Math.round(i.waitedMs / 1000)} s${i.kind === 'callback' ? ` (callback to ${i.callbackNumber})` : ''}`));
  engine.on('connected', (i) => out(`  ACD ${i.callId}: ${i.agentId} answered`));
  engine.on('ended', (i) => out(`  ACD ${i.callId}: ${i.agentId} done after ${Math.round(i.talkMs / 1000)} s`));
  engine.on('left', (i) => out(`  ACD ${i.callId}: left ${i.queue} (${i.reason}${i.action ? ` → ${i.action.kind}` : ''})`));
  engine.on('agentState', (i) => out(`  agent ${i.agentId}: ${i.state}${i.reason ? ` (${i.reason})` : ''}`));
  await runtime.start();
  const address = runtime.brokerAddress;
  const url = `mqtt://${address?.host === '0.0.0.0' ? '127.0.0.1' : (address?.host ?? '127.0.0.1')}:${address?.port ?? 1883}`;
  out(`# ACD: queue "service" on the card channels; MQTT API on ${url} (site "${DEMO_SITE}", users ${DESKS.map((d) => d.id).join(', ')} and supervisor, password "${DEMO_PASSWORD}"); agents ${PHONE_AGENTS.map((a) => `${a.id} (PIN ${a.pin})`).join(', ')} log in by phone`);
  let team: AgentTeam | undefined;
  return {
    runtime,
    async startAgents() {
      team = await startAgentTeam({
        url,
        site: DEMO_SITE,
        agents: DESKS.map(({ id, device }) => ({ id, password: DEMO_PASSWORD, device })),
        profile: { answerDelayMs: 2000, talkMs: [8000, 20000], wrapUpMs: 4000, notReadyChance: 0.1, notReadyMs: [10_000, 30_000] },
        clock,
        onError: (error) => logger.debug({ err: error }, 'simulated agent desk'),
      });
      out(`# ${DESKS.length} simulated agents logged in at ${DESKS.map((d) => d.device).join(', ')}`);
      return team;
    },
    async stop() {
      await team?.stop();
      await runtime.stop();
    },
  };
}
