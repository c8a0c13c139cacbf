/**
 * Seeded fuzzing of the CSTA wire layer: well over 100,000 mutated and random frames through the
 * framing decoders and the codec in chunks of random sizes, and a share of them through a real
 * CstaWire over loopback TCP. Nothing may escape as an exception, hang, or hold unbounded memory, and
 * the valid frames mixed into the garbage must still come through. Replay a run with
 * CCBOX_FUZZ_SEED=<seed> (the seed is printed).
 */
import { once } from 'node:events';
import { type AddressInfo, type Socket, createServer } from 'node:net';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import t, { type Test } from 'tap';
import { decodeMessage, encodeMessage } from '../../../appliance/csta/codec.js';
import { CodecError, FramingError } from '../../../appliance/csta/errors.js';
import { type Framing, MAX_FRAME_LENGTH, headerFraming, nulFraming } from '../../../appliance/csta/framing.js';
import type { CstaMessage } from '../../../appliance/csta/messages.js';
import { CstaWire } from '../../../appliance/csta/wire.js';
import { silentLogger } from '../../../appliance/runtime/logger.js';
import { openStream } from '../../../appliance/transport/connect.js';
import {
  BYTE_MUTATORS,
  MESSAGE_NAMES,
  Rng,
  byteMutators,
  deepNesting,
  fuzzSeed,
  manyAttributes,
  mutateXml,
  randomChunks,
  sampleMessage,
} from '../../helpers/fuzz.js';
import * as pbx from './fixtures/pbx-shaped.js';
import * as pub from './fixtures/public-examples.js';

const seed = fuzzSeed();
t.comment(`fuzz seed ${seed} (replay with CCBOX_FUZZ_SEED=${seed})`);

const MAX_CHUNK = 4096;
/** What the socket may hand over at once on loopback. */
const MAX_TCP_CHUNK = 65536;

// ---------------------------------------------------------------------------------------------
// the material

function corpus(rng: Rng): string[] {
  const docs = [
    pub.MONITOR_START_XML, pub.MAKE_CALL_XML, pub.MAKE_CALL_RESPONSE_XML, pub.HOSTED_PBX_ESTABLISHED_XML, pub.OPENSCAPE_DEFLECT_CALL_XML,
    pub.AVAYA_START_SESSION_XML, pbx.SIEMENS_PREFIXED_DELIVERED_XML, pbx.AVAYA_ESTABLISHED_XML, pbx.UNQUALIFIED_QUEUED_XML,
    pbx.TRANSFERRED_XML, pbx.VENDOR_UNKNOWN_XML,
  ];
  for (const name of MESSAGE_NAMES) {
    for (let i = 0; i < 3; i++) {
      const message = sampleMessage(name, rng, { full: i === 0 });
      docs.push(encodeMessage(message, { edition: rng.pick(['ed3', 'ed4', 'ed5'] as const), declaration: rng.chance(0.2) }));
    }
  }
  return docs;
}

const SENTINEL = 'sentinel-';
const sentinelXml = (n: number) => encodeMessage({ type: 'SystemStatus', systemStatus: `${SENTINEL}${n}` });

function sentinelNumber(message: CstaMessage): number | undefined {
  if (message.type !== 'SystemStatus' || !message.systemStatus?.startsWith(SENTINEL)) return undefined;
  return Number(message.systemStatus.slice(SENTINEL.length));
}

/** An XML payload that is wrong in one of the ways the fuzz covers (or, now and then, right). */
function junkXml(rng: Rng, docs: readonly string[]): string {
  switch (rng.int(0, 9)) {
    case 0:
      return deepNesting(rng.int(200, 5000), rng.pick(['DeliveredEvent', 'Foo', 'MonitorStart']));
    case 1:
      return manyAttributes(rng.chance(0.1) ? rng.int(1000, 4000) : rng.int(20, 500), rng.pick(['SystemStatus', 'Bar']));
    case 2:
      return `<${rng.bytes(rng.int(1, 2000)).toString('latin1')}`;
    case 3:
      return `<${rng.bytes(rng.int(1, 2000)).toString('utf8')}`;
    case 4:
      return rng.pick(docs);
    default:
      return mutateXml(rng.pick(docs), rng);
  }
}

/** Framed so that framing itself cannot fail: a correct header, a payload starting with '<' and no NUL. */
function framedJunk(rng: Rng, docs: readonly string[]): Buffer {
  let xml = junkXml(rng, docs).replaceAll('\0', '');
  if (!xml.startsWith('<')) xml = `<${xml}`;
  while (Buffer.byteLength(xml) > MAX_FRAME_LENGTH - 8) xml = xml.slice(0, xml.length >> 1);
  return headerFraming.encode({ invokeId: rng.int(0, 9999), xml });
}

function mangledFrame(rng: Rng, docs: readonly string[]): Buffer {
  const victim = rng.chance(0.8) ? headerFraming.encode({ invokeId: rng.int(0, 9999), xml: rng.pick(docs) }) : framedJunk(rng, docs);
  return byteMutators[rng.pick(BYTE_MUTATORS)](victim, rng);
}

// ---------------------------------------------------------------------------------------------
// the receiving side

interface Tally {
  frames: number;
  decoded: number;
  codecErrors: number;
  framingErrors: number;
  sentinels: number[];
  unexpected: string[];
  maxBuffered: number;
}

function receiver(framing: Framing) {
  const tally: Tally = { frames: 0, decoded: 0, codecErrors: 0, framingErrors: 0, sentinels: [], unexpected: [], maxBuffered: 0 };
  const decoder = framing.decoder({
    frame(frame) {
      tally.frames++;
      try {
        const n = sentinelNumber(decodeMessage(frame.xml));
        tally.decoded++;
        if (n !== undefined) tally.sentinels.push(n);
      } catch (error) {
        if (error instanceof CodecError) tally.codecErrors++;
        else tally.unexpected.push(`decodeMessage threw ${String(error)} on ${JSON.stringify(frame.xml.slice(0, 200))}`);
      }
    },
    error(error) {
      tally.framingErrors++;
      if (!(error instanceof FramingError)) tally.unexpected.push(`framing reported ${String(error)}`);
    },
  });
  const push = (bytes: Buffer, rng: Rng) => {
    const maxChunk = rng.chance(0.1) ? 16 : MAX_CHUNK;
    for (const chunk of randomChunks(bytes, rng, maxChunk)) {
      try {
        decoder.push(chunk);
      } catch (error) {
        tally.unexpected.push(`push threw ${String(error)}`);
      }
      tally.maxBuffered = Math.max(tally.maxBuffered, decoder.buffered);
    }
  };
  return { tally, push };
}

/** Runs `items` generated items, each followed now and then by a numbered sentinel; returns what was sent. */
function run(items: number, rng: Rng, make: () => Buffer, push: (bytes: Buffer) => void): { items: number; sentinels: number } {
  let sentinels = 0;
  let batch: Buffer[] = [];
  let batchBytes = 0;
  const add = (bytes: Buffer) => {
    batch.push(bytes);
    batchBytes += bytes.length;
  };
  for (let i = 0; i < items; i++) {
    add(make());
    if (rng.chance(0.25)) add(headerFraming.encode({ invokeId: 9999, xml: sentinelXml(sentinels++) }));
    if (batchBytes > 256 * 1024 || i === items - 1) {
      push(Buffer.concat(batch));
      batch = [];
      batchBytes = 0;
    }
  }
  return { items, sentinels };
}

function checkTally(t: Test, tally: Tally): void {
  t.strictSame(tally.unexpected.slice(0, 5), [], 'no exception escaped');
  t.ok(tally.sentinels.every((n, i) => i === 0 || n > (tally.sentinels[i - 1] ?? -1)), 'sentinels arrive in order, none twice');
  t.ok(tally.maxBuffered <= MAX_FRAME_LENGTH + MAX_CHUNK, `buffered stayed at most ${tally.maxBuffered} bytes`);
}

function gcFunction(): (() => void) | undefined {
  const exposed = (globalThis as { gc?: () => void }).gc;
  if (exposed) return exposed;
  try {
    setFlagsFromString('--expose-gc');
    return runInNewContext('gc') as () => void;
  } catch {
    return undefined;
  }
}

const gc = gcFunction();
const heapAfterGc = () => {
  gc?.();
  return process.memoryUsage().heapUsed;
};
const heapBefore = heapAfterGc();
const MiB = 1024 * 1024;
let fedTotal = 0;

// ---------------------------------------------------------------------------------------------

t.test('framed junk: bad XML of every kind in correct frames; every sentinel comes through', { timeout: 60_000 }, async (t) => {
  const rng = new Rng(seed);
  const docs = corpus(rng);
  const { tally, push } = receiver(headerFraming);
  const sent = run(50_000, rng, () => framedJunk(rng, docs), (bytes) => push(bytes, rng));
  fedTotal += sent.items;
  t.comment(`framed junk: ${sent.items} items, ${tally.decoded} decoded, ${tally.codecErrors} codec errors, ${sent.sentinels} sentinels`);
  checkTally(t, tally);
  t.equal(tally.framingErrors, 0, 'correct frames never upset the framing');
  t.equal(tally.frames, sent.items + sent.sentinels, 'every frame delivered');
  t.equal(tally.sentinels.length, sent.sentinels, 'every sentinel decoded');
  t.ok(tally.codecErrors > sent.items / 4, 'most junk was refused by the codec');
});

t.test('mangled bytes: flips, cuts, duplicates, bad headers, random bytes; the stream recovers', { timeout: 60_000 }, async (t) => {
  const rng = new Rng(seed ^ 0x9e3779b9);
  const docs = corpus(rng);
  const { tally, push } = receiver(headerFraming);
  const sent = run(50_000, rng, () => mangledFrame(rng, docs), (bytes) => push(bytes, rng));
  fedTotal += sent.items;
  push(headerFraming.encode({ xml: sentinelXml(sent.sentinels) }), rng);
  t.comment(
    `mangled: ${sent.items} items, ${tally.frames} frames, ${tally.framingErrors} framing errors, ${tally.codecErrors} codec errors, ` +
      `${tally.sentinels.length}/${sent.sentinels + 1} sentinels`,
  );
  checkTally(t, tally);
  t.ok(tally.framingErrors > 0 && tally.codecErrors > 0, 'both framing and codec errors were met');
  // A sentinel starts with 0x00 0x00 0x00 and XML holds no 0x00, so no damaged frame can swallow it.
  t.equal(tally.sentinels.length, sent.sentinels + 1, 'every sentinel among the garbage decoded, the last one too');
});

t.test('NUL-terminated framing under the same abuse', { timeout: 60_000 }, async (t) => {
  const rng = new Rng(seed ^ 0x51ed270b);
  const docs = corpus(rng);
  const { tally, push } = receiver(nulFraming);
  let sentinels = 0;
  const items = 8_000;
  for (let i = 0; i < items; i++) {
    const choice = rng.int(0, 7);
    const payload =
      choice <= 1 ? rng.bytes(rng.int(1, 3000)) : choice === 2 ? Buffer.alloc(rng.int(60_000, 70_000), 0x41) : Buffer.from(junkXml(rng, docs).replaceAll('\0', ''));
    const sentinel = nulFraming.encode({ xml: sentinelXml(sentinels++) });
    push(Buffer.concat([payload, Buffer.from([0]), sentinel]), rng);
  }
  fedTotal += items;
  t.comment(`NUL: ${items} items, ${tally.framingErrors} oversize errors, ${tally.codecErrors} codec errors, ${tally.sentinels.length}/${sentinels} sentinels`);
  checkTally(t, tally);
  t.equal(tally.sentinels.length, sentinels, 'a NUL always ends the damage: every sentinel decoded');
  t.ok(tally.framingErrors > 0, 'oversize runs were reported');
});

t.test('a real CstaWire over loopback TCP', { timeout: 60_000 }, async (t) => {
  const rng = new Rng(seed ^ 0x2545f491);
  const docs = corpus(rng);
  const server = createServer();
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  t.teardown(() => new Promise<void>((resolve) => server.close(() => resolve())));
  const accepted = once(server, 'connection') as Promise<[Socket]>;
  const stream = await openStream(`tcp://127.0.0.1:${(server.address() as AddressInfo).port}`);
  const [peer] = await accepted;
  const wire = new CstaWire(stream, { framing: headerFraming, edition: 'ed4', logger: silentLogger() });
  t.teardown(() => {
    peer.destroy();
    return wire.close();
  });

  const sentinels: number[] = [];
  let messages = 0;
  let protocolErrors = 0;
  let maxBuffered = 0;
  wire.on('message', (message) => {
    messages++;
    const n = sentinelNumber(message);
    if (n !== undefined) sentinels.push(n);
  });
  wire.on('protocolError', (error) => {
    protocolErrors++;
    if (!(error instanceof CodecError || error instanceof FramingError)) t.fail(`unexpected protocol error ${String(error)}`);
  });
  stream.on('data', () => {
    maxBuffered = Math.max(maxBuffered, wire.stats.buffered);
  });

  let sent = 0;
  const items = 10_000;
  for (let i = 0; i < items; i++) {
    const junk = rng.chance(0.5) ? framedJunk(rng, docs) : mangledFrame(rng, docs);
    const bytes = rng.chance(0.3) ? Buffer.concat([junk, headerFraming.encode({ xml: sentinelXml(sent++) })]) : junk;
    for (const chunk of randomChunks(bytes, rng, MAX_CHUNK)) {
      if (!peer.write(chunk)) await once(peer, 'drain');
    }
  }
  fedTotal += items;
  const last = sent;
  const arrived = new Promise<void>((resolve) => {
    wire.on('message', (message) => {
      if (sentinelNumber(message) === last) resolve();
    });
  });
  peer.write(headerFraming.encode({ xml: sentinelXml(last) }));
  await arrived;

  const replies: string[] = [];
  peer.on('data', (chunk: Buffer) => replies.push(chunk.toString('latin1')));
  wire.send({ type: 'SystemStatusResponse' }, 4711);
  await once(peer, 'data');
  t.match(replies.join(''), /^\0\0\0.4711<SystemStatusResponse /s, 'the wire still writes after the abuse');

  t.comment(`TCP: ${items} items, ${messages} messages, ${protocolErrors} protocol errors, ${sentinels.length}/${sent + 1} sentinels, max buffered ${maxBuffered}`);
  t.ok(wire.isOpen, 'the link stayed up');
  t.ok(sentinels.every((n, i) => i === 0 || n > (sentinels[i - 1] ?? -1)), 'sentinels in order, none twice');
  t.equal(sentinels.length, sent + 1, 'every sentinel among the garbage decoded');
  t.equal(wire.stats.protocolErrors, protocolErrors);
  t.ok(maxBuffered <= MAX_FRAME_LENGTH + MAX_TCP_CHUNK, `buffered stayed at most ${maxBuffered} bytes`);
});

t.test('totals and memory', async (t) => {
  t.ok(fedTotal >= 100_000, `${fedTotal} mutated or random frames fed`);
  t.ok(gc, 'garbage collection can be forced (tap runs with --expose-gc), so heap growth is measured');
  const growth = heapAfterGc() - heapBefore;
  t.comment(`heap growth after gc: ${(growth / MiB).toFixed(1)} MiB`);
  t.ok(growth < 64 * MiB, 'heap growth under 64 MiB');
});
