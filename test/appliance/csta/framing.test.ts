/**
 * Frame reassembly: ECMA-323 J.2 header framing and the NUL-terminated variant, with captured bytes,
 * every split, merged frames, garbage, bad headers and oversize input.
 */
import t from 'tap';
import { FramingError } from '../../../appliance/csta/errors.js';
import {
  type Frame,
  type FrameDecoder,
  type Framing,
  EVENT_INVOKE_ID,
  MAX_FRAME_LENGTH,
  framingByName,
  headerFraming,
  nulFraming,
} from '../../../appliance/csta/framing.js';
import { MONITOR_START_FRAME, MONITOR_START_XML, AVAYA_START_SESSION_FRAME, AVAYA_START_SESSION_XML, SYSTEM_STATUS_XML } from './fixtures/public-examples.js';

interface Collected {
  decoder: FrameDecoder;
  frames: Frame[];
  errors: FramingError[];
  /** Pushes chunks one by one, checking the buffer bound after each. */
  feed(...chunks: Buffer[]): void;
  maxBuffered: number;
}

function collect(framing: Framing = headerFraming): Collected {
  const frames: Frame[] = [];
  const errors: FramingError[] = [];
  const decoder = framing.decoder({ frame: (f) => frames.push(f), error: (e) => errors.push(e) });
  const c: Collected = {
    decoder,
    frames,
    errors,
    maxBuffered: 0,
    feed(...chunks) {
      for (const chunk of chunks) {
        decoder.push(chunk);
        if (decoder.buffered > MAX_FRAME_LENGTH + chunk.length) throw new Error(`buffered ${decoder.buffered} after a chunk of ${chunk.length}`);
        c.maxBuffered = Math.max(c.maxBuffered, decoder.buffered);
      }
    },
  };
  return c;
}

function header(length: number, invokeId: string, format = 0): Buffer {
  const out = Buffer.alloc(8);
  out.writeUInt16BE(format, 0);
  out.writeUInt16BE(length, 2);
  out.write(invokeId, 4, 'latin1');
  return out;
}

const frame = (invokeId: number, xml: string) => headerFraming.encode({ invokeId, xml });
const droppedBytes = (errors: FramingError[]) => errors.reduce((sum, e) => sum + Number(/dropped (\d+) bytes/.exec(e.message)?.[1]), 0);

t.test('the captured MonitorStart frame', async (t) => {
  t.equal(MONITOR_START_FRAME.length, 0xeb);
  t.equal(MONITOR_START_FRAME.readUInt16BE(2), 235);
  t.strictSame(headerFraming.encode({ invokeId: 1, xml: MONITOR_START_XML }), MONITOR_START_FRAME, 'encoding gives the captured bytes');
  const c = collect();
  c.feed(MONITOR_START_FRAME);
  t.strictSame(c.frames, [{ invokeId: 1, xml: MONITOR_START_XML }]);
  t.strictSame(c.errors, []);
  t.equal(c.decoder.buffered, 0);
});

t.test('one frame split at every byte boundary, and into single bytes', async (t) => {
  for (let cut = 1; cut < MONITOR_START_FRAME.length; cut++) {
    const c = collect();
    c.feed(MONITOR_START_FRAME.subarray(0, cut));
    t.equal(c.frames.length, 0, `nothing before the frame is whole (cut ${cut})`);
    t.equal(c.decoder.buffered, cut);
    c.feed(MONITOR_START_FRAME.subarray(cut));
    if (c.frames[0]?.xml !== MONITOR_START_XML || c.errors.length > 0) t.fail(`cut at ${cut}`);
  }
  const c = collect();
  c.feed(...[...AVAYA_START_SESSION_FRAME].map((byte) => Buffer.from([byte])));
  t.strictSame(c.frames, [{ invokeId: 2, xml: AVAYA_START_SESSION_XML }], 'byte by byte');
  t.strictSame(c.errors, []);
});

t.test('several frames in one chunk, and split anywhere among them', async (t) => {
  const all = Buffer.concat([MONITOR_START_FRAME, AVAYA_START_SESSION_FRAME, frame(9999, SYSTEM_STATUS_XML), frame(0, '<A/>')]);
  const expected = [1, 2, 9999, 0];
  const c = collect();
  c.feed(all);
  t.strictSame(c.frames.map((f) => f.invokeId), expected);
  for (let cut = 1; cut < all.length; cut += 7) {
    const d = collect();
    d.feed(all.subarray(0, cut), all.subarray(cut));
    if (d.frames.map((f) => f.invokeId).join() !== expected.join() || d.errors.length > 0) t.fail(`cut at ${cut}`);
  }
  t.equal(c.decoder.buffered, 0);
});

t.test('garbage before, between and after frames: one error per run, with its bytes; good frames still arrive', async (t) => {
  const before = Buffer.from('login: admin\r\n');
  const between = Buffer.from([0xff, 0xfe, 0x41, 0x00, 0x42, 0x00, 0x00, 0x7f, 0x00]);
  const after = Buffer.from('<SystemStatus>no header</SystemStatus>');
  const c = collect();
  c.feed(Buffer.concat([before, MONITOR_START_FRAME, between, frame(9999, SYSTEM_STATUS_XML), after]));
  t.strictSame(c.frames.map((f) => f.invokeId), [1, 9999]);
  t.equal(c.errors.length, 3, 'one error per garbage run');
  t.strictSame(c.errors.map((e) => e.bytes), [before.toString('hex'), between.toString('hex'), after.toString('hex')], 'each with the hex of its bytes');
  t.ok(c.errors.every((e) => e instanceof FramingError && e.message.includes(e.bytes)));
  t.equal(c.decoder.buffered, 0, 'nothing held after trailing garbage');

  const long = Buffer.alloc(5000, 0x41);
  const d = collect();
  d.feed(Buffer.concat([long, MONITOR_START_FRAME]));
  t.equal(d.errors.length, 1);
  t.match(d.errors[0]?.bytes, /^(41){64}… \(5000 bytes\)$/, 'long garbage is shown truncated with its length');
  t.match(d.errors[0]?.message, /dropped 5000 bytes/);
  t.equal(d.frames.length, 1);

  const payload = Buffer.concat([before, MONITOR_START_FRAME, between, AVAYA_START_SESSION_FRAME]);
  for (let cut = 1; cut < payload.length; cut++) {
    const e = collect();
    e.feed(payload.subarray(0, cut), payload.subarray(cut));
    const ok = e.frames.map((f) => f.invokeId).join() === '1,2' && droppedBytes(e.errors) === before.length + between.length;
    if (!ok) t.fail(`split at ${cut}: frames ${e.frames.map((f) => f.invokeId).join()}, dropped ${droppedBytes(e.errors)}`);
  }
});

t.test('bad headers: each dropped with an error naming what is wrong, the next frame decoded', async (t) => {
  const xml = '<SystemStatus/>';
  const cases: [label: string, bytes: Buffer, code: FramingError['code']][] = [
    ['non-zero format indicator', Buffer.concat([header(8 + xml.length, '0001', 0x0100), Buffer.from(xml)]), 'badFormat'],
    ['length under 8', Buffer.concat([header(4, '0001'), Buffer.from(xml)]), 'badLength'],
    ['length 0', header(0, '0001'), 'badLength'],
    ['non-digit invoke ID', Buffer.concat([header(8 + xml.length, '00A1'), Buffer.from(xml)]), 'badInvokeId'],
    ['invoke ID with a space', Buffer.concat([header(8 + xml.length, ' 001'), Buffer.from(xml)]), 'badInvokeId'],
    ['no XML after the header', Buffer.concat([header(8 + 4, '0001'), Buffer.from('\x01\x02\x03\x04')]), 'garbage'],
  ];
  for (const [label, bytes, code] of cases) {
    const c = collect();
    c.feed(Buffer.concat([bytes, MONITOR_START_FRAME]));
    t.equal(c.errors[0]?.code, code, label);
    t.equal(c.errors.length, 1, `${label}: one error`);
    t.equal(c.errors[0]?.bytes, bytes.toString('hex'), `${label}: the offending bytes`);
    t.strictSame(c.frames, [{ invokeId: 1, xml: MONITOR_START_XML }], `${label}: next frame decoded`);
  }
  const formatError = collect();
  formatError.feed(Buffer.concat([header(20, '0001', 1), Buffer.from('<A/>')]));
  t.match(formatError.errors[0]?.message, /format indicator is not 0x0000/);
});

t.test('a frame longer than what arrived: waits, bounded, then completes', async (t) => {
  const c = collect();
  c.feed(MONITOR_START_FRAME.subarray(0, 100));
  t.equal(c.frames.length + c.errors.length, 0);
  t.equal(c.decoder.buffered, 100);

  const xml = `<SystemStatus><systemStatus>normal</systemStatus><!--${'x'.repeat(MAX_FRAME_LENGTH - 8 - 100)}--></SystemStatus>`;
  const padded = `${xml.slice(0, -'</SystemStatus>'.length)}${' '.repeat(MAX_FRAME_LENGTH - 8 - Buffer.byteLength(xml))}</SystemStatus>`;
  const biggest = headerFraming.encode({ invokeId: 9999, xml: padded });
  t.equal(biggest.length, MAX_FRAME_LENGTH, 'a frame of exactly 65535 bytes');
  const d = collect();
  for (let at = 0; at < biggest.length; at += 1000) d.feed(biggest.subarray(at, at + 1000));
  d.feed(MONITOR_START_FRAME);
  t.equal(d.frames[0]?.xml, padded, 'the 65535-byte frame arrives whole');
  t.equal(d.frames[1]?.xml, MONITOR_START_XML);
  t.ok(d.maxBuffered < MAX_FRAME_LENGTH, `held at most ${d.maxBuffered} bytes`);

  const claim = collect();
  claim.feed(header(65535, '0042'), Buffer.from('<Junk>'), Buffer.alloc(1000, 0x20));
  t.equal(claim.decoder.buffered, 8 + 6 + 1000, 'a header claiming 65535 bytes holds what came, no more');
  claim.feed(Buffer.alloc(65535 - 1014, 0x20), MONITOR_START_FRAME);
  t.equal(claim.frames.length, 2, 'once the claimed length has come, framing goes on');
  t.equal(claim.frames[0]?.invokeId, 42);
  t.equal(claim.frames[1]?.xml, MONITOR_START_XML);
  t.ok(claim.maxBuffered <= MAX_FRAME_LENGTH);
});

t.test('a frame cut short or claiming too much does not swallow the frames after it', async (t) => {
  const cut = MONITOR_START_FRAME.subarray(0, 120);
  const c = collect();
  c.feed(Buffer.concat([cut, AVAYA_START_SESSION_FRAME, MONITOR_START_FRAME]));
  t.strictSame(c.frames.map((f) => f.invokeId), [2, 1], 'the frames after the cut one arrive');
  t.equal(c.errors.length, 1);
  t.equal(c.errors[0]?.code, 'badLength');
  t.match(c.errors[0]?.message, /dropped 120 bytes: a NUL byte inside the XML/);

  const claim = collect();
  claim.feed(Buffer.concat([header(65535, '0003'), Buffer.from('<Huge>')]));
  t.equal(claim.frames.length + claim.errors.length, 0, 'a claim alone waits');
  claim.feed(MONITOR_START_FRAME.subarray(0, 3));
  t.equal(claim.errors.length, 1, 'the first NUL byte gives it away');
  t.equal(claim.decoder.buffered, 3, 'holding only what may be the next header');
  claim.feed(MONITOR_START_FRAME.subarray(3), AVAYA_START_SESSION_FRAME);
  t.strictSame(claim.frames.map((f) => f.invokeId), [1, 2], 'a claim of 65535 bytes gives way to the real frames');
  t.match(claim.errors, [{ code: 'badLength', bytes: Buffer.concat([header(65535, '0003'), Buffer.from('<Huge>')]).toString('hex') }]);

  const lostByte = Buffer.concat([MONITOR_START_FRAME.subarray(0, 50), MONITOR_START_FRAME.subarray(51)]);
  const serial = collect();
  for (const byte of Buffer.concat([lostByte, MONITOR_START_FRAME])) serial.feed(Buffer.from([byte]));
  t.equal(serial.frames.length, 1, 'a byte lost on a serial line costs one frame, not two');
  t.equal(serial.errors.length, 1);
  t.throws(() => headerFraming.encode({ xml: '<A>\0</A>' }), { message: /NUL/ }, 'and NUL is refused when encoding');
});

t.test('the decoder keeps its own copy of partial frames', async (t) => {
  const c = collect();
  const chunk = Buffer.concat([MONITOR_START_FRAME, AVAYA_START_SESSION_FRAME.subarray(0, 50)]);
  c.feed(chunk);
  chunk.fill(0x41);
  c.feed(AVAYA_START_SESSION_FRAME.subarray(50, 300));
  const second = Buffer.from(AVAYA_START_SESSION_FRAME.subarray(300));
  c.feed(second);
  t.strictSame(c.frames.map((f) => f.xml), [MONITOR_START_XML, AVAYA_START_SESSION_XML], 'a reused chunk does not corrupt the held bytes');
  t.strictSame(c.errors, []);
});

t.test('a sink that throws or resets does not leave the decoder half-way', async (t) => {
  const seen: string[] = [];
  let throwOnce = true;
  const decoder = headerFraming.decoder({
    frame: (f) => {
      seen.push(f.xml);
      if (throwOnce) {
        throwOnce = false;
        throw new Error('listener bug');
      }
    },
    error: () => undefined,
  });
  const two = Buffer.concat([frame(1, '<A/>'), frame(2, '<B/>'), frame(3, '<C/>').subarray(0, 5)]);
  t.throws(() => decoder.push(two), { message: 'listener bug' }, 'the first exception comes back');
  t.strictSame(seen, ['<A/>', '<B/>'], 'frames after the throwing one are still delivered');
  decoder.push(frame(3, '<C/>').subarray(5));
  t.strictSame(seen, ['<A/>', '<B/>', '<C/>'], 'and the held partial frame completes');

  const frames: Frame[] = [];
  const resetting: FrameDecoder = headerFraming.decoder({
    frame: (f) => {
      frames.push(f);
      resetting.reset();
    },
    error: () => undefined,
  });
  resetting.push(Buffer.concat([frame(1, '<A/>'), frame(2, '<B/>').subarray(0, 10)]));
  t.equal(resetting.buffered, 0, 'reset from a callback drops the held bytes');
  resetting.push(frame(3, '<C/>'));
  t.strictSame(frames.map((f) => f.invokeId), [1, 3]);
});

t.test('encoding: limits and invoke IDs', async (t) => {
  for (const id of [1, 8999, 9999, 0, 42]) {
    const bytes = headerFraming.encode({ invokeId: id, xml: '<A/>' });
    t.equal(bytes.toString('latin1', 4, 8), String(id).padStart(4, '0'), `invoke ID ${id} as four digits`);
    const c = collect();
    c.feed(bytes);
    t.equal(c.frames[0]?.invokeId, id, `invoke ID ${id} round trip`);
  }
  t.equal(headerFraming.encode({ xml: '<A/>' }).toString('latin1', 4, 8), String(EVENT_INVOKE_ID), 'no invoke ID means 9999');
  for (const id of [-1, 10000, 1.5, Number.NaN]) {
    t.throws(() => headerFraming.encode({ invokeId: id, xml: '<A/>' }), RangeError, `invoke ID ${id} refused`);
  }
  t.doesNotThrow(() => headerFraming.encode({ xml: 'x'.repeat(MAX_FRAME_LENGTH - 8) }), '65535 bytes in all is fine');
  t.throws(() => headerFraming.encode({ xml: 'x'.repeat(MAX_FRAME_LENGTH - 7) }), { message: /65536 bytes is over the 65535-byte limit/ });
  t.throws(() => headerFraming.encode({ xml: 'é'.repeat(32764) }), RangeError, 'the limit counts UTF-8 bytes, not characters');
  t.equal(headerFraming.encode({ xml: 'é' }).readUInt16BE(2), 10);
});

t.test('UTF-8 characters split between chunks', async (t) => {
  const xml = '<SystemStatus><systemStatus>Müller ☎ 😀 Ωmega</systemStatus></SystemStatus>';
  for (const framing of [headerFraming, nulFraming]) {
    const bytes = framing.encode({ invokeId: 7, xml });
    for (let cut = 1; cut < bytes.length; cut++) {
      const c = collect(framing);
      c.feed(bytes.subarray(0, cut), bytes.subarray(cut));
      if (c.frames[0]?.xml !== xml || c.frames.length !== 1) t.fail(`${framing.name} split at ${cut}`);
    }
    t.pass(`${framing.name}: every split of a multibyte character reassembles`);
  }
});

t.test('NUL-terminated framing', async (t) => {
  t.equal(framingByName('nul-terminated'), nulFraming);
  t.equal(framingByName('tcp-header'), headerFraming);
  t.equal(nulFraming.carriesInvokeId, false);
  const one = nulFraming.encode({ xml: MONITOR_START_XML });
  t.equal(one[one.length - 1], 0);
  t.throws(() => nulFraming.encode({ xml: '<A>\0</A>' }), RangeError);
  t.throws(() => nulFraming.encode({ xml: 'x'.repeat(MAX_FRAME_LENGTH) }), RangeError);

  const merged = collect(nulFraming);
  merged.feed(Buffer.concat([one, nulFraming.encode({ xml: SYSTEM_STATUS_XML }), Buffer.from([0, 0]), Buffer.from('\r\n\0')]));
  t.strictSame(merged.frames, [{ xml: MONITOR_START_XML }, { xml: SYSTEM_STATUS_XML }], 'merged frames split; empty and blank ones skipped');

  for (let cut = 1; cut < one.length; cut++) {
    const c = collect(nulFraming);
    c.feed(one.subarray(0, cut), one.subarray(cut));
    if (c.frames[0]?.xml !== MONITOR_START_XML) t.fail(`split at ${cut}`);
  }

  const over = collect(nulFraming);
  const chunk = Buffer.alloc(4096, 0x41);
  for (let i = 0; i < 40; i++) over.feed(chunk);
  t.equal(over.errors.length, 1, 'one error when 65535 bytes passed without a NUL');
  t.equal(over.errors[0]?.code, 'oversize');
  t.match(over.errors[0]?.bytes, /^(41){64}/);
  t.ok(over.maxBuffered <= MAX_FRAME_LENGTH, `held at most ${over.maxBuffered} bytes`);
  over.feed(Buffer.concat([chunk.subarray(0, 100), Buffer.from([0]), one]));
  t.strictSame(over.frames, [{ xml: MONITOR_START_XML }], 'drops until the next NUL, then recovers');
  t.equal(over.decoder.buffered, 0);
  over.feed(Buffer.from('<A/'));
  over.decoder.reset();
  over.feed(Buffer.from('<B/>\0'));
  t.strictSame(over.frames.at(-1), { xml: '<B/>' }, 'reset drops a partial frame');
});
