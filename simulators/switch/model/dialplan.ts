/**
 * The dial plan of the simulated switch: one zod schema gives the type, the defaults and the
 * validation; cross-checks (duplicate numbers, members that are not extensions, destinations that
 * do not exist) run on top and name the field path of every problem.
 */
import { readFileSync } from 'node:fs';
import { z } from 'zod';
import demoPlan from '../dialplans/demo.json' with { type: 'json' };
import { crossCheckDialPlan } from './dialplan-checks.js';

const digits = z.string().regex(/^[0-9]{1,20}$/, 'expected a number of 1 to 20 digits');
const code = z.string().regex(/^[*#][0-9]{1,6}$/, 'expected a feature code like *21');
const name = z.string().min(1, 'expected a non-empty name');

export const AGENT_STATES_AT_START = ['loggedOff', 'notReady', 'ready'] as const;
export const FEATURES = ['agentLogOn', 'agentLogOff', 'agentReady', 'agentNotReady', 'agentWorkingAfterCall'] as const;
export type Feature = (typeof FEATURES)[number];

const agentSchema = z.strictObject({
  agentID: z.string().min(1, 'expected a non-empty agent ID'),
  password: z.string().optional(),
  /** ACD groups the agent belongs to, besides those that list the extension as a member. */
  groups: z.array(digits).default([]),
  /** The agent's state when the switch starts. */
  initialState: z.enum(AGENT_STATES_AT_START).default('loggedOff'),
});

const autoAnswerMs = z.number().int().nonnegative().optional();

const extensionSchema = z.strictObject({ number: digits, name, agent: agentSchema.optional(), autoAnswerMs });
const analogPortSchema = z.strictObject({ number: digits, name, autoAnswerMs });

const trunkSchema = z.strictObject({
  id: z.string().regex(/^[A-Za-z][A-Za-z0-9_-]{0,19}$/, 'expected a trunk ID starting with a letter, like T1'),
  name,
  dids: z.array(z.strictObject({ number: digits, destination: digits })).default([]),
});

const acdGroupSchema = z
  .strictObject({
    number: digits,
    name,
    members: z.array(digits).default([]),
    distribution: z.enum(['longestIdle', 'roundRobin', 'linear']).default('longestIdle'),
    /** Calls that may wait; one more goes to overflowDestination, or is refused. */
    queueLimit: z.number().int().positive().optional(),
    overflowAfterSeconds: z.number().positive().optional(),
    overflowDestination: digits.optional(),
    /** Agents go to workingAfterCall for this long after an ACD call; absent: straight to ready. */
    wrapUpSeconds: z.number().positive().optional(),
  })
  .refine((g) => g.overflowAfterSeconds === undefined || g.overflowDestination !== undefined, {
    message: 'overflowAfterSeconds needs an overflowDestination',
    path: ['overflowDestination'],
  });

const huntGroupSchema = z.strictObject({
  number: digits,
  name: name.optional(),
  members: z.array(digits).min(1, 'a hunt group needs at least one member'),
  distribution: z.enum(['linear', 'circular']).default('linear'),
});

const routingPointSchema = z.strictObject({
  number: digits,
  name: name.optional(),
  defaultRoute: digits,
  timeoutMs: z.number().int().positive().default(5000),
});

export const dialPlanSchema = z
  .strictObject({
    name: z.string().optional(),
    extensions: z.array(extensionSchema).default([]),
    analogPorts: z.array(analogPortSchema).default([]),
    trunks: z.array(trunkSchema).default([]),
    acdGroups: z.array(acdGroupSchema).default([]),
    huntGroups: z.array(huntGroupSchema).default([]),
    routingPoints: z.array(routingPointSchema).default([]),
    /** Code dialled at a phone → what it does, e.g. { "*21": "agentLogOn" }. */
    featureCodes: z.record(code, z.enum(FEATURES)).default({}),
    callIdFormat: z.enum(['hex32', 'counter']).default('hex32'),
    /** A dialled number that starts with this prefix (and is longer) leaves the switch on a trunk. */
    outsideLinePrefix: z.string().regex(/^[0-9]$/, 'expected one digit').default('0'),
  })
  // Cross-checks only run on a plan whose fields are valid, so that one mistake gives one error.
  .superRefine(crossCheckDialPlan, { when: (payload) => payload.issues.length === 0 });

export type DialPlanInput = z.input<typeof dialPlanSchema>;
export type DialPlan = z.output<typeof dialPlanSchema>;
export type ExtensionPlan = DialPlan['extensions'][number];
export type AcdGroupPlan = DialPlan['acdGroups'][number];
export type HuntGroupPlan = DialPlan['huntGroups'][number];
export type RoutingPointPlan = DialPlan['routingPoints'][number];
export type TrunkPlan = DialPlan['trunks'][number];

export interface DialPlanIssue {
  /** Field path like `acdGroups[0].members[2]` ('' for the whole document). */
  path: string;
  message: string;
}

export class DialPlanError extends Error {
  override readonly name = 'DialPlanError';
  constructor(
    readonly code: 'invalidDialPlan' | 'badJson' | 'unreadable',
    message: string,
    readonly issues: readonly DialPlanIssue[] = [],
  ) {
    super(message);
  }
}

export function formatPath(path: readonly PropertyKey[]): string {
  let out = '';
  for (const part of path) out += typeof part === 'number' ? `[${part}]` : out ? `.${String(part)}` : String(part);
  return out;
}

/** Validates a parsed JSON document; `source` (a file name) prefixes the error message. */
export function parseDialPlan(json: unknown, source = 'dial plan'): DialPlan {
  const result = dialPlanSchema.safeParse(json);
  if (result.success) return result.data;
  const issues = result.error.issues.flatMap((issue): DialPlanIssue[] => {
    if (issue.code === 'unrecognized_keys') return issue.keys.map((key) => ({ path: formatPath([...issue.path, key]), message: 'unknown field' }));
    // A bad record key (feature code): the key's own message says what was expected.
    const message = issue.code === 'invalid_key' ? (issue.issues[0]?.message ?? issue.message) : issue.message;
    return [{ path: formatPath(issue.path), message }];
  });
  const listed = issues.map((i) => `${i.path || '(root)'}: ${i.message}`).join('; ');
  throw new DialPlanError('invalidDialPlan', `${source}: ${listed}`, issues);
}

export function loadDialPlan(path: string): DialPlan {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    throw new DialPlanError('unreadable', `${path}: cannot read the dial plan (${(error as Error).message})`);
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new DialPlanError('badJson', `${path}: not JSON (${(error as Error).message})`);
  }
  return parseDialPlan(json, path);
}

/** The built-in demo site (simulators/switch/dialplans/demo.json). */
export function demoDialPlan(): DialPlan {
  return parseDialPlan(structuredClone(demoPlan), 'dialplans/demo.json');
}
