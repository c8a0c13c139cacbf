/**
 * `ccbox run` as a technician starts it at a site: a real process reading config.json, linked to
 * the PBX and card simulators over loopback TCP, with the MQTT API on its embedded broker. The
 * installer reads and changes the configuration over MQTT, a second `ccbox config set` changes it on
 * disk, and the running appliance follows; a broken file is refused and the running setup kept.
 */
import { once } from 'node:events';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { connectAsync, type MqttClient } from 'mqtt';
import t from 'tap';
import { hashPassword } from '../../appliance/api/index.js';
import { loadBoardProfile } from '../../appliance/cards/index.js';
import { loadPbxProfile } from '../../appliance/csta/profile.js';
import { systemClock } from '../../appliance/runtime/clock.js';
import { silentLogger } from '../../appliance/runtime/logger.js';
import { ConfigStore } from '../../appliance/store/config/index.js';
import { startCardSimulator } from '../../simulators/cards/index.js';
import { CallMediaBook, createSwitch, demoDialPlan, startLineServer, startSwitchServer } from '../../simulators/switch/index.js';
import { ccbox, freePort, waitForOutput } from '../helpers/cli.js';
import { realDelay } from '../helpers/real-time.js';

const logger = silentLogger();

async function until(what: string, condition: () => boolean): Promise<void> {
  for (let i = 0; i < 750 && !condition(); i++) await realDelay(20);
  if (!condition()) throw new Error(`timed out waiting for ${what}`);
}

/** An MQTT user that keeps every message by topic and sends commands with correlation IDs. */
async function apiUser(port: number, username: string, topic: string) {
  const client: MqttClient = await connectAsync(`mqtt://127.0.0.1:${port}`, { username, password: 'pass-1234', reconnectPeriod: 0 });
  const latest = new Map<string, Record<string, unknown>>();
  // An empty payload clears a retained message.
  client.on('message', (at, payload) => (payload.length === 0 ? latest.delete(at) : latest.set(at, JSON.parse(payload.toString()) as Record<string, unknown>)));
  const own = topic === 'agent' ? `ccbox/hq/agent/${username}/#` : `ccbox/hq/${topic}/${username}/#`;
  await client.subscribeAsync(own);
  let next = 0;
  return {
    latest,
    subscribe: (filter: string) => client.subscribeAsync(filter),
    async send(command: Record<string, unknown>): Promise<Record<string, unknown>> {
      const id = `${username}-${++next}`;
      const replyTopic = `ccbox/hq/${topic}/${username}/reply`;
      await client.publishAsync(`ccbox/hq/${topic}/${username}/cmd`, JSON.stringify({ id, ...command }));
      await until(`the reply to ${id}`, () => latest.get(replyTopic)?.id === id);
      return latest.get(replyTopic) as Record<string, unknown>;
    },
    close: () => client.endAsync(true),
  };
}

t.test('ccbox run refuses a configuration that does not validate, naming each problem', async (t) => {
  const data = t.testdir({ 'config.json': JSON.stringify({ version: 1, pbx: { profile: 'no-such-pbx' }, acd: { enabled: true, queues: [{ name: 'sales', strategy: 'ringAll' }] } }) });
  const run = ccbox(['run', '--data', data]);
  const [code] = await once(run.child, 'exit');
  t.equal(code, 1, 'exits 1');
  t.match(run.stderr(), /pbx\.profile: unknown PBX profile "no-such-pbx"/);
  t.match(run.stderr(), /acd\.queues\.0\.strategy: ringAll cannot ring several phones from a card port/);
  t.match(run.stderr(), /ccbox config set/, 'says how to fix it');

  const noBoard = t.testdir({ 'config.json': JSON.stringify({ version: 1, cards: { enabled: true, board: 'no-such-board' }, ivr: { enabled: true } }) });
  const broken = ccbox(['run', '--data', noBoard]);
  const [brokenCode] = await once(broken.child, 'exit');
  t.equal(brokenCode, 1, 'a part that cannot be built stops it with exit 1');
  t.match(broken.stderr(), /^ccbox run: cannot start: .*no-such-board/m, 'naming what was wrong, without a stack trace');
});

t.test('ccbox run: the site from config.json, status, and configuration changes while it runs', async (t) => {
  const sw = createSwitch(demoDialPlan(), { clock: systemClock, logger });
  const csta = await startSwitchServer({ model: sw, listen: ['tcp://127.0.0.1:0'], profile: loadPbxProfile('generic-ed4'), clock: systemClock, logger });
  const lines = await startLineServer({ model: sw, listen: ['tcp://127.0.0.1:0'], media: new CallMediaBook(), clock: systemClock, logger });
  const cards = await startCardSimulator({ board: loadBoardProfile('ccbox-sim-4'), listen: ['tcp://127.0.0.1:0'], switchUrl: lines.addresses[0] as string, clock: systemClock, logger });
  const ports = await cards.whenLineUp();
  t.teardown(async () => {
    await cards.close();
    await lines.close();
    await csta.close();
  });
  const mqttPort = await freePort();
  const hash = await hashPassword('pass-1234');
  const data = t.testdir();
  const seed = new ConfigStore({ dir: data, logger });
  await seed.open();
  await seed.replace({
    site: { name: 'hq' },
    pbx: { url: csta.addresses[0], profile: 'generic-ed4', password: 'pbx-secret', monitoredDevices: ['201'] },
    cards: { enabled: true, url: cards.addresses[0], ports },
    ivr: { enabled: true, bindings: [{ did: '0301234502', flow: 'demo-hotline' }] },
    acd: { enabled: true, queues: [{ name: 'service', joinWhen: 'always' }], agents: [{ id: 'A1', name: 'Li Na', pin: '4321', skills: { service: 1 } }] },
    api: {
      broker: { mode: 'embedded', listen: `tcp://127.0.0.1:${mqttPort}` },
      users: [
        { username: 'ian', passwordHash: hash, role: 'installer' },
        { username: 'sue', passwordHash: hash, role: 'supervisor' },
        { username: 'A1', passwordHash: hash, role: 'agent', agentId: 'A1' },
      ],
    },
  });

  const run = ccbox(['run', '--data', data, '--log-level', 'warn']);
  t.teardown(() => {
    if (run.child.exitCode === null) run.child.kill('SIGKILL');
  });
  await waitForOutput(run, /# running/);
  t.match(run.stdout(), /# IVR: on tcp:\/\/127\.0\.0\.1:\d+ \(ccbox-sim-4\), ports 301, 302, 303, 304/);
  t.match(run.stdout(), /# ACD: 1 queues, 1 agents, 3 API users/);
  await waitForOutput(run, /# CSTA link up to tcp:/);

  const installer = await apiUser(mqttPort, 'ian', 'installer');
  t.teardown(() => installer.close());
  await installer.subscribe('ccbox/hq/status/#');
  await installer.subscribe('ccbox/hq/config');
  await until('the retained channel status', () => (installer.latest.get('ccbox/hq/status/channels') as { up?: boolean } | undefined)?.up === true).catch((error: Error) => {
    throw new Error(`${error.message}: last ${JSON.stringify(installer.latest.get('ccbox/hq/status/channels'))}; ccbox said: ${run.stdout()} ${run.stderr()}`);
  });
  t.match(installer.latest.get('ccbox/hq/status/channels'), {
    up: true,
    board: { model: String, channels: 4 },
    channels: [{ index: 0, port: '301', state: 'idle', reason: null }, { index: 1, port: '302' }, { index: 2, port: '303' }, { index: 3, port: '304' }],
  }, 'status/channels: the card link and each channel with its PBX port');
  t.match(installer.latest.get('ccbox/hq/status/link'), { up: true }, 'status/link');

  const view = await installer.send({ cmd: 'getConfig' });
  const shown = JSON.stringify(view.result);
  t.match(view, { ok: true, result: { site: { name: 'hq' }, acd: { queues: [{ name: 'service' }] } } });
  t.notOk(shown.includes('scrypt$') || shown.includes('pbx-secret') || shown.includes('4321'), 'password hashes, the PBX password and PINs are masked');
  t.match(view.result, { pbx: { password: '********' }, api: { users: [{ passwordHash: '********' }] }, acd: { agents: [{ pin: '********' }] } });

  t.match(await installer.send({ cmd: 'setConfig', path: 'acd.queues.0.wrapUpSeconds', value: 45 }), { ok: true, result: { path: 'acd.queues.0.wrapUpSeconds', restartNeeded: false } }, 'an ACD setting applies at once');
  await waitForOutput(run, /# configuration applied: acd\.queues/);
  t.match(await installer.send({ cmd: 'setConfig', path: 'pbx.url', value: 'tcp://127.0.0.1:1' }), { ok: true, result: { restartNeeded: true } }, 'the PBX address needs a restart');
  await waitForOutput(run, /# restart ccbox to apply: pbx\.url/);
  t.match(installer.latest.get('ccbox/hq/config'), { pbx: { url: 'tcp://127.0.0.1:1' } }, 'the retained configuration follows');
  const pbxShown = (await installer.send({ cmd: 'getConfig' })).result as { pbx: Record<string, unknown> };
  t.match(await installer.send({ cmd: 'setConfig', path: 'pbx', value: { ...pbxShown.pbx, applicationId: 'ccbox-hq' } }), { ok: true });
  t.match(JSON.parse(readFileSync(join(data, 'config.json'), 'utf8')), { pbx: { applicationId: 'ccbox-hq', password: 'pbx-secret' } }, 'a section sent back masked keeps its secret');
  t.match(await installer.send({ cmd: 'setConfig', path: 'acd.queues.0.strategy', value: 'ringAll' }), { ok: false, error: { field: 'acd.queues.0.strategy', message: /ringAll cannot ring several phones from a card port/ } }, 'what the PBX cannot do is refused, naming the setting');
  t.match(await installer.send({ cmd: 'setConfig', path: 'acd.queues.0.maxLength', value: -3 }), { ok: false, error: { field: 'acd.queues.0.maxLength' } }, 'a bad value names the setting');
  t.match(await installer.send({ cmd: 'setConfig', path: 'nothing.here', value: 1 }), { ok: false, error: { code: 'unknownPath', message: /unknown setting "nothing\.here"/ } });

  // A second program changes config.json: a new agent and their desk user, without a restart.
  const other = new ConfigStore({ dir: data, logger });
  await other.open();
  const now = other.get();
  await other.replace({
    ...now,
    acd: { ...now.acd, agents: [...now.acd.agents, { id: 'B2', name: 'Anna Smith', skills: { service: 2 } }] },
    api: { ...now.api, users: [...now.api.users, { username: 'B2', passwordHash: hash, role: 'agent', agentId: 'B2' }] },
  });
  await waitForOutput(run, /# configuration applied: acd\.agents, api\.users/);
  const desk = await apiUser(mqttPort, 'B2', 'agent');
  t.teardown(() => desk.close());
  t.match(await desk.send({ cmd: 'login', device: '202', ready: true }), { ok: true, result: { agentId: 'B2', state: 'ready', queues: ['service'] } }, 'the new agent logs in with the new user, no restart');

  // A broken file on disk is refused; the running configuration stays.
  const good = readFileSync(join(data, 'config.json'), 'utf8');
  writeFileSync(join(data, 'config.json'), '{"version": 1, "acd": {"queues": "many"}');
  await waitForOutput(run, /# config\.json changed on disk but was refused/);
  t.match(await installer.send({ cmd: 'getConfig' }), { ok: true, result: { acd: { agents: [{ id: 'A1' }, { id: 'B2' }] } } }, 'the running configuration is kept');
  writeFileSync(join(data, 'config.json'), good);

  // Revisit lists over MQTT: a supervisor imports one and watches its counts.
  const supervisor = await apiUser(mqttPort, 'sue', 'supervisor');
  t.teardown(() => supervisor.close());
  await supervisor.subscribe('ccbox/hq/revisit/#');
  const imported = await supervisor.send({ cmd: 'revisitImport', list: 'november', csv: 'number,name\n13800001111,Wang Fang\n13900002222,Zhao Lei\n' });
  t.match(imported, { ok: true, result: { list: 'november', added: 2 } });
  await until('the revisit summary', () => supervisor.latest.has('ccbox/hq/revisit/november/summary'));
  t.match(supervisor.latest.get('ccbox/hq/revisit/november/summary'), { list: 'november', total: 2, byState: { pending: 2 } }, 'retained counts of the list');
  const refused = await supervisor.send({ cmd: 'revisitImport', list: 'november', csv: 'number,name\nnot-a-number,X\n' });
  t.match(refused, { ok: false, error: { code: 'badCsv', rows: [{ line: 2 }] } }, 'a bad row is named by its line; nothing is added');
  t.match(await supervisor.send({ cmd: 'revisitSummary', list: 'november' }), { ok: true, result: { total: 2 } });
  t.match(await supervisor.send({ cmd: 'revisitImport', list: 'a/b', csv: 'x' }), { ok: false, error: { code: 'badPayload', field: 'list' } });

  // A queue added and taken out again while running: its retained statistics come and go.
  await supervisor.subscribe('ccbox/hq/queue/+/stats');
  const queues = ((await installer.send({ cmd: 'getConfig' })).result as { acd: { queues: Record<string, unknown>[] } }).acd.queues;
  t.match(await installer.send({ cmd: 'setConfig', path: 'acd.queues', value: [...queues, { name: 'sales' }] }), { ok: true, result: { restartNeeded: false } });
  await until('the new queue’s statistics', () => supervisor.latest.has('ccbox/hq/queue/sales/stats'));
  t.match(supervisor.latest.get('ccbox/hq/queue/sales/stats'), { queue: 'sales', waiting: 0 });
  t.match(await installer.send({ cmd: 'setConfig', path: 'acd.queues', value: queues }), { ok: true });
  await until('the removed queue’s statistics cleared', () => !supervisor.latest.has('ccbox/hq/queue/sales/stats'));
  t.ok(supervisor.latest.has('ccbox/hq/queue/service/stats'), 'the other queue’s stay');

  run.child.kill('SIGTERM');
  const [code] = await once(run.child, 'exit');
  t.equal(code, 0, `stops cleanly on SIGTERM ${run.stderr()}`);
  t.match(run.stdout(), /# stopped/);
});
