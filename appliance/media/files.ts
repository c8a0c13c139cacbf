import { mkdirSync, renameSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { MediaError } from './errors.js';

let sequence = 0;

/** Temp file beside the target, then rename: a reader never sees half a file. */
export function writeFileAtomically(path: string, bytes: Buffer): void {
  const temp = `${path}.${process.pid}.${++sequence}.tmp`;
  try {
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(temp, bytes);
    renameSync(temp, path);
  } catch (error) {
    throw new MediaError('io', `${path}: ${(error as Error).message}`);
  }
}
