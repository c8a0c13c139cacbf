/**
 * Seeded randomness for the CSTA tests: a small PRNG, sample messages generated from the catalogue's
 * shapes, and mutators for bytes and XML. The same seed always gives the same run.
 */
import { type KnownMessage, type MessageName, shapes } from '../../appliance/csta/messages.js';
import type { Field, Shape } from '../../appliance/csta/schema.js';

export const DEFAULT_FUZZ_SEED = 0x0ccb0c5;

/** The seed from CCBOX_FUZZ_SEED (decimal or 0x-hex), else the fixed default. */
export function fuzzSeed(env: NodeJS.ProcessEnv = process.env): number {
  const raw = env.CCBOX_FUZZ_SEED?.trim();
  if (raw === undefined || raw === '') return DEFAULT_FUZZ_SEED;
  const seed = Number(raw);
  if (!Number.isSafeInteger(seed) || seed < 0) throw new Error(`CCBOX_FUZZ_SEED must be a non-negative integer, got "${raw}"`);
  return seed >>> 0;
}

/** mulberry32: fast, 32-bit state, good enough to pick mutations. */
export class Rng {
  #state: number;

  constructor(seed: number) {
    this.#state = seed >>> 0;
  }

  /** A float in [0, 1). */
  next(): number {
    this.#state = (this.#state + 0x6d2b79f5) >>> 0;
    let x = this.#state;
    x = Math.imul(x ^ (x >>> 15), x | 1);
    x ^= x + Math.imul(x ^ (x >>> 7), x | 61);
    return ((x ^ (x >>> 14)) >>> 0) / 4294967296;
  }

  /** An integer in [min, max], both included. */
  int(min: number, max: number): number {
    return min + Math.floor(this.next() * (max - min + 1));
  }

  chance(probability: number): boolean {
    return this.next() < probability;
  }

  pick<T>(items: readonly T[]): T {
    if (items.length === 0) throw new Error('pick from an empty list');
    return items[this.int(0, items.length - 1)] as T;
  }

  bytes(length: number): Buffer {
    const out = Buffer.allocUnsafe(length);
    for (let i = 0; i < length; i++) out[i] = this.int(0, 255);
    return out;
  }

  hex(digits: number): string {
    let out = '';
    for (let i = 0; i < digits; i++) out += '0123456789ABCDEF'[this.int(0, 15)];
    return out;
  }
}

// ---------------------------------------------------------------------------------------------
// sample messages from the shapes

type AnyField = Field<unknown, boolean>;
type Kind = AnyField['kind'];

/** Texts that survive a round trip (decoding trims, so no outer whitespace) yet exercise escaping. */
const TEXTS = ['newCall', 'enteringDistribution', 'a<b>&"c\'d', 'Müller ☎ 😀', 'two words', '', 'x'];
const DEVICES = ['201', '212700', '+4930123456', '22334455', 'SUB_C', 'N+49', '9'];
const RAWS = [
  '<SessionLoginInfo xmlns="http://www.avaya.com/csta"><userName>u</userName><password>p&amp;w</password></SessionLoginInfo>',
  '<scx:logon xmlns:scx="http://www.siemens.com/schema/csta"><scx:id>1</scx:id></scx:logon><scx:more xmlns:scx="http://www.siemens.com/schema/csta"/>',
  'plain text &amp; more',
];

export interface SampleOptions {
  /** Fill every optional field (true) or each with probability 1/2 (false). */
  full: boolean;
}

export function sampleValue(kind: Kind, rng: Rng, options: SampleOptions): unknown {
  switch (kind.k) {
    case 'text':
      return rng.pick(TEXTS);
    case 'int':
      return rng.pick([0, 1, 7, -3, 65535, 2147483647, Number.MAX_SAFE_INTEGER]);
    case 'bool':
      return rng.chance(0.5);
    case 'device':
      return rng.pick(DEVICES);
    case 'connection':
      return options.full || rng.chance(0.7) ? { callID: rng.hex(32), deviceID: rng.pick(DEVICES) } : { callID: rng.hex(8) };
    case 'struct':
      return sampleShape(kind.shape, rng, options);
    case 'list': {
      const items: unknown[] = [];
      for (let i = rng.int(options.full ? 1 : 0, 3); i > 0; i--) items.push(sampleValue(kind.of.kind, rng, options));
      return items;
    }
    case 'raw':
      return rng.pick(RAWS);
  }
}

export function sampleShape(shape: Shape, rng: Rng, options: SampleOptions): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, spec] of Object.entries(shape)) {
    if (spec.required || options.full || rng.chance(0.5)) out[key] = sampleValue(spec.kind, rng, options);
  }
  return out;
}

export function sampleMessage(name: MessageName, rng: Rng, options: SampleOptions = { full: true }): KnownMessage {
  return { type: name, ...sampleShape(shapes[name] as Shape, rng, options) } as KnownMessage;
}

export const MESSAGE_NAMES = Object.keys(shapes) as MessageName[];

// ---------------------------------------------------------------------------------------------
// mutators

/** Byte-level damage to an encoded frame. Each returns a new buffer. */
export const byteMutators = {
  bitFlips(bytes: Buffer, rng: Rng): Buffer {
    const out = Buffer.from(bytes);
    for (let n = rng.int(1, 8); n > 0 && out.length > 0; n--) {
      const at = rng.int(0, out.length - 1);
      out[at] = (out[at] ?? 0) ^ (1 << rng.int(0, 7));
    }
    return out;
  },
  truncate(bytes: Buffer, rng: Rng): Buffer {
    return Buffer.from(bytes.subarray(0, rng.int(0, Math.max(0, bytes.length - 1))));
  },
  duplicateRange(bytes: Buffer, rng: Rng): Buffer {
    const from = rng.int(0, bytes.length);
    const to = Math.min(bytes.length, from + rng.int(1, 64));
    return Buffer.concat([bytes.subarray(0, to), bytes.subarray(from, to), bytes.subarray(to)]);
  },
  removeRange(bytes: Buffer, rng: Rng): Buffer {
    const from = rng.int(0, bytes.length);
    const to = Math.min(bytes.length, from + rng.int(1, 64));
    return Buffer.concat([bytes.subarray(0, from), bytes.subarray(to)]);
  },
  /** Rewrites the header's length: near the truth (off by a little) or anywhere in 0..65535. */
  headerLength(bytes: Buffer, rng: Rng): Buffer {
    const out = Buffer.from(bytes);
    if (out.length < 4) return out;
    const truth = out.readUInt16BE(2);
    const length = rng.chance(0.8) ? Math.max(0, Math.min(65535, truth + rng.int(-16, 16))) : rng.int(0, 65535);
    out.writeUInt16BE(length, 2);
    return out;
  },
  /** Rewrites a header byte (format indicator or invoke ID) with a random one. */
  headerByte(bytes: Buffer, rng: Rng): Buffer {
    const out = Buffer.from(bytes);
    if (out.length >= 8) out[rng.pick([0, 1, 4, 5, 6, 7])] = rng.int(0, 255);
    return out;
  },
  randomBytes(_bytes: Buffer, rng: Rng): Buffer {
    return rng.bytes(rng.int(1, 512));
  },
} satisfies Record<string, (bytes: Buffer, rng: Rng) => Buffer>;

export type ByteMutator = keyof typeof byteMutators;
export const BYTE_MUTATORS = Object.keys(byteMutators) as ByteMutator[];

const XML_NOISE = ['<', '>', '&', '"', "'", '/', '=', ';', '&amp;', '&#0;', '&#x110000;', '<!DOCTYPE x>', ']]>', '<![CDATA[', '<!--', '\u0000', '\uFFFD', 'é', ' '];

/** Character-level damage to an XML document: replaced, inserted and deleted characters. */
export function mutateXml(xml: string, rng: Rng): string {
  let out = xml;
  for (let n = rng.int(1, 6); n > 0; n--) {
    const at = rng.int(0, out.length);
    switch (rng.int(0, 2)) {
      case 0:
        out = out.slice(0, at) + rng.pick(XML_NOISE) + out.slice(at + 1);
        break;
      case 1:
        out = out.slice(0, at) + rng.pick(XML_NOISE) + out.slice(at);
        break;
      default:
        out = out.slice(0, at) + out.slice(at + rng.int(1, 8));
    }
  }
  return out;
}

/** `<a><a>…</a></a>` nested `depth` levels (closed, so only the depth itself is wrong). */
export function deepNesting(depth: number, root = 'DeliveredEvent'): string {
  return `<${root}>${'<a>'.repeat(depth)}${'</a>'.repeat(depth)}</${root}>`;
}

/** A root element with `count` distinct attributes. */
export function manyAttributes(count: number, root = 'SystemStatus'): string {
  let attrs = '';
  for (let i = 0; i < count; i++) attrs += ` a${i}="${i}"`;
  return `<${root}${attrs}><systemStatus>normal</systemStatus></${root}>`;
}

/** Cuts `bytes` into chunks of 1..maxChunk bytes. */
export function randomChunks(bytes: Buffer, rng: Rng, maxChunk: number): Buffer[] {
  const chunks: Buffer[] = [];
  for (let at = 0; at < bytes.length; ) {
    const size = Math.min(bytes.length - at, rng.int(1, maxChunk));
    chunks.push(bytes.subarray(at, at + size));
    at += size;
  }
  return chunks;
}
