import Database from 'better-sqlite3';
import t from 'tap';
import { silentLogger } from '../../../appliance/runtime/logger.js';
import { CsvImportError, CustomerStore, RecordsStore, SqliteIvrJournal, recordsMigrations } from '../../../appliance/store/records/index.js';

function openStore(dir: string) {
  const records = new RecordsStore({ dir, logger: silentLogger() });
  records.open();
  return records;
}

const CSV = [
  '\uFEFFid,name,phones,level,vip,language,balance,due,note',
  '10086,"Wang, Fang",13800001111;+86 139-0000-2222,gold,yes,zh,1234.50,2026-12-01,"said ""call me later"""',
  '20001,Alice Smith,+4930123456,normal,0,en,0,2026-11-30,"two',
  'lines"',
  '30001,,123,normal,0,zh,0,,',
  '30002,Bad Vip,124,normal,maybe,zh,0,,',
  '30003,Too Few',
  '10086,Duplicate,1,normal,0,zh,0,,',
  '40001,Leading Zero,125,normal,no,,007,,',
].join('\r\n');

t.test('CSV import: quoting, BOM, CRLF, bad rows by line, lookups', async (t) => {
  const records = openStore(t.testdir());
  t.teardown(() => records.close());
  const customers = new CustomerStore(records.database);
  const result = customers.importCsv(CSV, 1000);
  t.equal(result.imported, 3);
  t.equal(result.updated, 0);
  t.same(result.errors, [
    { line: 5, message: 'name: empty' },
    { line: 6, message: 'vip: "maybe" is not 1/0, true/false or yes/no' },
    { line: 7, message: 'expected 9 fields, found 2' },
    { line: 8, message: 'id: 10086 appears twice in the file' },
  ]);
  const wang = customers.byPhone('139 0000 2222');
  t.match(wang, { id: '10086', name: 'Wang, Fang', level: 'gold', vip: true, language: 'zh', account: { balance: 1234.5, due: '2026-12-01', note: 'said "call me later"' } });
  t.same(wang?.phones.sort(), ['+8613900002222', '13800001111']);
  t.equal(customers.byId('20001')?.account.note, 'two\r\nlines', 'a line break inside quotes stays in the field');
  t.equal(customers.byId('40001')?.account.balance, '007', 'leading zeros stay text');
  t.equal(customers.byPhone('99999'), undefined);
  t.equal(customers.count(), 3);

  const again = customers.importCsv('id,name,phones\n10086,Wang Fang,13800001111\n', 2000);
  t.same([again.imported, again.updated], [0, 1]);
  t.equal(customers.byPhone('+8613900002222'), undefined, 'an update replaces the phone numbers');
  t.throws(() => customers.importCsv('name,phones\nx,1\n'), CsvImportError);
  t.throws(() => customers.importCsv('id,name\n1,"open'), /quoted field is not closed/);
  t.equal(customers.count(), 3, 'a refused file changes nothing');
});

t.test('a version-1 records file migrates and keeps its rows', async (t) => {
  const dir = t.testdir();
  const old = new RecordsStore({ dir, logger: silentLogger(), migrations: recordsMigrations.slice(0, 1) });
  old.open();
  old.insertKeyPress({ at: 5, callId: 'c0', channel: '1', digits: '9' });
  old.close();
  const records = openStore(dir);
  t.teardown(() => records.close());
  t.equal(records.schemaVersion, recordsMigrations.length);
  const raw = new Database(records.path, { readonly: true });
  t.same(raw.prepare('SELECT call_id, digits, flow FROM key_presses').all(), [{ call_id: 'c0', digits: '9', flow: null }]);
  raw.close();
});

t.test('the IVR journal records calls, steps, keys, voicemail, fax and surveys', async (t) => {
  const records = openStore(t.testdir());
  t.teardown(() => records.close());
  const journal = new SqliteIvrJournal(records.database);
  journal.callStarted({ callId: 'c1', at: 1, channel: 2, callerId: '138', dnis: '0301234502', flow: 'main', flowVersion: 'abc' });
  journal.nodeEntered({ callId: 'c1', at: 2, flow: 'main', node: 'menu', nodeType: 'menu' });
  journal.keyPress({ callId: 'c1', at: 3, channel: 2, flow: 'main', node: 'menu', digits: '1' });
  journal.nodeLeft({ callId: 'c1', at: 4, flow: 'main', node: 'menu', outcome: 'key:1' });
  journal.voicemail({ callId: 'c1', at: 5, mailbox: 'hotline', file: '/m/x.wav', durationMs: 3000, callerId: '138' });
  journal.faxReceived({ callId: 'c1', at: 6, mailbox: 'hotline', file: '/m/f.tif', pages: 2 });
  journal.survey({ callId: 'c1', at: 7, flow: 'survey', question: 'satisfaction', score: 4 });
  journal.callEnded({ callId: 'c1', at: 8, outcome: 'completed' });
  t.same(journal.stepsOf('c1'), [{ flow: 'main', node: 'menu', nodeType: 'menu', enteredAt: 2, leftAt: 4, outcome: 'key:1' }]);
  t.same(journal.keyPressesOf('c1'), [{ flow: 'main', node: 'menu', digits: '1', at: 3 }]);
  t.match(journal.callOf('c1'), { flow: 'main', flowVersion: 'abc', outcome: 'completed', startedAt: 1, endedAt: 8 });
  t.match(journal.voicemailsIn('hotline'), [{ callId: 'c1', durationMs: 3000, callerId: '138' }]);
  t.match(journal.faxesIn('hotline'), [{ pages: 2 }]);
  t.match(journal.surveyResults('c1'), [{ question: 'satisfaction', score: 4 }]);
  t.throws(() => journal.survey({ callId: 'c1', at: 9, flow: 'survey', question: 'q', score: 6 }), /CHECK constraint/);
});
