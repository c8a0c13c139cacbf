/**
 * The JSON scenario format for driving the simulated switch as a bench: scripted callers coming in
 * on trunks (with repeat counts for load) and phones that answer, hang up and transfer by themselves.
 * One zod schema gives the type, the defaults and the error messages.
 */
import { readFileSync, statSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { z } from 'zod';

const ms = (what: string) => z.number({ error: `expected ${what} in milliseconds` }).int().min(0);
const phoneNumber = z.string().regex(/^\+?[0-9]{1,32}$/, { error: 'expected a phone number: digits with an optional leading +' });
const deviceId = z.string().min(1, { error: 'expected a device number' });
const filePath = (what: string) => z.string({ error: `expected ${what}` }).min(1, { error: `expected ${what}` }).max(4096, { error: 'expected a path of at most 4096 characters' });

const ACTION_KEYS = ['wait', 'waitForAnswer', 'digits', 'hangUp'] as const;

/** One step of a caller's script; each step has exactly one of the keys. */
export const callerActionSchema = z
  .strictObject({
    /** Pause this long. */
    wait: ms('a pause').optional(),
    /** Wait until someone answers; if nobody has within this time, hang up (an abandoned call) and stop. */
    waitForAnswer: ms('the longest wait for an answer').optional(),
    /** DTMF to whatever answered (an IVR port, an agent). */
    digits: z.string().regex(/^[0-9*#A-D]+$/, { error: 'expected DTMF digits: 0-9 * # A-D' }).optional(),
    hangUp: z.literal(true, { error: 'expected true' }).optional(),
  })
  .refine((action) => ACTION_KEYS.filter((key) => action[key] !== undefined).length === 1, {
    error: `expected exactly one of ${ACTION_KEYS.join(', ')}`,
  });

export const callerSchema = z.strictObject({
  name: z.string().optional(),
  /** When the first call of this caller is placed, from the start of the run. */
  at: ms('a start time').default(0),
  /** Caller ID presented on the trunk. */
  from: phoneNumber,
  /** The dialled number: a DID of the dial plan. */
  to: phoneNumber,
  trunk: deviceId.optional(),
  /** How many calls this caller places (for load). */
  count: z.number().int().min(1, { error: 'expected at least 1 call' }).default(1),
  /** Time between two calls of this caller. */
  intervalMs: ms('the time between calls').default(1000),
  /** Give each repeated call its own caller ID: from, from+1, from+2, ... */
  incrementFrom: z.boolean().default(false),
  /** The script, run from the moment the call is placed. Without hangUp the caller stays until the far end clears. */
  actions: z.array(callerActionSchema).default([]),
  /** WAV file of what the caller says (what a channel records); absent: a generated speech-like signal. Relative to the scenario file. */
  says: filePath('the path of a WAV file').optional(),
  /** TIFF file the caller's fax machine sends when the channel receives a fax. Relative to the scenario file. */
  faxToSend: filePath('the path of a TIFF file').optional(),
  /** Directory where the caller's fax machine stores a fax the channel sends (created if missing); absent: no fax machine. Relative to the scenario file. */
  faxInbox: filePath('the path of a directory').optional(),
});

export const phoneSchema = z
  .strictObject({
    device: deviceId,
    /** Answer an alerting call after this long; without it the phone lets calls ring. */
    answerAfterMs: ms('the ringing time').optional(),
    /** Hang up this long after a call is established at the phone. */
    hangUpAfterMs: ms('the talk time').optional(),
    /** Consultation transfer of each established call to this number. */
    transferTo: deviceId.optional(),
    transferAfterMs: ms('the time before transferring').optional(),
  })
  .refine((phone) => phone.transferAfterMs === undefined || phone.transferTo !== undefined, {
    error: 'transferAfterMs needs transferTo',
    path: ['transferAfterMs'],
  });

export const scenarioSchema = z.strictObject({
  $schema: z.string().optional(),
  name: z.string().optional(),
  description: z.string().optional(),
  callers: z.array(callerSchema).default([]),
  phones: z.array(phoneSchema).default([]),
});

export type Scenario = z.infer<typeof scenarioSchema>;
export type ScenarioInput = z.input<typeof scenarioSchema>;
export type CallerSpec = z.infer<typeof callerSchema>;
export type CallerAction = z.infer<typeof callerActionSchema>;
export type PhoneSpec = z.infer<typeof phoneSchema>;

export class ScenarioError extends Error {
  override readonly name = 'ScenarioError';
  constructor(
    readonly code: 'notFound' | 'badJson' | 'invalid',
    message: string,
    /** Every problem as `path: message` (empty for notFound and badJson). */
    readonly problems: string[] = [],
  ) {
    super(message);
  }
}

export interface ParseScenarioOptions {
  /** Directory that relative media paths (says, faxToSend, faxInbox) are resolved against; absent: left as written. */
  baseDir?: string;
}

/** Validates a scenario given as JSON text or a parsed value; errors name every wrong field by its path. */
export function parseScenario(json: unknown, sourceName = 'scenario', options: ParseScenarioOptions = {}): Scenario {
  let value = json;
  if (typeof json === 'string') {
    try {
      value = JSON.parse(json);
    } catch (cause) {
      throw new ScenarioError('badJson', `${sourceName}: not valid JSON: ${(cause as Error).message}`);
    }
  }
  const result = scenarioSchema.safeParse(value);
  if (result.success) return options.baseDir === undefined ? result.data : resolveMediaPaths(result.data, options.baseDir);
  const problems = result.error.issues.map((issue) => {
    const path = issue.path.map(String).join('.') || '(root)';
    return issue.code === 'unrecognized_keys' ? `${path}: unknown field(s) ${issue.keys.join(', ')}` : `${path}: ${issue.message}`;
  });
  throw new ScenarioError('invalid', `${sourceName}: ${problems.join('; ')}`, problems);
}

const MEDIA_FIELDS = ['says', 'faxToSend', 'faxInbox'] as const;

function resolveMediaPaths(scenario: Scenario, baseDir: string): Scenario {
  const callers = scenario.callers.map((caller) => {
    const resolved = { ...caller };
    for (const field of MEDIA_FIELDS) {
      const path = caller[field];
      if (path !== undefined) resolved[field] = resolve(baseDir, path);
    }
    return resolved;
  });
  return { ...scenario, callers };
}

/** Reads and validates a scenario file; media paths are resolved against its directory and the files they name must exist. */
export function loadScenario(path: string): Scenario {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (cause) {
    throw new ScenarioError('notFound', `cannot read scenario ${path}: ${(cause as Error).message}`);
  }
  const scenario = parseScenario(text, path, { baseDir: dirname(resolve(path)) });
  const problems = scenario.callers.flatMap((caller, index) =>
    (['says', 'faxToSend'] as const).flatMap((field) => {
      const file = caller[field];
      return file === undefined || isFile(file) ? [] : [`callers.${index}.${field}: no file at ${file}`];
    }),
  );
  if (problems.length > 0) throw new ScenarioError('invalid', `${path}: ${problems.join('; ')}`, problems);
  return scenario;
}

function isFile(path: string): boolean {
  try {
    return statSync(path).isFile();
  } catch {
    return false;
  }
}

/** The JSON Schema of the format, for editors (`"$schema"` in a scenario file). */
export function scenarioJsonSchema(): unknown {
  return z.toJSONSchema(scenarioSchema, { io: 'input' });
}
