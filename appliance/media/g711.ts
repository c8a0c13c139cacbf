/** G.711 companding (ITU-T G.711 µ-law and A-law), sample by sample. */
const MULAW_BIAS = 0x84;
const MULAW_CLIP = 8159;
const MULAW_SEGMENT_ENDS = [0x3f, 0x7f, 0xff, 0x1ff, 0x3ff, 0x7ff, 0xfff, 0x1fff];
const ALAW_SEGMENT_ENDS = [0x1f, 0x3f, 0x7f, 0xff, 0x1ff, 0x3ff, 0x7ff, 0xfff];

function segment(value: number, ends: number[]): number {
  const found = ends.findIndex((end) => value <= end);
  return found === -1 ? ends.length : found;
}

function clamp16(sample: number): number {
  return Math.max(-32768, Math.min(32767, Math.round(sample)));
}

export function linearToMulaw(sample: number): number {
  let value = clamp16(sample) >> 2;
  let mask = 0xff;
  if (value < 0) {
    value = -value;
    mask = 0x7f;
  }
  value = Math.min(value, MULAW_CLIP) + (MULAW_BIAS >> 2);
  const seg = segment(value, MULAW_SEGMENT_ENDS);
  if (seg >= 8) return 0x7f ^ mask;
  return ((seg << 4) | ((value >> (seg + 1)) & 0x0f)) ^ mask;
}

export function mulawToLinear(byte: number): number {
  const u = ~byte & 0xff;
  const exponent = (u >> 4) & 0x07;
  const magnitude = ((((u & 0x0f) << 3) + MULAW_BIAS) << exponent) - MULAW_BIAS;
  return u & 0x80 ? -magnitude : magnitude;
}

export function linearToAlaw(sample: number): number {
  let value = clamp16(sample) >> 3;
  let mask = 0xd5;
  if (value < 0) {
    mask = 0x55;
    value = -value - 1;
  }
  const seg = segment(value, ALAW_SEGMENT_ENDS);
  if (seg >= 8) return 0x7f ^ mask;
  const code = (seg << 4) | (seg < 2 ? (value >> 1) & 0x0f : (value >> seg) & 0x0f);
  return code ^ mask;
}

export function alawToLinear(byte: number): number {
  const a = byte ^ 0x55;
  const exponent = (a >> 4) & 0x07;
  const mantissa = a & 0x0f;
  const magnitude = exponent === 0 ? (mantissa << 4) + 8 : ((mantissa << 4) + 0x108) << (exponent - 1);
  return a & 0x80 ? magnitude : -magnitude;
}

const MULAW_TABLE = Int16Array.from({ length: 256 }, (_, b) => mulawToLinear(b));
const ALAW_TABLE = Int16Array.from({ length: 256 }, (_, b) => alawToLinear(b));

export function decodeG711(bytes: Uint8Array, law: 'alaw' | 'mulaw'): Int16Array {
  const table = law === 'alaw' ? ALAW_TABLE : MULAW_TABLE;
  const out = new Int16Array(bytes.length);
  for (let i = 0; i < bytes.length; i++) out[i] = table[bytes[i] as number] as number;
  return out;
}

export function encodeG711(samples: Int16Array, law: 'alaw' | 'mulaw'): Buffer {
  const encode = law === 'alaw' ? linearToAlaw : linearToMulaw;
  const out = Buffer.alloc(samples.length);
  for (let i = 0; i < samples.length; i++) out[i] = encode(samples[i] as number);
  return out;
}
