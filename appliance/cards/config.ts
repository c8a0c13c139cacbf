/**
 * The `cards` section of the configuration file: where the card link goes, which board profile
 * describes the hardware, and which PBX analog port sits behind each channel. The config schema
 * (appliance/store/config/schema.ts) takes this section as it is.
 */
import { z } from 'zod';
import { transportUrlSchema } from '../transport/url-schema.js';

export const DEFAULT_CARDS_URL = 'tcp://127.0.0.1:8810';
export const DEFAULT_BOARD_PROFILE = 'ccbox-sim-4';

const cardsUrl = transportUrlSchema();

export const cardsConfigSchema = z.strictObject({
  enabled: z.boolean().default(false).describe('drive the voice/fax cards (IVR, fax, recording taps)'),
  url: cardsUrl.default(DEFAULT_CARDS_URL).describe('card link to the board driver host: tcp://host:port or serial:/dev/ttyS1?baud=115200'),
  board: z
    .string()
    .regex(/^[a-z0-9][a-z0-9-]*$/, { error: 'expected a profile name: lower-case letters, digits and dashes' })
    .default(DEFAULT_BOARD_PROFILE)
    .describe('board profile in firmware-config/cards (file name without .json)'),
  ports: z
    .array(z.string().regex(/^[0-9]{1,16}$/, { error: 'expected a PBX extension number' }))
    .default([])
    .describe('the PBX analog port behind each channel, in channel order (used to transfer calls by CSTA)'),
  ackTimeoutMs: z.number().int().min(100).max(60_000).default(2000).describe('how long a channel may take to acknowledge a command before it is taken out of service'),
  probeIntervalMs: z.number().int().min(500).max(600_000).default(5000).describe('how often a channel out of service is asked for its status'),
});

export type CardsConfig = z.infer<typeof cardsConfigSchema>;
export type CardsConfigInput = z.input<typeof cardsConfigSchema>;
