/**
 * The card link, protocol version 1: the messages between ccbox (the host) and a voice/fax board's
 * driver host (or the card simulator). One zod schema per message is the single source of the
 * TypeScript types and of the decoder's checks. docs/card-protocol.md describes it for people.
 *
 * host → board: hello, cmd, ping.   board → host: hello, ack, nak, event, pong, error.
 * Either side answers a frame it cannot use with an `error` frame and carries on.
 */
import { z } from 'zod';

export const CARD_PROTOCOL_VERSION = 1;

const channelIndex = z.number().int().min(0).max(1023);
const commandId = z.number().int().min(1).max(2 ** 31 - 1);
const ms = z.number().int().min(0).max(24 * 3600 * 1000);
const dtmfDigit = z.string().regex(/^[0-9*#A-D]$/, { error: 'expected one DTMF digit: 0-9 * # A-D' });
const dtmfDigits = z.string().regex(/^[0-9*#A-D,]*$/, { error: 'expected DTMF digits: 0-9 * # A-D, and "," for a pause' });
const filePath = z.string().min(1).max(4096);

export const lawSchema = z.enum(['alaw', 'mulaw']);
export type Law = z.infer<typeof lawSchema>;

export const channelStateSchema = z.enum(['idle', 'ringing', 'offhook', 'outOfService']);
export type ChannelState = z.infer<typeof channelStateSchema>;

export const boardInfoSchema = z.strictObject({
  model: z.string().min(1),
  channels: z.number().int().min(1).max(1024),
  law: lawSchema,
  fax: z.boolean(),
  /** The board renders `play { text }` itself. */
  tts: z.boolean(),
  /** Channels that tap (listen on) agent lines for recording instead of answering calls. */
  tapChannels: z.array(channelIndex),
});
export type BoardInfo = z.infer<typeof boardInfoSchema>;

export const channelStatusSchema = z.strictObject({
  ch: channelIndex,
  state: channelStateSchema,
  callerId: z.string().optional(),
  dnis: z.string().optional(),
  /** The operation running on the channel, if any, so a reconnecting host knows what is still busy. */
  busyWith: z.string().optional(),
});
export type ChannelStatus = z.infer<typeof channelStatusSchema>;

// ---- commands: host → board, each answered by ack or nak; long operations end with an event carrying `cmd`

const playArgs = z
  .strictObject({
    files: z.array(filePath).min(1).max(64).optional(),
    text: z.string().min(1).max(4000).optional(),
    voice: z.string().min(1).max(64).optional(),
    /** The first DTMF digit stops the play; the digit stays in the channel's digit buffer. */
    bargeIn: z.boolean().default(false),
  })
  .refine((a) => (a.files === undefined) !== (a.text === undefined), { error: 'expected exactly one of files, text' });

const recordArgs = z.strictObject({
  file: filePath,
  maxMs: ms.min(100),
  /** End after this much continuous silence (0 or absent: never). */
  silenceMs: ms.optional(),
  beep: z.boolean().default(false),
  /** A DTMF digit ends the recording (the digit is not recorded). */
  stopOnDtmf: z.boolean().default(true),
});

const getDigitsArgs = z.strictObject({
  max: z.number().int().min(1).max(64),
  firstDigitMs: ms,
  interDigitMs: ms,
  /** Digits that end collection (not included in the result), e.g. "#". */
  terminators: z.string().regex(/^[0-9*#A-D]*$/).default(''),
});

export const commandSchema = z.discriminatedUnion('op', [
  z.strictObject({ type: z.literal('cmd'), id: commandId, ch: channelIndex, op: z.literal('offhook') }),
  z.strictObject({ type: z.literal('cmd'), id: commandId, ch: channelIndex, op: z.literal('onhook') }),
  z.strictObject({ type: z.literal('cmd'), id: commandId, ch: channelIndex, op: z.literal('flash') }),
  z.strictObject({ type: z.literal('cmd'), id: commandId, ch: channelIndex, op: z.literal('dial'), digits: dtmfDigits.min(1).max(64) }),
  z.strictObject({ type: z.literal('cmd'), id: commandId, ch: channelIndex, op: z.literal('play'), args: playArgs }),
  z.strictObject({ type: z.literal('cmd'), id: commandId, ch: channelIndex, op: z.literal('record'), args: recordArgs }),
  z.strictObject({ type: z.literal('cmd'), id: commandId, ch: channelIndex, op: z.literal('getDigits'), args: getDigitsArgs }),
  z.strictObject({ type: z.literal('cmd'), id: commandId, ch: channelIndex, op: z.literal('flushDigits') }),
  z.strictObject({ type: z.literal('cmd'), id: commandId, ch: channelIndex, op: z.literal('stop') }),
  z.strictObject({ type: z.literal('cmd'), id: commandId, ch: channelIndex, op: z.literal('sendFax'), file: filePath }),
  z.strictObject({ type: z.literal('cmd'), id: commandId, ch: channelIndex, op: z.literal('receiveFax'), file: filePath }),
  z.strictObject({ type: z.literal('cmd'), id: commandId, ch: channelIndex, op: z.literal('tapStart'), file: filePath }),
  z.strictObject({ type: z.literal('cmd'), id: commandId, ch: channelIndex, op: z.literal('tapStop') }),
  /** Answered by an ack carrying the channel's status: the host's probe of a channel it took out of service. */
  z.strictObject({ type: z.literal('cmd'), id: commandId, ch: channelIndex, op: z.literal('status') }),
]);
export type CardCommand = z.infer<typeof commandSchema>;
export type CardOp = CardCommand['op'];
export type PlayArgs = z.input<typeof playArgs>;
export type RecordArgs = z.input<typeof recordArgs>;
export type GetDigitsArgs = z.input<typeof getDigitsArgs>;

/** Ops that end with a completion event (the others are done when acked). */
export const LONG_OPS = ['dial', 'play', 'record', 'getDigits', 'sendFax', 'receiveFax', 'tapStart'] as const;

// ---- events: board → host

const base = { type: z.literal('event'), ch: channelIndex };
/** Completion events name the command they end. */
const done = { ...base, cmd: commandId };

export const playReasonSchema = z.enum(['end', 'dtmf', 'stopped', 'hangup', 'error']);
export const recordReasonSchema = z.enum(['maxTime', 'silence', 'dtmf', 'stopped', 'hangup', 'error']);
export const digitsReasonSchema = z.enum(['max', 'terminator', 'firstTimeout', 'interTimeout', 'stopped', 'hangup']);
export const faxReasonSchema = z.enum(['ok', 'hangup', 'stopped', 'noFax', 'error']);
export const hangupCauseSchema = z.enum(['loopDrop', 'disconnectTone']);

export const eventSchema = z.discriminatedUnion('event', [
  z.strictObject({ ...base, event: z.literal('ring'), callerId: z.string().max(64).optional(), dnis: z.string().max(64).optional() }),
  /** The caller hung up before the channel answered. */
  z.strictObject({ ...base, event: z.literal('ringStop') }),
  /** The far end went away: loop current dropped, or the board heard the tone plan's disconnect (busy) tone. */
  z.strictObject({ ...base, event: z.literal('hangup'), cause: hangupCauseSchema }),
  z.strictObject({ ...base, event: z.literal('dtmf'), digit: dtmfDigit }),
  z.strictObject({ ...done, event: z.literal('dialDone'), reason: z.enum(['done', 'hangup', 'stopped']) }),
  z.strictObject({ ...done, event: z.literal('playDone'), reason: playReasonSchema, playedMs: ms, error: z.string().optional() }),
  z.strictObject({ ...done, event: z.literal('recordDone'), reason: recordReasonSchema, file: filePath, durationMs: ms, bytes: z.number().int().min(0), error: z.string().optional() }),
  z.strictObject({ ...done, event: z.literal('digitsDone'), reason: digitsReasonSchema, digits: z.string().regex(/^[0-9*#A-D]*$/) }),
  z.strictObject({ ...done, event: z.literal('faxProgress'), direction: z.enum(['send', 'receive']), page: z.number().int().min(1) }),
  z.strictObject({ ...done, event: z.literal('faxDone'), direction: z.enum(['send', 'receive']), reason: faxReasonSchema, pages: z.number().int().min(0), file: filePath, error: z.string().optional() }),
  /** The channel's hardware failed; it takes no commands until `recovered`. */
  z.strictObject({ ...base, event: z.literal('fault'), reason: z.string().min(1).max(500) }),
  z.strictObject({ ...base, event: z.literal('recovered') }),
]);
export type CardEvent = z.infer<typeof eventSchema>;
export type CardEventName = CardEvent['event'];
export type CardEventOf<N extends CardEventName> = Extract<CardEvent, { event: N }>;

// ---- whole frames

export const errorCodeSchema = z.enum(['badFrame', 'badMessage', 'version', 'unknownChannel', 'busy', 'notCapable', 'invalidState', 'fileError', 'internal']);
export type CardErrorCode = z.infer<typeof errorCodeSchema>;

const hostHello = z.strictObject({ type: z.literal('hello'), version: z.number().int().min(1), client: z.string().max(200).optional() });
const boardHello = z.strictObject({ type: z.literal('hello'), version: z.number().int().min(1), board: boardInfoSchema, channels: z.array(channelStatusSchema) });
const ping = z.strictObject({ type: z.literal('ping'), id: commandId });
const pong = z.strictObject({ type: z.literal('pong'), id: commandId });
const ack = z.strictObject({ type: z.literal('ack'), id: commandId, status: channelStatusSchema.optional() });
const nak = z.strictObject({ type: z.literal('nak'), id: commandId, code: errorCodeSchema, message: z.string().max(2000) });
const errorFrame = z.strictObject({ type: z.literal('error'), code: errorCodeSchema, message: z.string().max(2000), frame: z.string().max(200).optional() });

export type HostHello = z.infer<typeof hostHello>;
export type BoardHello = z.infer<typeof boardHello>;
export type ErrorFrame = z.infer<typeof errorFrame>;
export type HostFrame = HostHello | CardCommand | z.infer<typeof ping> | ErrorFrame;
export type BoardFrame = BoardHello | z.infer<typeof ack> | z.infer<typeof nak> | CardEvent | z.infer<typeof pong> | ErrorFrame;

const HOST_FRAMES: Record<string, z.ZodType> = { hello: hostHello, cmd: commandSchema, ping, error: errorFrame };
const BOARD_FRAMES: Record<string, z.ZodType> = { hello: boardHello, ack, nak, event: eventSchema, pong, error: errorFrame };

export type Decoded<T> = { ok: true; frame: T } | { ok: false; error: ErrorFrame };

function preview(text: string): string {
  return text.length > 120 ? `${text.slice(0, 120)}…` : text;
}

function decodeWith<T>(table: Record<string, z.ZodType>, text: string): Decoded<T> {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    return { ok: false, error: { type: 'error', code: 'badFrame', message: `not JSON: ${(error as Error).message}`, frame: preview(text) } };
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    return { ok: false, error: { type: 'error', code: 'badFrame', message: 'expected a JSON object', frame: preview(text) } };
  }
  const type = (value as { type?: unknown }).type;
  const schema = typeof type === 'string' ? table[type] : undefined;
  if (!schema) {
    return { ok: false, error: { type: 'error', code: 'badMessage', message: `unknown frame type ${JSON.stringify(type)}; expected one of ${Object.keys(table).join(', ')}`, frame: preview(text) } };
  }
  const parsed = schema.safeParse(value);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const where = issue && issue.path.length > 0 ? issue.path.join('.') : '(frame)';
    return { ok: false, error: { type: 'error', code: 'badMessage', message: `${type}: ${where}: ${issue?.message ?? 'invalid'}`, frame: preview(text) } };
  }
  return { ok: true, frame: parsed.data as T };
}

/** A line the board sent to the host. */
export function decodeBoardFrame(text: string): Decoded<BoardFrame> {
  return decodeWith<BoardFrame>(BOARD_FRAMES, text);
}

/** A line the host sent to the board. */
export function decodeHostFrame(text: string): Decoded<HostFrame> {
  return decodeWith<HostFrame>(HOST_FRAMES, text);
}
