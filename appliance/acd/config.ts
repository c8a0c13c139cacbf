/** The `acd` section of config.json: queues, agents, not-ready reasons. */
import { z } from 'zod';
import { QUEUE_HANDOFFS, queueHandoffProblem } from '../csta/profile.js';

export const STRATEGIES = ['ringAll', 'longestIdle', 'fewestCalls', 'leastTalkTime', 'roundRobin', 'linear', 'random', 'weightedRandom'] as const;
export type Strategy = (typeof STRATEGIES)[number];

const name = z.string().min(1).regex(/^[^/+#\s]+$/, { error: 'expected a name without spaces, "/", "+" or "#"' });
const seconds = z.number().min(0).max(86_400);

export const overflowActionSchema = z.discriminatedUnion('kind', [
  z.strictObject({ kind: z.literal('queue'), queue: name.describe('queue the call moves to; it keeps its priority') }),
  z.strictObject({ kind: z.literal('voicemail'), mailbox: name }),
  z.strictObject({ kind: z.literal('callback').describe('offer the caller a callback that keeps their place') }),
  z.strictObject({ kind: z.literal('ivr'), flow: name, node: name.optional() }),
  z.strictObject({ kind: z.literal('number'), target: z.string().regex(/^[0-9*#]{1,32}$/, { error: 'expected a number to transfer to' }) }),
  z.strictObject({ kind: z.literal('hangup') }),
]);
export type OverflowAction = z.infer<typeof overflowActionSchema>;

/** Who must be there for a call to join, or to stay: 'always', anyone logged in, anyone ready (or on a call). */
const presence = z.enum(['always', 'loggedIn', 'staffed']);

export const queueConfigSchema = z.strictObject({
  name,
  strategy: z.enum(STRATEGIES).default('longestIdle').describe('how the agent for a call is chosen'),
  skills: z.record(name, z.number().int().min(1).max(10)).optional().describe('skill → minimum level an agent needs to serve this queue (default: the skill named like the queue, level 1)'),
  penaltyRules: z
    .array(z.strictObject({ afterSeconds: seconds, maxPenalty: z.number().int().min(0).max(100) }))
    .default([])
    .describe('as the caller waits, agents with a higher penalty join the pool (penalty 0 always may serve)'),
  ringTimeoutSeconds: z.number().min(1).max(600).default(15).describe('how long an offer rings before the call goes to the next agent'),
  retrySeconds: seconds.default(0).describe('pause after an unanswered offer before the call is offered again'),
  maxWaitSeconds: seconds.optional().describe('a caller waiting longer takes the overflow action'),
  overflow: overflowActionSchema.default({ kind: 'hangup' }).describe('what happens at the maximum wait, when the queue is full or empty'),
  maxLength: z.number().int().min(1).optional().describe('calls waiting at most; more are refused with the overflow action'),
  joinWhen: presence.default('loggedIn').describe('a call may join only when this holds; otherwise the overflow action'),
  leaveWhen: z.enum(['never', 'noneLoggedIn', 'noneStaffed']).default('never').describe('waiting calls leave (overflow action) when this happens'),
  callbackKey: z.string().regex(/^[0-9*#]$/, { error: 'expected one DTMF key' }).optional().describe('a key the waiting caller presses to be called back instead, keeping their place'),
  exitKey: z.string().regex(/^[0-9*#]$/, { error: 'expected one DTMF key' }).optional().describe('a key the waiting caller presses to leave the queue (overflow action)'),
  announce: z
    .strictObject({
      positionEverySeconds: seconds.default(0).describe('announce position and expected wait this often, only when they changed (0: never)'),
      periodicPrompt: z.string().min(1).optional(),
      periodicEverySeconds: seconds.default(0),
      musicOnHold: z.string().min(1).default('music-on-hold').describe('prompt played in a loop while waiting on a card channel'),
    })
    .prefault({}),
  wrapUpSeconds: seconds.default(0).describe('after-call work time, unless the agent has their own'),
  afterCallSurvey: z
    .strictObject({
      number: z.string().regex(/^[0-9*#]{1,32}$/, { error: 'expected the number that reaches the IVR ports' }),
      flow: name.describe('the survey flow the caller gets there'),
    })
    .optional()
    .describe('when the agent ends a call from the desktop, the caller is transferred to the IVR for this survey instead of cleared'),
  callback: z
    .strictObject({
      maxAttempts: z.number().int().min(1).max(20).default(3).describe('calls to the customer before the callback is given up'),
      retrySeconds: seconds.default(300).describe('pause between attempts; the callback keeps its place meanwhile'),
    })
    .prefault({}),
  waitAt: z.enum(['card', 'pbxGroup', 'routingPoint']).default('card').describe('where calls wait: on a voice-card channel, in the PBX ACD group, or at a CSTA routing point'),
  pbxDevice: z.string().min(1).optional().describe('the PBX ACD group or routing point number (waitAt pbxGroup / routingPoint)'),
  cardHandoff: z
    .enum(QUEUE_HANDOFFS)
    .optional()
    .describe('waitAt card: how the caller moves from the card channel to the agent, singleStep or consultation (default: the PBX profile’s queueHandoff)'),
});
export type QueueConfig = z.infer<typeof queueConfigSchema>;

export const agentConfigSchema = z.strictObject({
  id: name.describe('agent ID typed at login'),
  name: z.string().min(1),
  pin: z.string().regex(/^[0-9]{4,12}$/, { error: 'expected a PIN of 4 to 12 digits' }).optional().describe('PIN typed at login on a phone (desktops use their MQTT password)'),
  skills: z.record(name, z.number().int().min(1).max(10)).default({}).describe('skill → level 1..10'),
  queues: z.record(name, z.strictObject({ penalty: z.number().int().min(0).max(100).default(0), weight: z.number().min(0.01).max(100).default(1) })).default({}).describe('per-queue penalty and weight (weightedRandom)'),
  wrapUpSeconds: seconds.optional().describe('after-call work time for this agent, over the queue’s'),
  pbxAgent: z
    .strictObject({
      id: z.string().regex(/^[0-9A-Za-z*#._-]{1,32}$/, { error: 'expected the agent ID as the PBX knows it' }).optional().describe('the PBX agent ID (default: the ccbox agent ID)'),
      password: z.string().min(1).max(32).optional().describe('the password the PBX wants when the agent logs on'),
    })
    .optional()
    .describe('the agent in the PBX’s own agent model, for SetAgentState (PBX groups, mirrored states)'),
});
export type AgentConfig = z.infer<typeof agentConfigSchema>;

function unique<T>(items: T[], key: (item: T) => string, what: string, ctx: z.core.$RefinementCtx<T[]>): void {
  const seen = new Set<string>();
  items.forEach((item, i) => {
    const k = key(item);
    if (seen.has(k)) ctx.addIssue({ code: 'custom', path: [i], message: `${what} ${k} is defined twice` });
    seen.add(k);
  });
}

export const acdConfigSchema = z
  .strictObject({
    enabled: z.boolean().default(false).describe('run the ACD'),
    queues: z.array(queueConfigSchema).default([]).superRefine((qs, ctx) => unique(qs, (q) => q.name, 'queue', ctx)),
    agents: z.array(agentConfigSchema).default([]).superRefine((as, ctx) => unique(as, (a) => a.id, 'agent', ctx)),
    notReadyReasons: z.array(name).default(['break', 'lunch', 'training', 'away']).describe('reason codes an agent may give for not-ready'),
    mirrorStatesToPbx: z.boolean().default(false).describe('also report ccbox agent states to the PBX with SetAgentState for card and routing-point queues (PBX-group queues always do); the agents must exist in the PBX'),
    autoNotReadyAfterMissed: z.number().int().min(0).default(2).describe('unanswered offers in a row that put an agent not-ready (0: never)'),
    dialing: z
      .strictObject({
        outsidePrefix: z.string().regex(/^[0-9]{0,4}$/, { error: 'expected up to 4 digits' }).default('').describe('digits dialled before an outside number ccbox calls (callbacks, revisits), e.g. "0" or "9"'),
        internalMaxLength: z.number().int().min(1).max(12).default(5).describe('numbers this long or shorter are extensions and get no prefix'),
      })
      .prefault({}),
    ivrNumber: z.string().regex(/^[0-9*#]{1,32}$/, { error: 'expected the number that reaches the IVR ports' }).optional().describe('where an agent sends a caller for an IVR flow (e.g. a PIN check) that brings them back'),
    returnWaitSeconds: z.number().int().min(10).max(3600).default(180).describe('how long an agent who sent a caller to the IVR waits for them (not ready, reason awaitingCaller)'),
    expectedWaitSamples: z.number().int().min(1).max(1000).default(20).describe('answered calls the rolling average wait is taken over'),
  })
  .superRefine((acd, ctx) => {
    const queues = new Set(acd.queues.map((q) => q.name));
    acd.queues.forEach((q, i) => {
      if (q.overflow.kind === 'queue' && !queues.has(q.overflow.queue)) ctx.addIssue({ code: 'custom', path: ['queues', i, 'overflow', 'queue'], message: `no queue ${q.overflow.queue}` });
      if (q.overflow.kind === 'queue' && q.overflow.queue === q.name) ctx.addIssue({ code: 'custom', path: ['queues', i, 'overflow', 'queue'], message: 'a queue cannot overflow into itself' });
      if (q.waitAt !== 'card' && q.pbxDevice === undefined) ctx.addIssue({ code: 'custom', path: ['queues', i, 'pbxDevice'], message: `waitAt ${q.waitAt} needs the PBX device number` });
      if (q.waitAt !== 'card' && q.cardHandoff !== undefined) ctx.addIssue({ code: 'custom', path: ['queues', i, 'cardHandoff'], message: `cardHandoff is for queues that wait on a card channel, not waitAt ${q.waitAt}` });
    });
    acd.agents.forEach((a, i) => {
      for (const queue of Object.keys(a.queues)) {
        if (!queues.has(queue)) ctx.addIssue({ code: 'custom', path: ['agents', i, 'queues', queue], message: `no queue ${queue}` });
      }
    });
  });
export type AcdConfig = z.infer<typeof acdConfigSchema>;

/**
 * What the engine can decide but the PBX cannot carry out: ringAll rings several phones for one
 * call, which a card port (one call handed over at a time) or a routing point (one route per
 * request) cannot; a queue's cardHandoff that needs services the PBX profile lists as unsupported.
 * Checked when the ACD starts on a PBX; the engine alone (tests, bench) takes any strategy.
 */
export function unsupportedOnPbx(config: AcdConfig, pbx?: { unsupportedServices: readonly string[] }): string[] {
  const lacking = (...services: string[]) => services.filter((service) => pbx?.unsupportedServices.includes(service));
  const refusedBy = (services: string[]) => `${services.join(' and ')}, which the PBX profile's unsupportedServices lists`;
  const problems = config.queues.flatMap((q, i) => {
    const problems: string[] = [];
    if (q.strategy === 'ringAll' && q.waitAt !== 'pbxGroup') {
      problems.push(`acd.queues.${i}.strategy: ringAll cannot ring several phones from a ${q.waitAt === 'card' ? 'card port' : 'routing point'}; use the PBX group's own ring-all (waitAt pbxGroup)`);
    }
    const handoffProblem = q.cardHandoff && pbx ? queueHandoffProblem(q.cardHandoff, pbx.unsupportedServices) : undefined;
    if (handoffProblem) problems.push(`acd.queues.${i}.cardHandoff: ${handoffProblem}`);
    const needs = q.waitAt === 'pbxGroup' ? lacking('SetAgentState') : q.waitAt === 'routingPoint' ? lacking('RouteRegister', 'RouteSelect') : [];
    if (needs.length > 0) problems.push(`acd.queues.${i}.waitAt: ${q.waitAt} needs ${refusedBy(needs)}`);
    return problems;
  });
  const mirror = config.mirrorStatesToPbx ? lacking('SetAgentState') : [];
  if (mirror.length > 0) problems.push(`acd.mirrorStatesToPbx: mirroring agent states needs ${refusedBy(mirror)}`);
  return problems;
}
export type AcdConfigInput = z.input<typeof acdConfigSchema>;

/** The agent as the PBX knows them: SetAgentState names the agent, and logging on may need a password. */
export interface PbxAgentIdentity {
  agentID: string;
  password?: string;
}

/** The PBX identity of a configured agent (its own ID unless pbxAgent says otherwise); undefined for an unknown agent. */
export function pbxAgentIdentity(config: AcdConfig, agentId: string): PbxAgentIdentity | undefined {
  const agent = config.agents.find((a) => a.id === agentId);
  if (!agent) return undefined;
  return { agentID: agent.pbxAgent?.id ?? agent.id, ...(agent.pbxAgent?.password !== undefined ? { password: agent.pbxAgent.password } : {}) };
}
