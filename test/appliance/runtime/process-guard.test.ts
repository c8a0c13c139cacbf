/** guardProcess in a real child process: a stray rejection is logged and the process goes on; an uncaught exception is logged and ends it with code 1. */
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import t from 'tap';

const FIXTURE = new URL('../../helpers/guarded-process.ts', import.meta.url).pathname;

async function run(kind: string) {
  const child = spawn(process.execPath, ['--import', 'tsx', FIXTURE, kind], { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (err += chunk.toString()));
  const [code] = await once(child, 'exit');
  return { code, out, err };
}

t.test('a promise nobody handles is logged and the appliance carries on', async (t) => {
  const { code, out, err } = await run('rejection');
  t.equal(code, 0);
  t.match(out, /still running/);
  t.match(err, /"level":50.*nobody catches this rejection.*a promise failed with nobody to handle it; ccbox carries on/);
});

t.test('an exception nobody catches is logged and ends the process with code 1', async (t) => {
  const { code, out, err } = await run('exception');
  t.equal(code, 1);
  t.notMatch(out, /should not be printed/);
  t.match(err, /"level":60.*nobody catches this exception.*an exception nobody caught/);
});
