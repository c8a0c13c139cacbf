/**
 * The line link: the simulated copper between the PBX simulator's analog ports and the card
 * simulator's channels. Simulator-only (real boards sit on real lines). JSON lines over TCP,
 * framed like the card link (appliance/cards/framing.ts). The switch side listens
 * (`ccbox sim switch --lines URL`); the card simulator connects (`ccbox sim cards --switch URL`).
 *
 * card sim → switch: attach (claims ports), offhook, onhook, flash, dial, fax (a fax sent down the line).
 * switch → card sim: attached, ring, ringStop, connected (with the far end's media), digits,
 *                   disconnect (far end gone), fax (a fax sent by the far end), refused.
 */
import { z } from 'zod';

const port = z.string().regex(/^[0-9]{1,16}$/);
const path = z.string().min(1).max(4096);

/** What the far end of a connected call puts on the line, as the caller's scenario names it. */
export const farEndMediaSchema = z.strictObject({
  /** WAV of what the caller says (recorded by the channel); absent: a generated speech-like signal. */
  audio: path.optional(),
  /** TIFF the caller's fax machine sends when the channel receives a fax. */
  faxToSend: path.optional(),
  /** Directory where the caller's fax machine stores a fax the channel sends; absent: the far end has no fax machine. */
  faxInbox: path.optional(),
});
export type FarEndMedia = z.infer<typeof farEndMediaSchema>;

export const lineToSwitchSchema = z.discriminatedUnion('t', [
  /** Claims these analog ports for the channels, in channel order; absent: every analog port of the plan. */
  z.strictObject({ t: z.literal('attach'), ports: z.array(port).optional() }),
  z.strictObject({ t: z.literal('offhook'), port }),
  z.strictObject({ t: z.literal('onhook'), port }),
  z.strictObject({ t: z.literal('flash'), port }),
  /** Off hook and idle: a call to `digits`; after flash: the consultation target; connected: DTMF to the far end. */
  z.strictObject({ t: z.literal('dial'), port, digits: z.string().regex(/^[0-9*#A-D]{1,64}$/) }),
  /** The channel sent a fax of `pages` pages (the TIFF at `file`) to the far end. */
  z.strictObject({ t: z.literal('fax'), port, file: path, pages: z.number().int().min(0) }),
]);
export type LineToSwitch = z.infer<typeof lineToSwitchSchema>;

export const switchToLineSchema = z.discriminatedUnion('t', [
  z.strictObject({ t: z.literal('attached'), ports: z.array(port) }),
  z.strictObject({ t: z.literal('ring'), port, callID: z.string(), callerId: z.string().optional(), dnis: z.string().optional() }),
  z.strictObject({ t: z.literal('ringStop'), port }),
  /** The port's call is in conversation with `remote`. */
  z.strictObject({ t: z.literal('connected'), port, callID: z.string(), remote: z.string().optional(), media: farEndMediaSchema }),
  z.strictObject({ t: z.literal('digits'), port, digits: z.string() }),
  /** The far end cleared; the port's loop stays closed until the channel goes on hook. */
  z.strictObject({ t: z.literal('disconnect'), port }),
  /** The switch refused what the line asked (bad number, nothing to answer, unknown port). */
  z.strictObject({ t: z.literal('refused'), port: port.optional(), reason: z.string() }),
]);
export type SwitchToLine = z.infer<typeof switchToLineSchema>;
