import { mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import t, { type Test } from 'tap';
import { cardsConfigSchema } from '../../../appliance/cards/index.js';
import { ivrConfigSchema } from '../../../appliance/ivr/index.js';
import { systemClock } from '../../../appliance/runtime/clock.js';
import { createIvrRuntime, shippedFlowsDir } from '../../../appliance/runtime/ivr-runtime.js';
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
  // Every shipped flow offered before (and deleted): only this test's flows are there.
  writeFileSync(join(dataDir, 'flows', '.shipped'), JSON.stringify(readdirSync(shippedFlowsDir()).filter((name) => name.endsWith('.json'))));
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
  t.ok(notices.some((line) => /agentDesk nodes .* no ACD on this box/.test(line)), notices.join('\n'));
});

t.test('an existing data directory gets the flows a later ccbox ships, once: a flow the installer deleted stays deleted', async (t) => {
  const shipped = new URL('../../../firmware-config/flows/demo-hotline.json', import.meta.url);
  const dataDir = t.testdir({ flows: { 'demo-hotline.json': readFileSync(shipped, 'utf8'), 'mine.json': JSON.stringify({ id: 'mine', start: 'h', nodes: { h: { type: 'hangup' } } }) } });
  const first = runtimeIn(t, dataDir);
  first.runtime.start();
  t.match(first.notices, [/IVR flows added by this ccbox version: agent-desk\.json, survey\.json/]);
  t.same(first.runtime.flows.ids(), ['agent-desk', 'demo-hotline', 'mine', 'survey']);
  t.same(JSON.parse(readFileSync(join(dataDir, 'flows', '.shipped'), 'utf8')), ['agent-desk.json', 'demo-hotline.json', 'survey.json']);
  await first.runtime.stop();

  rmSync(join(dataDir, 'flows', 'agent-desk.json'));
  const second = runtimeIn(t, dataDir);
  second.runtime.start();
  t.same(second.notices, [], 'nothing added again');
  t.same(second.runtime.flows.ids(), ['demo-hotline', 'mine', 'survey'], 'the deleted flow is not brought back');
});
