/**
 * The configuration schema: the single source of truth for the config's types, defaults,
 * validation messages and JSON Schema. To add a setting, add it here with a default and a
 * description; to add a section, add a `section({...})` entry to `configSchema`.
 */
import { z } from 'zod';
import { acdConfigSchema } from '../../acd/config.js';
import { apiConfigSchema } from '../../api/config.js';
import { cardsConfigSchema } from '../../cards/config.js';
import { ivrConfigSchema } from '../../ivr/config.js';
import { transportUrlSchema } from '../../transport/url-schema.js';

/** The version this code writes. Bump it only with a migration in migrations.ts. */
export const CONFIG_VERSION = 1;

/** An object section that may be left out of a file: it then gets its fields' defaults. */
function section<Shape extends z.ZodRawShape>(shape: Shape) {
  return z.strictObject(shape).prefault({} as z.input<z.ZodObject<Shape, z.core.$strict>>);
}

const pbxUrl = transportUrlSchema();

export const configSchema = z.strictObject({
  version: z.literal(CONFIG_VERSION).default(CONFIG_VERSION).describe('format version of this file; ccbox migrates older files'),
  site: section({
    name: z.string().min(1).default('ccbox').describe('name of this site, shown in the TUI and reports'),
  }),
  pbx: section({
    url: pbxUrl.default('tcp://127.0.0.1:8800').describe('CSTA link: tcp://host:port or serial:/dev/ttyS0?baud=9600'),
    profile: z.string().min(1).default('generic-ed4').describe('PBX profile in firmware-config/pbx (file name without .json)'),
    applicationId: z.string().min(1).default('ccbox').describe('applicationID sent in StartApplicationSession'),
    username: z.string().optional().describe('CSTA login user, for profiles with a login'),
    password: z.string().optional().describe('CSTA login password, for profiles with a login'),
    monitoredDevices: z.array(z.string().min(1)).default([]).describe('devices to MonitorStart when the link comes up'),
  }),
  cards: cardsConfigSchema.prefault({}).describe('the voice/fax card link: driver host URL, board profile, PBX analog port of each channel'),
  ivr: ivrConfigSchema.prefault({}).describe('the IVR: flows, DID bindings, blacklist and VIP list, business-hours calendars'),
  acd: acdConfigSchema.prefault({}).describe('the ACD: queues (strategy, skills, penalties, overflow, announcements), agents, not-ready reasons'),
  api: apiConfigSchema.prefault({}).describe('the MQTT API for agent desktops, supervisors, wallboards and the TUI: broker and users'),
  log: section({
    level: z.enum(['trace', 'debug', 'info', 'warn', 'error']).default('info').describe('lowest log level written'),
  }),
});

export type Config = z.infer<typeof configSchema>;
/** What a config file may contain: every field with a default may be left out. */
export type ConfigInput = z.input<typeof configSchema>;

/** A complete configuration of defaults only. */
export function configDefaults(): Config {
  return configSchema.parse({});
}

/** JSON Schema (draft 2020-12) of the config file, for editors and `ccbox config schema`. */
export function configJsonSchema(): Record<string, unknown> {
  return {
    ...z.toJSONSchema(configSchema, { io: 'input' }),
    title: 'ccbox configuration',
    description: `config.json in the ccbox data directory, format version ${CONFIG_VERSION}`,
  };
}
