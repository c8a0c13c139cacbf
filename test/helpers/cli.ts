/** `ccbox` as a real process for CLI acceptance tests: spawn it, collect its output, wait for a line. */
import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { type AddressInfo, createServer } from 'node:net';

const CCBOX = new URL('../../bin/ccbox.js', import.meta.url).pathname;

export interface CcboxProcess {
  child: ChildProcess;
  stdout: () => string;
  stderr: () => string;
}

export function ccbox(args: string[]): CcboxProcess {
  const child = spawn(process.execPath, [CCBOX, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  child.stdout?.on('data', (chunk: Buffer) => (out += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (err += chunk.toString()));
  return { child, stdout: () => out, stderr: () => err };
}

/** Waits (up to 15 s) for `pattern` in the process's stdout; returns the first match. */
export async function waitForOutput(proc: CcboxProcess, pattern: RegExp): Promise<RegExpExecArray> {
  for (let i = 0; i < 300 && !pattern.test(proc.stdout()); i++) {
    if (proc.child.exitCode !== null) throw new Error(`exited early: ${proc.stderr()}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  const match = pattern.exec(proc.stdout());
  if (!match) throw new Error(`no ${pattern} in: ${proc.stdout()} ${proc.stderr()}`);
  return match;
}

export async function freePort(): Promise<number> {
  const server = createServer().listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as AddressInfo;
  server.close();
  return port;
}
