/**
 * Supervisor actions over MQTT, carried out on the PBX simulator: bulletins, silent monitor,
 * whisper and barge (the simulated switch shows who hears whom), force release, take over, force
 * not-ready, ready and logout, the live snapshot — and the refusals (whisper on a PBX profile
 * without it, a bad payload naming its field, an agent using supervisor commands).
 */
import { runCstaCommand } from '../../appliance/runtime/cli/csta-repl.js';
import { connectAsync, type MqttClient } from 'mqtt';
import t, { type Test } from 'tap';
import { hashPassword } from '../../appliance/api/index.js';
import type { PbxProfile } from '../../appliance/csta/profile.js';
import { SimulatedAgentDesk } from '../../simulators/agents/index.js';
import { startIvrSite } from '../helpers/ivr-site.js';

const CALLER = '13800001111';

const flow = {
  id: 'hotline',
  start: 'queue',
  nodes: {
    queue: { type: 'queue', queue: 'service', next: 'bye', noAcd: 'bye' },
    bye: { type: 'hangup' },
  },
};

interface Reply {
  id: string | null;
  ok: boolean;
  result?: unknown;
  error?: { code: string; message: string; field?: string };
}

/** A raw MQTT client logged in as `username`, collecting everything it reads. */
async function client(port: number, username: string, password: string) {
  const mqtt: MqttClient = await connectAsync(`mqtt://127.0.0.1:${port}`, { username, password, reconnectPeriod: 0, clientId: `${username}-${Math.random().toString(36).slice(2)}` });
  const seen: { topic: string; payload: Record<string, unknown> }[] = [];
  mqtt.on('message', (topic, payload) => seen.push({ topic, payload: JSON.parse(payload.toString()) as Record<string, unknown> }));
  let next = 0;
  return {
    mqtt,
    seen,
    /** Publishes a command and returns a function that finds its reply once time has moved on. */
    send(topic: string, command: Record<string, unknown> | string) {
      const id = `c${++next}`;
      void mqtt.publishAsync(topic, typeof command === 'string' ? command : JSON.stringify({ id, ...command }));
      const wanted = typeof command === 'string' ? null : id;
      return () => seen.findLast((m) => m.topic.endsWith('/reply') && m.payload.id === wanted)?.payload as Reply | undefined;
    },
  };
}

const password = 'secret-1';

/** The simulated site with agent A1 logged in at 201 (a simulated desk) and supervisor `boss` on MQTT. */
async function supervisedSite(t: Test, pbxProfile: Partial<PbxProfile> = {}) {
  const hash = await hashPassword(password);
  const site = await startIvrSite(t, {
    flows: [flow],
    csta: true,
    pbxProfile,
    acdConfig: {
      acd: { queues: [{ name: 'service', joinWhen: 'always', wrapUpSeconds: 5 }], agents: [{ id: 'A1', name: 'Li Na', skills: { service: 1 } }] },
      api: {
        users: [
          { username: 'A1', passwordHash: hash, role: 'agent', agentId: 'A1' },
          { username: 'boss', passwordHash: hash, role: 'supervisor' },
        ],
      },
    },
  });
  const acd = site.acd!;
  const port = acd.brokerAddress!.port;
  const desk = new SimulatedAgentDesk({ url: `mqtt://127.0.0.1:${port}`, site: 'test', agentId: 'A1', password, device: '201', profile: { answerDelayMs: 500, talkMs: 3_600_000 } });
  const deskUp = desk.start();
  const bossUp = client(port, 'boss', password);
  await site.advance(1000, 50);
  await deskUp;
  const boss = await bossUp;
  await boss.mqtt.subscribeAsync(['ccbox/test/bulletin', 'ccbox/test/agent/A1/event', 'ccbox/test/supervisor/boss/reply', 'ccbox/test/supervisor/event']);
  const cmd = 'ccbox/test/supervisor/boss/cmd';
  return {
    site,
    acd,
    port,
    boss,
    cmd,
    run: async (command: Record<string, unknown> | string, ms = 1000) => {
      const reply = boss.send(cmd, command);
      await site.advance(ms, 50);
      return reply();
    },
    talking: async () => {
      site.call(CALLER);
      await site.advance(6000, 50);
      t.equal(acd.engine.agents.get('A1')?.state, 'talking', 'a caller is talking to A1');
    },
    /** Who `device` hears and who hears it in its calls, on the simulated switch's bridge (parties in joining order). */
    heard: (device: string) => site.sw.voicePathsAt(device).map(({ hears, heardBy }) => ({ hears, heardBy })),
    finish: async () => {
      boss.mqtt.end(true);
      const stopped = desk.stop();
      await site.advance(1000, 50);
      await stopped;
    },
  };
}

t.test('each supervisor action through the PBX simulator', async (t) => {
  const { site, acd, port, boss, cmd, run, talking, heard, finish } = await supervisedSite(t);
  const callsAt = async (device: string) => {
    const snapshot = await site.link!.snapshotDevice(device);
    return snapshot.crossRefIDorSnapshotData?.snapshotData?.length ?? 0;
  };

  t.match(await run({ cmd: 'bulletin', text: 'Team meeting at 15:00' }), { ok: true });
  t.match(boss.seen.find((m) => m.topic === 'ccbox/test/bulletin')?.payload, { type: 'bulletin', text: 'Team meeting at 15:00', from: 'boss' }, 'a bulletin to all');
  t.match(await run({ cmd: 'bulletin', text: 'Please call me', agents: ['A1'] }), { ok: true, result: { sent: 1 } });
  t.match(boss.seen.filter((m) => m.topic === 'ccbox/test/agent/A1/event' && m.payload.type === 'bulletin').map((m) => m.payload.text), ['Please call me'], 'a bulletin to a chosen agent');

  await talking();
  t.match(await run({ cmd: 'monitor', agentId: 'A1', device: '206', mode: 'silent' }), { ok: true }, 'silent monitor');
  t.equal(await callsAt('206'), 1, 'the supervisor’s phone 206 is in the call');
  t.strictSame(heard('206'), [{ hears: [CALLER, '201'], heardBy: [] }], 'silent: 206 hears both, nobody hears 206');
  t.match(await run({ cmd: 'monitor', agentId: 'A1', device: '210', mode: 'whisper' }), { ok: true }, 'whisper (generic-ed4 offers it)');
  t.strictSame(heard('210'), [{ hears: [CALLER, '201'], heardBy: ['201'] }], 'whisper: the agent hears 210, the caller does not');
  t.strictSame(heard('201'), [{ hears: [CALLER, '210'], heardBy: [CALLER, '206', '210'] }], 'the agent hears the caller and the coach');
  t.match(await run({ cmd: 'monitor', agentId: 'A1', device: '204', mode: 'barge' }), { ok: true }, 'barge-in');
  t.equal(await callsAt('204'), 1, '204 joined the call');
  t.strictSame(heard('204'), [{ hears: [CALLER, '201'], heardBy: [CALLER, '201', '206', '210'] }], 'barge: everyone hears 204, who does not hear the whisper');
  const replied = runCstaCommand('whisper 211 201', site.link!, acd.phones!.tracker);
  await site.advance(1000, 50);
  t.equal(await replied, 'ok', 'the installer’s CSTA client whispers too');
  t.match(heard('211'), [{ heardBy: ['201'] }], 'only the agent hears 211');
  t.match(await run({ cmd: 'forceRelease', agentId: 'A1' }), { ok: true }, 'force release');
  t.equal(acd.engine.agents.get('A1')?.state, 'wrapUp', 'the agent’s call was cleared');
  site.sw.hangUpAt('204');
  site.sw.hangUpAt('210');
  site.sw.hangUpAt('206');
  await site.advance(6000, 50);

  await talking();
  t.match(await run({ cmd: 'takeOver', agentId: 'A1', device: '205' }, 5000), { ok: true }, 'take over');
  t.equal(await callsAt('205'), 1, 'the caller is at the supervisor’s phone');
  t.equal(acd.engine.agents.get('A1')?.call, undefined, 'the agent is out of the call');
  site.sw.hangUpAt('205');

  t.match(await run({ cmd: 'forceNotReady', agentId: 'A1', reason: 'training' }), { ok: true });
  t.same([acd.engine.agents.get('A1')?.state, acd.engine.agents.get('A1')?.reason], ['notReady', 'training'], 'forced not ready with a reason');
  t.match(await run({ cmd: 'forceReady', agentId: 'A1' }), { ok: true });
  t.equal(acd.engine.agents.get('A1')?.state, 'ready');
  const snapshot = await run({ cmd: 'snapshot' });
  t.match(snapshot?.result, { agents: [{ agentId: 'A1', state: 'ready', device: '201' }], queues: [{ queue: 'service', answered: 2 }] }, 'the live view of agents and queues');
  t.match(await run({ cmd: 'forceLogout', agentId: 'A1' }), { ok: true });
  t.equal(acd.engine.agents.get('A1')?.state, 'loggedOut', 'forced logout');

  t.match(await run({ cmd: 'forceReady', agentId: 'nobody' }), { ok: false, error: { code: 'unknownAgent' } });
  t.match(await run({ cmd: 'monitor', agentId: 'A1', device: '206', mode: 'loud' }), { ok: false, error: { code: 'badPayload', field: 'mode' } }, 'a bad payload names the field');
  t.match(await run('not json'), { ok: false, error: { code: 'badJson' } });

  const agentClient = await client(port, 'A1', password);
  const refused = new Promise<string>((resolve) => agentClient.mqtt.once('close', () => resolve('closed')));
  void agentClient.mqtt.publishAsync(cmd, JSON.stringify({ id: 'x', cmd: 'forceLogout', agentId: 'A1' })).catch(() => undefined);
  await site.advance(500, 50);
  t.equal(await refused, 'closed', 'an agent publishing a supervisor command is disconnected; the command never runs');
  agentClient.mqtt.end(true);
  await finish();
});

t.test('whisper on a PBX profile without it is refused, naming the profile; silent still works', async (t) => {
  const { run, talking, heard, finish } = await supervisedSite(t, { name: 'generic-ed4-no-whisper', whisperStyle: 'none' });
  await talking();
  const refused = await run({ cmd: 'monitor', agentId: 'A1', device: '210', mode: 'whisper' });
  t.match(refused, { ok: false, error: { code: 'notSupported', message: /PBX profile generic-ed4-no-whisper offers no private way/ } }, 'notSupported, naming the profile');
  t.strictSame(heard('210'), [], 'the refused supervisor never joined');
  t.match(await run({ cmd: 'monitor', agentId: 'A1', device: '210', mode: 'silent' }), { ok: true }, 'silent monitoring on the same profile');
  t.strictSame(heard('210'), [{ hears: [CALLER, '201'], heardBy: [] }]);
  await finish();
});
