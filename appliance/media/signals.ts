/** Generated line signals: tones, a speech-like signal for callers who name no audio, and levels. */

/** A small deterministic PRNG (mulberry32): repeatable noise here, repeatable randomness in tests and benches. */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export function toneSignal(frequencies: number[], durationMs: number, sampleRate = 8000, level = 0.3): Int16Array {
  const count = Math.round((durationMs * sampleRate) / 1000);
  const out = new Int16Array(count);
  const amplitude = (32767 * level) / Math.max(1, frequencies.length);
  for (let i = 0; i < count; i++) {
    let value = 0;
    for (const f of frequencies) value += Math.sin((2 * Math.PI * f * i) / sampleRate);
    out[i] = Math.round(value * amplitude);
  }
  return out;
}

/**
 * Speech-like bursts (a voiced fundamental with harmonics, about -20 dBFS, 300–1500 ms) separated
 * by near-silent pauses (200–800 ms, below -60 dBFS), deterministic for a seed.
 */
export function speechLikeSignal(durationMs: number, sampleRate = 8000, seed = 1): Int16Array {
  const next = seededRandom(seed);
  const total = Math.round((durationMs * sampleRate) / 1000);
  const out = new Int16Array(total);
  let at = 0;
  let voiced = true;
  while (at < total) {
    const lengthMs = voiced ? 300 + next() * 1200 : 200 + next() * 600;
    const length = Math.min(total - at, Math.round((lengthMs * sampleRate) / 1000));
    if (voiced) {
      const f0 = 100 + next() * 120;
      for (let i = 0; i < length; i++) {
        const t = i / sampleRate;
        const envelope = Math.min(1, i / 160, (length - i) / 160);
        const value = Math.sin(2 * Math.PI * f0 * t) + 0.5 * Math.sin(4 * Math.PI * f0 * t) + 0.25 * Math.sin(6 * Math.PI * f0 * t);
        out[at + i] = Math.round(value * 2600 * envelope);
      }
    } else {
      for (let i = 0; i < length; i++) out[at + i] = Math.round((next() - 0.5) * 8);
    }
    at += length;
    voiced = !voiced;
  }
  return out;
}

/** Level of a block of samples in dBFS (-Infinity for digital silence). */
export function levelDbfs(samples: Int16Array, from = 0, to = samples.length): number {
  const end = Math.min(to, samples.length);
  if (end <= from) return Number.NEGATIVE_INFINITY;
  let sum = 0;
  for (let i = from; i < end; i++) sum += (samples[i] as number) ** 2;
  const rms = Math.sqrt(sum / (end - from));
  return rms === 0 ? Number.NEGATIVE_INFINITY : 20 * Math.log10(rms / 32768);
}
