/** WAV (RIFF/WAVE) files in the three encodings voice boards play and record: PCM16, A-law, µ-law. */
import { readFileSync } from 'node:fs';
import { MediaError } from './errors.js';
import { writeFileAtomically } from './files.js';
import { decodeG711, encodeG711 } from './g711.js';

export type AudioEncoding = 'mulaw' | 'alaw' | 'pcm16';

export interface AudioClip {
  encoding: AudioEncoding;
  sampleRate: number;
  channels: number;
  /** Linear 16-bit samples, first channel only. */
  samples: Int16Array;
  durationMs: number;
}

const FORMAT_PCM = 1;
const FORMAT_ALAW = 6;
const FORMAT_MULAW = 7;
const FORMAT_EXTENSIBLE = 0xfffe;

function encodingOf(format: number, bits: number, name: string): AudioEncoding {
  if (format === FORMAT_PCM && bits === 16) return 'pcm16';
  if (format === FORMAT_ALAW && bits === 8) return 'alaw';
  if (format === FORMAT_MULAW && bits === 8) return 'mulaw';
  throw new MediaError('unsupported', `${name}: format ${format} with ${bits} bits per sample is not PCM16, A-law or µ-law`);
}

export function parseWav(bytes: Buffer, name = 'WAV'): AudioClip {
  if (bytes.length < 12 || bytes.toString('ascii', 0, 4) !== 'RIFF' || bytes.toString('ascii', 8, 12) !== 'WAVE') {
    throw new MediaError('corrupt', `${name}: not a RIFF/WAVE file`);
  }
  let format: { encoding: AudioEncoding; channels: number; sampleRate: number; blockAlign: number } | undefined;
  let data: Buffer | undefined;
  let at = 12;
  while (at + 8 <= bytes.length) {
    const id = bytes.toString('ascii', at, at + 4);
    const size = bytes.readUInt32LE(at + 4);
    const body = at + 8;
    if (id === 'data') {
      if (body + size > bytes.length) throw new MediaError('corrupt', `${name}: data chunk says ${size} bytes but only ${bytes.length - body} are present`);
      data = bytes.subarray(body, body + size);
    } else if (id === 'fmt ') {
      if (size < 16 || body + size > bytes.length) throw new MediaError('corrupt', `${name}: fmt chunk of ${size} bytes is too short`);
      let tag = bytes.readUInt16LE(body);
      const channels = bytes.readUInt16LE(body + 2);
      const sampleRate = bytes.readUInt32LE(body + 4);
      const blockAlign = bytes.readUInt16LE(body + 12);
      const bits = bytes.readUInt16LE(body + 14);
      if (tag === FORMAT_EXTENSIBLE) {
        if (size < 40) throw new MediaError('corrupt', `${name}: extensible fmt chunk of ${size} bytes is too short`);
        tag = bytes.readUInt16LE(body + 24);
      }
      if (channels < 1 || sampleRate < 1) throw new MediaError('corrupt', `${name}: ${channels} channels at ${sampleRate} Hz`);
      format = { encoding: encodingOf(tag, bits, name), channels, sampleRate, blockAlign };
    }
    at = body + size + (size % 2);
  }
  if (!format) throw new MediaError('corrupt', `${name}: no fmt chunk`);
  if (!data) throw new MediaError('corrupt', `${name}: no data chunk`);
  const bytesPerSample = format.encoding === 'pcm16' ? 2 : 1;
  const frameBytes = Math.max(format.blockAlign, bytesPerSample * format.channels);
  const frames = Math.floor(data.length / frameBytes);
  const samples = new Int16Array(frames);
  if (format.encoding === 'pcm16') {
    for (let i = 0; i < frames; i++) samples[i] = data.readInt16LE(i * frameBytes);
  } else {
    const first = format.channels === 1 ? data.subarray(0, frames) : Uint8Array.from({ length: frames }, (_, i) => data[i * frameBytes] as number);
    samples.set(decodeG711(first, format.encoding));
  }
  return { encoding: format.encoding, sampleRate: format.sampleRate, channels: format.channels, samples, durationMs: (frames * 1000) / format.sampleRate };
}

export function readWavFile(path: string): AudioClip {
  let bytes: Buffer;
  try {
    bytes = readFileSync(path);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new MediaError(code === 'ENOENT' ? 'notFound' : 'io', `${path}: ${code === 'ENOENT' ? 'no such file' : (error as Error).message}`);
  }
  return parseWav(bytes, path);
}

export function encodeWav(samples: Int16Array, encoding: AudioEncoding, sampleRate = 8000): Buffer {
  const pcm = encoding === 'pcm16';
  const body = pcm ? Buffer.from(samples.buffer, samples.byteOffset, samples.byteLength) : encodeG711(samples, encoding);
  const fmtSize = pcm ? 16 : 18;
  const factSize = pcm ? 0 : 12;
  const pad = body.length % 2;
  const header = Buffer.alloc(12 + 8 + fmtSize + factSize + 8);
  let at = 0;
  header.write('RIFF', at); at += 4;
  header.writeUInt32LE(header.length - 8 + body.length + pad, at); at += 4;
  header.write('WAVE', at); at += 4;
  header.write('fmt ', at); header.writeUInt32LE(fmtSize, at + 4); at += 8;
  const bytesPerSample = pcm ? 2 : 1;
  header.writeUInt16LE(pcm ? FORMAT_PCM : encoding === 'alaw' ? FORMAT_ALAW : FORMAT_MULAW, at);
  header.writeUInt16LE(1, at + 2);
  header.writeUInt32LE(sampleRate, at + 4);
  header.writeUInt32LE(sampleRate * bytesPerSample, at + 8);
  header.writeUInt16LE(bytesPerSample, at + 12);
  header.writeUInt16LE(bytesPerSample * 8, at + 14);
  at += 16;
  if (!pcm) {
    header.writeUInt16LE(0, at); at += 2;
    header.write('fact', at); header.writeUInt32LE(4, at + 4); header.writeUInt32LE(samples.length, at + 8); at += 12;
  }
  header.write('data', at); header.writeUInt32LE(body.length, at + 4);
  return Buffer.concat([header, body, Buffer.alloc(pad)]);
}

/** Writes atomically (temp file + rename); returns the byte count. */
export function writeWavFile(path: string, samples: Int16Array, encoding: AudioEncoding, sampleRate = 8000): number {
  const bytes = encodeWav(samples, encoding, sampleRate);
  writeFileAtomically(path, bytes);
  return bytes.length;
}
