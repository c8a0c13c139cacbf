/** How long things take on a simulated channel (all on the injected clock). */

/** One DTMF digit sent by `dial` (tone plus inter-digit gap). */
export const DIAL_DIGIT_MS = 100;
/** A `,` in a dial string. */
export const DIAL_PAUSE_MS = 1_000;
/** A hook flash: `flash` is acked when it is over. */
export const HOOK_FLASH_MS = 500;
/** The beep `record { beep: true }` plays before recording starts. */
export const RECORD_BEEP_MS = 200;
/** What the simulator's text-to-speech takes per character of `play { text }` (boards with tts). */
export const TTS_MS_PER_CHARACTER = 70;

/** Silence detection: the line is cut into frames of this length ... */
export const SILENCE_FRAME_MS = 20;
/** ... and a frame whose level is below this is silent. */
export const SILENCE_THRESHOLD_DBFS = -45;
/** A recording reads the line this far ahead for silence at a time. */
export const SILENCE_LOOKAHEAD_MS = 60_000;

/** T.30 phase A/B: from the start of a fax to the first page. */
export const FAX_HANDSHAKE_MS = 3_000;
/** One page of a fax at 9600 bit/s. */
export const FAX_PAGE_MS = 6_000;
/** No fax machine answered within this (T.30 timer T1): the fax ends with `noFax`. */
export const FAX_NO_ANSWER_MS = 35_000;

/** A tap recording ends by itself (reason maxTime) after this long, the longest the protocol can express. */
export const TAP_MAX_MS = 24 * 3600 * 1000;

/** Reconnecting to the switch's line server: 1, 2, 4 … s, at most this. */
export const LINE_RECONNECT_INITIAL_MS = 1_000;
export const LINE_RECONNECT_MAX_MS = 30_000;
