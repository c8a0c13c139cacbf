import { readdir } from 'node:fs/promises';
import Database from 'better-sqlite3';
import t from 'tap';
import { silentLogger } from '../../../appliance/runtime/logger.js';
import { recordsMigrations, RecordsStore, type RecordsMigration } from '../../../appliance/store/records/index.js';

function open(dir: string, migrations?: readonly RecordsMigration[]): RecordsStore {
  const store = new RecordsStore({ dir, logger: silentLogger(), ...(migrations ? { migrations } : {}) });
  store.open();
  return store;
}

const T0 = Date.UTC(2024, 0, 1, 9, 0, 0);

t.test('schema, WAL and migrations that are idempotent on reopen', async (t) => {
  const dir = t.testdir();
  const store = open(dir);
  t.equal(store.schemaVersion, recordsMigrations.length);
  store.insertCallEvent({ at: T0, eventName: 'DeliveredEvent' });
  store.close();
  store.close();
  t.throws(() => store.insertCallEvent({ at: T0, eventName: 'x' }), { name: 'RecordsError', code: 'notOpen' });

  const again = open(dir);
  t.equal(again.schemaVersion, recordsMigrations.length);
  t.equal(again.listCallEvents({ limit: 10 }).length, 1, 'reopening keeps the rows');
  again.close();

  const raw = new Database(`${dir}/records.sqlite`);
  t.equal(raw.pragma('journal_mode', { simple: true }), 'wal');
  const tables = raw.prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name").pluck().all();
  t.same(tables, ['acd_offers', 'agent_states', 'call_events', 'call_records', 'callback_attempts', 'customer_phones', 'customers', 'faxes', 'ivr_calls', 'ivr_steps', 'key_presses', 'queue_calls', 'recordings', 'revisit_attempts', 'revisit_tasks', 'survey_results', 'voicemails']);
  const indices = raw.prepare("SELECT name FROM sqlite_master WHERE type = 'index' AND name NOT LIKE 'sqlite_%'").pluck().all();
  t.ok(indices.includes('call_events_call_id') && indices.includes('call_events_at'));
  raw.close();

  t.ok((await readdir(dir)).includes('records.sqlite'));
});

t.test('a later migration step runs once, in a transaction', async (t) => {
  const dir = t.testdir();
  open(dir).close();
  let runs = 0;
  const shipped = recordsMigrations.length;
  const withStep2: RecordsMigration[] = [
    ...recordsMigrations,
    {
      version: shipped + 1,
      description: 'queue log',
      up(db) {
        runs++;
        db.exec('CREATE TABLE queue_log (id INTEGER PRIMARY KEY, at INTEGER NOT NULL) STRICT');
      },
    },
  ];
  open(dir, withStep2).close();
  const store = open(dir, withStep2);
  t.equal(runs, 1);
  t.equal(store.schemaVersion, shipped + 1);
  store.close();

  const failing: RecordsMigration[] = [
    ...withStep2,
    {
      version: shipped + 2,
      description: 'breaks halfway',
      up(db) {
        db.exec('CREATE TABLE half_done (id INTEGER)');
        throw new Error('boom');
      },
    },
  ];
  t.throws(() => open(dir, failing), { message: 'boom' });
  const after = open(dir, withStep2);
  t.equal(after.schemaVersion, shipped + 1, 'version not bumped');
  after.close();
  const raw = new Database(`${dir}/records.sqlite`);
  t.equal(raw.prepare("SELECT count(*) FROM sqlite_master WHERE name = 'half_done'").pluck().get(), 0, 'the half-done step was rolled back');
  raw.close();

  t.throws(() => open(dir), { code: 'tooNew', message: new RegExp(`schema version ${shipped + 1}, newer than this ccbox knows \\(${shipped}\\)`) });
});

t.test('call events: insert, batch and query', async (t) => {
  const store = open(t.testdir());
  t.teardown(() => store.close());
  const id = store.insertCallEvent({
    at: T0,
    callId: 'c1',
    device: '201',
    eventName: 'DeliveredEvent',
    cause: 'newCall',
    payload: { alertingDevice: '201', nested: [1, 2] },
  });
  t.equal(id, 1);
  const ids = store.insertCallEvents([
    { at: T0 + 1000, callId: 'c1', device: '201', eventName: 'EstablishedEvent' },
    { at: T0 + 500, callId: 'c2', eventName: 'QueuedEvent', cause: 'enteringDistribution' },
    { at: T0 + 2000, callId: 'c1', device: '201', eventName: 'ConnectionClearedEvent', cause: 'normalClearing' },
  ]);
  t.same(ids, [2, 3, 4]);

  t.same(store.listCallEvents({ callId: 'c1', limit: 10 }).map((row) => row.eventName), ['DeliveredEvent', 'EstablishedEvent', 'ConnectionClearedEvent']);
  t.same(store.listCallEvents({ limit: 10 }).map((row) => row.id), [1, 3, 2, 4], 'in time order');
  t.same(store.listCallEvents({ since: T0 + 500, limit: 2 }).map((row) => row.id), [3, 2]);
  t.same(store.listCallEvents({ callId: 'c1', since: T0 + 1000, limit: 10 }).map((row) => row.id), [2, 4]);
  t.same(store.listCallEvents({ callId: 'c1', limit: 1 })[0], {
    id: 1,
    at: T0,
    callId: 'c1',
    device: '201',
    eventName: 'DeliveredEvent',
    cause: 'newCall',
    payload: { alertingDevice: '201', nested: [1, 2] },
  });
  t.same(store.listCallEvents({ callId: 'c2', limit: 1 })[0]?.payload, null);
  t.throws(() => store.listCallEvents({ limit: 0 }), { code: 'badQuery' });

  t.throws(() =>
    store.insertCallEvents([
      { at: T0, eventName: 'fine' },
      { at: T0, eventName: null as unknown as string },
    ]),
  );
  t.equal(store.listCallEvents({ limit: 100 }).length, 4, 'a failing batch writes nothing');
  t.throws(() => store.insertCallEvent({ at: 1.5, eventName: 'x' }), 'times are whole milliseconds');
});

t.test('call records are upserted as the call progresses', async (t) => {
  const store = open(t.testdir());
  t.teardown(() => store.close());
  store.upsertCallRecord({ callId: 'c1', startedAt: T0, direction: 'inbound', calling: '+4930123', called: '100', data: { language: 'de' } });
  store.upsertCallRecord({ callId: 'c1', startedAt: T0, answeredAt: T0 + 8000, answeredBy: '201', queue: 'sales' });
  store.upsertCallRecord({ callId: 'c1', startedAt: T0, endedAt: T0 + 60000, disposition: 'answered' });
  store.upsertCallRecord({ callId: 'c0', startedAt: T0 - 1000 });

  t.same(store.listCallRecords({ limit: 10 }), [
    { callId: 'c0', startedAt: T0 - 1000, answeredAt: null, endedAt: null, direction: null, calling: null, called: null, answeredBy: null, queue: null, disposition: null, data: null },
    {
      callId: 'c1',
      startedAt: T0,
      answeredAt: T0 + 8000,
      endedAt: T0 + 60000,
      direction: 'inbound',
      calling: '+4930123',
      called: '100',
      answeredBy: '201',
      queue: 'sales',
      disposition: 'answered',
      data: { language: 'de' },
    },
  ]);
  t.same(store.listCallRecords({ since: T0, limit: 10 }).map((row) => row.callId), ['c1']);
  t.same(store.listCallRecords({ limit: 1 }).map((row) => row.callId), ['c0']);
});

t.test('agent states, key presses and recordings', async (t) => {
  const dir = t.testdir();
  const store = open(dir);
  t.equal(store.insertAgentState({ at: T0, agentId: 'a1', device: '201', state: 'ready' }), 1);
  t.equal(store.insertKeyPress({ at: T0, callId: 'c1', channel: '3', digits: '42#' }), 1);
  const recording = store.insertRecording({ callId: 'c1', path: '/rec/c1.wav', startedAt: T0 });
  store.finishRecording(recording, T0 + 5000, 80000);
  store.close();

  const raw = new Database(`${dir}/records.sqlite`, { readonly: true });
  t.same(raw.prepare('SELECT * FROM recordings').get(), { id: 1, call_id: 'c1', path: '/rec/c1.wav', started_at: T0, ended_at: T0 + 5000, bytes: 80000 });
  t.same(raw.prepare('SELECT agent_id, state, reason FROM agent_states').get(), { agent_id: 'a1', state: 'ready', reason: null });
  t.same(raw.prepare('SELECT digits FROM key_presses').pluck().get(), '42#');
  raw.close();
});
