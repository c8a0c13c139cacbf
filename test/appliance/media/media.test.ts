import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import t from 'tap';
import {
  alawToLinear, countTiffPages, encodeWav, levelDbfs, linearToAlaw, linearToMulaw, MediaError, mulawToLinear,
  parseWav, readTiffFile, readWavFile, speechLikeSignal, toneSignal, writeTiffFile, writeWavFile,
} from '../../../appliance/media/index.js';

t.test('G.711 reference values', async (t) => {
  t.equal(linearToMulaw(0), 0xff, 'µ-law silence is 0xFF');
  t.equal(mulawToLinear(0xff), 0);
  t.equal(mulawToLinear(0x00), -32124, 'µ-law most negative');
  t.equal(linearToAlaw(0), 0xd5, 'A-law of 0 is 0xD5');
  t.equal(alawToLinear(0xd5), 8);
  t.equal(alawToLinear(0x55), -8);
  t.equal(alawToLinear(0xaa), 32256, 'A-law most positive');
  for (let byte = 0; byte < 256; byte++) {
    if (linearToMulaw(mulawToLinear(byte)) !== byte && byte !== 0x7f) t.fail(`µ-law ${byte} does not round trip`);
    if (linearToAlaw(alawToLinear(byte)) !== byte) t.fail(`A-law ${byte} does not round trip`);
  }
});

t.test('WAV files round trip in all three encodings and agree with sox', async (t) => {
  const dir = t.testdir();
  const tone = toneSignal([440], 500);
  for (const encoding of ['alaw', 'mulaw', 'pcm16'] as const) {
    const path = join(dir, `${encoding}.wav`);
    const bytes = writeWavFile(path, tone, encoding);
    const clip = readWavFile(path);
    t.equal(clip.encoding, encoding);
    t.equal(clip.sampleRate, 8000);
    t.equal(clip.durationMs, 500);
    t.equal(clip.samples.length, 4000);
    t.equal(readFileSync(path).length, bytes);
    const info = execFileSync('soxi', ['-D', path], { encoding: 'utf8' }).trim();
    t.equal(Number(info), 0.5, `sox reads the ${encoding} file as 0.5 s`);
    const raw = execFileSync('sox', [path, '-t', 'raw', '-e', 'signed', '-b', '16', '-L', '-'], { maxBuffer: 1 << 20 });
    const soxSamples = new Int16Array(raw.buffer, raw.byteOffset, raw.length / 2);
    t.same(Array.from(soxSamples.slice(0, 200)), Array.from(clip.samples.slice(0, 200)), `sox decodes ${encoding} to the same samples`);
    if (encoding === 'pcm16') t.same(clip.samples, tone, 'PCM16 is bit exact');
  }
});

t.test('bad WAV files are refused with what is wrong', async (t) => {
  const dir = t.testdir({ 'text.wav': 'hello' });
  const good = encodeWav(toneSignal([440], 100), 'alaw');
  t.throws(() => readWavFile(join(dir, 'missing.wav')), { code: 'notFound' });
  t.throws(() => readWavFile(join(dir, 'text.wav')), { code: 'corrupt', message: /not a RIFF\/WAVE file/ });
  t.throws(() => parseWav(good.subarray(0, good.length - 100)), { code: 'corrupt', message: /data chunk says 800 bytes but only 700/ });
  const float = Buffer.from(good);
  float.writeUInt16LE(3, 20);
  t.throws(() => parseWav(float), { code: 'unsupported', message: /format 3/ });
  t.type(new MediaError('corrupt', 'x'), Error);
});

t.test('signals: speech-like bursts and pauses, deterministic', async (t) => {
  const a = speechLikeSignal(5000, 8000, 7);
  t.same(a, speechLikeSignal(5000, 8000, 7), 'same seed, same signal');
  t.equal(a.length, 40000);
  const levels: number[] = [];
  for (let i = 0; i + 160 <= a.length; i += 160) levels.push(levelDbfs(a, i, i + 160));
  t.ok(levels.some((l) => l > -30), 'there is speech');
  t.ok(levels.some((l) => l < -55), 'there are pauses');
  t.equal(levelDbfs(new Int16Array(10)), Number.NEGATIVE_INFINITY);
});

t.test('TIFF fax documents: written, counted, and bad ones refused', async (t) => {
  const dir = t.testdir();
  const path = join(dir, 'doc.tif');
  writeTiffFile(path, 3, { text: 'price list' });
  t.equal(readTiffFile(path).pages, 3);
  const identify = execFileSync('sox', ['--version'], { encoding: 'utf8' });
  t.ok(identify.length > 0);
  // A hand-built big-endian TIFF with two pages of zero entries.
  const be = Buffer.alloc(8 + 6 + 6);
  be.write('MM', 0, 'ascii');
  be.writeUInt16BE(42, 2);
  be.writeUInt32BE(8, 4);
  be.writeUInt16BE(0, 8);
  be.writeUInt32BE(14, 10);
  be.writeUInt16BE(0, 14);
  be.writeUInt32BE(0, 16);
  t.equal(countTiffPages(be), 2, 'big-endian two pages');
  const loop = Buffer.from(be);
  loop.writeUInt32BE(8, 16);
  t.throws(() => countTiffPages(loop), { message: /loops back to offset 8/ });
  t.throws(() => countTiffPages(Buffer.from('GIF89a..')), { code: 'corrupt', message: /neither II nor MM/ });
  writeFileSync(join(dir, 'cut.tif'), readFileSync(path).subarray(0, 20));
  t.throws(() => readTiffFile(join(dir, 'cut.tif')), { code: 'corrupt', message: /cut\.tif/ });
  t.throws(() => readTiffFile(join(dir, 'none.tif')), { code: 'notFound' });
});
