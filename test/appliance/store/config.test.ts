import { mkdir, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { Command } from 'commander';
import t from 'tap';
import { z } from 'zod';
import { systemClock, type Clock } from '../../../appliance/runtime/clock.js';
import { registerConfigCommand } from '../../../appliance/runtime/cli/config-command.js';
import { ensureDataDir, resolveDataDir } from '../../../appliance/runtime/data-dir.js';
import { createLogger, silentLogger } from '../../../appliance/runtime/logger.js';
import {
  checkConfigFile,
  configDefaults,
  configJsonSchema,
  ConfigStore,
  pbxProfileExists,
  type ConfigChange,
  type ConfigError,
} from '../../../appliance/store/config/index.js';
import { coerceText } from '../../../appliance/store/config/paths.js';

const fixedClock: Clock = { ...systemClock, now: () => Date.UTC(2024, 4, 6, 7, 8, 9, 10) };
const STAMP = '2024-05-06T07-08-09-010Z';

function storeIn(dir: string, extra: Partial<ConstructorParameters<typeof ConfigStore>[0]> = {}) {
  return new ConfigStore({ dir, logger: silentLogger(), clock: fixedClock, ...extra });
}

async function opened(dir: string) {
  const store = storeIn(dir);
  await store.open();
  return store;
}

/** A logger whose lines end up in `lines` as parsed objects. */
function capturingLogger() {
  const lines: Record<string, unknown>[] = [];
  const stream = new PassThrough();
  stream.on('data', (chunk: Buffer) => {
    for (const line of chunk.toString().split('\n').filter(Boolean)) lines.push(JSON.parse(line) as Record<string, unknown>);
  });
  return { logger: createLogger({ level: 'info', destination: stream }), lines };
}

t.test('data directory', async (t) => {
  t.equal(resolveDataDir('/x/from-option', { CCBOX_DATA: '/x/from-env' }), '/x/from-option');
  t.equal(resolveDataDir(undefined, { CCBOX_DATA: '/x/from-env' }), '/x/from-env');
  t.equal(resolveDataDir(undefined, {}), '/var/lib/ccbox');
  t.equal(resolveDataDir('', { CCBOX_DATA: '' }), '/var/lib/ccbox');
  t.equal(resolveDataDir('relative', {}), join(process.cwd(), 'relative'));

  const root = t.testdir({ 'a-file': 'not a directory' });
  const nested = join(root, 'one', 'two');
  t.equal(ensureDataDir(nested), nested);
  t.same(await readdir(join(root, 'one')), ['two']);
  t.throws(() => ensureDataDir(join(root, 'a-file')), {
    name: 'DataDirError',
    code: 'unusable',
    message: /^cannot use data directory \S+a-file: .+ \(choose another with --data DIR or CCBOX_DATA\)$/,
  });
});

t.test('a new store is created with defaults', async (t) => {
  const dir = t.testdir();
  const store = await opened(dir);
  const { ivr, acd, api, ...rest } = store.get();
  t.same(ivr, configDefaults().ivr, 'the ivr section has its defaults');
  t.equal(ivr.enabled, false);
  t.same(acd, { enabled: false, queues: [], agents: [], notReadyReasons: ['break', 'lunch', 'training', 'away'], mirrorStatesToPbx: false, autoNotReadyAfterMissed: 2, dialing: { outsidePrefix: '', internalMaxLength: 5 }, returnWaitSeconds: 180, expectedWaitSamples: 20 }, 'the ACD is off, with no queues or agents');
  t.same(api, { broker: { mode: 'embedded', listen: 'tcp://0.0.0.0:1883' }, users: [] }, 'the embedded MQTT broker, no users yet');
  t.same(rest, {
    version: 1,
    site: { name: 'ccbox' },
    pbx: { url: 'tcp://127.0.0.1:8800', profile: 'generic-ed4', applicationId: 'ccbox', monitoredDevices: [] },
    cards: { enabled: false, url: 'tcp://127.0.0.1:8810', board: 'ccbox-sim-4', ports: [], ackTimeoutMs: 2000, probeIntervalMs: 5000 },
    log: { level: 'info' },
  });
  t.same(JSON.parse(await readFile(join(dir, 'config.json'), 'utf8')), configDefaults());
  t.equal(store.getPath('pbx.url'), 'tcp://127.0.0.1:8800');
  t.equal(store.getPath('pbx.username'), undefined);

  const copy = store.get();
  copy.pbx.url = 'changed behind its back';
  t.equal(store.getPath('pbx.url'), 'tcp://127.0.0.1:8800', 'get() hands out a copy');
});

t.test('set, unset and get, with text coerced by the schema', async (t) => {
  const dir = t.testdir();
  const store = await opened(dir);
  const changes: ConfigChange[] = [];
  store.on('changed', (change) => changes.push(change));

  await store.set('pbx.url', 'tcp://pbx.example.net:8800');
  await store.set('pbx.url', 'serial:/dev/ttyS1?baud=19200&parity=even');
  await store.set('pbx.url', 'tcp://[::1]:8800');
  await store.setFromText('pbx.monitoredDevices', '201, 202,203');
  t.same(store.getPath('pbx.monitoredDevices'), ['201', '202', '203']);
  await store.setFromText('pbx.monitoredDevices', '["301"]');
  t.same(store.getPath('pbx.monitoredDevices'), ['301']);
  await store.setFromText('pbx.monitoredDevices', '');
  t.same(store.getPath('pbx.monitoredDevices'), []);
  await store.setFromText('version', '1');
  t.equal(store.getPath('version'), 1);
  await store.setFromText('pbx', '{"url":"serial:/dev/ttyUSB0?baud=9600","password":"pw"}');
  t.equal(store.getPath('pbx.url'), 'serial:/dev/ttyUSB0?baud=9600');
  t.equal(store.getPath('pbx.profile'), 'generic-ed4', 'a section set as a whole gets defaults');
  await store.unset('pbx.password');
  t.equal(store.getPath('pbx.password'), undefined);

  t.same(
    changes.map((change) => change.paths),
    [['pbx.url'], ['pbx.url'], ['pbx.url'], ['pbx.monitoredDevices'], ['pbx.monitoredDevices'], ['pbx.monitoredDevices'], ['pbx.url', 'pbx.password'], ['pbx.password']],
    'setting an unchanged value emits nothing',
  );
  const reopened = await opened(dir);
  t.same(reopened.get(), store.get(), 'changes are on disk');

  await Promise.all([store.set('site.name', 'north'), store.set('log.level', 'debug')]);
  t.same([store.getPath('site.name'), store.getPath('log.level')], ['north', 'debug'], 'concurrent changes both land');
});

t.test('paths into lists and maps: one queue or skill at a time', async (t) => {
  const store = await opened(t.testdir());
  await store.replace({ acd: { queues: [{ name: 'sales' }, { name: 'service' }], agents: [{ id: 'A1', name: 'Li Na', skills: { sales: 1 } }] } });
  await store.setFromText('acd.queues.1.wrapUpSeconds', '45');
  t.equal(store.getPath('acd.queues.1.wrapUpSeconds'), 45, 'text coerced by the schema of the list item');
  await store.set('acd.agents.0.skills.service', 3);
  t.same(store.getPath('acd.agents.0.skills'), { sales: 1, service: 3 }, 'a new key in a map');
  const missing = await store.set('acd.queues.2.wrapUpSeconds', 10).catch((error: ConfigError) => error);
  t.match(missing, { code: 'invalidValue', message: /acd\.queues\.2: there is no item 2 in acd\.queues \(it has 2\)/ }, 'no growing a list by index');
  await t.rejects(store.set('acd.queues.x.name', 'a'), { code: 'unknownPath' }, 'a list takes numbers');
  await t.rejects(store.set('acd.queues.0.strategy', 'fastest'), { code: 'invalidValue', issues: [{ path: 'acd.queues.0.strategy' }] }, 'the item is validated');
  await store.unset('acd.queues.0');
  t.same(store.get().acd.queues.map((q) => q.name), ['service'], 'unset removes the item');
});

t.test('reload follows the file another program changed, and refuses a broken one', async (t) => {
  const dir = t.testdir();
  const store = await opened(dir);
  const changes: ConfigChange[] = [];
  store.on('changed', (change) => changes.push(change));
  const other = await opened(dir);
  await other.set('site.name', 'north');
  await store.reload();
  t.equal(store.getPath('site.name'), 'north');
  t.same(changes.map((c) => c.paths), [['site.name']]);
  await store.reload();
  t.equal(changes.length, 1, 'an unchanged file emits nothing');
  await writeFile(join(dir, 'config.json'), '{"version": 1, "site": {"name": ""}}');
  await t.rejects(store.reload(), { code: 'invalidValue', issues: [{ path: 'site.name' }] });
  t.equal(store.getPath('site.name'), 'north', 'the configuration in use is kept');
  await rm(join(dir, 'config.json'));
  await t.rejects(store.reload(), { code: 'io', message: /the file is gone/ });
});

t.test('coercion of command-line text', async (t) => {
  t.equal(coerceText(z.number(), ' 7 ', 'n'), 7);
  t.equal(coerceText(z.number().default(1), '-2.5e3', 'n'), -2500);
  t.equal(coerceText(z.number(), '', 'n'), '', 'empty text is not zero');
  t.equal(coerceText(z.number(), '0x10', 'n'), '0x10', 'hex is left for the schema to refuse');
  t.equal(coerceText(z.number(), '12abc', 'n'), '12abc');
  t.equal(coerceText(z.boolean(), 'Yes', 'b'), true);
  t.equal(coerceText(z.boolean().optional(), 'off', 'b'), false);
  t.equal(coerceText(z.boolean(), 'maybe', 'b'), 'maybe');
  t.same(coerceText(z.array(z.number()), '1, 2', 'a'), [1, 2]);
  t.same(coerceText(z.array(z.string()), '[1]', 'a'), [1], 'JSON stays as written, for the schema to judge');
  t.same(coerceText(z.object({ a: z.number() }), '{"a":1}', 'o'), { a: 1 });
  t.equal(coerceText(z.string(), '42', 's'), '42');
  t.equal(coerceText(z.enum(['a', 'b']), 'b', 'e'), 'b');
  t.throws(() => coerceText(z.object({}), '{bad', 'pbx'), { code: 'invalidValue', message: /^pbx: expected a JSON object/ });
  t.throws(() => coerceText(z.array(z.string()), '[bad', 'pbx.monitoredDevices'), { code: 'invalidValue', message: /^pbx.monitoredDevices: expected a JSON array/ });
  const shapes = z.discriminatedUnion('mode', [z.object({ mode: z.literal('a') }), z.object({ mode: z.literal('b'), url: z.string() })]);
  t.same(coerceText(shapes, ' {"mode":"b","url":"x"}', 'api.broker'), { mode: 'b', url: 'x' }, 'a setting of several shapes takes JSON');
  t.equal(coerceText(z.union([z.number(), z.string()]), 'plain', 'u'), 'plain');
});

t.test('invalid input names the path and writes nothing', async (t) => {
  const dir = t.testdir();
  const store = await opened(dir);
  await store.set('pbx.password', 'secret');
  const file = join(dir, 'config.json');
  const before = await readFile(file);
  const snapshot = store.get();

  await t.rejects(store.set('pbx.url', 'http://pbx:80'), {
    name: 'ConfigError',
    code: 'invalidValue',
    message: 'pbx.url: expected tcp://host:port or serial:/dev/…?baud=N',
    issues: [{ path: 'pbx.url' }],
  });
  await t.rejects(store.set('pbx.url', 'tcp://pbx:0'), { message: 'pbx.url: expected a TCP port between 1 and 65535' });
  await t.rejects(store.set('pbx.url', 'tcp://pbx:99999'), { message: /^pbx\.url: bad transport URL 'tcp:\/\/pbx:99999': port '99999'/ });
  await t.rejects(store.set('pbx.url', 'serial:/dev/ttyS0?baud=fast'), { code: 'invalidValue', issues: [{ path: 'pbx.url', message: /baud 'fast'/ }] });
  await t.rejects(store.setFromText('version', '2'), { code: 'invalidValue', issues: [{ path: 'version' }] });
  await t.rejects(store.setFromText('pbx.monitoredDevices', '[1, ""]'), { code: 'invalidValue', issues: [{ path: 'pbx.monitoredDevices.0' }, { path: 'pbx.monitoredDevices.1' }] });
  await t.rejects(store.set('log.level', 'loud'), { message: /^log\.level: Invalid option/ });
  await t.rejects(store.set('pbx.nope', 1), { code: 'unknownPath', message: /unknown setting "pbx.nope"/ });
  await t.rejects(store.set('pbx..url', 1), { code: 'unknownPath' });
  const replaced = await store.replace({ pbx: { url: 'x', hots: 1 }, log: { level: 'x' } }).catch((error: unknown) => error);
  t.same((replaced as ConfigError).issues.map((issue) => issue.path).sort(), ['log.level', 'pbx.hots', 'pbx.url'], 'every issue is listed');
  t.throws(() => store.getPath('nope'), { code: 'unknownPath' });

  t.same(await readFile(file), before, 'file byte-identical');
  t.same(store.get(), snapshot, 'memory unchanged');
  t.same(await readdir(dir), ['config.json'], 'no temp file left');
});

t.test('extra validators', async (t) => {
  const dir = t.testdir();
  const validators = [pbxProfileExists()];
  const store = storeIn(dir, { validators });
  await store.open();
  await store.set('pbx.profile', 'avaya-aes');
  await t.rejects(store.set('pbx.profile', 'no-such-pbx'), {
    code: 'invalidValue',
    issues: [{ path: 'pbx.profile', message: /unknown PBX profile "no-such-pbx" \(known: avaya-aes, generic-ed4/ }],
  });

  const file = join(dir, 'config.json');
  await writeFile(file, JSON.stringify({ version: 1, pbx: { profile: 'no-such-pbx' } }));
  await t.rejects(storeIn(dir, { validators }).open(), { code: 'invalidValue', file, message: new RegExp(`^${file}: pbx.profile`) });
  const lenient = storeIn(dir, { validators });
  await lenient.open({ strict: false });
  await lenient.set('pbx.profile', 'openscape-voice');
  t.equal((await checkConfigFile(file, validators)).issues.length, 0, 'repaired through the store');
});

t.test('writes are atomic and a leftover temp file is kept', async (t) => {
  const dir = t.testdir();
  const store = await opened(dir);
  for (let i = 0; i < 5; i++) await store.set('site.name', `site ${i}`);
  t.same(await readdir(dir), ['config.json']);

  const half = '{"version": 1, "site": {"na';
  await writeFile(join(dir, `config.json.tmp-${process.pid}-dead`), half);
  await writeFile(join(dir, `config.json.tmp-${process.ppid}-busy`), 'another live process is writing this');
  const { logger, lines } = capturingLogger();
  const again = storeIn(dir, { logger });
  await again.open();
  t.equal(again.getPath('site.name'), 'site 4');
  t.same((await readdir(dir)).sort(), ['config.json', `config.json.orphan-${STAMP}`, `config.json.tmp-${process.ppid}-busy`]);
  t.equal(await readFile(join(dir, `config.json.orphan-${STAMP}`), 'utf8'), half, 'content kept');
  t.match(lines, [{ level: 40, orphan: join(dir, `config.json.orphan-${STAMP}`) }]);

  await rm(join(dir, `config.json.tmp-${process.ppid}-busy`));
  await writeFile(join(dir, `config.json.tmp-${process.pid}-again`), 'x');
  await storeIn(dir).open();
  t.ok((await readdir(dir)).includes(`config.json.orphan-${STAMP}-1`), 'a second orphan does not overwrite the first');
});

t.test('a failed write is rolled back and leaves no temp file', async (t) => {
  const dir = t.testdir();
  const store = await opened(dir);
  const file = join(dir, 'config.json');
  await rm(file);
  await mkdir(file); // rename over a directory fails
  await t.rejects(store.set('site.name', 'lost'), { code: 'io', message: new RegExp(`cannot write ${file}`) });
  t.equal(store.getPath('site.name'), 'ccbox');
  t.same(await readdir(dir), ['config.json']);
});

t.test('migration from version 0 backs up the old file', async (t) => {
  const dir = t.testdir();
  const file = join(dir, 'config.json');
  const v0 = JSON.stringify({ site: { name: 'old box' }, pbx: { host: '10.1.2.3', port: 8801, profile: 'openscape-business' } }, null, 2);
  await writeFile(file, v0);
  const { logger, lines } = capturingLogger();
  const store = storeIn(dir, { logger });
  await store.open();

  t.same(store.get().pbx, { url: 'tcp://10.1.2.3:8801', profile: 'openscape-business', applicationId: 'ccbox', monitoredDevices: [] });
  t.equal(store.getPath('version'), 1);
  t.equal(await readFile(join(dir, 'config.json.v0.bak'), 'utf8'), v0, 'backup holds the old bytes');
  t.same(JSON.parse(await readFile(file, 'utf8')), store.get(), 'migrated file written');
  t.match(lines, [{ msg: 'migrated configuration', from: 0, to: 1, changes: [/pbx.url "tcp:\/\/10.1.2.3:8801"/, /version 1 added/] }]);

  await writeFile(file, v0);
  await storeIn(dir).open();
  t.ok((await readdir(dir)).some((entry) => entry.startsWith(`config.json.v0.bak-${STAMP}`)), 'an older backup is not overwritten');

  const invalidV0 = JSON.stringify({ pbx: { host: 'bad host name!' } });
  await writeFile(file, invalidV0);
  await rm(join(dir, 'config.json.v0.bak'));
  await t.rejects(storeIn(dir).open(), { code: 'invalidValue', issues: [{ path: 'pbx.url' }] });
  t.equal(await readFile(file, 'utf8'), invalidV0, 'a file that fails after migration is left as it is');
  t.notOk((await readdir(dir)).includes('config.json.v0.bak'), 'and not backed up');
});

t.test('files that cannot be loaded are refused and left untouched', async (t) => {
  const cases: [string, string, object][] = [
    ['newer version', JSON.stringify({ version: 7 }), { code: 'badVersion', message: /version 7 is newer than this ccbox understands \(1\)/ }],
    ['corrupt JSON', '{"pbx": {"url": ', { code: 'badJson', message: /config.json: not valid JSON/ }],
    ['not an object', '[1, 2]', { code: 'invalidValue', message: /\(root\): expected a JSON object/ }],
    ['bad version field', '{"version": "1"}', { code: 'invalidValue', issues: [{ path: 'version' }] }],
    ['bad field', JSON.stringify({ version: 1, log: { level: 'loud' }, extra: true }), { code: 'invalidValue', issues: [{ path: 'log.level' }, { path: 'extra' }] }],
  ];
  for (const [name, text, expected] of cases) {
    const dir = t.testdir();
    const file = join(dir, 'config.json');
    await writeFile(file, text);
    await t.rejects(storeIn(dir).open(), { name: 'ConfigError', file, ...expected }, name);
    t.equal(await readFile(file, 'utf8'), text, `${name}: file untouched`);
    t.same(await readdir(dir), ['config.json'], `${name}: nothing else written`);
  }
});

t.test('import and export round trip', async (t) => {
  const dir = t.testdir({ a: {}, b: {} });
  const source = await opened(join(dir, 'a'));
  await source.set('pbx.password', 'pw');
  await source.setFromText('pbx.monitoredDevices', '201,202');
  const exported = join(dir, 'exported.json');
  await source.exportFile(exported);

  const target = await opened(join(dir, 'b'));
  await target.importFile(exported);
  t.same(target.get(), source.get());

  const bad = join(dir, 'bad.json');
  await writeFile(bad, JSON.stringify({ pbx: { url: 'nope' }, version: 1 }));
  const before = await readFile(join(dir, 'b', 'config.json'));
  await t.rejects(target.importFile(bad), { code: 'invalidValue', message: `${bad}: pbx.url: expected tcp://host:port or serial:/dev/…?baud=N` });
  await t.rejects(target.importFile(join(dir, 'missing.json')), { code: 'io' });
  t.same(await readFile(join(dir, 'b', 'config.json')), before);

  const v0 = join(dir, 'v0.json');
  await writeFile(v0, JSON.stringify({ pbx: { host: 'pbx', port: 1040 } }));
  await target.importFile(v0);
  t.equal(target.getPath('pbx.url'), 'tcp://pbx:1040', 'an older file is migrated on import');
  t.notOk((await readdir(dir)).some((entry) => entry.includes('.bak')), 'the imported file itself is not touched');
});

t.test('JSON Schema', async (t) => {
  const schema = configJsonSchema() as { properties: Record<string, { properties: Record<string, Record<string, unknown>> }> };
  t.equal(schema.properties.pbx?.properties.url?.default, 'tcp://127.0.0.1:8800');
  t.type(schema.properties.pbx?.properties.url?.pattern, 'string');
  t.same(schema.properties.log?.properties.level?.enum, ['trace', 'debug', 'info', 'warn', 'error']);
  t.equal((schema as unknown as { additionalProperties: boolean }).additionalProperties, false);
});

t.test('ccbox config through commander', async (t) => {
  const dir = t.testdir({ data: {} });
  const data = join(dir, 'data');

  async function ccbox(...args: string[]) {
    let stdout = '';
    let stderr = '';
    const program = new Command('ccbox').exitOverride();
    registerConfigCommand(program, {
      stdout: { write: (text: string) => (stdout += text) },
      stderr: { write: (text: string) => (stderr += text) },
      logger: silentLogger(),
      env: {},
    });
    const previous = process.exitCode;
    process.exitCode = undefined;
    await program.parseAsync(['config', ...args], { from: 'user' });
    const exitCode = process.exitCode ?? 0;
    process.exitCode = previous;
    return { stdout, stderr, exitCode };
  }

  t.match(await ccbox('set', 'pbx.password', 'secret', '--data', data), { stdout: 'pbx.password = "********"\n', exitCode: 0 });
  t.match(await ccbox('set', 'pbx.monitoredDevices', '201,202', '--data', data), { stdout: 'pbx.monitoredDevices = ["201","202"]\n' });
  const shown = await ccbox('show', '--data', data);
  t.same(JSON.parse(shown.stdout).pbx, { url: 'tcp://127.0.0.1:8800', profile: 'generic-ed4', applicationId: 'ccbox', password: '********', monitoredDevices: ['201', '202'] });
  t.equal((await ccbox('get', 'pbx.password', '--data', data)).stdout, 'secret\n');
  t.equal((await ccbox('get', 'pbx.monitoredDevices', '--data', data)).stdout, '[\n  "201",\n  "202"\n]\n');

  const before = await readFile(join(data, 'config.json'));
  t.same(await ccbox('set', 'pbx.url', 'http://x', '--data', data), {
    stdout: '',
    stderr: 'ccbox config: pbx.url: expected tcp://host:port or serial:/dev/…?baud=N\n',
    exitCode: 1,
  });
  t.match(await ccbox('set', 'pbx.profile', 'nonesuch', '--data', data), { stderr: /^ccbox config: pbx.profile: unknown PBX profile/, exitCode: 1 });
  t.same(await readFile(join(data, 'config.json')), before);

  const exported = await ccbox('export', '--data', data);
  t.equal(JSON.parse(exported.stdout).pbx.password, 'secret', 'export keeps the password');
  t.match(await ccbox('validate', '--data', data), { stdout: /config.json: valid \(version 1\)/, exitCode: 0 });

  const broken = join(dir, 'broken.json');
  const brokenText = JSON.stringify({ version: 1, pbx: { url: 'nope', profile: 'nonesuch' } });
  await writeFile(broken, brokenText);
  const validated = await ccbox('validate', broken);
  t.equal(validated.exitCode, 1);
  t.equal(validated.stderr, `ccbox config: ${broken}: 1 problem(s)\n  pbx.url: expected tcp://host:port or serial:/dev/…?baud=N\n`);
  t.equal(await readFile(broken, 'utf8'), brokenText, 'validate writes nothing');

  const v0 = join(dir, 'v0.json');
  await writeFile(v0, JSON.stringify({ pbx: { host: 'pbx', port: 8800 } }));
  t.match(await ccbox('validate', v0), { stdout: /valid once migrated from version 0/, exitCode: 0 });
  t.match(await ccbox('import', v0, '--data', data), { stdout: /imported/, exitCode: 0 });
  t.equal((await ccbox('get', 'pbx.url', '--data', data)).stdout, 'tcp://pbx:8800\n');

  const file = join(dir, 'out.json');
  t.equal((await ccbox('export', file, '--data', data)).exitCode, 0);
  t.same(JSON.parse(await readFile(file, 'utf8')), JSON.parse((await ccbox('export', '--data', data)).stdout));

  const schema = await ccbox('schema');
  t.same(JSON.parse(schema.stdout), configJsonSchema());
  t.match(await ccbox('get', 'nope', '--data', data), { stderr: /^ccbox config: unknown setting "nope"/, exitCode: 1 });
  t.match(await ccbox('show', '--data', join(dir, 'broken.json', 'sub')), { stderr: /^ccbox config: cannot use data directory/, exitCode: 1 });
});
