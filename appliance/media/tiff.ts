/** TIFF fax documents: page counting of any TIFF, and writing bilevel fax pages (1728 pixels wide). */
import { readFileSync } from 'node:fs';
import { MediaError } from './errors.js';
import { writeFileAtomically } from './files.js';

const MAX_PAGES = 10_000;

export function countTiffPages(bytes: Buffer): number {
  if (bytes.length < 8) throw new MediaError('corrupt', `TIFF: ${bytes.length} bytes is too short for a header`);
  const order = bytes.toString('ascii', 0, 2);
  if (order !== 'II' && order !== 'MM') throw new MediaError('corrupt', 'TIFF: byte order is neither II nor MM');
  const little = order === 'II';
  const u16 = (at: number) => (little ? bytes.readUInt16LE(at) : bytes.readUInt16BE(at));
  const u32 = (at: number) => (little ? bytes.readUInt32LE(at) : bytes.readUInt32BE(at));
  if (u16(2) !== 42) throw new MediaError('corrupt', `TIFF: magic number ${u16(2)} is not 42`);
  const seen = new Set<number>();
  let offset = u32(4);
  let pages = 0;
  while (offset !== 0) {
    if (seen.has(offset)) throw new MediaError('corrupt', `TIFF: the page chain loops back to offset ${offset}`);
    if (offset + 2 > bytes.length) throw new MediaError('corrupt', `TIFF: page ${pages + 1} starts at ${offset}, past the end (${bytes.length} bytes)`);
    seen.add(offset);
    const entries = u16(offset);
    const next = offset + 2 + entries * 12;
    if (next + 4 > bytes.length) throw new MediaError('corrupt', `TIFF: page ${pages + 1} has ${entries} entries running past the end`);
    pages++;
    if (pages > MAX_PAGES) throw new MediaError('corrupt', `TIFF: more than ${MAX_PAGES} pages`);
    offset = u32(next);
  }
  if (pages === 0) throw new MediaError('corrupt', 'TIFF: no pages');
  return pages;
}

export function readTiffFile(path: string): { pages: number; bytes: number } {
  let bytes: Buffer;
  try {
    bytes = readFileSync(path);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new MediaError(code === 'ENOENT' ? 'notFound' : 'io', `${path}: ${code === 'ENOENT' ? 'no such file' : (error as Error).message}`);
  }
  try {
    return { pages: countTiffPages(bytes), bytes: bytes.length };
  } catch (error) {
    if (error instanceof MediaError) throw new MediaError(error.code, `${path}: ${error.message}`);
    throw error;
  }
}

const WIDTH = 1728;
/** Rows per generated page: enough for a valid page image; real fax pages have ~1100 (fine) rows. */
const ROWS = 64;

function page(text: string | undefined, pageNumber: number, pages: number, at: number): { bytes: Buffer; nextPointer: number } {
  const rowBytes = WIDTH / 8;
  const image = Buffer.alloc(rowBytes * ROWS);
  for (let x = 0; x < rowBytes; x += 8) image[rowBytes * (10 + (pageNumber % 40)) + x] = 0xff;
  const description = Buffer.from(`${text ?? 'ccbox fax'} (page ${pageNumber + 1}/${pages})\0`, 'ascii');
  const tags: [number, number, number, number | Buffer][] = [];
  const entries = 12;
  const ifdSize = 2 + entries * 12 + 4;
  const extraAt = at + ifdSize;
  const resolutionAt = extraAt;
  const descriptionAt = resolutionAt + 16;
  const imageAt = descriptionAt + description.length + (description.length % 2);
  tags.push([256, 3, 1, WIDTH], [257, 3, 1, ROWS], [258, 3, 1, 1], [259, 3, 1, 1], [262, 3, 1, 0], [270, 2, description.length, descriptionAt]);
  tags.push([273, 4, 1, imageAt], [278, 3, 1, ROWS], [279, 4, 1, image.length], [282, 5, 1, resolutionAt], [283, 5, 1, resolutionAt + 8]);
  tags.push([297, 3, 2, 0]);
  const ifd = Buffer.alloc(ifdSize);
  ifd.writeUInt16LE(entries, 0);
  tags.forEach(([tag, type, count, value], i) => {
    const o = 2 + i * 12;
    ifd.writeUInt16LE(tag, o);
    ifd.writeUInt16LE(type, o + 2);
    ifd.writeUInt32LE(count, o + 4);
    if (tag === 297) {
      ifd.writeUInt16LE(pageNumber, o + 8);
      ifd.writeUInt16LE(pages, o + 10);
    } else if (type === 3 && count === 1) ifd.writeUInt16LE(value as number, o + 8);
    else ifd.writeUInt32LE(value as number, o + 8);
  });
  const resolution = Buffer.alloc(16);
  resolution.writeUInt32LE(204, 0);
  resolution.writeUInt32LE(1, 4);
  resolution.writeUInt32LE(98, 8);
  resolution.writeUInt32LE(1, 12);
  const bytes = Buffer.concat([ifd, resolution, description, Buffer.alloc(description.length % 2), image]);
  return { bytes, nextPointer: at + 2 + entries * 12 };
}

/** Bytes of a valid bilevel uncompressed TIFF fax document of `pages` pages. */
export function encodeTiff(pages: number, options: { text?: string } = {}): Buffer {
  if (!Number.isInteger(pages) || pages < 1) throw new RangeError(`a fax document needs at least one page, got ${pages}`);
  const header = Buffer.from([0x49, 0x49, 42, 0, 8, 0, 0, 0]);
  const parts: Buffer[] = [header];
  let at = 8;
  const pointers: number[] = [];
  for (let i = 0; i < pages; i++) {
    const built = page(options.text, i, pages, at);
    parts.push(built.bytes);
    pointers.push(built.nextPointer);
    at += built.bytes.length;
  }
  const all = Buffer.concat(parts);
  for (let i = 0; i < pointers.length - 1; i++) {
    const nextStart = (pointers[i + 1] as number) - (2 + 12 * 12);
    all.writeUInt32LE(nextStart, pointers[i] as number);
  }
  return all;
}

/** A valid bilevel TIFF fax document written atomically; returns the byte count. */
export function writeTiffFile(path: string, pages: number, options: { text?: string } = {}): number {
  const bytes = encodeTiff(pages, options);
  writeFileAtomically(path, bytes);
  return bytes.length;
}
