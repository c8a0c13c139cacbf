import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface SocatPair {
  /** Path of one end of the virtual null-modem cable (a symlink to a pty). */
  a: string;
  /** Path of the other end. */
  b: string;
  stop(): Promise<void>;
}

const READY_TIMEOUT_MS = 5_000;
const NOT_INSTALLED =
  'socat is not installed: the serial tests need it for a virtual serial pair. Run `apt-get install socat` (CI installs it).';

/** Starts `socat` joining two ptys; resolves once both links exist and data flows. */
export async function startSocatPair(): Promise<SocatPair> {
  const dir = await mkdtemp(join(tmpdir(), 'ccbox-socat-'));
  const a = join(dir, 'a');
  const b = join(dir, 'b');
  const child = spawn('socat', ['-d', '-d', `pty,raw,echo=0,link=${a}`, `pty,raw,echo=0,link=${b}`], {
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let log = '';
  child.stderr.setEncoding('utf8');
  child.stderr.on('data', (text: string) => {
    log += text;
  });
  const exited = new Promise<void>((resolve) => child.once('close', () => resolve()));

  const stop = async (): Promise<void> => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
    await exited;
    await rm(dir, { recursive: true, force: true });
  };

  try {
    await new Promise<void>((resolve, reject) => {
      const deadline = setTimeout(() => finish(new Error(`socat did not get ready within ${READY_TIMEOUT_MS} ms:\n${log}`)), READY_TIMEOUT_MS);
      const poll = setInterval(() => {
        if (log.includes('starting data transfer loop') && existsSync(a) && existsSync(b)) finish();
      }, 10);
      const onError = (err: NodeJS.ErrnoException): void =>
        finish(err.code === 'ENOENT' ? new Error(NOT_INSTALLED) : err);
      const onClose = (code: number | null): void => finish(new Error(`socat exited (code ${code}) before it was ready:\n${log}`));
      child.once('error', onError);
      child.once('close', onClose);
      function finish(err?: Error): void {
        clearTimeout(deadline);
        clearInterval(poll);
        child.off('error', onError);
        child.off('close', onClose);
        if (err) reject(err);
        else resolve();
      }
    });
  } catch (err) {
    await stop();
    throw err;
  }
  return { a, b, stop };
}
