/**
 * The ACD's MQTT API on an external broker: ccbox logs in to a mosquitto started by the test,
 * publishes its health (online, retained; offline on a clean stop), the retained statistics and
 * agent list, and serves an agent desk that logs in through mosquitto.
 */
import { connectAsync } from 'mqtt';
import t from 'tap';
import { acdConfigSchema } from '../../appliance/acd/index.js';
import { apiConfigSchema } from '../../appliance/api/index.js';
import { systemClock } from '../../appliance/runtime/clock.js';
import { createAcdRuntime } from '../../appliance/runtime/acd-runtime.js';
import { silentLogger } from '../../appliance/runtime/logger.js';
import { RecordsStore } from '../../appliance/store/records/index.js';
import { SimulatedAgentDesk } from '../../simulators/agents/index.js';
import { startMosquitto } from '../helpers/mosquitto.js';
import { realDelay } from '../helpers/real-time.js';

async function until(what: string, condition: () => boolean): Promise<void> {
  for (let i = 0; i < 250 && !condition(); i++) await realDelay(20);
  if (!condition()) throw new Error(`timed out waiting for ${what}`);
}

t.test('the API over mosquitto: health, retained statistics, an agent desk logging in and going ready', async (t) => {
  const port = await startMosquitto(t, { ccbox: 'box-secret', A1: 'desk-secret', wallboard: 'wall-secret' });
  const records = new RecordsStore({ dir: t.testdir(), logger: silentLogger() });
  records.open();
  t.teardown(() => records.close());
  const runtime = createAcdRuntime({
    site: 'hq',
    acd: acdConfigSchema.parse({ enabled: true, queues: [{ name: 'service', joinWhen: 'always' }], agents: [{ id: 'A1', name: 'Li Na', skills: { service: 1 } }] }),
    api: apiConfigSchema.parse({ broker: { mode: 'external', url: `mqtt://127.0.0.1:${port}`, username: 'ccbox', password: 'box-secret', clientId: 'ccbox-hq' } }),
    cardPorts: [],
    records,
    clock: systemClock,
    logger: silentLogger(),
  });
  await runtime.start();
  let stopped = false;
  t.teardown(async () => {
    if (!stopped) await runtime.stop();
  });

  const wallboard = await connectAsync(`mqtt://127.0.0.1:${port}`, { username: 'wallboard', password: 'wall-secret', reconnectPeriod: 0 });
  t.teardown(() => wallboard.endAsync(true));
  const retained = new Map<string, Record<string, unknown>>();
  wallboard.on('message', (topic, payload) => retained.set(topic, JSON.parse(payload.toString()) as Record<string, unknown>));
  await wallboard.subscribeAsync('ccbox/hq/#');
  await until('the retained health and statistics', () => retained.has('ccbox/hq/status/health') && retained.has('ccbox/hq/queue/service/stats'));
  t.match(retained.get('ccbox/hq/status/health'), { state: 'online' }, 'health online, retained on the external broker');
  t.match(retained.get('ccbox/hq/queue/service/stats'), { queue: 'service', waiting: 0 });

  const desk = new SimulatedAgentDesk({ url: `mqtt://127.0.0.1:${port}`, site: 'hq', agentId: 'A1', password: 'desk-secret', device: '201' });
  await desk.start();
  t.equal(runtime.engine.agents.get('A1')?.state, 'ready', 'the desk logged in and went ready through mosquitto');
  runtime.engine.enqueue('c1', 'service', { language: 'zh', vip: false, keys: ['2'], path: ['menu'], variables: {}, callerId: '13800001111' });
  await until('the offer at the desk', () => desk.lastOffer !== undefined);
  t.match(desk.lastOffer, { callId: 'c1', callerId: '13800001111', keys: ['2'] }, 'the screen pop arrives through mosquitto');
  await until('the agent list', () => (retained.get('ccbox/hq/agents') as unknown as { state: string }[] | undefined)?.[0]?.state === 'offered');
  t.pass('the retained agent list follows within a second');
  runtime.engine.abandon('c1');
  await desk.stop();
  await runtime.stop();
  stopped = true;
  await until('offline', () => retained.get('ccbox/hq/status/health')?.state === 'offline');
  t.pass('a clean stop leaves health offline, retained');
});
