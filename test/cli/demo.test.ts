/** `ccbox demo` as the README starts it: the site comes up, calls flow, events land in records.sqlite. */
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import t from 'tap';

const CCBOX = new URL('../../bin/ccbox.js', import.meta.url).pathname;

t.test('ccbox demo runs the simulated site, its IVR on the card simulator, and stores the events', async (t) => {
  const data = t.testdir();
  const child = spawn(process.execPath, [CCBOX, 'demo', '--data', data, '--listen', 'tcp://127.0.0.1:0', '--lines', 'tcp://127.0.0.1:0', '--cards', 'tcp://127.0.0.1:0', '--mqtt', 'tcp://127.0.0.1:0', '--duration', '35'], { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (err += chunk.toString()));
  const [code] = await once(child, 'exit');
  t.equal(code, 0, `exits 0 ${err}`);
  t.match(out, /# CSTA link up \(connected\) to tcp:\/\/127\.0\.0\.1:\d+/);
  t.match(out, /# monitoring 18 devices/);
  t.match(out, /call \S+ +from 0301555100 queued at 600/);
  t.match(out, /call \S+ +from 0301555100 to 600 rings at 20\d \(ACD\)/);
  t.match(out, /call \S+ +answered by 20\d/);
  t.match(out, /# card simulator on tcp:\/\/127\.0\.0\.1:\d+: channels 0-3 on analog ports 301, 302, 303, 304/);
  t.match(out, /IVR \S+ ch\d: 13800001111 → 0301234502 answered by flow demo-hotline/);
  t.match(out, /IVR \S+: pressed 1 at main-menu/, 'the scripted caller goes through the menu');
  t.match(out, /# ACD: queue "service" on the card channels; MQTT API on mqtt:\/\/127\.0\.0\.1:\d+/);
  t.match(out, /# 3 simulated agents logged in at 204, 205, 206/);
  t.match(out, /ACD \S+: joined service at position 1/, 'the caller who presses 2 joins the queue');
  t.match(out, /ACD \S+: offered to D\d at 20\d/, 'a simulated agent is offered the call');
  t.match(out, /ACD \S+: D\d answered/, 'and answers it over MQTT');
  const stored = /(\d+) events stored in (.+)\/records\.sqlite/.exec(out);
  t.ok(stored, 'reports what it stored');
  const db = new Database(join(data, 'records.sqlite'), { readonly: true });
  t.teardown(() => db.close());
  const rows = db.prepare('SELECT event_name AS name, COUNT(*) AS n FROM call_events GROUP BY event_name').all() as { name: string; n: number }[];
  const total = rows.reduce((sum, row) => sum + row.n, 0);
  t.equal(total, Number(stored?.[1]), 'every printed event is in the records store');
  t.ok(rows.some((row) => row.name === 'QueuedEvent'), 'queued events stored');
  t.ok(rows.some((row) => row.name === 'EstablishedEvent'), 'established events stored');
  const steps = db.prepare("SELECT node, outcome FROM ivr_steps WHERE flow = 'demo-hotline' AND node = 'main-menu'").all() as { node: string; outcome: string | null }[];
  t.ok(steps.some((s) => s.outcome === 'key:1'), 'the IVR steps and their outcomes are in records.sqlite');
});
