/**
 * What the far end of a call puts on a channel's line, as 8 kHz samples on the clock's time line:
 * the caller's recorded voice (then silence once it is over), a generated speech-like signal, or
 * silence. Recordings and silence detection read it.
 */
import { levelDbfs, speechLikeSignal } from '../../appliance/media/index.js';
import type { AudioClip } from '../../appliance/media/index.js';
import { SILENCE_FRAME_MS, SILENCE_THRESHOLD_DBFS } from './timing.js';

export const SAMPLE_RATE = 8000;
const SAMPLES_PER_MS = SAMPLE_RATE / 1000;
/** The generated signal is made in pieces of this length, each from its own seed. */
const GENERATED_PIECE_MS = 10_000;
const GENERATED_PIECE_SAMPLES = GENERATED_PIECE_MS * SAMPLES_PER_MS;
/** Silence detection reads the line in blocks of this many frames. */
const SCAN_BLOCK_FRAMES = 50;

type Source = { kind: 'silence' } | { kind: 'clip'; samples: Int16Array } | { kind: 'generated'; seed: number };

export class LineAudio {
  readonly #source: Source;
  /** Clock time (ms) of the first sample. */
  readonly #origin: number;
  #piece: { index: number; samples: Int16Array } | undefined;

  private constructor(source: Source, origin: number) {
    this.#source = source;
    this.#origin = origin;
  }

  static silence(origin = 0): LineAudio {
    return new LineAudio({ kind: 'silence' }, origin);
  }

  /** The caller's voice from `origin` on, resampled to 8 kHz; silence after it ends. */
  static clip(clip: AudioClip, origin: number): LineAudio {
    return new LineAudio({ kind: 'clip', samples: resample(clip.samples, clip.sampleRate) }, origin);
  }

  /** A speech-like signal from `origin` on, the same for the same seed. */
  static generated(seed: number, origin: number): LineAudio {
    return new LineAudio({ kind: 'generated', seed }, origin);
  }

  get kind(): Source['kind'] {
    return this.#source.kind;
  }

  /** `count` samples starting at clock time `fromMs`. */
  samples(fromMs: number, count: number): Int16Array {
    const out = new Int16Array(Math.max(0, count));
    const first = Math.round((fromMs - this.#origin) * SAMPLES_PER_MS);
    const source = this.#source;
    if (source.kind === 'silence' || count <= 0) return out;
    if (source.kind === 'clip') {
      const from = Math.max(0, first);
      const to = Math.min(source.samples.length, first + count);
      if (to > from) out.set(source.samples.subarray(from, to), from - first);
      return out;
    }
    for (let i = 0; i < count; ) {
      const at = first + i;
      if (at < 0) {
        i++;
        continue;
      }
      const piece = this.#generatedPiece(Math.floor(at / GENERATED_PIECE_SAMPLES), source.seed);
      const offset = at % GENERATED_PIECE_SAMPLES;
      const take = Math.min(count - i, GENERATED_PIECE_SAMPLES - offset);
      out.set(piece.subarray(offset, offset + take), i);
      i += take;
    }
    return out;
  }

  /** Finds where continuous silence of `silenceMs` is first complete, reading the line from `startMs` on. */
  silenceScanner(startMs: number, silenceMs: number): SilenceScanner {
    return new SilenceScanner(this, startMs, silenceMs);
  }

  #generatedPiece(index: number, seed: number): Int16Array {
    if (this.#piece?.index !== index) this.#piece = { index, samples: speechLikeSignal(GENERATED_PIECE_MS, SAMPLE_RATE, (seed + index * 7919) >>> 0) };
    return this.#piece.samples;
  }
}

/**
 * Silence detection ahead of time: frames of SILENCE_FRAME_MS below SILENCE_THRESHOLD_DBFS, read in
 * steps (so a long recording of a line that never falls silent is not read in one go).
 */
export class SilenceScanner {
  readonly #audio: LineAudio;
  readonly #startMs: number;
  readonly #needed: number;
  #frames = 0;
  #run = 0;

  constructor(audio: LineAudio, startMs: number, silenceMs: number) {
    this.#audio = audio;
    this.#startMs = startMs;
    this.#needed = Math.max(1, Math.ceil(silenceMs / SILENCE_FRAME_MS));
  }

  /** How far (ms after the start) the line has been read. */
  get scannedMs(): number {
    return this.#frames * SILENCE_FRAME_MS;
  }

  /** Reads on up to `untilMs` after the start; returns where the silence is complete (ms after the start), or undefined. */
  scan(untilMs: number): number | undefined {
    const frameSamples = SILENCE_FRAME_MS * SAMPLES_PER_MS;
    const lastFrame = Math.floor(untilMs / SILENCE_FRAME_MS);
    while (this.#frames < lastFrame) {
      const count = Math.min(SCAN_BLOCK_FRAMES, lastFrame - this.#frames);
      const samples = this.#audio.samples(this.#startMs + this.#frames * SILENCE_FRAME_MS, count * frameSamples);
      for (let f = 0; f < count; f++) {
        const silent = levelDbfs(samples, f * frameSamples, (f + 1) * frameSamples) < SILENCE_THRESHOLD_DBFS;
        this.#run = silent ? this.#run + 1 : 0;
        this.#frames++;
        if (this.#run >= this.#needed) return this.scannedMs;
      }
    }
    return undefined;
  }
}

/** Nearest-sample resampling to 8 kHz (prompts and callers' voices are 8 kHz already; others are rare). */
function resample(samples: Int16Array, rate: number): Int16Array {
  if (rate === SAMPLE_RATE) return samples;
  const count = Math.floor((samples.length * SAMPLE_RATE) / rate);
  const out = new Int16Array(count);
  for (let i = 0; i < count; i++) out[i] = samples[Math.min(samples.length - 1, Math.floor((i * rate) / SAMPLE_RATE))] as number;
  return out;
}

/** A stable seed from a call ID, so the same call always says the same thing. */
export function seedOf(text: string): number {
  let hash = 2166136261;
  for (let i = 0; i < text.length; i++) hash = Math.imul(hash ^ text.charCodeAt(i), 16777619);
  return hash >>> 0;
}
