import { mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import t, { type Test } from 'tap';
import { cardsConfigSchema } from '../../../appliance/cards/index.js';
import { ivrConfigSchema } from '../../../appliance/ivr/index.js';
import { systemClock } from '../../../appliance/runtime/clock.js';
import { createIvrRuntime } from '../../../appliance/runtime/ivr-runtime.js';
import { silentLogger } from '../../../appliance/runtime/logger.js';
import { RecordsStore } from '../../../appliance/store/records/index.js';

function runtimeIn(t: Test, dataDir: string, ivr: Record<string, unknown> = {}) {
  const records = new RecordsStore({ dir: dataDir, logger: silentLogger() });
  records.open();
  const notices: string[] = [];
  const runtime = createIvrRuntime({
    dataDir,
    // Nobody listens there: the card link keeps retrying in the background; startup does not wait for it.
    cards: cardsConfigSchema.parse({ enabled: true, url: 'tcp://127.0.0.1:1' }),
    ivr: ivrConfigSchema.parse({ enabled: true, ...ivr }),
    records,
    clock: systemClock,
    logger: silentLogger(),
    notice: (line) => notices.push(line),
  });
  t.teardown(async () => {
    await runtime.stop();
    records.close();
  });
  return { runtime, notices };
}

t.test('a new data directory starts with the shipped flows', async (t) => {
  const dataDir = t.testdir();
  const { runtime, notices } = runtimeIn(t, dataDir);
  runtime.start();
  t.same(runtime.flows.ids(), ['agent-desk', 'demo-hotline', 'survey']);
  t.ok(readdirSync(join(dataDir, 'flows')).includes('docs'), 'with the fax-on-demand document');
  t.same(notices, []);
});

t.test('a flow with a say node and no espeak-ng: startup names the packages to install; a bad flow is named', async (t) => {
  const dataDir = t.testdir();
  mkdirSync(join(dataDir, 'flows'));
  writeFileSync(join(dataDir, 'flows', 'tts.json'), JSON.stringify({ id: 'tts', start: 's', nodes: { s: { type: 'say', text: 'hello', next: 'h' }, h: { type: 'hangup' } } }));
  writeFileSync(join(dataDir, 'flows', 'bad.json'), JSON.stringify({ id: 'bad', start: 'x', nodes: {} }));
  const { runtime, notices } = runtimeIn(t, dataDir);
  const path = process.env.PATH;
  process.env.PATH = '/nonexistent';
  try {
    runtime.start();
  } finally {
    process.env.PATH = path;
  }
  t.match(notices, [/bad\.json: flow "bad": start: no node "x"/, /a flow uses TTS \(say nodes\) but espeak-ng and sox are not installed: run apt-get install -y espeak-ng sox/]);
  t.same(runtime.flows.ids(), ['tts']);
});

t.test('a bound flow with agentDesk nodes and no ACD: startup says those nodes will refuse every caller', async (t) => {
  const desk = { id: 'desk', start: 'login', nodes: { login: { type: 'agentDesk', action: 'login', next: 'bye', onFailure: 'bye' }, bye: { type: 'hangup' } } };
  const dataDir = t.testdir({ flows: { 'desk.json': JSON.stringify(desk) } });
  const { runtime, notices } = runtimeIn(t, dataDir, { bindings: [{ did: '620', flow: 'desk' }] });
  runtime.start();
  t.match(notices, [/agentDesk nodes .* no ACD on this box/]);
});
