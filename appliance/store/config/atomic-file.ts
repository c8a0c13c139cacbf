/** Crash-safe JSON files: write a temp file beside the target, fsync it, rename it over the target, fsync the directory. */
import { randomBytes } from 'node:crypto';
import { access, open, readdir, readFile, rename, unlink } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import type { Adapter } from 'lowdb';
import type { Clock } from '../../runtime/clock.js';
import { ConfigError } from './errors.js';

function tempPrefix(target: string): string {
  return `${basename(target)}.tmp-`;
}

/** Replaces `target` with `data` so that a crash leaves either the old or the new file, never a mix. */
export async function writeFileAtomic(target: string, data: string, mode = 0o600): Promise<void> {
  const dir = dirname(target);
  const temp = join(dir, `${tempPrefix(target)}${process.pid}-${randomBytes(4).toString('hex')}`);
  const handle = await open(temp, 'wx', mode);
  try {
    try {
      await handle.writeFile(data, 'utf8');
      await handle.sync();
    } finally {
      await handle.close();
    }
    await rename(temp, target);
  } catch (error) {
    // Our own failed write: the target is untouched and the temp file is known garbage.
    await unlink(temp).catch(() => undefined);
    throw error;
  }
  await syncDirectory(dir);
}

async function syncDirectory(dir: string): Promise<void> {
  const handle = await open(dir, 'r');
  try {
    await handle.sync();
  } catch (error) {
    // Some filesystems cannot fsync a directory; the rename itself has still happened.
    if (!['EINVAL', 'EISDIR', 'EPERM', 'ENOTSUP'].includes((error as NodeJS.ErrnoException).code ?? '')) throw error;
  } finally {
    await handle.close();
  }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * Renames temp files left by an interrupted write of `target` to `<target>.orphan-<timestamp>`
 * so nobody loses what they held; temp files of another live process are still being written and
 * are left alone. Returns the new names.
 */
export async function keepOrphans(target: string, clock: Clock): Promise<string[]> {
  const dir = dirname(target);
  const prefix = tempPrefix(target);
  const kept: string[] = [];
  for (const entry of await readdir(dir)) {
    if (!entry.startsWith(prefix)) continue;
    const pid = Number(entry.slice(prefix.length).split('-')[0]);
    if (Number.isInteger(pid) && pid > 0 && pid !== process.pid && isAlive(pid)) continue;
    const stamp = new Date(clock.now()).toISOString().replace(/[:.]/g, '-');
    let orphan = `${target}.orphan-${stamp}`;
    for (let n = 1; await exists(orphan); n++) orphan = `${target}.orphan-${stamp}-${n}`;
    await rename(join(dir, entry), orphan);
    kept.push(orphan);
  }
  return kept;
}

export async function exists(path: string): Promise<boolean> {
  try {
    await access(path);
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return false;
    throw error;
  }
}

/** The file's text, or undefined when it does not exist. */
export async function readTextIfExists(path: string): Promise<string | undefined> {
  try {
    return await readFile(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw new ConfigError('io', `cannot read ${path}: ${(error as Error).message}`, [], path);
  }
}

export function parseJsonText(text: string, file: string): unknown {
  try {
    return JSON.parse(text);
  } catch (cause) {
    throw new ConfigError('badJson', `${file}: not valid JSON: ${(cause as Error).message}`, [], file);
  }
}

/**
 * A lowdb adapter over one JSON file with atomic writes. `decode` turns the parsed JSON into T
 * (validating it); the file is written pretty-printed with mode 0600 since it may hold passwords.
 */
export class AtomicJsonFile<T> implements Adapter<T> {
  constructor(
    readonly path: string,
    private readonly decode: (raw: unknown) => T,
  ) {}

  async read(): Promise<T | null> {
    const text = await readTextIfExists(this.path);
    return text === undefined ? null : this.decode(parseJsonText(text, this.path));
  }

  async write(data: T): Promise<void> {
    await writeFileAtomic(this.path, `${JSON.stringify(data, null, 2)}\n`);
  }
}
