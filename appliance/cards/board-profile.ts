/**
 * Voice/fax board profiles (firmware-config/cards/*.json): channel count, companding law, fax, TTS,
 * tap channels and the country's tone plan, whose busy cadence the board counts to detect that the
 * far end hung up (on lines that give no loop-current drop).
 */
import { readFileSync, readdirSync } from 'node:fs';
import { basename, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';
import { type BoardInfo, lawSchema } from './protocol.js';
import { parseJsonDocument } from '../json-document.js';

/** firmware-config/cards in the source tree, found relative to this file. */
export const DEFAULT_BOARD_PROFILE_DIR = fileURLToPath(new URL('../../firmware-config/cards/', import.meta.url));
/** How a profile in the default directory is named in messages. */
const DEFAULT_DIR_LABEL = 'firmware-config/cards';

const PROFILE_NAME = /^[a-z0-9][a-z0-9-]*$/;

export const toneSchema = z.strictObject({
  frequencies: z.array(z.number().int().min(100).max(4000)).min(1).max(4).describe('Hz; two for a dual tone (e.g. 480+620)'),
  cadenceMs: z
    .array(z.number().int().min(10).max(10_000))
    .max(16)
    .refine((cadence) => cadence.length % 2 === 0, {
      error: (issue) => `expected on/off pairs (an even number of durations), got ${(issue.input as number[]).length}`,
    })
    .describe('on/off durations in ms, repeated; [] for a continuous tone'),
});
export type Tone = z.infer<typeof toneSchema>;

export const disconnectRuleSchema = z.strictObject({
  method: z.enum(['loopDrop', 'tone', 'both']).describe('what tells the board the far end hung up'),
  toneCycles: z.number().int().min(1).max(20).describe('busy cadence cycles heard before the board reports hangup cause disconnectTone'),
});
export type DisconnectRule = z.infer<typeof disconnectRuleSchema>;

export const tonePlanSchema = z
  .strictObject({
    dialTone: toneSchema,
    busyTone: toneSchema,
    ringbackTone: toneSchema,
    disconnect: disconnectRuleSchema,
  })
  .superRefine((plan, ctx) => {
    if (plan.disconnect.method !== 'loopDrop' && plan.busyTone.cadenceMs.length === 0) {
      ctx.addIssue({
        code: 'custom',
        path: ['disconnect', 'method'],
        message: `"${plan.disconnect.method}" counts busy tone cycles, but busyTone.cadenceMs is continuous ([])`,
      });
    }
  });
export type TonePlan = z.infer<typeof tonePlanSchema>;

export const boardProfileSchema = z
  .strictObject({
    model: z.string().min(1).max(100),
    vendor: z.string().min(1).max(100),
    description: z.string().max(1000).default(''),
    channels: z.number().int().min(1).max(1024),
    law: lawSchema.describe('companding law of the channels: alaw (Europe, China) or mulaw (North America, Japan)'),
    fax: z.boolean().describe('the channels can send and receive T.30 fax'),
    tts: z.boolean().default(false).describe('the board renders play { text } itself'),
    tapChannels: z.array(z.number().int().min(0).max(1023)).default([]).describe('channels wired as taps on agent lines for recording'),
    country: z.string().regex(/^[A-Z]{2}$/, { error: 'expected an ISO 3166 country code such as CN or US' }),
    tonePlan: tonePlanSchema,
  })
  .superRefine((profile, ctx) => {
    const seen = new Set<number>();
    profile.tapChannels.forEach((channel, index) => {
      if (channel >= profile.channels) {
        ctx.addIssue({ code: 'custom', path: ['tapChannels', index], message: `channel ${channel} does not exist on a board of ${profile.channels} channels (0-${profile.channels - 1})` });
      } else if (seen.has(channel)) {
        ctx.addIssue({ code: 'custom', path: ['tapChannels', index], message: `channel ${channel} is listed twice` });
      }
      seen.add(channel);
    });
  });
export type BoardProfile = z.infer<typeof boardProfileSchema>;
export type BoardProfileInput = z.input<typeof boardProfileSchema>;

export class BoardProfileError extends Error {
  override readonly name = 'BoardProfileError';
  constructor(
    readonly code: 'notFound' | 'badName' | 'badJson' | 'invalid',
    message: string,
    /** The file (or other source) the profile came from, as named in the message. */
    readonly source: string,
  ) {
    super(message);
  }
}

/** What a board with this profile announces in its hello. */
export function boardInfoOf(profile: BoardProfile): BoardInfo {
  return { model: profile.model, channels: profile.channels, law: profile.law, fax: profile.fax, tts: profile.tts, tapChannels: [...profile.tapChannels] };
}

/** Validates a profile given as JSON text or an already parsed value; errors list every wrong field as `path: message`. */
export function parseBoardProfile(json: unknown, sourceName: string): BoardProfile {
  return parseJsonDocument(json, boardProfileSchema, sourceName, (code, message) => new BoardProfileError(code, message, sourceName));
}

/**
 * Loads a board profile: a bare name (`ccbox-sim-4`) from `dir` (firmware-config/cards by default),
 * anything with a slash or ending in .json as a file path.
 */
export function loadBoardProfile(nameOrPath: string, dir: string = DEFAULT_BOARD_PROFILE_DIR): BoardProfile {
  const isPath = nameOrPath.includes('/') || nameOrPath.includes('\\') || nameOrPath.endsWith('.json');
  if (!isPath && !PROFILE_NAME.test(nameOrPath)) {
    throw new BoardProfileError('badName', `bad board profile name ${JSON.stringify(nameOrPath)}: expected lower-case letters, digits and dashes, or a path to a .json file`, nameOrPath);
  }
  const file = isPath ? nameOrPath : join(dir, `${nameOrPath}.json`);
  const label = isPath ? nameOrPath : `${dir === DEFAULT_BOARD_PROFILE_DIR ? DEFAULT_DIR_LABEL : dir.replace(/[/\\]+$/, '')}/${nameOrPath}.json`;
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (cause) {
    if (!isPath && (cause as NodeJS.ErrnoException).code === 'ENOENT') {
      const known = listBoardProfiles(dir);
      throw new BoardProfileError('notFound', `unknown board profile "${nameOrPath}" (known: ${known.join(', ') || 'none'})`, label);
    }
    throw new BoardProfileError('notFound', `cannot read ${label}: ${(cause as Error).message}`, label);
  }
  return parseBoardProfile(text, label);
}

/** Names of the profiles in `dir` (file names without .json), sorted. An absent directory has none. */
export function listBoardProfiles(dir: string = DEFAULT_BOARD_PROFILE_DIR): string[] {
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
