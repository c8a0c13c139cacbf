/**
 * An IVR flow: one JSON document, one zod schema. Nodes are keyed by id; every field that names
 * another node is checked by validate.ts. Durations are milliseconds.
 */
import { z } from 'zod';

const nodeId = z.string().regex(/^[A-Za-z0-9_.-]{1,64}$/, { error: 'expected a node id: letters, digits, _ . - (at most 64)' });
const promptRef = z.string().min(1, { error: 'expected a prompt name or a .wav path' });
const prompts = z.array(promptRef).min(1, { error: 'expected at least one prompt' });
const ms = (fallback: number) => z.number({ error: 'expected milliseconds' }).int().min(0).max(600_000).default(fallback);
const key = z.string().regex(/^[0-9*#]{1,8}$/, { error: 'expected DTMF keys: 0-9 * #' });
const language = z.enum(['zh', 'en'], { error: 'expected a language: zh or en' });
const hhmm = z.string().regex(/^(?:[01][0-9]|2[0-3]):[0-5][0-9]$|^24:00$/, { error: 'expected HH:MM' });
const variableName = z.string().regex(/^[A-Za-z_][A-Za-z0-9_.]{0,63}$/, { error: 'expected a variable name' });

const common = { label: z.string().max(100).optional() };

const play = z.strictObject({ ...common, type: z.literal('play'), prompts, bargeIn: z.boolean().default(false), next: nodeId });
const say = z.strictObject({ ...common, type: z.literal('say'), text: z.string().min(1).max(2000), bargeIn: z.boolean().default(false), next: nodeId });
const menu = z.strictObject({
  ...common,
  type: z.literal('menu'),
  greeting: prompts,
  /** Played instead of the greeting when the menu repeats. */
  shortGreeting: prompts.optional(),
  invalidPrompt: prompts.optional(),
  timeoutPrompt: prompts.optional(),
  maxFailures: z.number().int().min(1).max(10).default(3),
  maxTimeouts: z.number().int().min(1).max(10).default(3),
  digits: z.number().int().min(1).max(16).default(1),
  timeoutMs: ms(5000),
  interDigitMs: ms(3000),
  entries: z.record(key, nodeId).refine((entries) => Object.keys(entries).length > 0, { error: 'expected at least one entry' }),
  onFailure: nodeId,
});
const collect = z.strictObject({
  ...common,
  type: z.literal('collect'),
  prompt: prompts,
  variable: variableName,
  minDigits: z.number().int().min(1).max(32).default(1),
  maxDigits: z.number().int().min(1).max(32).default(16),
  terminator: z.string().regex(/^[*#]?$/).default('#'),
  timeoutMs: ms(6000),
  interDigitMs: ms(4000),
  confirm: z.strictObject({ prompt: prompts, confirmKey: key.default('1'), retryKey: key.default('2'), readBack: prompts.optional() }).optional(),
  maxAttempts: z.number().int().min(1).max(10).default(3),
  invalidPrompt: prompts.optional(),
  next: nodeId,
  onFailure: nodeId,
});

const test = z.union([
  z.strictObject({ open: z.string().min(1) }),
  z.strictObject({ blacklisted: z.literal(true) }),
  z.strictObject({ vip: z.literal(true) }),
  z.strictObject({ found: z.literal(true) }),
  z.strictObject({ customerLevel: z.string().min(1) }),
  z.strictObject({ language }),
  z.strictObject({ variable: variableName, equals: z.string() }),
  z.strictObject({ variable: variableName, in: z.array(z.string()).min(1) }),
  z.strictObject({ variable: variableName, matches: z.string().min(1) }),
  z.strictObject({ variable: variableName, lessThan: z.number() }),
  z.strictObject({ variable: variableName, greaterThan: z.number() }),
]);
export type ConditionTest = z.infer<typeof test>;

const condition = z.strictObject({ ...common, type: z.literal('condition'), when: z.array(z.strictObject({ test, goto: nodeId })).min(1), else: nodeId });
const lookup = z.strictObject({
  ...common,
  type: z.literal('lookup'),
  by: z.enum(['callerId', 'variable']),
  variable: variableName.optional(),
  found: nodeId,
  notFound: nodeId,
});
const setLanguage = z.strictObject({
  ...common,
  type: z.literal('setLanguage'),
  language: language.optional(),
  /** Switch to the other language (the usual "press 9 for English" entry). */
  toggle: z.boolean().optional(),
  prompt: prompts.optional(),
  next: nodeId,
});
const sayVariable = z.strictObject({
  ...common,
  type: z.literal('sayVariable'),
  variable: variableName.optional(),
  value: z.union([z.string(), z.number()]).optional(),
  kind: z.enum(['number', 'digits', 'amount', 'date', 'time']),
  before: prompts.optional(),
  next: nodeId,
});
const queue = z.strictObject({ ...common, type: z.literal('queue'), queue: z.string().min(1), priority: z.number().int().min(0).max(100).optional(), prompt: prompts.optional(), next: nodeId, noAcd: nodeId });
const transfer = z.strictObject({ ...common, type: z.literal('transfer'), target: z.string().regex(/^(?:[0-9*#+]{1,32}|\$\{[A-Za-z_][A-Za-z0-9_.]*\})$/, { error: 'expected a number or ${variable}' }), prompt: prompts.optional(), onFailure: nodeId });
const voicemail = z.strictObject({
  ...common,
  type: z.literal('voicemail'),
  mailbox: z.string().regex(/^[A-Za-z0-9_-]{1,64}$/, { error: 'expected a mailbox name: letters, digits, _ -' }),
  greeting: prompts,
  savedPrompt: prompts.optional(),
  maxMs: ms(120_000),
  silenceMs: ms(5000),
  beep: z.boolean().default(true),
  next: nodeId,
});
const faxOnDemand = z.strictObject({
  ...common,
  type: z.literal('faxOnDemand'),
  document: z.string().min(1).optional(),
  /** Document chosen by a variable's value (e.g. the key pressed in a menu). */
  documents: z.record(z.string(), z.string().min(1)).optional(),
  variable: variableName.optional(),
  prompt: prompts.optional(),
  next: nodeId,
  onFailure: nodeId,
});
const receiveFax = z.strictObject({ ...common, type: z.literal('receiveFax'), mailbox: z.string().regex(/^[A-Za-z0-9_-]{1,64}$/), prompt: prompts.optional(), next: nodeId, onFailure: nodeId });
const survey = z.strictObject({
  ...common,
  type: z.literal('survey'),
  question: z.string().min(1).max(64),
  prompt: prompts,
  thanksPrompt: prompts.optional(),
  invalidPrompt: prompts.optional(),
  maxAttempts: z.number().int().min(1).max(5).default(2),
  timeoutMs: ms(6000),
  next: nodeId,
});
const bulletinItem = z.strictObject({
  prompts,
  from: z.iso.datetime({ offset: true, local: true }).optional(),
  until: z.iso.datetime({ offset: true, local: true }).optional(),
  weekdays: z.array(z.number().int().min(1).max(7)).optional(),
  hours: z.array(z.tuple([hhmm, hhmm])).optional(),
});
const bulletin = z.strictObject({ ...common, type: z.literal('bulletin'), intro: prompts.optional(), items: z.array(bulletinItem).min(1), bargeIn: z.boolean().default(true), next: nodeId });
/** What the caller hears for each result; the defaults are in the shipped prompt set. */
const agentDeskPrompts = z
  .strictObject({
    enterAgentId: prompts.default(['agent-enter-id']),
    enterPin: prompts.default(['agent-enter-pin']),
    invalid: prompts.default(['invalid-entry']),
    /** Every try at the agent ID or the PIN timed out or came too short. */
    noEntry: prompts.default(['too-many-failures']),
    loggedIn: prompts.default(['agent-logged-in']),
    loggedOut: prompts.default(['agent-logged-out']),
    ready: prompts.default(['agent-ready']),
    notReady: prompts.default(['agent-not-ready']),
    unknownAgent: prompts.default(['agent-unknown']),
    badPin: prompts.default(['agent-wrong-pin']),
    noPin: prompts.default(['agent-no-pin']),
    notAnExtension: prompts.default(['agent-not-extension']),
    deviceInUse: prompts.default(['agent-extension-in-use']),
    loggedInElsewhere: prompts.default(['agent-logged-in-elsewhere']),
    notLoggedIn: prompts.default(['agent-not-logged-in']),
    onCall: prompts.default(['agent-on-call']),
    unknownReason: prompts.default(['agent-desk-unavailable']),
    unavailable: prompts.default(['agent-desk-unavailable']),
  })
  .prefault({});
/** An agent at a phone: login (agent ID and PIN, each ended by #) at the calling extension, logout, ready / not ready there. */
const agentDesk = z.strictObject({
  ...common,
  type: z.literal('agentDesk'),
  action: z.enum(['login', 'logout', 'ready', 'notReady', 'toggleReady']),
  /** Not-ready reason code (acd.notReadyReasons) of notReady and toggleReady. */
  reason: z.string().regex(/^[^/+#\s]{1,64}$/, { error: 'expected a not-ready reason code' }).optional(),
  /** login: ready at once, else not ready (reason "login"). */
  ready: z.boolean().default(true),
  agentIdMaxDigits: z.number().int().min(1).max(12).default(8),
  pinMaxDigits: z.number().int().min(4).max(12).default(12),
  timeoutMs: ms(6000),
  interDigitMs: ms(4000),
  /** Tries at each entry (agent ID, PIN) that timed out or came too short. */
  maxAttempts: z.number().int().min(1).max(5).default(3),
  prompts: agentDeskPrompts,
  next: nodeId,
  onFailure: nodeId,
});
const gotoNode = z.strictObject({ ...common, type: z.literal('goto'), node: nodeId });
const subflow = z.strictObject({ ...common, type: z.literal('subflow'), flow: z.string().min(1), next: nodeId });
const returnNode = z.strictObject({ ...common, type: z.literal('return') });
const hangup = z.strictObject({ ...common, type: z.literal('hangup'), prompt: prompts.optional() });

export const nodeSchema = z.discriminatedUnion('type', [
  play, say, menu, collect, condition, lookup, setLanguage, sayVariable, queue, transfer, voicemail,
  faxOnDemand, receiveFax, survey, bulletin, agentDesk, gotoNode, subflow, returnNode, hangup,
]);
export type FlowNode = z.infer<typeof nodeSchema>;
export type NodeType = FlowNode['type'];
export type NodeOf<T extends NodeType> = Extract<FlowNode, { type: T }>;

export const flowSchema = z.strictObject({
  $schema: z.string().optional(),
  id: z.string().regex(/^[A-Za-z0-9_-]{1,64}$/, { error: 'expected a flow id: letters, digits, _ -' }),
  name: z.string().max(200).optional(),
  description: z.string().max(2000).optional(),
  language: language.optional(),
  /** The bulletin hours and calendars are read in this time zone (default: the IVR's). */
  start: nodeId,
  nodes: z.record(nodeId, nodeSchema),
});
export type FlowDocument = z.infer<typeof flowSchema>;

/** Fields of each node type that name another node (checked by the validator, followed by the engine). */
export const NODE_LINKS: { [T in NodeType]: readonly string[] } = {
  play: ['next'], say: ['next'], menu: ['onFailure'], collect: ['next', 'onFailure'], condition: ['else'],
  lookup: ['found', 'notFound'], setLanguage: ['next'], sayVariable: ['next'], queue: ['next', 'noAcd'],
  transfer: ['onFailure'], voicemail: ['next'], faxOnDemand: ['next', 'onFailure'], receiveFax: ['next', 'onFailure'],
  survey: ['next'], bulletin: ['next'], agentDesk: ['next', 'onFailure'], goto: ['node'], subflow: ['next'], return: [], hangup: [],
};

export function flowJsonSchema(): Record<string, unknown> {
  return { ...z.toJSONSchema(flowSchema, { io: 'input' }), title: 'ccbox IVR flow' };
}
