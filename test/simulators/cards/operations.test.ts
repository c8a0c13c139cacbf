/**
 * The card simulator's long operations on the fake clock, against a scripted switch: play lasts the
 * real duration of real WAV files, record writes real WAV files of what the line carries, digits,
 * dial, fax with real TIFF files, tap, and the far end hanging up by loop drop or disconnect tone.
 */
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import t from 'tap';
import { countTiffPages, levelDbfs, readWavFile, toneSignal, writeTiffFile, writeWavFile } from '../../../appliance/media/index.js';
import { loadBoardProfile } from '../../../appliance/cards/board-profile.js';
import { answeredCall, cardsUnderFakeTime, lineMessage } from './harness.js';
import type { TestHost } from './host-client.js';

/** A status round trip: every event the board sent before it has arrived. Returns them (untaken). */
async function eventsSoFar(h: TestHost, ch = 0): Promise<string[]> {
  await h.request(ch, 'status');
  return h.pendingEvents();
}

function toneWav(path: string, ms: number, encoding: 'alaw' | 'mulaw' | 'pcm16' = 'mulaw'): string {
  writeWavFile(path, toneSignal([440], ms, 8000, 0.5), encoding);
  return path;
}

t.test('play: real WAV files last their real duration; missing and corrupt files end with error', async (t) => {
  const dir = t.testdir({ 'corrupt.wav': 'RIFF\u0010\u0000\u0000\u0000WAVEdata' });
  const { host, fakeSwitch, clock, sim } = await cardsUnderFakeTime(t);
  const h = await host();
  await answeredCall(sim, fakeSwitch, h, 0);
  const welcome = toneWav(join(dir, 'welcome.wav'), 1000, 'mulaw');
  const menu = toneWav(join(dir, 'menu.wav'), 1500, 'pcm16');
  const alaw = toneWav(join(dir, 'short.wav'), 250, 'alaw');
  const play = h.command(0, 'play', { args: { files: [welcome, menu, alaw] } });
  t.match(await h.answer(play), { type: 'ack' });
  t.same(sim.played(0), [welcome], 'the first prompt is playing');
  await clock.tickAsync(2749);
  t.same(await eventsSoFar(h), [], 'not done 1 ms before 1000 + 1500 + 250 ms');
  t.same(sim.played(0), [welcome, menu, alaw]);
  await clock.tickAsync(1);
  t.same(await h.event(0, 'playDone'), { type: 'event', ch: 0, event: 'playDone', cmd: play, reason: 'end', playedMs: 2750 });

  const missing = h.command(0, 'play', { args: { files: [join(dir, 'nowhere.wav')] } });
  t.match(await h.answer(missing), { type: 'ack' }, 'a missing file is accepted ...');
  t.match(await h.event(0, 'playDone'), { cmd: missing, reason: 'error', playedMs: 0, error: /nowhere\.wav: no such file/ }, '... and ends with error');
  const corrupt = h.command(0, 'play', { args: { files: [welcome, join(dir, 'corrupt.wav')] } });
  await h.answer(corrupt);
  await clock.tickAsync(1000);
  t.match(await h.event(0, 'playDone'), { cmd: corrupt, reason: 'error', playedMs: 1000, error: /corrupt\.wav/ }, 'the bad file ends the play when its turn comes');
});

t.test('play with bargeIn: the first digit (or one already buffered) ends it and stays in the buffer', async (t) => {
  const dir = t.testdir();
  const { host, fakeSwitch, clock, sim } = await cardsUnderFakeTime(t);
  const h = await host();
  await answeredCall(sim, fakeSwitch, h, 0);
  const prompt = toneWav(join(dir, 'long.wav'), 10_000);
  const play = h.command(0, 'play', { args: { files: [prompt], bargeIn: true } });
  await h.answer(play);
  await clock.tickAsync(2000);
  fakeSwitch.send({ t: 'digits', port: '301', digits: '5' });
  t.same(await h.event(0, 'dtmf'), { type: 'event', ch: 0, event: 'dtmf', digit: '5' });
  t.same(await h.event(0, 'playDone'), { type: 'event', ch: 0, event: 'playDone', cmd: play, reason: 'dtmf', playedMs: 2000 });
  const buffered = h.command(0, 'play', { args: { files: [prompt], bargeIn: true } });
  await h.answer(buffered);
  t.match(await h.event(0, 'playDone'), { cmd: buffered, reason: 'dtmf', playedMs: 0 }, 'a buffered digit barges in at once');
  const digits = h.command(0, 'getDigits', { args: { max: 1, firstDigitMs: 0, interDigitMs: 0 } });
  await h.answer(digits);
  t.match(await h.event(0, 'digitsDone'), { reason: 'max', digits: '5' }, 'the digit stayed in the buffer');

  const plain = h.command(0, 'play', { args: { files: [prompt] } });
  await h.answer(plain);
  fakeSwitch.send({ t: 'digits', port: '301', digits: '7' });
  await h.event(0, 'dtmf');
  await clock.tickAsync(3000);
  const stop = h.command(0, 'stop');
  await h.answer(stop);
  t.match(h.log.filter((f) => f.type === 'event' && f.event === 'playDone').at(-1), { cmd: plain, reason: 'stopped', playedMs: 3000 }, 'without bargeIn a digit does not stop it; stop does');
});

t.test('getDigits: buffer first, max, terminator, first and inter-digit timeouts, hangup', async (t) => {
  const { host, fakeSwitch, clock, sim } = await cardsUnderFakeTime(t);
  const h = await host();
  await answeredCall(sim, fakeSwitch, h, 0);
  const collect = async (args: object) => {
    const id = h.command(0, 'getDigits', { args });
    await h.answer(id);
    return id;
  };
  fakeSwitch.send({ t: 'digits', port: '301', digits: '12#9' });
  for (const digit of '12#9') t.match(await h.event(0, 'dtmf'), { digit }, `dtmf ${digit}, one event per digit`);
  let id = await collect({ max: 8, firstDigitMs: 5000, interDigitMs: 3000, terminators: '#' });
  t.same(await h.event(0, 'digitsDone'), { type: 'event', ch: 0, event: 'digitsDone', cmd: id, reason: 'terminator', digits: '12' }, 'the terminator is not included');
  id = await collect({ max: 3, firstDigitMs: 5000, interDigitMs: 3000 });
  fakeSwitch.send({ t: 'digits', port: '301', digits: '456' });
  t.match(await h.event(0, 'digitsDone'), { cmd: id, reason: 'max', digits: '945' }, 'buffered 9, then 4 and 5; the 6 stays');
  for (const digit of '456') t.match(await h.event(0, 'dtmf'), { digit });
  id = await collect({ max: 3, firstDigitMs: 5000, interDigitMs: 3000 });
  await clock.tickAsync(3000);
  t.match(await h.event(0, 'digitsDone'), { cmd: id, reason: 'interTimeout', digits: '6' }, 'the buffered 6, then 3 s of nothing');

  id = await collect({ max: 3, firstDigitMs: 5000, interDigitMs: 3000 });
  await clock.tickAsync(4999);
  t.same(await eventsSoFar(h), []);
  await clock.tickAsync(1);
  t.match(await h.event(0, 'digitsDone'), { cmd: id, reason: 'firstTimeout', digits: '' });
  id = await collect({ max: 3, firstDigitMs: 0, interDigitMs: 0 });
  t.match(await h.event(0, 'digitsDone'), { cmd: id, reason: 'firstTimeout', digits: '' }, 'firstDigitMs 0 with an empty buffer ends at once');

  id = await collect({ max: 4, firstDigitMs: 5000, interDigitMs: 3000 });
  await clock.tickAsync(4000);
  fakeSwitch.send({ t: 'digits', port: '301', digits: '7' });
  await h.event(0, 'dtmf');
  await clock.tickAsync(2999);
  t.same(await eventsSoFar(h), [], 'the inter-digit wait starts at the digit, not at the start');
  await clock.tickAsync(1);
  t.match(await h.event(0, 'digitsDone'), { cmd: id, reason: 'interTimeout', digits: '7' });

  await h.request(0, 'flushDigits');
  id = await collect({ max: 4, firstDigitMs: 5000, interDigitMs: 3000 });
  fakeSwitch.send({ t: 'disconnect', port: '301' });
  t.same(await h.event(0, 'hangup'), { type: 'event', ch: 0, event: 'hangup', cause: 'loopDrop' }, 'ccbox-sim-4 (both): loop drop at once');
  t.match(await h.event(0, 'digitsDone'), { cmd: id, reason: 'hangup', digits: '' });
  t.same(h.sequence().slice(-2), ['0 hangup', '0 digitsDone hangup'], 'hangup first, then the completion');
  const late = h.command(0, 'getDigits', { args: { max: 1, firstDigitMs: 5000, interDigitMs: 0 } });
  t.match(await h.answer(late), { type: 'ack' });
  t.match(await h.event(0, 'digitsDone'), { cmd: late, reason: 'hangup' }, 'an operation sent after the far end went is over at once');
  t.match(await h.request(0, 'status'), { status: { state: 'offhook' } }, 'the channel stays off hook until the host hangs up');
});

t.test('record: maxTime, silence, dtmf and hangup write WAV files of exactly the recorded length', async (t) => {
  const dir = t.testdir();
  const { host, fakeSwitch, clock, board, sim } = await cardsUnderFakeTime(t);
  t.equal(board.law, 'alaw');
  const h = await host();
  const record = async (ch: number, args: object) => {
    const id = h.command(ch, 'record', { args });
    t.match(await h.answer(id), { type: 'ack' });
    return id;
  };
  const checkWav = (file: string, durationMs: number, bytes: number) => {
    const clip = readWavFile(file);
    t.equal(clip.encoding, 'alaw', 'in the board law');
    t.equal(clip.sampleRate, 8000);
    t.equal(clip.channels, 1);
    t.equal(clip.samples.length, durationMs * 8, `${durationMs} ms = ${durationMs * 8} samples`);
    t.equal(statSync(file).size, bytes, 'bytes is the file size');
    return clip;
  };

  // No audio named: the caller says something generated.
  await answeredCall(sim, fakeSwitch, h, 0);
  let file = join(dir, 'max.wav');
  let id = await record(0, { file, maxMs: 3000 });
  await clock.tickAsync(2999);
  t.same(await eventsSoFar(h), []);
  await clock.tickAsync(1);
  let done = await h.event(0, 'recordDone');
  t.match(done, { cmd: id, reason: 'maxTime', file, durationMs: 3000 });
  let clip = checkWav(file, 3000, done.bytes);
  t.ok(levelDbfs(clip.samples) > -40, 'the generated voice is in it');

  // The caller's audio: one second of tone, then nothing: silence ends the recording 2 s after the tone.
  const says = toneWav(join(dir, 'says.wav'), 1000, 'pcm16');
  await answeredCall(sim, fakeSwitch, h, 1, { audio: says });
  file = join(dir, 'silence.wav');
  id = await record(1, { file, maxMs: 60_000, silenceMs: 2000 });
  await clock.tickAsync(2999);
  t.same(await eventsSoFar(h, 1), []);
  await clock.tickAsync(1);
  done = await h.event(1, 'recordDone');
  t.match(done, { cmd: id, reason: 'silence', durationMs: 3000 });
  clip = checkWav(file, 3000, done.bytes);
  t.ok(levelDbfs(clip.samples, 0, 8000) > -12, "the caller's tone is the first second");
  t.ok(levelDbfs(clip.samples, 8000) < -45, 'the silence that ended it is kept');

  // Silence long after the start: the line is read ahead a minute at a time.
  await answeredCall(sim, fakeSwitch, h, 2, { audio: toneWav(join(dir, 'long-talk.wav'), 70_000) });
  file = join(dir, 'long.wav');
  id = await record(2, { file, maxMs: 120_000, silenceMs: 2000 });
  await clock.tickAsync(71_999);
  t.same(await eventsSoFar(h, 2), []);
  await clock.tickAsync(1);
  done = await h.event(2, 'recordDone');
  t.match(done, { cmd: id, reason: 'silence', durationMs: 72_000 });
  checkWav(file, 72_000, done.bytes);

  // A digit ends it and stays buffered; it started after the beep.
  file = join(dir, 'dtmf.wav');
  id = await record(1, { file, maxMs: 60_000, beep: true });
  await clock.tickAsync(1700);
  fakeSwitch.send({ t: 'digits', port: '302', digits: '#' });
  await h.event(1, 'dtmf');
  done = await h.event(1, 'recordDone');
  t.match(done, { cmd: id, reason: 'dtmf', durationMs: 1500 }, '1700 ms minus the 200 ms beep');
  checkWav(file, 1500, done.bytes);
  id = h.command(1, 'getDigits', { args: { max: 1, firstDigitMs: 0, interDigitMs: 0 } });
  t.match(await h.event(1, 'digitsDone'), { cmd: id, digits: '#' }, 'the digit stayed in the buffer');

  file = join(dir, 'nodtmf.wav');
  id = await record(1, { file, maxMs: 1000, stopOnDtmf: false });
  fakeSwitch.send({ t: 'digits', port: '302', digits: '1' });
  await h.event(1, 'dtmf');
  await clock.tickAsync(1000);
  t.match(await h.event(1, 'recordDone'), { cmd: id, reason: 'maxTime', durationMs: 1000 }, 'stopOnDtmf false: digits do not end it');

  // The caller hangs up.
  file = join(dir, 'hangup.wav');
  id = await record(0, { file, maxMs: 60_000, silenceMs: 5000 });
  await clock.tickAsync(2500);
  fakeSwitch.send({ t: 'disconnect', port: '301' });
  await h.event(0, 'hangup');
  done = await h.event(0, 'recordDone');
  t.match(done, { cmd: id, reason: 'hangup', durationMs: 2500 });
  checkWav(file, 2500, done.bytes);

  id = await record(1, { file: join(dir, 'max.wav', 'x.wav'), maxMs: 100 });
  await clock.tickAsync(100);
  t.match(await h.event(1, 'recordDone'), { cmd: id, reason: 'error', bytes: 0, error: /./ }, 'a file that cannot be written ends with error');
});

t.test('dial: 100 ms a digit, 1 s a comma, digits down the line; flash is acked when over', async (t) => {
  const { host, fakeSwitch, clock, sim } = await cardsUnderFakeTime(t);
  const h = await host();
  await h.request(1, 'offhook');
  const id = h.command(1, 'dial', { digits: '12,3' });
  await h.answer(id);
  await clock.tickAsync(200);
  t.same(await fakeSwitch.next('dial', '302'), { t: 'dial', port: '302', digits: '12' }, 'the digits before the pause');
  await clock.tickAsync(1099);
  t.same(await eventsSoFar(h, 1), []);
  await clock.tickAsync(1);
  t.same(await fakeSwitch.next('dial', '302'), { t: 'dial', port: '302', digits: '3' });
  t.same(await h.event(1, 'dialDone'), { type: 'event', ch: 1, event: 'dialDone', cmd: id, reason: 'done' });

  const flash = h.command(1, 'flash');
  t.same(await fakeSwitch.next('flash', '302'), { t: 'flash', port: '302' });
  await clock.tickAsync(499);
  t.notOk(h.log.some((f) => f.type === 'ack' && f.id === flash), 'not acked during the flash');
  await clock.tickAsync(1);
  t.match(await h.answer(flash), { type: 'ack', status: { state: 'offhook' } });
});

t.test('fax: pages sent to the far end and received from it, with progress; no fax machine; hangup mid-fax', async (t) => {
  const dir = t.testdir();
  const { host, fakeSwitch, clock, sim } = await cardsUnderFakeTime(t);
  const h = await host();
  const document = join(dir, 'out.tif');
  writeTiffFile(document, 3);
  const inbox = join(dir, 'inbox');
  await answeredCall(sim, fakeSwitch, h, 0, { faxInbox: inbox });
  let id = h.command(0, 'sendFax', { file: document });
  await h.answer(id);
  await clock.tickAsync(8999);
  t.same(await eventsSoFar(h), [], 'handshake and the first page take 9 s');
  for (const page of [1, 2, 3]) {
    await clock.tickAsync(page === 1 ? 1 : 6000);
    t.same(await h.event(0, 'faxProgress'), { type: 'event', ch: 0, event: 'faxProgress', cmd: id, direction: 'send', page });
  }
  t.same(await fakeSwitch.next('fax', '301'), { t: 'fax', port: '301', file: document, pages: 3 }, 'the fax went down the line');
  t.same(await h.event(0, 'faxDone'), { type: 'event', ch: 0, event: 'faxDone', cmd: id, direction: 'send', reason: 'ok', pages: 3, file: document });

  id = h.command(0, 'sendFax', { file: join(dir, 'missing.tif') });
  await h.answer(id);
  t.match(await h.event(0, 'faxDone'), { cmd: id, reason: 'error', pages: 0, error: /no such file/ });

  const incoming = join(dir, 'in.tif');
  writeTiffFile(incoming, 2, { text: 'from the caller' });
  await answeredCall(sim, fakeSwitch, h, 1, { faxToSend: incoming });
  const received = join(dir, 'received.tif');
  id = h.command(1, 'receiveFax', { file: received });
  await h.answer(id);
  await clock.tickAsync(15_000);
  t.match(await h.event(1, 'faxProgress'), { page: 1, direction: 'receive' });
  t.match(await h.event(1, 'faxProgress'), { page: 2 });
  t.same(await h.event(1, 'faxDone'), { type: 'event', ch: 1, event: 'faxDone', cmd: id, direction: 'receive', reason: 'ok', pages: 2, file: received });
  t.same(readFileSync(received), readFileSync(incoming), "the caller's document, byte for byte");

  const partial = join(dir, 'partial.tif');
  id = h.command(1, 'receiveFax', { file: partial });
  await h.answer(id);
  await clock.tickAsync(10_000);
  await h.event(1, 'faxProgress');
  fakeSwitch.send({ t: 'disconnect', port: '302' });
  await h.event(1, 'hangup');
  t.match(await h.event(1, 'faxDone'), { cmd: id, reason: 'hangup', pages: 1 });
  t.equal(countTiffPages(readFileSync(partial)), 1, 'the page that came is kept');

  await answeredCall(sim, fakeSwitch, h, 2);
  id = h.command(2, 'sendFax', { file: document });
  await h.answer(id);
  const rx = h.command(3, 'receiveFax', { file: join(dir, 'never.tif') });
  t.match(await h.answer(rx), { type: 'nak', code: 'invalidState' }, 'receiveFax on hook');
  await clock.tickAsync(34_999);
  t.same(await eventsSoFar(h, 2), []);
  await clock.tickAsync(1);
  t.match(await h.event(2, 'faxDone'), { cmd: id, reason: 'noFax', pages: 0 }, 'no fax machine at the far end');
  t.same(readdirSync(dir).sort(), ['in.tif', 'out.tif', 'partial.tif', 'received.tif'], 'no temp files left; the inbox is the line server\'s to fill');
});

t.test('the far end hangs up by disconnect tone: hangup after the busy cadence cycles', async (t) => {
  const dir = t.testdir();
  const cn = loadBoardProfile('ccbox-sim-4');
  const { host, fakeSwitch, clock, sim } = await cardsUnderFakeTime(t, { board: { tonePlan: { ...cn.tonePlan, disconnect: { method: 'tone', toneCycles: 3 } } } });
  const h = await host();
  await answeredCall(sim, fakeSwitch, h, 0);
  const prompt = toneWav(join(dir, 'p.wav'), 30_000);
  const play = h.command(0, 'play', { args: { files: [prompt] } });
  await h.answer(play);
  await clock.tickAsync(1000);
  const heard = lineMessage(sim, 'disconnect', '301');
  fakeSwitch.send({ t: 'disconnect', port: '301' });
  await heard;
  await clock.tickAsync(2099);
  t.same(await eventsSoFar(h), [], '3 cycles of 350 ms on, 350 ms off are not over yet');
  await clock.tickAsync(1);
  t.same(await h.event(0, 'hangup'), { type: 'event', ch: 0, event: 'hangup', cause: 'disconnectTone' });
  t.same(await h.event(0, 'playDone'), { type: 'event', ch: 0, event: 'playDone', cmd: play, reason: 'hangup', playedMs: 3100 });
  await h.request(0, 'onhook');
  t.same(await fakeSwitch.next('onhook', '301'), { t: 'onhook', port: '301' });
});

t.test('tap: a tap channel records its agent line until tapStop', async (t) => {
  const dir = t.testdir();
  const { host, clock } = await cardsUnderFakeTime(t, { board: { tapChannels: [3] } });
  const h = await host();
  const file = join(dir, 'tap.wav');
  const id = h.command(3, 'tapStart', { file });
  t.match(await h.answer(id), { type: 'ack', status: { ch: 3, busyWith: 'tapStart' } });
  t.match(await h.request(3, 'tapStart', { file }), { type: 'nak', code: 'busy' });
  await clock.tickAsync(4000);
  const stop = h.command(3, 'tapStop');
  await h.answer(stop);
  t.same(h.sequence().slice(-2), ['3 recordDone stopped', `ack ${stop}`], 'recordDone before the ack of tapStop');
  const done = h.log.find((f) => f.type === 'event' && f.event === 'recordDone');
  t.match(done, { cmd: id, reason: 'stopped', file, durationMs: 4000 });
  const clip = readWavFile(file);
  t.equal(clip.samples.length, 32_000);
  t.equal(clip.encoding, 'alaw');
  t.ok(levelDbfs(clip.samples) > -40, 'the agent line is not silent');
});
