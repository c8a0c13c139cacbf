/**
 * Commands over MQTT: agents on `agent/<id>/cmd`, supervisors on `supervisor/<user>/cmd`,
 * installers on `installer/<user>/cmd`. Each carries a correlation `id`; the reply on the sender's
 * `reply` topic echoes it with ok/result or ok:false/error (code, message, field).
 * These schemas are the one definition of the commands' shapes; docs/mqtt-api.md lists them.
 */
import { z } from 'zod';
import { topicSegmentSchema } from './topics.js';

const number = z.string().regex(/^[0-9*#+]{1,32}$/, { error: 'expected a phone number (digits, *, #, leading +)' });
const device = z.string().regex(/^[0-9A-Za-z*#+._-]{1,32}$/, { error: 'expected an extension number' });
const name = z.string().min(1).max(64);
const correlation = { id: z.string().min(1).max(128) };
const revisitList = topicSegmentSchema.pipe(z.string().max(64)).describe('a revisit list name (one topic level)');

export const agentCommandSchema = z.discriminatedUnion('cmd', [
  z.strictObject({ ...correlation, cmd: z.literal('login'), device, pin: z.string().regex(/^[0-9]{4,12}$/).optional(), ready: z.boolean().default(false) }),
  z.strictObject({ ...correlation, cmd: z.literal('logout') }),
  z.strictObject({ ...correlation, cmd: z.literal('ready') }),
  z.strictObject({ ...correlation, cmd: z.literal('notReady'), reason: name }),
  z.strictObject({ ...correlation, cmd: z.literal('answer') }),
  z.strictObject({ ...correlation, cmd: z.literal('hangup') }),
  z.strictObject({ ...correlation, cmd: z.literal('hold') }),
  z.strictObject({ ...correlation, cmd: z.literal('retrieve') }),
  z.strictObject({ ...correlation, cmd: z.literal('transfer'), target: number.describe('blind transfer: the call goes there at once') }),
  z.strictObject({ ...correlation, cmd: z.literal('consult'), target: number.describe('the caller is held while the agent calls the target') }),
  z.strictObject({ ...correlation, cmd: z.literal('completeTransfer') }),
  z.strictObject({ ...correlation, cmd: z.literal('conference') }),
  z.strictObject({ ...correlation, cmd: z.literal('cancelConsult') }),
  z.strictObject({ ...correlation, cmd: z.literal('makeCall'), number }),
  z.strictObject({ ...correlation, cmd: z.literal('wrapUpDone') }),
  z.strictObject({ ...correlation, cmd: z.literal('callbacks') }),
  z.strictObject({ ...correlation, cmd: z.literal('sendToIvr'), flow: name.describe('an IVR flow whose queue node brings the caller back to this agent'), node: name.optional().describe('where in the flow to start') }),
  z.strictObject({ ...correlation, cmd: z.literal('revisitNext'), list: name.optional().describe('a revisit list (default: any)') }),
  z.strictObject({ ...correlation, cmd: z.literal('revisitCall'), taskId: z.number().int().min(1) }),
  z.strictObject({
    ...correlation,
    cmd: z.literal('revisitResult'),
    taskId: z.number().int().min(1),
    outcome: z.enum(['reached', 'noAnswer', 'busy', 'wrongNumber', 'callLater', 'refused']),
    note: z.string().max(2000).optional(),
    retryAt: z.number().int().min(0).optional().describe('callLater: when to call again (epoch ms)'),
  }),
]);
export type AgentCommand = z.infer<typeof agentCommandSchema>;

export const supervisorCommandSchema = z.discriminatedUnion('cmd', [
  z.strictObject({ ...correlation, cmd: z.literal('monitor'), agentId: name, device: device.describe("the supervisor's own extension"), mode: z.enum(['silent', 'whisper', 'barge']) }),
  z.strictObject({ ...correlation, cmd: z.literal('forceRelease'), agentId: name }),
  z.strictObject({ ...correlation, cmd: z.literal('forceNotReady'), agentId: name, reason: name.default('supervisor') }),
  z.strictObject({ ...correlation, cmd: z.literal('forceReady'), agentId: name }),
  z.strictObject({ ...correlation, cmd: z.literal('forceLogout'), agentId: name }),
  z.strictObject({ ...correlation, cmd: z.literal('takeOver'), agentId: name, device: device.describe("the supervisor's own extension") }),
  z.strictObject({ ...correlation, cmd: z.literal('bulletin'), text: z.string().min(1).max(2000), agents: z.array(name).min(1).optional().describe('only these agents (default: all)') }),
  z.strictObject({ ...correlation, cmd: z.literal('snapshot') }),
  z.strictObject({
    ...correlation,
    cmd: z.literal('revisitImport'),
    list: revisitList,
    csv: z.string().min(1).max(4_000_000).describe('CSV text: number,name,customer_id,note,priority,due (a header line first)'),
    priority: z.number().int().min(0).max(100).optional().describe('for rows without a priority'),
    dueAt: z.number().int().min(0).optional().describe('for rows without a due time (epoch ms)'),
  }),
  z.strictObject({ ...correlation, cmd: z.literal('revisitSummary'), list: revisitList }),
  z.strictObject({ ...correlation, cmd: z.literal('revisitCancel'), taskId: z.number().int().min(1) }),
]);
export type SupervisorCommand = z.infer<typeof supervisorCommandSchema>;

export const installerCommandSchema = z.discriminatedUnion('cmd', [
  z.strictObject({ ...correlation, cmd: z.literal('getConfig') }),
  z.strictObject({ ...correlation, cmd: z.literal('setConfig'), path: z.string().min(1), value: z.unknown() }),
]);
export type InstallerCommand = z.infer<typeof installerCommandSchema>;

export interface CommandError {
  code: string;
  message: string;
  /** The payload field that was wrong, as a dotted path. */
  field?: string;
  /** Rows of an imported file that were refused, by line. */
  rows?: { line: number; message: string }[];
}

export type Reply = { id: string | null; ok: true; result?: unknown } | { id: string | null; ok: false; error: CommandError };

/** Parses a command payload; a bad one gives the error that names the field. */
export function parseCommand<S extends z.ZodType>(schema: S, payload: Buffer | string): { ok: true; command: z.infer<S> } | { ok: false; id: string | null; error: CommandError } {
  let json: unknown;
  try {
    json = JSON.parse(payload.toString());
  } catch (error) {
    return { ok: false, id: null, error: { code: 'badJson', message: `the payload is not JSON: ${(error as Error).message}` } };
  }
  const id = typeof json === 'object' && json !== null && typeof (json as { id?: unknown }).id === 'string' ? ((json as { id: string }).id) : null;
  const parsed = schema.safeParse(json);
  if (parsed.success) return { ok: true, command: parsed.data };
  const issue = parsed.error.issues[0];
  const field = issue?.path.map(String).join('.') ?? '';
  return { ok: false, id, error: { code: 'badPayload', message: `${field || 'payload'}: ${issue?.message ?? 'invalid'}`, ...(field ? { field } : {}) } };
}
