/** What a technician sets up from the shell: MQTT API users (`ccbox api user`), revisit lists (`ccbox revisit`). */
import { once } from 'node:events';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import t from 'tap';
import { verifyPassword } from '../../appliance/api/index.js';
import { ccbox } from '../helpers/cli.js';

const run = async (args: string[]) => {
  const proc = ccbox(args);
  const [code] = await once(proc.child, 'exit');
  return { code, out: proc.stdout(), err: proc.stderr() };
};

t.test('add, list and remove users; the stored hash verifies; bad input is named', async (t) => {
  const data = t.testdir();
  t.match(await run(['api', 'user', 'add', 'A1', '--password', 'desk-pass', '--data', data]), { code: 0, out: 'user A1 (agent, agent A1) saved\n' });
  t.match(await run(['api', 'user', 'add', 'boss', '--role', 'supervisor', '--password', 'boss-pass', '--data', data]), { code: 0 });
  t.match(await run(['api', 'user', 'list', '--data', data]), { code: 0, out: 'A1\tagent\tA1\nboss\tsupervisor\n' });
  const stored = JSON.parse(readFileSync(join(data, 'config.json'), 'utf8')) as { api: { users: { username: string; passwordHash: string }[] } };
  const a1 = stored.api.users.find((u) => u.username === 'A1');
  t.ok(a1?.passwordHash.startsWith('scrypt$'), 'only a scrypt hash is stored');
  t.notMatch(JSON.stringify(stored), /desk-pass/, 'never the password');
  t.ok(await verifyPassword('desk-pass', a1?.passwordHash ?? ''), 'the hash verifies the password');
  t.match(await run(['api', 'user', 'add', 'x', '--role', 'king', '--password', 'abcd', '--data', data]), { code: 1, err: /unknown role king/ });
  t.match(await run(['api', 'user', 'add', 'x', '--password', 'ab', '--data', data]), { code: 1, err: /at least 4 characters/ });
  t.match(await run(['api', 'user', 'add', 'a/b', '--password', 'abcd', '--data', data]), { code: 1, err: /api\.users\.2\.username/ });
  t.match(await run(['api', 'user', 'remove', 'nobody', '--data', data]), { code: 1, err: /no user nobody/ });
  t.match(await run(['api', 'user', 'remove', 'boss', '--data', data]), { code: 0 });
  t.match(await run(['api', 'user', 'list', '--data', data]), { out: 'A1\tagent\tA1\n' });
});

t.test('revisit lists: a CSV is imported whole or not at all, with the bad rows named; show sums a list up', async (t) => {
  const data = t.testdir();
  const good = join(data, 'good.csv');
  const bad = join(data, 'bad.csv');
  writeFileSync(good, 'number,name,customer_id,note,priority\n13800001111,Wang Fang,10086,router replaced,5\n13900002222,Zhao Lei,,,1\n');
  writeFileSync(bad, 'number,name\n13700003333,Ok Row\nabc,\n');
  t.match(await run(['revisit', 'import', 'after-repair', good, '--data', data]), { code: 0, out: /2 tasks added to after-repair/ });
  t.match(await run(['revisit', 'import', 'after-repair', bad, '--data', data]), { code: 1, err: /bad\.csv:3: number: "abc" has no digits/ });
  const shown = await run(['revisit', 'show', 'after-repair', '--data', data]);
  t.match(JSON.parse(shown.out), { list: 'after-repair', total: 2, byState: { pending: 2 } }, 'the bad file added nothing');
});
