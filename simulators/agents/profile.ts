/**
 * How a simulated agent behaves, as a JSON file can give it: delays, talk time, breaks, transfers,
 * offers left ringing. A team file gives one profile for everybody and overrides per agent; only
 * the merged result gets the defaults, so an override never resets a team setting.
 */
import { z } from 'zod';

const ms = z.number().min(0).max(86_400_000);

/** A fixed number of milliseconds, or [min, max] drawn anew each time. */
const durationSchema = z.union([
  ms,
  z.tuple([ms, ms]).refine(([min, max]) => min <= max, { error: 'expected [min, max] with min ≤ max' }),
]);
export type Duration = z.infer<typeof durationSchema>;

const chance = z.number().min(0).max(1);

/** Every setting optional and without defaults: a team's or one agent's part of a profile. */
export const agentProfileOverrideSchema = z
  .strictObject({
    answerDelayMs: ms.describe('how long an offer rings before the agent answers'),
    talkMs: durationSchema.describe('how long the agent talks before hanging up'),
    wrapUpMs: ms.describe('after-call work before the agent says wrap-up done'),
    notReadyChance: chance.describe('probability of a break after a call'),
    notReadyMs: durationSchema.describe('how long a break lasts'),
    notReadyReasons: z.array(z.string().min(1)).min(1).describe('reasons a break is given with, drawn at random'),
    transferChance: chance.describe('probability of a blind transfer instead of hanging up'),
    transferTarget: z.string().regex(/^[0-9*#+]{1,32}$/, { error: 'expected a number to transfer to' }),
    noAnswerChance: chance.describe('probability of leaving an offer ringing (exercises ring timeouts)'),
  })
  .partial();
export type AgentProfileOverride = z.infer<typeof agentProfileOverrideSchema>;

export const PROFILE_DEFAULTS: Required<Omit<AgentProfileOverride, 'transferTarget'>> = {
  answerDelayMs: 1500,
  talkMs: [20_000, 60_000],
  wrapUpMs: 5000,
  notReadyChance: 0,
  notReadyMs: [60_000, 300_000],
  notReadyReasons: ['break'],
  transferChance: 0,
  noAnswerChance: 0,
};

export const agentProfileSchema = agentProfileOverrideSchema.transform((profile, ctx) => {
  const merged = { ...PROFILE_DEFAULTS, ...profile };
  if (merged.transferChance > 0 && merged.transferTarget === undefined) {
    ctx.addIssue({ code: 'custom', path: ['transferTarget'], message: 'transferChance above 0 needs a transferTarget' });
  }
  return merged;
});
export type AgentProfile = z.output<typeof agentProfileSchema>;
export type AgentProfileInput = z.input<typeof agentProfileSchema>;

const FORBIDDEN_IN_TOPIC_LEVEL = /[/+#\u0000]/;
const topicLevel = z.string().min(1).refine((s) => !FORBIDDEN_IN_TOPIC_LEVEL.test(s), { error: "must not contain '/', '+', '#' or NUL" });

export const teamMemberSchema = z.strictObject({
  id: topicLevel.describe('ACD agent ID'),
  username: topicLevel.optional().describe('MQTT user name (default: the agent ID)'),
  password: z.string(),
  device: z.string().regex(/^[0-9A-Za-z*#+._-]{1,32}$/, { error: 'expected an extension number' }).describe('extension the agent logs in at'),
  profile: agentProfileOverrideSchema.optional(),
});
export type TeamMember = z.infer<typeof teamMemberSchema>;

/** A team as a JSON file describes it (the broker URL and site come from the command line). */
export const agentTeamFileSchema = z.strictObject({
  profile: agentProfileOverrideSchema.default({}),
  agents: z.array(teamMemberSchema).min(1),
});
export type AgentTeamFile = z.infer<typeof agentTeamFileSchema>;

/** A duration in ms: the fixed value, or one drawn uniformly from [min, max]. */
export function drawMs(duration: Duration, random: () => number): number {
  if (typeof duration === 'number') return duration;
  const [min, max] = duration;
  return min + random() * (max - min);
}
