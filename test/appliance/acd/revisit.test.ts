/** The revisit list on a real records.sqlite and fake time: CSV import, order, assignment, outcome rules, release, migration. */
import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';
import Database from 'better-sqlite3';
import sinon from 'sinon';
import t from 'tap';
import { RevisitError, RevisitList, revisitRulesSchema, type RevisitRulesInput } from '../../../appliance/acd/revisit.js';
import { systemClock } from '../../../appliance/runtime/clock.js';
import { silentLogger } from '../../../appliance/runtime/logger.js';
import { CustomerStore, RecordsStore, RevisitStore, recordsMigrations } from '../../../appliance/store/records/index.js';

const T0 = Date.UTC(2026, 11, 2, 1, 0, 0);
const MIN = 60_000;
const HOUR = 60 * MIN;

function openRecords(dir: string, migrations = recordsMigrations): RecordsStore {
  const records = new RecordsStore({ dir, logger: silentLogger(), migrations });
  records.open();
  return records;
}

function setup(t: { teardown(fn: () => void): void; testdir(): string }, rules?: RevisitRulesInput) {
  const clock = sinon.useFakeTimers({ now: T0, toFake: ['Date', 'setTimeout', 'clearTimeout', 'setInterval', 'clearInterval'] });
  t.teardown(() => clock.restore());
  const records = openRecords(t.testdir());
  t.teardown(() => records.close());
  const store = new RevisitStore(records.database);
  const customers = new CustomerStore(records.database);
  const revisits = new RevisitList({ store, clock: systemClock, customers, ...(rules ? { rules } : {}) });
  /** One task, due now, taken by the agent. */
  const taken = (agentId = 'a1', number = '13800000001') => {
    const task = revisits.add({ list: 'repairs', name: `Customer ${number}`, number });
    const got = revisits.nextFor(agentId, 'repairs');
    if (got?.task.id !== task.id) throw new Error(`expected task ${task.id} for ${agentId}, got ${got?.task.id}`);
    return task.id;
  };
  return { clock, records, store, customers, revisits, taken };
}

t.test('CSV import: good rows go in with defaults; any bad row refuses the file and names row and field', async (t) => {
  const { store, revisits } = setup(t);
  const good = [
    '\uFEFFname,number,note,priority,customer_id,due',
    '"Wang, Fang",+86 138-0000-1111,"repair 7731, said ""after 2pm""",5,10086,2026-12-03T14:00:00+08:00',
    'Li Lei,13900002222,,,,',
    'Zhang San,13700003333,complaint,-1,,2026-12-04',
  ].join('\r\n');
  const added = revisits.importCsv('repairs', good, { priority: 1 });
  t.equal(added.length, 3);
  t.match(store.tasks('repairs'), [
    {
      list: 'repairs', name: 'Wang, Fang', number: '+8613800001111', customerId: '10086', note: 'repair 7731, said "after 2pm"', priority: 5,
      dueAt: Date.UTC(2026, 11, 3, 6, 0), nextTryAt: Date.UTC(2026, 11, 3, 6, 0), attempts: 0, maxAttempts: 3, state: 'pending', assignedAgent: null,
      createdAt: T0,
    },
    { name: 'Li Lei', customerId: null, note: '', priority: 1, dueAt: T0, state: 'pending' },
    { name: 'Zhang San', priority: -1, dueAt: new Date(2026, 11, 4).getTime() },
  ]);

  const bad = [
    'number,name,priority,due',
    '13600000001,Good Row,1,',
    ',No Number,1,',
    '13600000002,,x1,2026-13-01T10:00',
    '13600000001,Twice,,',
    '13600000003,Bad Day,,2026-02-30',
    '13600000004,Too Few',
    'abc,Letters,,',
  ].join('\n');
  const error = t.throws(() => revisits.importCsv('sales', bad)) as RevisitError;
  t.equal(error.code, 'badCsv');
  t.same(error.rows, [
    { line: 3, message: 'number: empty' },
    { line: 4, message: 'name: empty' },
    { line: 4, message: 'priority: "x1" is not a whole number' },
    { line: 4, message: 'due: "2026-13-01T10:00" is not an ISO date-time such as 2026-12-01T14:30' },
    { line: 5, message: 'number: 13600000001 appears twice in the file (first on line 2)' },
    { line: 6, message: 'due: "2026-02-30" is not an ISO date-time such as 2026-12-01T14:30' },
    { line: 7, message: 'expected 4 fields, found 2' },
    { line: 8, message: 'number: "abc" has no digits' },
  ]);
  t.match(error.message, /^nothing imported, 8 bad rows: line 3: number: empty; line 4: name: empty/);
  t.same(store.tasks('sales'), [], 'nothing of the refused file went in');

  t.throws(() => revisits.importCsv('sales', 'number,note\n1,x\n'), { name: 'RevisitError', code: 'badCsv', message: 'the header row has no "name" column (it has: number, note)' });
  t.throws(() => revisits.importCsv('sales', 'number,name,phone\n1,x,2\n'), { code: 'badCsv', message: /unknown columns: phone/ });
  t.throws(() => revisits.importCsv('sales', 'number,name\n1,"open'), { code: 'badCsv', message: /quoted field is not closed/ });
  t.throws(() => revisits.importCsv('sales', ''), { code: 'badCsv', message: /empty/ });
  t.throws(() => revisits.add({ list: 'sales', name: 'x', number: 'none' }), { code: 'badTask' });
  t.throws(() => revisits.add({ list: 'sales/north', name: 'x', number: '13800001111' }), { code: 'badTask', message: /contains '\/', '\+', '#'/ }, 'a list name is one topic level');
  t.throws(() => revisits.importCsv('a+b', 'number,name\n1,x\n'), { code: 'badTask' });
  t.equal(store.tasks('repairs').length, 3);
});

t.test('order: highest priority, then earliest due, only once due; a list or any list', async (t) => {
  const { clock, revisits } = setup(t);
  revisits.add({ list: 'sales', name: 'low', number: '1001', priority: 0, dueAt: T0 - 3 * HOUR });
  revisits.add({ list: 'sales', name: 'high later', number: '1002', priority: 5, dueAt: T0 - HOUR });
  revisits.add({ list: 'sales', name: 'high earlier', number: '1003', priority: 5, dueAt: T0 - 2 * HOUR });
  revisits.add({ list: 'sales', name: 'top, tomorrow', number: '1004', priority: 9, dueAt: T0 + 24 * HOUR });
  revisits.add({ list: 'repairs', name: 'other list', number: '1005', priority: 7 });
  const order: string[] = [];
  for (let i = 0; i < 4; i++) {
    const got = revisits.nextFor(`a${i}`, 'sales');
    if (got) order.push(got.task.name);
  }
  t.same(order, ['high earlier', 'high later', 'low'], 'the task due tomorrow is not handed out, the other list is not touched');
  t.equal(revisits.nextFor('a9', 'sales'), undefined);
  t.equal(revisits.nextFor('a9')?.task.name, 'other list', 'without a list: any list');
  clock.tick(24 * HOUR);
  t.equal(revisits.nextFor('a8')?.task.name, 'top, tomorrow', 'handed out once due');
});

t.test('two agents asking at once never get the same task', async (t) => {
  t.test('in one process', async (t) => {
    const { revisits } = setup(t);
    for (let i = 0; i < 20; i++) revisits.add({ list: 'sales', name: `c${i}`, number: `20${i}`, priority: i % 3 });
    const ids = Array.from({ length: 12 }, (_, i) => revisits.nextFor(`a${i}`, 'sales')?.task.id);
    t.equal(new Set(ids).size, 12);
    t.equal(revisits.tasks('sales', 'assigned').length, 12);
  });

  t.test('two connections in two threads on the same file', async (t) => {
    const records = openRecords(t.testdir());
    const store = new RevisitStore(records.database);
    store.importCsv('sales', ['number,name', ...Array.from({ length: 300 }, (_, i) => `3000${i},c${i}`)].join('\n'), { maxAttempts: 3 }, T0);
    const path = records.path;
    records.close();
    const require = createRequire(import.meta.url);
    const workerData = {
      path,
      sqlite: require.resolve('better-sqlite3'),
      tsx: import.meta.resolve('tsx/esm/api'),
      storeUrl: new URL('../../../appliance/store/records/revisit-store.ts', import.meta.url).href,
    };
    const code = `
      const { parentPort, workerData, threadId } = require('node:worker_threads');
      (async () => {
        const { tsImport } = await import(workerData.tsx);
        const { RevisitStore } = await tsImport(workerData.storeUrl, workerData.storeUrl);
        const db = new (require(workerData.sqlite))(workerData.path);
        db.pragma('busy_timeout = 10000');
        const store = new RevisitStore(db);
        parentPort.postMessage('ready');
        await new Promise((resolve) => parentPort.once('message', resolve));
        const ids = [];
        for (let task; (task = store.next('sales', 'agent' + threadId, ${T0})); ) ids.push(task.id);
        db.close();
        parentPort.postMessage(ids);
      })().catch((error) => parentPort.postMessage(String(error && error.stack || error)));`;
    const workers = [0, 1].map(() => new Worker(code, { eval: true, workerData }));
    const messages = workers.map((worker) => {
      const queue: unknown[] = [];
      const waiters: ((m: unknown) => void)[] = [];
      const deliver = (m: unknown) => {
        const waiter = waiters.shift();
        if (waiter) waiter(m);
        else queue.push(m);
      };
      worker.on('message', deliver);
      worker.on('error', (e) => deliver(String(e)));
      return () => new Promise<unknown>((resolve) => (queue.length ? resolve(queue.shift()) : waiters.push(resolve)));
    });
    t.same(await Promise.all(messages.map((next) => next())), ['ready', 'ready']);
    workers.forEach((w) => w.postMessage('go'));
    const results = await Promise.all(messages.map((next) => next()));
    await Promise.all(workers.map((w) => w.terminate()));
    for (const r of results) if (!Array.isArray(r)) t.fail(`worker failed: ${String(r)}`);
    const [one, two] = results as number[][];
    t.equal((one?.length ?? 0) + (two?.length ?? 0), 300, 'every task handed out once');
    t.equal(new Set([...(one ?? []), ...(two ?? [])]).size, 300, 'no task twice');
    const raw = new Database(path, { readonly: true });
    // How the 300 split between the threads depends on scheduling (one may take them all on a busy machine); each is assigned once.
    t.same(raw.prepare('SELECT state, count(*) AS n FROM revisit_tasks GROUP BY state').all(), [{ state: 'assigned', n: 300 }]);
    const byAgent = raw.prepare('SELECT assigned_agent AS agent, count(*) AS n FROM revisit_tasks GROUP BY assigned_agent').all() as { agent: string; n: number }[];
    t.same(byAgent.map((row) => row.n).sort(), results.map((r) => (r as number[]).length).filter((n) => n > 0).sort(), 'the rows agree with what each thread was handed');
    raw.close();
  });
});

t.test('outcome rules', async (t) => {
  t.test('reached: done; refused: done and flagged; wrongNumber: failed', async (t) => {
    const { revisits, store, taken } = setup(t);
    const a = revisits.complete('a1', taken('a1', '501'), 'reached', { callId: 'call-1', note: 'fixed, happy', durationMs: 95_000 });
    t.match(a, { task: { state: 'done', attempts: 1, lastOutcome: 'reached', flagged: false, assignedAgent: null }, retryAt: undefined });
    t.match(store.attemptsOf(a.task.id), [{ taskId: a.task.id, agentId: 'a1', callId: 'call-1', at: T0, outcome: 'reached', note: 'fixed, happy', durationMs: 95_000 }]);
    const b = revisits.complete('a1', taken('a1', '502'), 'refused');
    t.match(b.task, { state: 'done', lastOutcome: 'refused', flagged: true });
    t.match(store.attemptsOf(b.task.id), [{ callId: null, note: null, durationMs: null }]);
    const c = revisits.complete('a1', taken('a1', '503'), 'wrongNumber');
    t.match(c.task, { state: 'failed', attempts: 1, maxAttempts: 3 });
    t.equal(revisits.nextFor('a2', 'repairs'), undefined, 'closed tasks are not handed out');
  });

  for (const [outcome, delay] of [['noAnswer', 2 * HOUR], ['busy', 15 * MIN], ['callLater', 24 * HOUR]] as const) {
    t.test(`${outcome}: retried after ${delay / MIN} minutes, not before`, async (t) => {
      const { clock, revisits, taken } = setup(t);
      const id = taken('a1');
      const done = revisits.complete('a1', id, outcome);
      t.equal(done.retryAt, T0 + delay);
      t.match(done.task, { state: 'pending', attempts: 1, lastOutcome: outcome, nextTryAt: T0 + delay, assignedAgent: null });
      clock.tick(delay - 1);
      t.equal(revisits.nextFor('a2', 'repairs'), undefined, 'not handed out before its retry time');
      clock.tick(1);
      const again = revisits.nextFor('a2', 'repairs');
      t.match(again, { task: { id, state: 'assigned', assignedAgent: 'a2', assignedAt: T0 + delay } });
      t.same(again?.attempts.map((a) => [a.agentId, a.outcome]), [['a1', outcome]], 'the screen pop shows the earlier attempt');
    });
  }

  t.test('callLater at the time the agent gives; no retry time for other outcomes or in the past', async (t) => {
    const { clock, revisits, taken } = setup(t);
    const id = taken('a1');
    t.throws(() => revisits.complete('a1', id, 'noAnswer', { retryAt: T0 + HOUR }), { name: 'RevisitError', code: 'badRetry', message: 'outcome noAnswer does not take a retry time' });
    t.throws(() => revisits.complete('a1', id, 'callLater', { retryAt: T0 }), { code: 'badRetry', message: /is not in the future/ });
    const at = T0 + 3 * HOUR + 30 * MIN;
    t.match(revisits.complete('a1', id, 'callLater', { retryAt: at, note: 'after the meeting' }), { retryAt: at, task: { state: 'pending', nextTryAt: at } });
    clock.tick(3 * HOUR + 30 * MIN - 1);
    t.equal(revisits.nextFor('a1'), undefined);
    clock.tick(1);
    t.equal(revisits.nextFor('a1')?.task.id, id);
  });

  t.test('maxAttempts: a retry outcome on the last attempt fails the task', async (t) => {
    const { clock, revisits, store, taken } = setup(t);
    const id = taken('a1');
    t.equal(revisits.complete('a1', id, 'noAnswer').task.state, 'pending');
    clock.tick(2 * HOUR);
    t.equal(revisits.nextFor('a1')?.task.id, id);
    t.equal(revisits.complete('a1', id, 'busy').task.state, 'pending');
    clock.tick(15 * MIN);
    t.equal(revisits.nextFor('a2')?.task.id, id);
    const last = revisits.complete('a2', id, 'noAnswer');
    t.match(last, { retryAt: undefined, task: { state: 'failed', attempts: 3, lastOutcome: 'noAnswer' } });
    clock.tick(10 * HOUR);
    t.equal(revisits.nextFor('a1'), undefined);
    t.same(store.attemptsOf(id).map((a) => [a.agentId, a.outcome, a.at]), [['a1', 'noAnswer', T0], ['a1', 'busy', T0 + 2 * HOUR], ['a2', 'noAnswer', T0 + 2 * HOUR + 15 * MIN]]);
  });

  t.test('rules from config: other delays and attempts; bad rules refused', async (t) => {
    const { revisits, taken } = setup(t, { maxAttempts: 1, outcomes: { busy: { then: 'retry', afterMinutes: 5 }, refused: { then: 'done' } } });
    t.same(revisits.rules.outcomes.noAnswer, { then: 'retry', afterMinutes: 120, agentMayChoose: false }, 'the others keep their defaults');
    t.match(revisits.complete('a1', taken('a1', '601'), 'busy').task, { state: 'failed' }, 'one attempt allowed');
    t.match(revisits.complete('a1', taken('a1', '602'), 'refused').task, { state: 'done', flagged: false });
    t.throws(() => revisitRulesSchema.parse({ outcomes: { busy: { then: 'retry' } } }));
    t.throws(() => revisitRulesSchema.parse({ maxAttempts: 0 }));
    t.throws(() => revisitRulesSchema.parse({ outcomes: { hungUp: { then: 'done' } } }));
  });

  t.test('only the agent holding the task can complete it', async (t) => {
    const { revisits, store, taken } = setup(t);
    const id = taken('a1');
    t.throws(() => revisits.complete('a2', id, 'reached'), { name: 'RevisitError', code: 'notAssigned', message: `revisit task ${id} is not assigned to agent a2 (it is assigned to agent a1)` });
    t.throws(() => revisits.complete('a1', id, 'hungUp'), { code: 'unknownOutcome', message: /"hungUp" is not a revisit outcome \(expected one of: reached, noAnswer/ });
    t.throws(() => revisits.complete('a1', 999, 'reached'), { code: 'unknownTask', message: 'revisit task 999 does not exist' });
    revisits.complete('a1', id, 'reached');
    t.throws(() => revisits.complete('a1', id, 'reached'), { code: 'notAssigned', message: `revisit task ${id} is not assigned to agent a1 (it is done)` });
    t.throws(() => store.record(id, 'a1', 'reached', { at: T0 }, { state: 'done' }), { code: 'notAssigned' }, 'the store checks too, in its transaction');
    t.equal(store.attemptsOf(id).length, 1, 'refused results are not recorded');
  });
});

t.test('nextFor: the screen pop, the same task again, release, cancel', async (t) => {
  const { revisits, customers, store } = setup(t);
  customers.upsert({ id: '10086', name: 'Wang Fang', phones: ['13800001111'], level: 'gold', vip: true, account: { model: 'X200' } });
  revisits.add({ list: 'repairs', name: 'Wang (from the CRM id)', number: '0000', customerId: '10086', priority: 2 });
  revisits.add({ list: 'repairs', name: 'Wang (by number)', number: '138-0000-1111', priority: 1 });
  revisits.add({ list: 'repairs', name: 'Unknown', number: '999' });

  const first = revisits.nextFor('a1', 'repairs');
  t.match(first, { task: { name: 'Wang (from the CRM id)', assignedAgent: 'a1' }, customer: { id: '10086', vip: true, account: { model: 'X200' } }, attempts: [] });
  t.equal(revisits.nextFor('a1', 'repairs')?.task.id, first?.task.id, 'asking again returns the task the agent holds');
  t.equal(revisits.nextFor('a1')?.task.id, first?.task.id);
  t.throws(() => revisits.nextFor('a1', 'sales'), { code: 'agentBusy', message: `agent a1 still has revisit task ${first?.task.id} of list repairs: complete or release it first` });

  const second = revisits.nextFor('a2', 'repairs');
  t.match(second, { task: { name: 'Wang (by number)', number: '13800001111' }, customer: { id: '10086' } });
  t.equal(revisits.nextFor('a3')?.customer, undefined, 'no customer found: no customer data');

  const released = revisits.release('a1');
  t.match(released, { id: first?.task.id, state: 'pending', assignedAgent: null, attempts: 0 });
  t.equal(revisits.release('a1'), undefined, 'nothing left to release');
  t.equal(revisits.nextFor('a4')?.task.id, first?.task.id, 'the released task is handed out again, first by its priority');
  t.throws(() => revisits.complete('a1', first?.task.id as number, 'reached'), { code: 'notAssigned' });

  t.match(revisits.cancel(second?.task.id as number), { state: 'cancelled', assignedAgent: null });
  t.throws(() => revisits.complete('a2', second?.task.id as number, 'reached'), { code: 'notAssigned', message: /it is cancelled/ });
  t.throws(() => revisits.cancel(second?.task.id as number), { code: 'badState', message: /is cancelled and can no longer be cancelled/ });
  t.throws(() => revisits.cancel(4242), { code: 'unknownTask' });
  t.same(store.tasks('repairs', 'cancelled').map((task) => task.id), [second?.task.id]);
});

t.test('summary counts tasks by state and last outcome, attempts by outcome, flagged', async (t) => {
  const { clock, revisits, taken } = setup(t);
  revisits.complete('a1', taken('a1', '701'), 'reached');
  revisits.complete('a1', taken('a1', '702'), 'refused');
  const retried = taken('a1', '703');
  revisits.complete('a1', retried, 'busy');
  clock.tick(15 * MIN);
  revisits.nextFor('a1', 'repairs');
  revisits.complete('a1', retried, 'reached');
  revisits.complete('a1', taken('a1', '704'), 'noAnswer');
  taken('a2', '705');
  revisits.add({ list: 'sales', name: 'elsewhere', number: '706' });
  t.same(revisits.summary('repairs'), {
    list: 'repairs',
    total: 5,
    byState: { pending: 1, assigned: 1, done: 3, failed: 0, cancelled: 0 },
    byLastOutcome: { reached: 2, noAnswer: 1, busy: 0, wrongNumber: 0, callLater: 0, refused: 1 },
    attemptsByOutcome: { reached: 2, noAnswer: 1, busy: 1, wrongNumber: 0, callLater: 0, refused: 1 },
    flagged: 1,
  });
});

t.test('the migration from version 3 keeps the rows and adds the revisit tables', async (t) => {
  const dir = t.testdir();
  const old = openRecords(dir, recordsMigrations.filter((step) => step.version <= 3));
  t.equal(old.schemaVersion, 3);
  old.insertAgentState({ at: 5, agentId: 'a1', device: '201', state: 'ready' });
  old.close();
  const records = openRecords(dir);
  t.teardown(() => records.close());
  t.equal(records.schemaVersion, 4);
  t.same(records.database.prepare('SELECT at, agent_id, device, state, previous, queue FROM agent_states').all(), [
    { at: 5, agent_id: 'a1', device: '201', state: 'ready', previous: null, queue: null },
  ]);
  const store = new RevisitStore(records.database);
  t.match(store.add({ list: 'sales', name: 'n', number: '1', maxAttempts: 3 }, 10), { id: 1, state: 'pending', dueAt: 10 });
  t.throws(() => records.database.prepare("UPDATE revisit_tasks SET state = 'assigned'").run(), /CHECK constraint/, 'an assigned task always names its agent');
});

