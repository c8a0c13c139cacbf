/**
 * Byte stream ⇄ frames. ECMA-323 Annex J.2 ("TCP without SOAP"): 0x0000 format indicator, 2-byte
 * big-endian total length including the 8-byte header, 4 ASCII-digit invoke ID, UTF-8 XML.
 * A NUL-terminated variant (bare XML ended by 0x00, no invoke ID) exists in the field too.
 * Decoders keep at most one frame's worth of bytes, drop what cannot be a frame and resynchronise.
 */
import { FramingError, hexPreview } from './errors.js';

export interface Frame {
  /** 0..9999; 9999 marks an unsolicited event. Absent on framings that carry no invoke ID. */
  invokeId?: number;
  xml: string;
}

export const EVENT_INVOKE_ID = 9999;
export const HEADER_LENGTH = 8;
export const MAX_FRAME_LENGTH = 65535;

export interface FrameSink {
  frame(frame: Frame): void;
  error(error: FramingError): void;
}

export interface FrameDecoder {
  push(chunk: Buffer): void;
  /** Bytes held waiting for the rest of a frame. */
  readonly buffered: number;
  reset(): void;
}

export interface Framing {
  readonly name: FramingName;
  /** Whether invoke IDs travel on the wire (if not, responses are matched in request order). */
  readonly carriesInvokeId: boolean;
  encode(frame: Frame): Buffer;
  decoder(sink: FrameSink): FrameDecoder;
}

export type FramingName = 'tcp-header' | 'nul-terminated';

function isDigit(byte: number | undefined): boolean {
  return byte !== undefined && byte >= 0x30 && byte <= 0x39;
}

/** Bytes that may start an XML document: '<', whitespace, or a UTF-8 BOM. */
function mayStartXml(byte: number | undefined): boolean {
  return byte === undefined || byte === 0x3c || byte === 0x20 || byte === 0x0a || byte === 0x0d || byte === 0x09 || byte === 0xef;
}

/** Why the 8 bytes at `at` are not a plausible header, or undefined when they are. */
function headerProblem(buf: Buffer, at: number): FramingError['code'] | undefined {
  if (buf[at] !== 0 || buf[at + 1] !== 0) return 'badFormat';
  const length = buf.readUInt16BE(at + 2);
  if (length < HEADER_LENGTH) return 'badLength';
  for (let i = 4; i < 8; i++) if (!isDigit(buf[at + i])) return 'badInvokeId';
  if (length > HEADER_LENGTH && !mayStartXml(buf[at + HEADER_LENGTH])) return 'garbage';
  return undefined;
}

const PROBLEM_TEXT: Record<FramingError['code'] | 'cutShort', string> = {
  cutShort: 'a NUL byte inside the XML: the frame is shorter than its length says',
  badFormat: 'format indicator is not 0x0000',
  badLength: 'length is under the 8-byte header',
  badInvokeId: 'invoke ID is not 4 ASCII digits',
  oversize: 'frame is longer than 65535 bytes',
  garbage: 'bytes after the header do not start an XML document',
};

/**
 * Hands out what one push() found only after the decoder's state is committed, so a sink may call
 * reset() or throw without leaving half-consumed bytes behind. Every item is delivered; the first
 * exception a sink threw is rethrown afterwards.
 */
function deliver(sink: FrameSink, found: (Frame | FramingError)[]): void {
  let failure: { error: unknown } | undefined;
  for (const item of found) {
    try {
      if (item instanceof FramingError) sink.error(item);
      else sink.frame(item);
    } catch (error) {
      failure ??= { error };
    }
  }
  if (failure) throw failure.error;
}

class HeaderFrameDecoder implements FrameDecoder {
  /** Pending bytes live in `#store[0, #size)`; the store is our own memory, never a caller's chunk. */
  #store: Buffer = Buffer.alloc(0);
  #size = 0;
  /** Total length of the frame whose checked header starts the store, or 0 when none is. */
  #awaiting = 0;
  readonly #sink: FrameSink;

  constructor(sink: FrameSink) {
    this.#sink = sink;
  }

  get buffered(): number {
    return this.#size;
  }

  reset(): void {
    this.#store = Buffer.alloc(0);
    this.#size = 0;
    this.#awaiting = 0;
  }

  push(chunk: Buffer): void {
    if (this.#awaiting > 0 && this.#size + chunk.length < this.#awaiting && chunk.indexOf(0) < 0) {
      // The frame is still incomplete: append in place instead of re-concatenating every chunk.
      chunk.copy(this.#store, this.#size);
      this.#size += chunk.length;
      return;
    }
    const buf = this.#size === 0 ? chunk : Buffer.concat([this.#store.subarray(0, this.#size), chunk]);
    const found: (Frame | FramingError)[] = [];
    let pos = 0;
    while (buf.length - pos >= HEADER_LENGTH) {
      const problem = headerProblem(buf, pos);
      if (problem) {
        const skipped = this.#resync(buf, pos + 1);
        found.push(new FramingError(problem, `dropped ${skipped - pos} bytes: ${PROBLEM_TEXT[problem]}`, hexPreview(buf.subarray(pos, skipped))));
        pos = skipped;
        continue;
      }
      const length = buf.readUInt16BE(pos + 2);
      // UTF-8 XML never holds a 0x00 byte: one inside the body means the length runs past the document
      // (a cut frame, a lost byte), and a header probably starts there. Resync on it instead of
      // swallowing the frames that follow.
      const nul = buf.subarray(pos + HEADER_LENGTH, Math.min(buf.length, pos + length)).indexOf(0);
      if (nul >= 0) {
        const skipped = this.#resync(buf, pos + HEADER_LENGTH + nul);
        found.push(new FramingError('badLength', `dropped ${skipped - pos} bytes: ${PROBLEM_TEXT.cutShort}`, hexPreview(buf.subarray(pos, skipped))));
        pos = skipped;
        continue;
      }
      if (buf.length - pos < length) break;
      const invokeId = Number(buf.toString('latin1', pos + 4, pos + 8));
      const xml = buf.toString('utf8', pos + HEADER_LENGTH, pos + length);
      pos += length;
      found.push({ invokeId, xml });
    }
    this.#keep(buf.subarray(pos));
    deliver(this.#sink, found);
  }

  /** Copies the unconsumed tail into our own store (the caller may reuse the chunk's memory). */
  #keep(rest: Buffer): void {
    // The header's bytes 0..8 have been checked once byte 8 is in (see headerProblem).
    const length = rest.length > HEADER_LENGTH ? rest.readUInt16BE(2) : 0;
    this.#awaiting = length;
    this.#store = Buffer.allocUnsafe(Math.max(length, rest.length));
    rest.copy(this.#store);
    this.#size = rest.length;
  }

  /** The next offset from `from` where a plausible header starts (or may start once more bytes come). */
  #resync(buf: Buffer, from: number): number {
    for (let at = from; at < buf.length; at++) {
      if (buf[at] !== 0) continue;
      if (buf.length - at < HEADER_LENGTH) {
        // A partial candidate at the end: keep it only if what is there could still be a header.
        if (at + 1 >= buf.length || buf[at + 1] === 0) return at;
        continue;
      }
      if (headerProblem(buf, at) === undefined) return at;
    }
    return buf.length;
  }
}

class NulFrameDecoder implements FrameDecoder {
  #parts: Buffer[] = [];
  #size = 0;
  #overflowing = false;
  readonly #sink: FrameSink;

  constructor(sink: FrameSink) {
    this.#sink = sink;
  }

  get buffered(): number {
    return this.#size;
  }

  reset(): void {
    this.#parts = [];
    this.#size = 0;
    this.#overflowing = false;
  }

  push(chunk: Buffer): void {
    const found: (Frame | FramingError)[] = [];
    let start = 0;
    for (;;) {
      const nul = chunk.indexOf(0, start);
      const piece = chunk.subarray(start, nul < 0 ? chunk.length : nul);
      if (!this.#overflowing && this.#size + piece.length > MAX_FRAME_LENGTH) {
        const preview = hexPreview(Buffer.concat([...this.#parts, piece], Math.min(64, this.#size + piece.length)));
        found.push(new FramingError('oversize', 'no NUL terminator within 65535 bytes; dropping until the next one', preview));
        this.#overflowing = true;
        this.#parts = [];
        this.#size = 0;
      }
      if (!this.#overflowing && piece.length > 0) {
        this.#parts.push(Buffer.from(piece));
        this.#size += piece.length;
      }
      if (nul < 0) break;
      if (!this.#overflowing && this.#size > 0) {
        const xml = Buffer.concat(this.#parts, this.#size).toString('utf8');
        this.#parts = [];
        this.#size = 0;
        if (xml.trim() !== '') found.push({ xml });
      }
      this.#overflowing = false;
      start = nul + 1;
    }
    deliver(this.#sink, found);
  }
}

export const headerFraming: Framing = {
  name: 'tcp-header',
  carriesInvokeId: true,
  encode(frame: Frame): Buffer {
    const id = frame.invokeId ?? EVENT_INVOKE_ID;
    if (!Number.isInteger(id) || id < 0 || id > 9999) throw new RangeError(`invoke ID ${id} is outside 0..9999`);
    if (frame.xml.includes('\0')) throw new RangeError('XML must not contain a NUL byte');
    const xmlLength = Buffer.byteLength(frame.xml, 'utf8');
    const total = HEADER_LENGTH + xmlLength;
    if (total > MAX_FRAME_LENGTH) throw new RangeError(`frame of ${total} bytes is over the 65535-byte limit`);
    const buf = Buffer.allocUnsafe(total);
    buf.writeUInt16BE(0, 0);
    buf.writeUInt16BE(total, 2);
    buf.write(String(id).padStart(4, '0'), 4, 'latin1');
    buf.write(frame.xml, HEADER_LENGTH, 'utf8');
    return buf;
  },
  decoder: (sink) => new HeaderFrameDecoder(sink),
};

export const nulFraming: Framing = {
  name: 'nul-terminated',
  carriesInvokeId: false,
  encode(frame: Frame): Buffer {
    const xmlLength = Buffer.byteLength(frame.xml, 'utf8');
    if (xmlLength + 1 > MAX_FRAME_LENGTH) throw new RangeError(`frame of ${xmlLength + 1} bytes is over the 65535-byte limit`);
    if (frame.xml.includes('\0')) throw new RangeError('XML must not contain a NUL byte in NUL-terminated framing');
    return Buffer.concat([Buffer.from(frame.xml, 'utf8'), Buffer.from([0])]);
  },
  decoder: (sink) => new NulFrameDecoder(sink),
};

export function framingByName(name: FramingName): Framing {
  return name === 'nul-terminated' ? nulFraming : headerFraming;
}
