/** The ACD journal: a real engine on fake time writing agent states, queue visits, offers and callbacks to a real records.sqlite. */
import Database from 'better-sqlite3';
import t from 'tap';
import { silentLogger } from '../../../appliance/runtime/logger.js';
import { RecordsStore, SqliteAcdJournal, recordsMigrations, type RecordsMigration } from '../../../appliance/store/records/index.js';
import { DATA, acdUnderTest } from '../../helpers/acd-engine.js';

const T0 = Date.UTC(2026, 11, 2, 9, 0, 0);

function openStore(t: { teardown(fn: () => void): void }, dir: string, migrations?: readonly RecordsMigration[]): RecordsStore {
  const records = new RecordsStore({ dir, logger: silentLogger(), ...(migrations ? { migrations } : {}) });
  records.open();
  t.teardown(() => records.close());
  return records;
}

const agents = (...ids: string[]) => ids.map((id) => ({ id, name: `Agent ${id}`, skills: { sales: 1 } }));
const states = (journal: SqliteAcdJournal, agentId: string) => journal.agentStatesOf(agentId).map((s) => [s.at - T0, s.state, s.previous, s.reason, s.queue]);

t.test('an answer after no answer elsewhere, agent states with reasons, and the rows survive a reopen', async (t) => {
  const dir = t.testdir();
  const records = openStore(t, dir);
  const acd = acdUnderTest(t, { queues: [{ name: 'sales', strategy: 'linear', ringTimeoutSeconds: 15, joinWhen: 'always', wrapUpSeconds: 10 }], agents: agents('a1', 'a2') });
  const journal = new SqliteAcdJournal(records.database);
  journal.attach(acd.engine);

  acd.loginReady('a1', 'a2');
  acd.engine.enqueue('c1', 'sales', { ...DATA, callerId: '13800001111' });
  acd.clock.tick(15_000);
  acd.clock.tick(5_000);
  t.ok(acd.engine.answered('c1', 'a2'));
  acd.clock.tick(60_000);
  acd.engine.callEnded('c1');
  acd.clock.tick(10_000);
  acd.engine.request('a1', { state: 'notReady', reason: 'lunch' });
  acd.engine.logout('a1');

  const expected = {
    calls: [{
      callId: 'c1', queue: 'sales', kind: 'inbound', joinedAt: T0, priority: 0, offeredCount: 2, firstOfferAt: T0, answeredAt: T0 + 20_000, agentId: 'a2',
      leftAt: null, outcome: 'answered', waitMs: 20_000, talkMs: 60_000, endedAt: T0 + 80_000, callerId: '13800001111',
    }],
    offers: [
      { queue: 'sales', agentId: 'a1', device: 'da1', offeredAt: T0, result: 'noAnswer', resultAt: T0 + 15_000 },
      { queue: 'sales', agentId: 'a2', device: 'da2', offeredAt: T0 + 15_000, result: 'answered', resultAt: T0 + 20_000 },
    ],
    a1: [[0, 'ready', 'loggedOut', null, null], [0, 'offered', 'ready', null, 'sales'], [15_000, 'ready', 'offered', null, null], [90_000, 'notReady', 'ready', 'lunch', null], [90_000, 'loggedOut', 'notReady', null, null]],
    a2: [[0, 'ready', 'loggedOut', null, null], [15_000, 'offered', 'ready', null, 'sales'], [20_000, 'talking', 'offered', null, 'sales'], [80_000, 'wrapUp', 'talking', null, 'sales'], [90_000, 'ready', 'wrapUp', null, null]],
  };
  const check = (journal: SqliteAcdJournal) => {
    t.same(journal.queueCallsOf('c1'), expected.calls);
    t.same(journal.offersOf('c1'), expected.offers);
    t.same(states(journal, 'a1'), expected.a1);
    t.same(states(journal, 'a2'), expected.a2);
  };
  check(journal);

  records.close();
  const reopened = openStore(t, dir);
  t.equal(reopened.schemaVersion, recordsMigrations.length);
  check(new SqliteAcdJournal(reopened.database));
});

t.test('a call overflows to a second queue at maxWait, then hangs up', async (t) => {
  const records = openStore(t, t.testdir());
  const acd = acdUnderTest(t, {
    queues: [
      { name: 'sales', ringTimeoutSeconds: 120, maxWaitSeconds: 60, overflow: { kind: 'queue', queue: 'backup' }, joinWhen: 'always' },
      { name: 'backup', joinWhen: 'always' },
    ],
    agents: agents('a1'),
  });
  const journal = new SqliteAcdJournal(records.database);
  journal.attach(acd.engine);

  acd.loginReady('a1');
  acd.engine.enqueue('c2', 'sales', { ...DATA, callerId: '555' }, { priority: 5 });
  acd.clock.tick(60_000);
  acd.clock.tick(30_000);
  acd.engine.abandon('c2');

  t.match(journal.queueCallsOf('c2'), [
    { queue: 'sales', kind: 'inbound', joinedAt: T0, priority: 5, offeredCount: 1, firstOfferAt: T0, answeredAt: null, leftAt: T0 + 60_000, outcome: 'overflowToQueue', waitMs: 60_000, callerId: '555' },
    { queue: 'backup', kind: 'inbound', joinedAt: T0 + 60_000, priority: 5, offeredCount: 0, firstOfferAt: null, leftAt: T0 + 90_000, outcome: 'abandoned', waitMs: 30_000, callerId: '555' },
  ]);
  t.equal(journal.queueCallsOf('c2').length, 2);
  t.same(journal.offersOf('c2'), [{ queue: 'sales', agentId: 'a1', device: 'da1', offeredAt: T0, result: 'overflow', resultAt: T0 + 60_000 }]);
});

t.test('a callback: the caller leaves, the first attempt fails, the retry connects', async (t) => {
  const records = openStore(t, t.testdir());
  const acd = acdUnderTest(t, { queues: [{ name: 'sales', joinWhen: 'always', callback: { maxAttempts: 3, retrySeconds: 120 } }], agents: agents('a1') });
  const journal = new SqliteAcdJournal(records.database);
  journal.attach(acd.engine);

  acd.engine.enqueue('c3', 'sales', DATA);
  acd.clock.tick(10_000);
  acd.engine.toCallback('c3', '13800001111');
  acd.clock.tick(5_000);
  acd.loginReady('a1');
  t.ok(acd.engine.answered('c3', 'a1'));
  acd.clock.tick(5_000);
  acd.engine.callbackResult('c3', 'noAnswer');
  t.match(journal.queueCallsOf('c3')[1], { kind: 'callback', answeredAt: null, agentId: null, outcome: null }, 'waiting again for the retry');
  acd.clock.tick(120_000);
  acd.clock.tick(1_000);
  t.ok(acd.engine.answered('c3', 'a1'));
  acd.clock.tick(5_000);
  acd.engine.callbackResult('c3', 'connected');
  acd.clock.tick(30_000);
  acd.engine.callEnded('c3');

  t.match(journal.queueCallsOf('c3'), [
    { kind: 'inbound', joinedAt: T0, offeredCount: 0, leftAt: T0 + 10_000, outcome: 'callback', waitMs: 10_000 },
    { kind: 'callback', joinedAt: T0 + 10_000, offeredCount: 2, firstOfferAt: T0 + 15_000, answeredAt: T0 + 141_000, agentId: 'a1', leftAt: null, outcome: 'answered', waitMs: 131_000, talkMs: 35_000, endedAt: T0 + 176_000 },
  ]);
  t.same(journal.callbackAttemptsOf('c3'), [
    { queue: 'sales', agentId: 'a1', at: T0 + 20_000, attempt: 1, outcome: 'noAnswer', willRetry: true },
    { queue: 'sales', agentId: 'a1', at: T0 + 146_000, attempt: 2, outcome: 'connected', willRetry: false },
  ]);
  t.same(journal.offersOf('c3').map((o) => [o.offeredAt - T0, o.result]), [[15_000, 'answered'], [140_000, 'answered']]);
});

t.test('a call refused by a full queue and an outbound call each get a row', async (t) => {
  const records = openStore(t, t.testdir());
  const acd = acdUnderTest(t, { queues: [{ name: 'sales', maxLength: 1, joinWhen: 'always' }], agents: agents('a1') });
  const journal = new SqliteAcdJournal(records.database);
  journal.attach(acd.engine);
  acd.engine.enqueue('r1', 'sales', DATA);
  acd.engine.enqueue('r2', 'sales', DATA);
  t.match(journal.queueCallsOf('r2'), [{ queue: 'sales', joinedAt: T0, leftAt: T0, outcome: 'full', waitMs: 0 }]);

  acd.engine.login('a1', 'da1');
  acd.engine.startOutbound('a1', 'o1', '555');
  acd.clock.tick(20_000);
  acd.engine.callEnded('o1');
  t.match(journal.queueCallsOf('o1'), [{ queue: null, kind: 'outbound', joinedAt: T0, answeredAt: T0, agentId: 'a1', talkMs: 20_000, endedAt: T0 + 20_000 }]);
});

t.test('a failing disk reaches onError, not the ACD; detach stops the writes', async (t) => {
  const records = openStore(t, t.testdir());
  const acd = acdUnderTest(t, { queues: [{ name: 'sales', joinWhen: 'always' }], agents: agents('a1', 'a2') });
  const errors: unknown[] = [];
  const journal = new SqliteAcdJournal(records.database, (error) => errors.push(error));
  const detach = journal.attach(acd.engine);
  acd.loginReady('a1');
  detach();
  acd.loginReady('a2');
  t.equal(journal.agentStatesOf('a1').length, 1);
  t.equal(journal.agentStatesOf('a2').length, 0, 'detached');

  journal.attach(acd.engine);
  records.database.exec('DROP TABLE acd_offers');
  acd.engine.enqueue('c4', 'sales', DATA);
  t.ok(acd.engine.answered('c4', acd.offers()[0]?.split('→')[1] as string), 'the ACD carries on');
  t.ok(errors.length > 0);
  t.match(String(errors[0]), /acd_offers/);
  t.equal(journal.queueCallsOf('c4')[0]?.outcome, 'answered', 'the other writes go on');
});

t.test('a version-2 records file migrates to the ACD tables and keeps its rows', async (t) => {
  const dir = t.testdir();
  const old = openStore(t, dir, recordsMigrations.slice(0, 2));
  old.insertAgentState({ at: 5, agentId: 'a1', device: 'd1', state: 'ready' });
  old.close();

  const records = openStore(t, dir);
  t.equal(records.schemaVersion, recordsMigrations.length);
  const raw = new Database(records.path, { readonly: true });
  t.teardown(() => raw.close());
  t.same(raw.prepare('SELECT at, agent_id, device, state, reason, previous, queue FROM agent_states').all(), [
    { at: 5, agent_id: 'a1', device: 'd1', state: 'ready', reason: null, previous: null, queue: null },
  ]);
  const indexes = raw.prepare("SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = 'queue_calls'").pluck().all();
  t.same([...indexes].sort(), ['queue_calls_call_id', 'queue_calls_queue_joined_at']);
});
