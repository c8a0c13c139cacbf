/** A real mosquitto for tests of ccbox against an external MQTT broker: users from a password file, killed in teardown. */
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { connect as tcpConnect } from 'node:net';
import { tmpdir, userInfo } from 'node:os';
import { join } from 'node:path';
import type { Test } from 'tap';
import { freePort } from './cli.js';
import { realDelay } from './real-time.js';

const WAIT_MS = 5000;

/** Starts mosquitto on a free loopback port with these users; resolves to the port once it accepts connections. */
export async function startMosquitto(t: Test, passwords: Record<string, string>): Promise<number> {
  const dir = mkdtempSync(join(tmpdir(), 'ccbox-mosquitto-'));
  const passwordFile = join(dir, 'passwd');
  for (const [index, [username, password]] of Object.entries(passwords).entries()) {
    execFileSync('/usr/bin/mosquitto_passwd', [...(index === 0 ? ['-c'] : []), '-b', passwordFile, username, password], { stdio: 'ignore' });
  }
  const port = await freePort();
  const conf = join(dir, 'mosquitto.conf');
  // `user` keeps mosquitto from switching (as root) to a user that cannot read the temp dir.
  writeFileSync(conf, [`listener ${port} 127.0.0.1`, 'allow_anonymous false', `password_file ${passwordFile}`, 'persistence false', `user ${userInfo().username}`, ''].join('\n'));
  const mosquitto: ChildProcess = spawn('/usr/sbin/mosquitto', ['-c', conf], { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  mosquitto.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  t.teardown(async () => {
    if (mosquitto.exitCode === null && mosquitto.signalCode === null) {
      const exited = once(mosquitto, 'exit');
      mosquitto.kill('SIGTERM');
      await exited;
    }
    rmSync(dir, { recursive: true, force: true });
  });
  const deadline = Date.now() + WAIT_MS;
  for (;;) {
    if (mosquitto.exitCode !== null) throw new Error(`mosquitto exited with ${mosquitto.exitCode}: ${stderr}`);
    const socket = tcpConnect(port, '127.0.0.1');
    const accepted = await new Promise<boolean>((resolve) => {
      socket.once('connect', () => resolve(true));
      socket.once('error', () => resolve(false));
    });
    socket.destroy();
    if (accepted) return port;
    if (Date.now() > deadline) throw new Error(`mosquitto did not listen on ${port}: ${stderr}`);
    await realDelay(50);
  }
}

