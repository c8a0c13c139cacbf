/**
 * The MQTT API over real brokers on loopback TCP with real mqtt.js clients: the embedded aedes
 * broker with ccbox's access rules, and an external mosquitto started by the test.
 */
import { once } from 'node:events';
import { type AddressInfo, connect as tcpConnect, createServer, type Server, type Socket } from 'node:net';
import { connectAsync, type IClientOptions, type MqttClient } from 'mqtt';
import t, { type Test } from 'tap';
import { type AccessContext } from '../../../appliance/api/access.js';
import { type EmbeddedBroker, OFFLINE_PAYLOAD, ONLINE_PAYLOAD, startEmbeddedBroker } from '../../../appliance/api/broker.js';
import { connectExternalBus, EmbeddedBus, ExternalBusError, type MessageBus } from '../../../appliance/api/bus.js';
import type { ApiUser } from '../../../appliance/api/config.js';
import { hashPassword } from '../../../appliance/api/passwords.js';
import { siteTopics } from '../../../appliance/api/topics.js';
import { startMosquitto } from '../../helpers/mosquitto.js';

const SITE = 'site';
const topics = siteTopics(SITE);
/** Long enough for a message on loopback to arrive if it was going to. */
const SILENCE_MS = 300;
const WAIT_MS = 5000;

interface Received {
  topic: string;
  payload: string;
  retain: boolean;
}

/** Collects what a client receives; next() waits (bounded) for the next message on a topic. */
function inbox(client: MqttClient) {
  const messages: Received[] = [];
  const waiters = new Set<() => void>();
  client.on('message', (topic, payload, packet) => {
    messages.push({ topic, payload: payload.toString(), retain: packet.retain });
    for (const wake of waiters) wake();
  });
  return {
    messages,
    async next(topic: string, timeoutMs = WAIT_MS): Promise<Received> {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const index = messages.findIndex((message) => message.topic === topic);
        if (index >= 0) return messages.splice(index, 1)[0]!;
        const left = deadline - Date.now();
        if (left <= 0) throw new Error(`no message on ${topic} within ${timeoutMs} ms; got ${JSON.stringify(messages)}`);
        await new Promise<void>((resolve) => {
          const timer = setTimeout(done, left);
          function done() {
            clearTimeout(timer);
            waiters.delete(done);
            resolve();
          }
          waiters.add(done);
        });
      }
    },
  };
}

/** The QoS the broker granted per filter; mqtt.js rejects when any is 128, with the SUBACK attached. */
async function grantedQos(client: MqttClient, filters: string | string[]): Promise<number[]> {
  try {
    return (await client.subscribeAsync(filters)).map((grant) => grant.qos);
  } catch (error) {
    const granted = (error as { packet?: { granted?: number[] } }).packet?.granted;
    if (granted === undefined) throw error;
    return granted;
  }
}

const closeOf = (client: MqttClient) => new Promise<void>((resolve) => client.once('close', () => resolve()));
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function login(t: Test, port: number, username: string | undefined, password: string | undefined, options: IClientOptions = {}): Promise<MqttClient> {
  const client = await connectAsync(`mqtt://127.0.0.1:${port}`, { reconnectPeriod: 0, connectTimeout: WAIT_MS, ...(username === undefined ? {} : { username }), ...(password === undefined ? {} : { password }), ...options });
  t.teardown(() => client.endAsync(true));
  return client;
}

/** Collects what an in-process subscriber receives. */
function handlerInbox() {
  const messages: Array<{ topic: string; payload: string }> = [];
  return { messages, handler: (topic: string, payload: Buffer) => void messages.push({ topic, payload: payload.toString() }) };
}

async function until(what: string, condition: () => boolean, timeoutMs = WAIT_MS): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(20);
  }
}

t.test('embedded broker', async (t) => {
  const served = new Map<string, string[]>([['A7', ['sales']], ['A8', ['billing']]]);
  const access: AccessContext = { servedQueues: (agentId) => served.get(agentId) ?? [] };
  const users: ApiUser[] = [
    { username: 'anna', passwordHash: await hashPassword('anna-pw'), role: 'agent', agentId: 'A7' },
    { username: 'bert', passwordHash: await hashPassword('bert-pw'), role: 'agent', agentId: 'A8' },
    { username: 'sue', passwordHash: await hashPassword('sue-pw'), role: 'supervisor' },
  ];
  const broker: EmbeddedBroker = await startEmbeddedBroker({ listen: 'tcp://127.0.0.1:0', site: SITE, users: () => users, access });
  t.teardown(() => broker.close());
  const { port } = broker.address;
  t.ok(port > 0, 'port 0 gives the port actually bound');
  await broker.publish(topics.queueStats('sales'), '{"waiting":3}', { retain: true });
  await broker.publish(topics.queueStats('billing'), '{"waiting":1}', { retain: true });

  t.test('a wrong password, an unknown user or no credentials are refused with code 4', async (t) => {
    for (const [username, password] of [['anna', 'wrong'], ['nobody', 'anna-pw'], ['anna', undefined], [undefined, undefined]] as const) {
      await t.rejects(login(t, port, username, password), { code: 4, message: /Bad username or password/ }, `${username}/${password}`);
    }
  });

  t.test("an agent's publish reaches the appliance only on its own cmd topic", async (t) => {
    const appliance = handlerInbox();
    const unsubscribe = await broker.subscribe(`${topics.root}/agent/+/cmd`, appliance.handler);
    t.teardown(unsubscribe);
    const anna = await login(t, port, 'anna', 'anna-pw');
    await anna.publishAsync(topics.agentCmd('A7'), '{"op":"ready"}', { qos: 1 });
    await until('the own cmd to arrive', () => appliance.messages.length === 1);
    t.same(appliance.messages, [{ topic: 'ccbox/site/agent/A7/cmd', payload: '{"op":"ready"}' }]);

    const closed = closeOf(anna);
    anna.publish(topics.agentCmd('A8'), '{"op":"logout"}');
    await closed;
    await sleep(SILENCE_MS);
    t.equal(appliance.messages.length, 1, "another agent's cmd never reaches the appliance; the broker closes the connection");
  });

  t.test("an agent's subscription to another agent's event topic is refused with QoS 128", async (t) => {
    const anna = await login(t, port, 'anna', 'anna-pw');
    t.same(await grantedQos(anna, [topics.agentEvent('A8'), 'ccbox/site/agent/+/event', '#', topics.agentEvent('A7')]), [128, 128, 128, 0]);
    const received = inbox(anna);
    await broker.publish(topics.agentEvent('A8'), 'for bert');
    await broker.publish(topics.agentEvent('A7'), 'for anna');
    t.equal((await received.next(topics.agentEvent('A7'))).payload, 'for anna');
    await sleep(SILENCE_MS);
    t.same(received.messages, [], 'nothing else arrives');
  });

  t.test('a supervisor subscribing to the whole site receives retained stats, but no installer replies', async (t) => {
    const sue = await login(t, port, 'sue', 'sue-pw');
    const received = inbox(sue);
    t.same(await grantedQos(sue, `${topics.root}/#`), [0]);
    t.match(await received.next(topics.queueStats('sales')), { payload: '{"waiting":3}', retain: true });
    t.match(await received.next(topics.queueStats('billing')), { payload: '{"waiting":1}', retain: true });
    await broker.publish(topics.installerReply('ian'), 'secret config');
    await broker.publish(topics.agentState('A7'), 'ready');
    await received.next(topics.agentState('A7'));
    await sleep(SILENCE_MS);
    t.same(received.messages, [], 'the installer reply was not forwarded');
  });

  t.test('an agent gets the stats of the queues it serves, and the rule follows queue membership at runtime', async (t) => {
    const anna = await login(t, port, 'anna', 'anna-pw');
    const received = inbox(anna);
    t.same(await grantedQos(anna, topics.queueStats('sales')), [0]);
    t.match(await received.next(topics.queueStats('sales')), { payload: '{"waiting":3}', retain: true });
    t.same(await grantedQos(anna, topics.queueStats('billing')), [128], 'a queue it does not serve');

    served.set('A7', ['billing']);
    t.teardown(() => served.set('A7', ['sales']));
    await broker.publish(topics.queueStats('sales'), '{"waiting":4}', { retain: true });
    t.same(await grantedQos(anna, topics.queueStats('billing')), [0], 'now it serves billing');
    t.match(await received.next(topics.queueStats('billing')), { payload: '{"waiting":1}' });
    await sleep(SILENCE_MS);
    t.same(received.messages, [], 'no more sales stats on the subscription made while it served sales');
  });

  t.test('the embedded bus publishes and subscribes in process', async (t) => {
    const bus: MessageBus = new EmbeddedBus(broker);
    const received = handlerInbox();
    const unsubscribe = await bus.subscribe(topics.supervisorEvent(), received.handler);
    await bus.publish(topics.supervisorEvent(), 'alarm');
    await until('the in-process message', () => received.messages.length === 1);
    await unsubscribe();
    await bus.publish(topics.supervisorEvent(), 'again');
    await sleep(50);
    t.equal(received.messages.length, 1, 'nothing after unsubscribing');
    await t.rejects(bus.publish('ccbox/site/+/x', 'x'), /without '\+' or '#'/);
    t.ok(bus.connected);
    await bus.close();
    t.notOk(bus.connected);
  });

  t.test('close() tells connected clients the appliance went offline', async (t) => {
    const own = await startEmbeddedBroker({ listen: 'tcp://127.0.0.1:0', site: SITE, users: () => users, access });
    const sue = await login(t, own.address.port, 'sue', 'sue-pw');
    const received = inbox(sue);
    await sue.subscribeAsync(topics.statusHealth());
    await own.publish(topics.statusHealth(), ONLINE_PAYLOAD, { retain: true });
    await received.next(topics.statusHealth());
    const closed = closeOf(sue);
    await own.close();
    t.equal((await received.next(topics.statusHealth())).payload, OFFLINE_PAYLOAD);
    await closed;
  });
});

/** A TCP relay in front of the broker; cut() drops every connection without an MQTT DISCONNECT. */
async function startRelay(t: Test, targetPort: number): Promise<{ port: number; cut(): void }> {
  const sockets = new Set<Socket>();
  const server: Server = createServer((downstream) => {
    const upstream = tcpConnect(targetPort, '127.0.0.1');
    for (const socket of [downstream, upstream]) {
      sockets.add(socket);
      socket.on('error', () => {});
      socket.on('close', () => sockets.delete(socket));
    }
    downstream.pipe(upstream).pipe(downstream);
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const cut = () => {
    for (const socket of sockets) socket.destroy();
  };
  t.teardown(async () => {
    cut();
    await new Promise((resolve) => server.close(resolve));
  });
  return { port: (server.address() as AddressInfo).port, cut };
}

t.test('external bus against mosquitto', async (t) => {
  const port = await startMosquitto(t, { ccbox: 'ccbox-pw', watcher: 'watcher-pw' });
  const relay = await startRelay(t, port);
  const busOptions = {
    url: `mqtt://127.0.0.1:${relay.port}`,
    username: 'ccbox',
    password: 'ccbox-pw',
    clientId: 'ccbox-test',
    willTopic: topics.statusHealth(),
    willPayload: OFFLINE_PAYLOAD,
    reconnectPeriodMs: 100,
    connectTimeoutMs: WAIT_MS,
  };
  const watcher = await login(t, port, 'watcher', 'watcher-pw');
  const watched = inbox(watcher);
  await watcher.subscribeAsync(topics.statusHealth());

  t.test('a wrong password gives a clear error', async (t) => {
    const error = await connectExternalBus({ ...busOptions, clientId: 'ccbox-bad', password: 'wrong' }).then(
      () => undefined,
      (caught: unknown) => caught,
    );
    t.type(error, ExternalBusError);
    t.match(error, { message: /MQTT broker mqtt:\/\/127\.0\.0\.1:\d+ refused the login of 'ccbox': Connection refused: (Bad username or password|Not authorized) \(return code [45]\)/ });
  });

  t.test('publishes, subscribes, leaves its will when cut off, and resubscribes after reconnecting', async (t) => {
    const bus = await connectExternalBus(busOptions);
    t.teardown(() => bus.close());
    t.ok(bus.connected);
    const commands = handlerInbox();
    await bus.subscribe(`${topics.root}/agent/+/cmd`, commands.handler);
    let reconnects = 0;
    bus.onReconnect(() => {
      reconnects++;
      void bus.publish(topics.statusHealth(), ONLINE_PAYLOAD, { retain: true });
    });

    await bus.publish(topics.statusHealth(), ONLINE_PAYLOAD, { retain: true });
    t.equal((await watched.next(topics.statusHealth())).payload, ONLINE_PAYLOAD);
    await watcher.publishAsync(topics.agentCmd('A7'), 'ready', { qos: 1 });
    await until('the command to reach the bus', () => commands.messages.length === 1);
    t.same(commands.messages, [{ topic: 'ccbox/site/agent/A7/cmd', payload: 'ready' }]);

    relay.cut();
    t.equal((await watched.next(topics.statusHealth())).payload, OFFLINE_PAYLOAD, 'mosquitto publishes the last will');
    const latecomer = await login(t, port, 'watcher', 'watcher-pw', { clientId: 'latecomer' });
    const late = inbox(latecomer);
    await latecomer.subscribeAsync(topics.statusHealth());
    const retained = await late.next(topics.statusHealth());
    t.ok(retained.retain && [OFFLINE_PAYLOAD, ONLINE_PAYLOAD].includes(retained.payload), 'the health topic is retained');

    await until('the bus to reconnect', () => reconnects === 1 && bus.connected);
    t.equal((await watched.next(topics.statusHealth())).payload, ONLINE_PAYLOAD, 'the caller republishes online after reconnecting');
    await watcher.publishAsync(topics.agentCmd('A8'), 'pause', { qos: 1 });
    await until('the command after reconnecting', () => commands.messages.length === 2);
    t.same(commands.messages[1], { topic: 'ccbox/site/agent/A8/cmd', payload: 'pause' }, 'subscriptions come back after reconnecting');
  });

  t.test('a clean close leaves no will behind', async (t) => {
    const bus = await connectExternalBus({ ...busOptions, clientId: 'ccbox-clean' });
    await bus.publish(topics.statusHealth(), ONLINE_PAYLOAD, { retain: true });
    t.equal((await watched.next(topics.statusHealth())).payload, ONLINE_PAYLOAD);
    await bus.close();
    t.notOk(bus.connected);
    await sleep(SILENCE_MS);
    t.same(watched.messages, [], 'no offline will after a clean close');
  });
});
