/** The scenario format (schema errors by path) and a run with fake timers producing the expected counts. */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import t from 'tap';
import sinon from 'sinon';
import { systemClock } from '../../../../appliance/runtime/clock.js';
import { silentLogger } from '../../../../appliance/runtime/logger.js';
import { ScenarioError, loadScenario, parseScenario, runScenario, type ScenarioInput } from '../../../../simulators/switch/scenario/index.js';
import { createSwitch, demoDialPlan } from '../../../../simulators/switch/index.js';

const EXAMPLE = fileURLToPath(new URL('../../../../simulators/switch/scenarios/acd-demo.json', import.meta.url));

t.test('schema: defaults, the example, and errors naming every path', async (t) => {
  const parsed = parseScenario({ callers: [{ from: '0301555111', to: '0301234500', actions: [{ wait: 1000 }, { hangUp: true }] }] });
  t.match(parsed.callers[0], { at: 0, count: 1, intervalMs: 1000, incrementFrom: false });
  t.same(parsed.phones, []);
  t.ok(loadScenario(EXAMPLE).callers.length > 0, 'the example scenario is valid');

  const error = t.throws(() =>
    parseScenario(
      {
        callers: [{ from: 'anonymous', to: '0301234500', count: 0, actions: [{ wait: 5, digits: '1' }, { digits: '12x' }, { hangUp: false }] }],
        phones: [{ device: '201', answerAfterMs: -1, transferAfterMs: 100 }],
        extra: true,
      },
      'bad.json',
    ),
  ) as ScenarioError;
  t.type(error, ScenarioError);
  t.equal(error.code, 'invalid');
  t.match(error.message, /^bad\.json: /);
  t.same(
    error.problems.map((p) => p.slice(0, p.indexOf(':'))).sort(),
    ['(root)', 'callers.0.actions.0', 'callers.0.actions.1.digits', 'callers.0.actions.2.hangUp', 'callers.0.count', 'callers.0.from', 'phones.0.answerAfterMs', 'phones.0.transferAfterMs'],
  );
  t.match(error.problems.join('\n'), /actions\.0: expected exactly one of wait, waitForAnswer, digits, hangUp/);

  const dir = t.testdir({ 'broken.json': '{ "callers": [' });
  t.throws(() => loadScenario(join(dir, 'broken.json')), { code: 'badJson' });
  t.throws(() => loadScenario(join(dir, 'missing.json')), { code: 'notFound' });
  writeFileSync(join(dir, 'ok.json'), JSON.stringify({ phones: [{ device: '201', answerAfterMs: 0 }] }));
  t.equal(loadScenario(join(dir, 'ok.json')).phones.length, 1);
});

t.test('a run on the demo site with fake timers: placed, answered, abandoned, completed, transferred', async (t) => {
  const clock = sinon.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'setInterval', 'clearInterval', 'Date'] });
  t.teardown(() => clock.restore());
  // Demo site: DID 0301234503 rings extension 201, DID 0301234502 the voice-card hunt group 610 (nobody answers there).
  const sw = createSwitch(demoDialPlan(), { clock: systemClock, logger: silentLogger() });
  const digits: { device: string; digits: string }[] = [];
  sw.on('digits', ({ device, digits: keys }) => digits.push({ device, digits: keys }));
  const scenario: ScenarioInput = {
    callers: [
      { name: 'A', from: '0301555100', to: '0301234503', actions: [{ waitForAnswer: 10_000 }, { digits: '12#' }] },
      { name: 'B: 201 is busy', at: 500, from: '0301555101', to: '0301234503', actions: [{ waitForAnswer: 10_000 }, { hangUp: true }] },
      { name: 'C: gives up', at: 1000, from: '0301555102', to: '0301234502', actions: [{ wait: 2000 }, { hangUp: true }] },
    ],
    phones: [
      { device: '201', answerAfterMs: 3000, transferTo: '202', transferAfterMs: 2000 },
      { device: '202', answerAfterMs: 1000, hangUpAfterMs: 4000 },
    ],
  };
  const run = runScenario(sw, parseScenario(scenario), { clock: systemClock, logger: silentLogger() });
  let finished = false;
  void run.done.then(() => (finished = true));
  await clock.tickAsync(3500);
  t.match(run.stats, { placed: 3, answered: 1, unanswered: 1, abandoned: 1, active: 1, phoneAnswers: 1 }, 'at 3.5 s: A answered by 201, B found 201 busy, C gave up');
  t.same(digits, [{ device: '201', digits: '12#' }], 'the digits went to whatever answered');
  await clock.tickAsync(3000);
  t.match(run.stats, { transfers: 1, phoneAnswers: 2, active: 1 }, 'at 6.5 s: 201 transferred A to 202');
  t.notOk(finished);
  await clock.tickAsync(5000);
  t.ok(finished, '202 hung up: every call has ended');
  t.same(await run.done, { placed: 3, answered: 1, abandoned: 1, completed: 1, unanswered: 1, failed: 0, active: 0, refusedActions: 0, phoneAnswers: 2, phoneHangUps: 1, transfers: 1 });
  run.stop();
  t.equal(sw.listenerCount('deviceEvent'), 0, 'stop() lets go of the switch');
});
