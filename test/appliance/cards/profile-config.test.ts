/** Board profiles (firmware-config/cards) and the cards config section. */
import { join } from 'node:path';
import t from 'tap';
import {
  type BoardProfileInput,
  boardInfoOf,
  boardProfileSchema,
  listBoardProfiles,
  loadBoardProfile,
  parseBoardProfile,
} from '../../../appliance/cards/board-profile.js';
import { cardsConfigSchema } from '../../../appliance/cards/config.js';
import { boardInfoSchema } from '../../../appliance/cards/protocol.js';

const minimal: BoardProfileInput = {
  model: 'X-2',
  vendor: 'acme',
  channels: 2,
  law: 'alaw',
  fax: false,
  country: 'CN',
  tonePlan: {
    dialTone: { frequencies: [450], cadenceMs: [] },
    busyTone: { frequencies: [450], cadenceMs: [350, 350] },
    ringbackTone: { frequencies: [450], cadenceMs: [1000, 4000] },
    disconnect: { method: 'both', toneCycles: 3 },
  },
};

t.test('every shipped profile loads, and says what the hardware is', async (t) => {
  const names = listBoardProfiles();
  t.same(names, ['ccbox-sim-4', 'dialogic-d41-us', 'dialogic-d4pcie-cn', 'donjin-dn081a']);
  for (const name of names) {
    const profile = loadBoardProfile(name);
    t.ok(boardInfoSchema.safeParse(boardInfoOf(profile)).success, `${name} makes a valid hello`);
  }
  t.match(loadBoardProfile('ccbox-sim-4'), { channels: 4, law: 'alaw', fax: true, tts: false, tapChannels: [], country: 'CN' });
  t.match(loadBoardProfile('dialogic-d4pcie-cn'), {
    channels: 4,
    law: 'alaw',
    fax: true,
    tonePlan: { dialTone: { frequencies: [450], cadenceMs: [] }, busyTone: { frequencies: [450], cadenceMs: [350, 350] } },
  });
  t.match(loadBoardProfile('donjin-dn081a'), { vendor: 'Donjin', channels: 8, law: 'alaw', fax: true, country: 'CN' });
  t.match(loadBoardProfile('dialogic-d41-us'), {
    channels: 4,
    law: 'mulaw',
    country: 'US',
    tonePlan: { dialTone: { frequencies: [350, 440], cadenceMs: [] }, busyTone: { frequencies: [480, 620], cadenceMs: [500, 500] } },
  });
  t.same(boardInfoOf(loadBoardProfile('donjin-dn081a')), { model: 'DN081A', channels: 8, law: 'alaw', fax: true, tts: false, tapChannels: [6, 7] });
});

t.test('defaults fill what a profile leaves out', async (t) => {
  const profile = parseBoardProfile(JSON.stringify(minimal), 'x.json');
  t.same(profile, { ...minimal, description: '', tts: false, tapChannels: [] });
});

t.test('invalid profiles name the file and the field', async (t) => {
  const bad = (patch: (p: Record<string, any>) => void) => {
    const copy = structuredClone(minimal) as Record<string, any>;
    patch(copy);
    return JSON.stringify(copy);
  };
  const src = 'firmware-config/cards/x.json';
  t.throws(() => parseBoardProfile(bad((p) => (p.tonePlan.busyTone.cadenceMs = [350, 350, 700])), src), {
    name: 'BoardProfileError',
    code: 'invalid',
    source: src,
    message: `${src}: tonePlan.busyTone.cadenceMs: expected on/off pairs (an even number of durations), got 3`,
  });
  t.throws(() => parseBoardProfile(bad((p) => (p.tapChannels = [1, 2])), src), {
    message: `${src}: tapChannels.1: channel 2 does not exist on a board of 2 channels (0-1)`,
  });
  t.throws(() => parseBoardProfile(bad((p) => (p.tapChannels = [1, 1])), src), { message: /tapChannels\.1: channel 1 is listed twice/ });
  t.throws(() => parseBoardProfile(bad((p) => (p.law = 'ulaw')), src), { message: /^firmware-config\/cards\/x\.json: law: Invalid option/ });
  t.throws(() => parseBoardProfile(bad((p) => (p.tonePlan.disconnect = { method: 'tone', toneCycles: 0 })), src), { message: /tonePlan\.disconnect\.toneCycles: Too small/ });
  t.throws(() => parseBoardProfile(bad((p) => (p.tonePlan.busyTone.cadenceMs = [])), src), {
    message: `${src}: tonePlan.disconnect.method: "both" counts busy tone cycles, but busyTone.cadenceMs is continuous ([])`,
  });
  t.doesNotThrow(() => parseBoardProfile(bad((p) => {
    p.tonePlan.busyTone.cadenceMs = [];
    p.tonePlan.disconnect.method = 'loopDrop';
  }), src), 'a continuous busy tone is fine when only loop drop counts');
  t.throws(() => parseBoardProfile(bad((p) => (p.country = 'China')), src), { message: /country: expected an ISO 3166 country code/ });
  t.throws(() => parseBoardProfile(bad((p) => (p.colour = 'red')), src), { message: `${src}: (root): unknown field(s) colour` });
  t.throws(() => parseBoardProfile(bad((p) => delete p.tonePlan.ringbackTone), src), { message: /tonePlan\.ringbackTone: Invalid input: expected object/ });
  t.throws(() => parseBoardProfile('{"model": ', src), { code: 'badJson', message: /^firmware-config\/cards\/x\.json: not valid JSON/ });
  t.notOk(boardProfileSchema.safeParse({ ...minimal, channels: 0 }).success);
});

t.test('loading by name or path', async (t) => {
  const dir = t.testdir({
    'good-2.json': JSON.stringify(minimal),
    'odd.json': JSON.stringify({ ...minimal, channels: 'four' }),
    'README.md': 'not a profile',
  });
  t.same(listBoardProfiles(dir), ['good-2', 'odd']);
  t.same(listBoardProfiles(join(dir, 'absent')), []);
  t.equal(loadBoardProfile('good-2', dir).model, 'X-2');
  t.equal(loadBoardProfile(join(dir, 'good-2.json')).model, 'X-2', 'a path works too');
  t.throws(() => loadBoardProfile('odd', dir), { code: 'invalid', message: `${dir}/odd.json: channels: Invalid input: expected number, received string` });
  t.throws(() => loadBoardProfile('nope', dir), { code: 'notFound', message: 'unknown board profile "nope" (known: good-2, odd)' });
  t.throws(() => loadBoardProfile('Bad Name'), { code: 'badName' });
  t.throws(() => loadBoardProfile(join(dir, 'missing.json')), { code: 'notFound', message: /^cannot read .*missing\.json: ENOENT/ });
  t.throws(() => loadBoardProfile('nope'), { message: /unknown board profile "nope" \(known: ccbox-sim-4, dialogic-d41-us/ });
});

t.test('the cards config section: defaults, and a bad url is named', async (t) => {
  t.same(cardsConfigSchema.parse({}), {
    enabled: false,
    url: 'tcp://127.0.0.1:8810',
    board: 'ccbox-sim-4',
    ports: [],
    ackTimeoutMs: 2000,
    probeIntervalMs: 5000,
  });
  t.match(cardsConfigSchema.parse({ enabled: true, url: 'serial:/dev/ttyS1?baud=115200', ports: ['5001', '5002'] }), { enabled: true, url: 'serial:/dev/ttyS1?baud=115200', ports: ['5001', '5002'] });
  const issues = (value: unknown) => {
    const result = cardsConfigSchema.safeParse(value);
    return result.success ? [] : result.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`);
  };
  t.same(issues({ url: 'http://box:80' }), ['url: expected tcp://host:port or serial:/dev/…?baud=N']);
  t.match(issues({ url: 'tcp://box' }), [/^url: bad transport URL 'tcp:\/\/box'/]);
  t.same(issues({ url: 'tcp://box:0' }), ['url: expected a TCP port between 1 and 65535']);
  t.match(issues({ url: 'serial:/dev/ttyS1?baud=fast' }), [/^url: bad transport URL/]);
  t.same(issues({ ports: ['5001', 'x'] }), ['ports.1: expected a PBX extension number']);
  t.match(issues({ board: 'Sim 4', ackTimeoutMs: 5 }), ['board: expected a profile name: lower-case letters, digits and dashes', /^ackTimeoutMs: Too small/]);
  t.same(issues({ extra: 1 }), [': Unrecognized key: "extra"']);
  t.ok(cardsConfigSchema.shape.url.description?.includes('tcp://'), 'fields are described for the JSON Schema');
});
