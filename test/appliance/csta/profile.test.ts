import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import t from 'tap';
import { listPbxProfiles, loadPbxProfile, parsePbxProfile, pbxProfileSchema } from '../../../appliance/csta/profile.js';

const minimal = { name: 'tiny', description: '', vendor: 'acme', sessionStyle: 'none', loginStyle: 'none', port: 9000 };

t.test('every shipped profile loads', async (t) => {
  const names = listPbxProfiles();
  t.same(names, ['avaya-aes', 'generic-ed4', 'openscape-business', 'openscape-voice']);
  for (const name of names) t.equal(loadPbxProfile(name).name, name);

  t.match(loadPbxProfile('openscape-business'), { sessionStyle: 'ecma354', loginStyle: 'plain', port: 8800, edition: 'ed4' });
  t.match(loadPbxProfile('openscape-voice'), { sessionStyle: 'system-register', loginStyle: 'none', port: 1040, edition: 'ed4' });
  t.match(loadPbxProfile('avaya-aes'), { sessionStyle: 'ecma354', loginStyle: 'avaya', port: 4721, edition: 'ed3', sessionDurationSeconds: 300 });
  t.match(loadPbxProfile('generic-ed4'), { sessionStyle: 'ecma354', loginStyle: 'none', port: 8800, edition: 'ed4', framing: 'tcp-header' });
});

t.test('defaults fill what a profile leaves out', async (t) => {
  t.same(parsePbxProfile(JSON.stringify(minimal), 'tiny.json'), {
    ...minimal,
    edition: 'ed4',
    framing: 'tcp-header',
    whisperStyle: 'none',
    sessionDurationSeconds: 180,
    heartbeatIntervalSeconds: 30,
    heartbeatMissedLimit: 2,
    responseTimeoutMs: 5000,
    reconnect: { initialDelayMs: 1000, maxDelayMs: 30000 },
    unsupportedServices: [],
    queueHandoff: 'consultation',
  });
  t.same(pbxProfileSchema.parse({ ...minimal, reconnect: { maxDelayMs: 5000 } }).reconnect, { initialDelayMs: 1000, maxDelayMs: 5000 });
  t.same(parsePbxProfile({ ...minimal, unsupportedServices: ['DeflectCall', 'SystemRegister'] }, 'x').unsupportedServices, ['DeflectCall', 'SystemRegister']);
});

t.test('queueHandoff: each shipped profile chooses one, and a switch without its services cannot', async (t) => {
  t.same(
    listPbxProfiles().map((name) => [name, loadPbxProfile(name).queueHandoff]),
    [['avaya-aes', 'singleStep'], ['generic-ed4', 'consultation'], ['openscape-business', 'singleStep'], ['openscape-voice', 'singleStep']],
  );
  t.equal(parsePbxProfile({ ...minimal, queueHandoff: 'singleStep', unsupportedServices: ['ConsultationCall'] }, 'x').queueHandoff, 'singleStep', 'singleStep needs no consultation');
  t.throws(() => parsePbxProfile({ ...minimal, queueHandoff: 'singleStep', unsupportedServices: ['MakeCall', 'SingleStepTransferCall'] }, 'x.json'), {
    name: 'ProfileError',
    code: 'invalid',
    message: "x.json: queueHandoff: singleStep needs SingleStepTransferCall, which the PBX profile's unsupportedServices lists; choose consultation",
  });
  t.throws(() => parsePbxProfile({ ...minimal, queueHandoff: 'singleStep', unsupportedServices: ['DeflectCall'] }, 'x.json'), {
    message: /^x\.json: queueHandoff: singleStep needs DeflectCall, /,
  }, 'an unanswered caller goes back to a card port by DeflectCall');
  t.throws(() => parsePbxProfile({ ...minimal, unsupportedServices: ['ReconnectCall'] }, 'x.json'), {
    message: /^x\.json: queueHandoff: consultation needs ReconnectCall, .*; choose singleStep$/,
  }, 'the default, consultation, is checked too');
  t.throws(() => parsePbxProfile({ ...minimal, queueHandoff: 'blind' }, 'x.json'), { message: /^x\.json: queueHandoff: Invalid option/ });
});

t.test('invalid profiles name the file and the field', async (t) => {
  const bad = (patch: object) => JSON.stringify({ ...minimal, ...patch });
  t.throws(() => parsePbxProfile(bad({ port: 70000 }), 'x.json'), { name: 'ProfileError', code: 'invalid', source: 'x.json', message: /^x\.json: port: Too big/ });
  t.throws(() => parsePbxProfile(bad({ edition: 'ed9' }), 'x.json'), { message: /^x\.json: edition: Invalid option/ });
  t.throws(() => parsePbxProfile(bad({ sessionStyle: 'soap' }), 'x.json'), { message: /sessionStyle: Invalid option/ });
  t.throws(() => parsePbxProfile(bad({ prot: 1 }), 'x.json'), { message: 'x.json: (root): unknown field(s) prot' });
  t.throws(() => parsePbxProfile(bad({ reconnect: { initialDelayMs: 5000, maxDelayMs: 1000 } }), 'x.json'), {
    message: 'x.json: reconnect.initialDelayMs: initialDelayMs must not exceed maxDelayMs',
  });
  t.throws(() => parsePbxProfile(bad({ unsupportedServices: ['MakeCall', 'FlyToMoon'] }), 'x.json'), {
    message: 'x.json: unsupportedServices.1: unknown CSTA service "FlyToMoon"',
  });
  t.throws(() => parsePbxProfile(bad({ heartbeatIntervalSeconds: 0, name: 'Has Spaces' }), 'x.json'), {
    message: /name: expected lower-case letters, digits and dashes; heartbeatIntervalSeconds: Too small/,
  });
  const { port: _port, ...noPort } = minimal;
  t.throws(() => parsePbxProfile(noPort, 'x.json'), { message: /^x\.json: port: Invalid input: expected number/ });
  t.throws(() => parsePbxProfile('{"name": ', 'x.json'), { code: 'badJson', message: /^x\.json: not valid JSON/ });
});

t.test('loading from a directory', async (t) => {
  const dir = t.testdir({
    'good.json': JSON.stringify({ ...minimal, name: 'good' }),
    'renamed.json': JSON.stringify({ ...minimal, name: 'other' }),
    'README.md': 'not a profile',
  });
  t.same(listPbxProfiles(dir), ['good', 'renamed']);
  t.equal(loadPbxProfile('good', dir).vendor, 'acme');
  t.throws(() => loadPbxProfile('renamed', dir), {
    code: 'invalid',
    message: `${join(dir, 'renamed.json')}: name: "other" does not match the file name "renamed"`,
  });
  t.throws(() => loadPbxProfile('missing', dir), { code: 'notFound', message: 'unknown PBX profile "missing" (known: good, renamed)' });
  t.throws(() => loadPbxProfile('../good', dir), { code: 'badName' });
  t.same(listPbxProfiles(join(dir, 'absent')), []);

  writeFileSync(join(dir, 'broken.json'), JSON.stringify({ ...minimal, name: 'broken', framing: 'smoke-signals' }));
  t.throws(() => loadPbxProfile('broken', dir), { code: 'invalid', source: join(dir, 'broken.json'), message: new RegExp(`^${join(dir, 'broken.json')}: framing:`) });
});
