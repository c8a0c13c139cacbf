/**
 * The `api` section of the configuration file: where the MQTT broker is (embedded in the box or
 * an external one) and who may use the API.
 */
import { z } from 'zod';
import { TransportError } from '../transport/errors.js';
import { parseTransportUrl } from '../transport/url.js';
import { passwordHashSchema } from './passwords.js';
import { topicSegmentSchema } from './topics.js';

export const DEFAULT_EMBEDDED_LISTEN = 'tcp://0.0.0.0:1883';
export const DEFAULT_EXTERNAL_CLIENT_ID = 'ccbox';

const listenSchema = z.string().superRefine((listen, ctx) => {
  const expected = `expected tcp://host:port to listen on, e.g. ${DEFAULT_EMBEDDED_LISTEN}`;
  try {
    const parsed = parseTransportUrl(listen);
    if (parsed.kind !== 'tcp') ctx.addIssue({ code: 'custom', message: `${expected}; the broker cannot listen on a serial port` });
    else if (parsed.port === 0) ctx.addIssue({ code: 'custom', message: 'expected a TCP port between 1 and 65535' });
  } catch (error) {
    if (!(error instanceof TransportError)) throw error;
    ctx.addIssue({ code: 'custom', message: `${error.message}; ${expected}` });
  }
});

const brokerUrlSchema = z.string().superRefine((url, ctx) => {
  let parsed: URL | undefined;
  try {
    parsed = new URL(url);
  } catch {
    parsed = undefined;
  }
  if (parsed === undefined || (parsed.protocol !== 'mqtt:' && parsed.protocol !== 'mqtts:') || parsed.hostname === '') {
    ctx.addIssue({ code: 'custom', message: `expected mqtt://host:port or mqtts://host:port, got '${url}'` });
  }
});

const embeddedBrokerSchema = z.strictObject({
  mode: z.literal('embedded').describe('run the MQTT broker inside ccbox'),
  listen: listenSchema.default(DEFAULT_EMBEDDED_LISTEN).describe('address the embedded broker listens on: tcp://host:port'),
});

const externalBrokerSchema = z.strictObject({
  mode: z.literal('external').describe('connect to an MQTT broker run elsewhere (it enforces its own access rules)'),
  url: brokerUrlSchema.describe('the external broker: mqtt://host:port or mqtts://host:port'),
  username: z.string().min(1).optional().describe('user name ccbox logs in with'),
  password: z.string().optional().describe('password ccbox logs in with'),
  clientId: z.string().min(1).default(DEFAULT_EXTERNAL_CLIENT_ID).describe('MQTT client ID of ccbox; unique on the broker'),
});

const apiUserSchema = z
  .strictObject({
    username: topicSegmentSchema.describe('login name; also a topic level, so no /, + or #'),
    passwordHash: passwordHashSchema,
    role: z.enum(['agent', 'supervisor', 'installer']).describe('agent: own desktop; supervisor: reads the whole site; installer: configuration and status'),
    agentId: topicSegmentSchema.optional().describe('the ACD agent this user logs in as (required for agents)'),
  })
  .superRefine((user, ctx) => {
    if (user.role === 'agent' && user.agentId === undefined) {
      ctx.addIssue({ code: 'custom', path: ['agentId'], message: `user '${user.username}' has role agent but no agentId` });
    }
  });

export const apiConfigSchema = z.strictObject({
  broker: z
    .discriminatedUnion('mode', [embeddedBrokerSchema, externalBrokerSchema])
    .default({ mode: 'embedded', listen: DEFAULT_EMBEDDED_LISTEN })
    .describe('the MQTT broker agent desktops, supervisors and the TUI connect to'),
  users: z
    .array(apiUserSchema)
    .default([])
    .superRefine((users, ctx) => {
      const seen = new Set<string>();
      users.forEach((user, index) => {
        if (seen.has(user.username)) ctx.addIssue({ code: 'custom', path: [index, 'username'], message: `user name '${user.username}' appears twice` });
        seen.add(user.username);
      });
    })
    .describe('who may log in to the embedded broker, with which role'),
});

export type ApiConfig = z.infer<typeof apiConfigSchema>;
export type ApiConfigInput = z.input<typeof apiConfigSchema>;
export type ApiUser = ApiConfig['users'][number];
export type BrokerConfig = ApiConfig['broker'];
