/** PBX profiles: the CSTA dialect, framing, session style, port and timers of one kind of switch (firmware-config/pbx/*.json). */
import { readFileSync, readdirSync } from 'node:fs';
import { basename, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';
import { serviceShapes } from './catalogue/services.js';
import { systemShapes } from './catalogue/session.js';
import { parseJsonDocument } from '../json-document.js';

/** firmware-config/pbx in the source tree, found relative to this file. */
export const DEFAULT_PBX_PROFILE_DIR = fileURLToPath(new URL('../../firmware-config/pbx/', import.meta.url));

const PROFILE_NAME = /^[a-z0-9][a-z0-9-]*$/;

const KNOWN_SERVICES: ReadonlySet<string> = new Set(
  [...Object.keys(serviceShapes), ...Object.keys(systemShapes)].filter((name) => !name.endsWith('Response')),
);

const positiveInt = () => z.number().int().positive();

/** The two ways a card port hands a waiting caller to an agent, and the CSTA services each needs. */
export const QUEUE_HANDOFFS = ['singleStep', 'consultation'] as const;
export type QueueHandoffMode = (typeof QUEUE_HANDOFFS)[number];
const QUEUE_HANDOFF_SERVICES: Record<QueueHandoffMode, readonly string[]> = {
  singleStep: ['SnapshotDevice', 'SingleStepTransferCall', 'DeflectCall'],
  consultation: ['SnapshotDevice', 'ConsultationCall', 'TransferCall', 'ReconnectCall'],
};

/** Why a switch that rejects `unsupportedServices` cannot hand callers over this way; undefined when it can. */
export function queueHandoffProblem(handoff: QueueHandoffMode, unsupportedServices: readonly string[]): string | undefined {
  const missing = QUEUE_HANDOFF_SERVICES[handoff].filter((service) => unsupportedServices.includes(service));
  if (missing.length === 0) return undefined;
  const other = handoff === 'singleStep' ? 'consultation' : 'singleStep';
  return `${handoff} needs ${missing.join(' and ')}, which the PBX profile's unsupportedServices lists; choose ${other}`;
}

export const pbxProfileSchema = z
  .strictObject({
    name: z.string().regex(PROFILE_NAME, { error: 'expected lower-case letters, digits and dashes' }),
    description: z.string(),
    vendor: z.string().min(1),
    edition: z.enum(['ed3', 'ed4', 'ed5']).default('ed4').describe('CSTA edition whose namespace requests are encoded with'),
    framing: z
      .enum(['tcp-header', 'nul-terminated'])
      .default('tcp-header')
      .describe('tcp-header: ECMA-323 Annex J.2 8-byte header; nul-terminated: bare XML ended by a NUL byte'),
    sessionStyle: z
      .enum(['ecma354', 'system-register', 'none'])
      .describe('ecma354: StartApplicationSession; system-register: switch sends SystemStatus, client answers then SystemRegister'),
    loginStyle: z
      .enum(['none', 'plain', 'avaya'])
      .describe('how user and password go into applicationSpecificInfo: not at all, plain elements, or Avaya SessionLoginInfo'),
    whisperStyle: z
      .enum(['none', 'privateParticipation'], {
        error: (issue) => `expected "none" or "privateParticipation", got ${JSON.stringify(issue.input)}`,
      })
      .default('none')
      .describe(
        'how a supervisor whispers (coaches: the agent hears them, the customer does not), which ECMA-269 lacks: none (refused), or privateParticipation: SingleStepConferenceCall participationType silent marked whisper in private data (appliance/csta/private-participation.ts)',
      ),
    port: z.number().int().min(1).max(65535),
    sessionDurationSeconds: positiveInt().default(180),
    heartbeatIntervalSeconds: positiveInt().default(30),
    heartbeatMissedLimit: positiveInt().default(2),
    responseTimeoutMs: positiveInt().default(5000),
    reconnect: z
      .strictObject({ initialDelayMs: positiveInt().default(1000), maxDelayMs: positiveInt().default(30000) })
      .refine((r) => r.initialDelayMs <= r.maxDelayMs, {
        error: 'initialDelayMs must not exceed maxDelayMs',
        path: ['initialDelayMs'],
      })
      .prefault({}),
    unsupportedServices: z
      .array(
        z.string().refine((name) => KNOWN_SERVICES.has(name), {
          error: (issue) => `unknown CSTA service ${JSON.stringify(issue.input)}`,
        }),
      )
      .default([])
      .describe('services this switch rejects; the link refuses them locally instead of asking'),
    queueHandoff: z
      .enum(QUEUE_HANDOFFS)
      .default('consultation')
      .describe(
        'how a caller waiting on a card channel (queue waitAt card) moves to the offered agent: singleStep (SingleStepTransferCall to the agent, the channel is free at once; DeflectCall brings an unanswered caller back to a card port) or consultation (ConsultationCall, TransferCall when the agent answers, ReconnectCall when not); a queue may override it (acd.queues[].cardHandoff)',
      ),
  })
  .superRefine((profile, ctx) => {
    const problem = queueHandoffProblem(profile.queueHandoff, profile.unsupportedServices);
    if (problem) ctx.addIssue({ code: 'custom', path: ['queueHandoff'], message: problem });
  });

export type PbxProfile = z.infer<typeof pbxProfileSchema>;

export class ProfileError extends Error {
  override readonly name = 'ProfileError';
  constructor(
    readonly code: 'notFound' | 'badName' | 'badJson' | 'invalid',
    message: string,
    /** The file (or other source) the profile came from. */
    readonly source: string,
  ) {
    super(message);
  }
}

/**
 * Validates a profile given as JSON text or as an already parsed value. `sourceName` names it in
 * errors, which list every wrong field as `path: message`.
 */
export function parsePbxProfile(json: unknown, sourceName: string): PbxProfile {
  return parseJsonDocument(json, pbxProfileSchema, sourceName, (code, message) => new ProfileError(code, message, sourceName));
}

/** Loads `<dir>/<name>.json`; the file's `name` must match its file name. */
export function loadPbxProfile(name: string, dir: string = DEFAULT_PBX_PROFILE_DIR): PbxProfile {
  if (!PROFILE_NAME.test(name)) {
    throw new ProfileError('badName', `bad PBX profile name ${JSON.stringify(name)}: expected lower-case letters, digits and dashes`, name);
  }
  const file = join(dir, `${name}.json`);
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (cause) {
    if ((cause as NodeJS.ErrnoException).code === 'ENOENT') {
      const known = listPbxProfiles(dir);
      throw new ProfileError('notFound', `unknown PBX profile "${name}" (known: ${known.join(', ') || 'none'})`, file);
    }
    throw new ProfileError('notFound', `cannot read ${file}: ${(cause as Error).message}`, file);
  }
  const profile = parsePbxProfile(text, file);
  if (profile.name !== name) {
    throw new ProfileError('invalid', `${file}: name: "${profile.name}" does not match the file name "${name}"`, file);
  }
  return profile;
}

/** Names of the profiles in `dir` (file names without .json), sorted. An absent directory has none. */
export function listPbxProfiles(dir: string = DEFAULT_PBX_PROFILE_DIR): string[] {
  let entries: string[];
  try {
    entries = readdirSync(dir);
  } catch (cause) {
    if ((cause as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw cause;
  }
  return entries
    .filter((entry) => entry.endsWith('.json'))
    .map((entry) => basename(entry, '.json'))
    .filter((name) => PROFILE_NAME.test(name))
    .sort();
}
