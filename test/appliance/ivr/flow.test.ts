import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import sinon from 'sinon';
import t from 'tap';
import { FlowError, FlowRegistry, compileFlow } from '../../../appliance/ivr/index.js';
import { systemClock } from '../../../appliance/runtime/clock.js';
import { silentLogger } from '../../../appliance/runtime/logger.js';
import { realDelay } from '../../helpers/real-time.js';

const menuFlow = (entries: Record<string, string> = { '1': 'bye' }) => ({
  id: 'main',
  start: 'menu1',
  nodes: {
    menu1: { type: 'menu', greeting: ['main-menu'], entries, onFailure: 'bye' },
    bye: { type: 'hangup', prompt: ['goodbye'] },
  },
});

t.test('a good flow compiles with defaults, a version and no warnings', async (t) => {
  const flow = compileFlow(menuFlow());
  t.equal(flow.id, 'main');
  t.match(flow.version, /^[0-9a-f]{12}$/);
  const menu = flow.node('menu1');
  t.equal(menu.type, 'menu');
  if (menu.type === 'menu') t.same([menu.maxFailures, menu.maxTimeouts, menu.digits, menu.timeoutMs], [3, 3, 1, 5000]);
  t.same(flow.warnings, []);
  t.equal(compileFlow(menuFlow()).version, flow.version, 'same content, same version');
});

t.test('errors name the flow, the node and the field', async (t) => {
  const cases: [unknown, RegExp][] = [
    [menuFlow({ '3': 'sales' }), /^flow "main": node "menu1": entries\.3: no node "sales"$/],
    [{ ...menuFlow(), start: 'nowhere' }, /^flow "main": start: no node "nowhere"$/],
    [{ ...menuFlow(), nodes: { ...menuFlow().nodes, x: { type: 'play', prompts: [], next: 'bye' } } }, /^flow "main": node "x": prompts: expected at least one prompt$/],
    [{ ...menuFlow(), nodes: { ...menuFlow().nodes, x: { type: 'dance', next: 'bye' } } }, /^flow "main": node "x": type: /],
    [{ ...menuFlow(), nodes: { ...menuFlow().nodes, x: { type: 'menu', greeting: ['a'], entries: { '1': 'bye' }, onFailure: 'bye', maxFailures: 0 } } }, /node "x": maxFailures: /],
    [{ ...menuFlow(), nodes: { ...menuFlow().nodes, c: { type: 'condition', when: [{ test: { open: 'office' }, goto: 'gone' }], else: 'bye' } } }, /node "c": when\.0\.goto: no node "gone"/],
    [{ ...menuFlow(), nodes: { ...menuFlow().nodes, v: { type: 'sayVariable', kind: 'amount', next: 'bye' } } }, /node "v": variable: expected exactly one of variable, value/],
    [{ ...menuFlow(), nodes: { ...menuFlow().nodes, t: { type: 'transfer', target: 'sales desk', onFailure: 'bye' } } }, /node "t": target: expected a number or \$\{variable\}/],
    [{ id: 'bad id!', start: 'a', nodes: {} }, /^flow "bad id!": id: expected a flow id/],
  ];
  for (const [doc, message] of cases) {
    const error = t.throws(() => compileFlow(doc)) as unknown;
    t.type(error, FlowError);
    t.match((error as Error).message, message);
  }
  t.throws(() => compileFlow({ ...menuFlow(), nodes: { ...menuFlow().nodes, s: { type: 'subflow', flow: 'survey', next: 'bye' } } }, { knownFlows: new Set(['main']) }), /node "s": flow: no flow "survey"/);
  const prompts = { resolve: (name: string) => (name === 'goodbye' ? '/p/goodbye.wav' : undefined) };
  t.throws(() => compileFlow(menuFlow(), { prompts }), /node "menu1": greeting\.0: no prompt "main-menu" in the prompt set/);
});

t.test('unreachable nodes are warnings, not errors', async (t) => {
  const flow = compileFlow({ ...menuFlow(), nodes: { ...menuFlow().nodes, lost: { type: 'hangup' } } });
  t.same(flow.warnings, ['flow "main": node "lost" cannot be reached from "menu1"']);
});

t.test('the registry loads a directory, rejects bad files and hot-reloads changes', async (t) => {
  const dir = t.testdir({
    'main.json': JSON.stringify(menuFlow()),
    'broken.json': '{ "id": ',
    'bad.json': JSON.stringify({ ...menuFlow(), id: 'bad', start: 'missing' }),
  });
  const registry = new FlowRegistry({ dir, clock: systemClock, logger: silentLogger(), debounceMs: 50 });
  t.teardown(() => registry.close());
  const errors = registry.load();
  t.equal(errors.length, 2);
  t.match(errors.join('\n'), /bad\.json: flow "bad": start: no node "missing"/);
  t.match(errors.join('\n'), /broken\.json: not valid JSON/);
  t.same(registry.ids(), ['main']);
  const running = registry.get('main');

  registry.watch();
  const changed = new Promise((resolve) => registry.once('loaded', resolve));
  writeFileSync(join(dir, 'main.json'), JSON.stringify(menuFlow({ '1': 'bye', '2': 'bye' })));
  t.match(await changed, { flow: 'main' });
  const reloaded = registry.get('main');
  t.not(reloaded?.version, running?.version, 'new calls get the new version');
  t.equal(running?.node('menu1').type, 'menu', 'a call holding the old version still walks it');
  if (running?.node('menu1').type === 'menu') t.same(Object.keys((running.node('menu1') as { entries: object }).entries), ['1']);

  const rejected = new Promise((resolve) => registry.once('rejected', resolve));
  writeFileSync(join(dir, 'main.json'), JSON.stringify(menuFlow({ '9': 'nope' })));
  t.match(await rejected, { file: 'main.json', error: /node "menu1": entries\.9: no node "nope"/ });
  t.equal(registry.get('main')?.version, reloaded?.version, 'an invalid change keeps the previous version');

  const removed = new Promise((resolve) => registry.once('removed', resolve));
  rmSync(join(dir, 'main.json'));
  t.match(await removed, { flow: 'main' });
  t.equal(registry.get('main'), undefined);
});

t.test('reloads are debounced on the injected clock', async (t) => {
  const dir = t.testdir({ 'main.json': JSON.stringify(menuFlow()) });
  const clock = sinon.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'setInterval', 'clearInterval', 'Date'] });
  const registry = new FlowRegistry({ dir, clock: systemClock, logger: silentLogger(), debounceMs: 300 });
  t.teardown(() => {
    clock.restore();
    registry.close();
  });
  registry.load();
  registry.watch();
  let loads = 0;
  registry.on('loaded', () => loads++);
  writeFileSync(join(dir, 'main.json'), JSON.stringify(menuFlow({ '1': 'bye', '4': 'bye' })));
  await realDelay(100);
  await clock.tickAsync(299);
  t.equal(loads, 0, 'nothing before the debounce time');
  await clock.tickAsync(1);
  t.equal(loads, 1, 'one reload after it');
});
