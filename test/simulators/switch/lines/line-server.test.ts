/** The switch simulator's line link, spoken to over loopback TCP by a bare JSON-lines client. */
import { createConnection, type Socket } from 'node:net';
import { join } from 'node:path';
import t, { type Test } from 'tap';
import { JsonLineDecoder, encodeJsonLine } from '../../../../appliance/cards/framing.js';
import { silentLogger } from '../../../../appliance/runtime/logger.js';
import { CallMediaBook, createSwitch, demoDialPlan, parseScenario, startLineServer, type SwitchToLine } from '../../../../simulators/switch/index.js';
import { realDelay } from '../../../helpers/real-time.js';

class LineClient {
  readonly received: SwitchToLine[] = [];
  readonly #decoder = new JsonLineDecoder({ line: (text) => this.received.push(JSON.parse(text) as SwitchToLine), oversize: () => undefined });
  constructor(readonly socket: Socket) {
    socket.setNoDelay(true);
    socket.on('data', (chunk) => this.#decoder.push(chunk));
  }
  send(message: object | string): void {
    this.socket.write(typeof message === 'string' ? message : encodeJsonLine(message));
  }
  async next<T extends SwitchToLine['t']>(t: T): Promise<Extract<SwitchToLine, { t: T }>> {
    for (let i = 0; i < 200; i++) {
      const at = this.received.findIndex((m) => m.t === t);
      if (at >= 0) return this.received.splice(at, 1)[0] as Extract<SwitchToLine, { t: T }>;
      await realDelay(5);
    }
    throw new Error(`no ${t} from the switch; got ${JSON.stringify(this.received)}`);
  }
}

/** Waits in real time until `predicate` holds (the switch answers over loopback TCP). */
async function until(predicate: () => boolean, what: string): Promise<void> {
  for (let i = 0; i < 200 && !predicate(); i++) await realDelay(5);
  if (!predicate()) throw new Error(`timed out waiting for ${what}`);
}

async function site(t: Test) {
  const sw = createSwitch(demoDialPlan(), { logger: silentLogger() });
  const media = new CallMediaBook();
  const server = await startLineServer({ model: sw, listen: ['tcp://127.0.0.1:0'], media, logger: silentLogger() });
  const clients: LineClient[] = [];
  t.teardown(async () => {
    for (const c of clients) c.socket.destroy();
    await server.close();
  });
  const connect = async () => {
    const port = Number(new URL((server.addresses[0] as string).replace('tcp://', 'http://')).port);
    const socket = createConnection({ host: '127.0.0.1', port });
    await new Promise((resolve) => socket.once('connect', resolve));
    const client = new LineClient(socket);
    clients.push(client);
    return client;
  };
  return { sw, media, server, connect };
}

t.test('a call to the IVR number rings an attached port; answer, DTMF, far-end hang-up, on hook', async (t) => {
  const { sw, media, connect } = await site(t);
  const line = await connect();
  line.send({ t: 'attach', ports: ['301', '302'] });
  t.same(await line.next('attached'), { t: 'attached', ports: ['301', '302'] });
  const callID = sw.placeInboundCall({ from: '13800001111', to: '0301234502' });
  media.set(callID, { audio: '/tmp/hello.wav' });
  t.match(await line.next('ring'), { port: '301', callerId: '13800001111', dnis: '0301234502' });
  line.send({ t: 'offhook', port: '301' });
  t.match(await line.next('connected'), { port: '301', media: { audio: '/tmp/hello.wav' } });
  sw.sendExternalDigits(callID, '12#');
  t.match(await line.next('digits'), { port: '301', digits: '12#' });
  sw.hangUpExternal(callID);
  t.match(await line.next('disconnect'), { port: '301' });
  line.send({ t: 'onhook', port: '301' });
  await realDelay(20);
  t.same(line.received.filter((m) => m.t === 'refused'), [], 'nothing refused');
});

t.test('the port hangs up first: the caller is cleared; a caller who gives up stops the ringing', async (t) => {
  const { sw, connect } = await site(t);
  const ended: string[] = [];
  sw.on('callEnded', (info) => ended.push(info.callID));
  const line = await connect();
  line.send({ t: 'attach' });
  t.same((await line.next('attached')).ports, ['301', '302', '303', '304'], 'without ports: every analog port of the plan');
  const first = sw.placeInboundCall({ from: '13800001111', to: '0301234502' });
  await line.next('ring');
  line.send({ t: 'offhook', port: '301' });
  await line.next('connected');
  line.send({ t: 'onhook', port: '301' });
  await until(() => ended.length > 0, 'the call to end');
  t.same(ended, [first], 'the caller is gone when the IVR port hangs up');
  const second = sw.placeInboundCall({ from: '13800002222', to: '0301234502' });
  const ring = await line.next('ring');
  sw.hangUpExternal(second);
  t.same(await line.next('ringStop'), { t: 'ringStop', port: ring.port });
});

t.test('hook-flash, dial and on-hook transfer the caller to an extension', async (t) => {
  const { sw, connect } = await site(t);
  const line = await connect();
  line.send({ t: 'attach', ports: ['301'] });
  await line.next('attached');
  const at201: string[] = [];
  sw.on('deviceEvent', (device, event) => device === '201' && at201.push(event.type));
  sw.placeInboundCall({ from: '13800001111', to: '0301234502' });
  await line.next('ring');
  line.send({ t: 'offhook', port: '301' });
  await line.next('connected');
  line.send({ t: 'flash', port: '301' });
  line.send({ t: 'dial', port: '301', digits: '201' });
  await until(() => at201.length > 0, 'the consultation ringing 201');
  t.same(at201, ['DeliveredEvent'], 'the consultation rings 201');
  line.send({ t: 'onhook', port: '301' });
  await until(() => sw.lineCallsAt('301').length === 0, 'the port to be free');
  sw.answerAt('201');
  t.ok(at201.includes('DeliveredEvent') && at201.includes('EstablishedEvent'), `201 rang and answered: ${at201.join(', ')}`);
});

t.test('bad requests are refused with the reason; the line keeps working', async (t) => {
  const { connect } = await site(t);
  const line = await connect();
  line.send('this is not json\n');
  t.match(await line.next('refused'), { reason: /JSON|json|frame/ });
  line.send({ t: 'offhook', port: '301' });
  t.match(await line.next('refused'), { port: '301', reason: /attach|not attached/i });
  line.send({ t: 'attach', ports: ['999'] });
  t.match(await line.next('refused'), { reason: /999/ });
  line.send({ t: 'attach', ports: ['301'] });
  await line.next('attached');
  const other = await connect();
  other.send({ t: 'attach', ports: ['301'] });
  t.match(await other.next('refused'), { reason: /301/ }, 'a port belongs to one line at a time');
  line.send({ t: 'offhook', port: '301' });
  line.send({ t: 'onhook', port: '301' });
  line.send({ t: 'dial', port: '301', digits: 'xyz' });
  t.ok(await line.next('refused'), 'bad digits are refused');
});

t.test("a line that drops mid-call hangs up its port; scenario media paths resolve against the scenario file", async (t) => {
  const { sw, connect } = await site(t);
  const ended: string[] = [];
  sw.on('callEnded', (info) => ended.push(info.callID));
  const line = await connect();
  line.send({ t: 'attach', ports: ['301'] });
  await line.next('attached');
  const callID = sw.placeInboundCall({ from: '13800001111', to: '0301234502' });
  await line.next('ring');
  line.send({ t: 'offhook', port: '301' });
  await line.next('connected');
  line.socket.destroy();
  await until(() => ended.length > 0, 'the call to end');
  t.same(ended, [callID]);

  const scenario = parseScenario({ callers: [{ from: '1', to: '0301234502', says: 'media/hello.wav', faxToSend: '/abs/doc.tif', faxInbox: 'inbox' }] }, 'test scenario', { baseDir: '/site/scenarios' });
  t.match(scenario.callers[0], { says: join('/site/scenarios', 'media/hello.wav'), faxToSend: '/abs/doc.tif', faxInbox: join('/site/scenarios', 'inbox') });
});
