/** The `ivr` section of config.json: where flows and mailboxes live, DID bindings, caller lists, calendars. */
import { z } from 'zod';

const hhmm = z.string().regex(/^(?:[01][0-9]|2[0-3]):[0-5][0-9]$|^24:00$/, { error: 'expected a time HH:MM (00:00 to 24:00)' });
const range = z.tuple([hhmm, hhmm]).refine(([from, to]) => to > from, { error: 'expected the end after the start' });
const isoDate = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, { error: 'expected a date YYYY-MM-DD' });
const timezone = z.string().refine((zone) => {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}, { error: 'expected an IANA time zone such as Asia/Shanghai or Europe/Berlin' });
const numberPattern = z.string().regex(/^(?:\+?[0-9]{1,32}\*?|\*|anonymous)$/, { error: 'expected a number, a prefix ending in *, or "anonymous"' });
const hours = z.array(range).default([]);

export const calendarSchema = z.strictObject({
  timezone: timezone.optional().describe('time zone of this calendar (default: ivr.timezone)'),
  weekly: z
    .strictObject({ mon: hours, tue: hours, wed: hours, thu: hours, fri: hours, sat: hours, sun: hours })
    .prefault({})
    .describe('open hours per weekday as [from, to) ranges'),
  holidays: z.array(z.union([isoDate, z.strictObject({ date: isoDate, name: z.string().optional() })])).default([]).describe('days closed all day'),
  specialOpenDays: z.array(z.strictObject({ date: isoDate, hours: z.array(range).min(1) })).default([]).describe('working days with their own hours (e.g. weekend days worked instead of a holiday)'),
});
export type CalendarConfig = z.infer<typeof calendarSchema>;

const OFFICE: z.input<typeof calendarSchema> = {
  weekly: { mon: [['09:00', '18:00']], tue: [['09:00', '18:00']], wed: [['09:00', '18:00']], thu: [['09:00', '18:00']], fri: [['09:00', '18:00']] },
};

export const ivrConfigSchema = z.strictObject({
  enabled: z.boolean().default(false).describe('run the IVR on the card channels'),
  flowsDir: z.string().min(1).default('flows').describe('directory of flow files (*.json), relative to the data directory'),
  promptsDir: z.string().min(1).default('prompts').describe('site prompts (<lang>/<name>.wav) that override the shipped set, relative to the data directory'),
  mailboxDir: z.string().min(1).default('mailboxes').describe('voicemail and received faxes, relative to the data directory'),
  ttsCacheDir: z.string().min(1).default('tts-cache').describe('rendered TTS prompts, relative to the data directory'),
  defaultLanguage: z.enum(['zh', 'en']).default('zh').describe('language of a call until the flow or the caller changes it'),
  timezone: timezone.default('Asia/Shanghai').describe('time zone of calendars and bulletin schedules'),
  bindings: z
    .array(z.strictObject({ did: z.string().regex(/^[0-9]{1,32}$/, { error: 'expected the dialled number: digits' }), flow: z.string().min(1) }))
    .default([])
    .superRefine((bindings, ctx) => {
      const seen = new Set<string>();
      bindings.forEach((b, i) => {
        if (seen.has(b.did)) ctx.addIssue({ code: 'custom', path: [i, 'did'], message: `${b.did} is bound twice` });
        seen.add(b.did);
      });
    })
    .describe('which flow answers which dialled number'),
  defaultFlow: z.string().min(1).optional().describe('flow for calls whose dialled number is not bound'),
  blacklist: z
    .strictObject({
      numbers: z.array(numberPattern).default([]),
      action: z.enum(['hangup', 'message']).default('message').describe('hang up at once, or play the prompt first'),
      prompt: z.string().min(1).default('blacklisted'),
    })
    .prefault({}),
  vip: z
    .strictObject({
      numbers: z.array(numberPattern).default([]),
      priority: z.number().int().min(0).max(100).default(10).describe('queue priority handed to the ACD'),
      flow: z.string().min(1).optional().describe('their own flow (default: the bound flow)'),
    })
    .prefault({}),
  calendars: z.record(z.string().regex(/^[A-Za-z0-9_-]{1,64}$/), calendarSchema).default({ office: calendarSchema.parse(OFFICE) }).describe('business-hours calendars by name'),
});
export type IvrConfig = z.infer<typeof ivrConfigSchema>;
