/**
 * The card simulator wired to the real switch simulator (call model + line server) over loopback
 * TCP: a scripted caller dialling the IVR's DID rings a channel, its DTMF reaches the channel, a
 * hang-up on either side reaches the other, and a fax reaches the caller's fax machine; ccbox's
 * own CardSetDriver as the host. Plus `ccbox sim cards` (runSimCards) against a line server.
 */
import { once } from 'node:events';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import sinon from 'sinon';
import t, { type Test } from 'tap';
import type { CardChannel } from '../../../appliance/cards/api.js';
import { loadBoardProfile } from '../../../appliance/cards/board-profile.js';
import { CardSetDriver } from '../../../appliance/cards/card-set.js';
import { countTiffPages, toneSignal, writeTiffFile, writeWavFile } from '../../../appliance/media/index.js';
import { runSimCards } from '../../../appliance/runtime/cli/sim-cards-command.js';
import { systemClock } from '../../../appliance/runtime/clock.js';
import { silentLogger } from '../../../appliance/runtime/logger.js';
import { startCardSimulator } from '../../../simulators/cards/index.js';
import { CallMediaBook, createSwitch, demoDialPlan, startLineServer } from '../../../simulators/switch/index.js';
import { lineMessage } from './harness.js';
import { TestHost } from './host-client.js';

/** Waits (real time, fake time standing still) until `condition` holds. */
async function until(condition: () => boolean): Promise<void> {
  while (!condition()) await new Promise((resolve) => setImmediate(resolve));
}

async function site(t: Test) {
  const clock = sinon.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'setInterval', 'clearInterval', 'Date'] });
  const model = createSwitch(demoDialPlan(), { clock: systemClock, logger: silentLogger() });
  const media = new CallMediaBook();
  const lines = await startLineServer({ model, listen: ['tcp://127.0.0.1:0'], media, clock: systemClock, logger: silentLogger() });
  const sim = await startCardSimulator({ board: loadBoardProfile('ccbox-sim-4'), listen: ['tcp://127.0.0.1:0'], switchUrl: lines.addresses[0], clock: systemClock, logger: silentLogger() });
  const host = await TestHost.connect(sim.addresses[0] as string);
  t.teardown(async () => {
    await host.close();
    clock.restore();
    await sim.close();
    await lines.close();
  });
  t.same(await sim.whenLineUp(), ['301', '302', '303', '304'], 'the channels took the demo plan’s analog ports in order');
  await host.hello();
  return { clock, model, media, lines, sim, host };
}

t.test('a caller dials the IVR: ring, answer, DTMF, and the caller hangs up', async (t) => {
  const { model, host, sim } = await site(t);
  const callID = model.placeInboundCall({ from: '13800138000', to: '0301234502' });
  const ring = await host.next((f): f is Extract<typeof f, { event: 'ring' }> => f.type === 'event' && f.event === 'ring');
  t.match(ring, { callerId: '13800138000', dnis: '0301234502' });
  const ch = ring.ch;
  t.match(model.lineCallsAt(sim.channelPorts()[ch] as string), [{ callID, state: 'alerting' }], 'the hunt group rings the port of that channel');

  const connected = lineMessage(sim, 'connected');
  t.match(await host.request(ch, 'offhook'), { type: 'ack' });
  t.match(await connected, { callID, remote: '13800138000', media: {} }, 'the switch connects the caller to the port');
  const getDigits = host.command(ch, 'getDigits', { args: { max: 3, firstDigitMs: 10_000, interDigitMs: 5000 } });
  await host.answer(getDigits);
  model.sendExternalDigits(callID, '42#');
  t.same([(await host.event(ch, 'dtmf')).digit, (await host.event(ch, 'dtmf')).digit, (await host.event(ch, 'dtmf')).digit], ['4', '2', '#']);
  t.match(await host.event(ch, 'digitsDone'), { cmd: getDigits, reason: 'max', digits: '42#' }, "the caller's DTMF reached the channel");
  t.match(model.lineCallsAt(sim.channelPorts()[ch] as string), [{ callID, state: 'connected' }], 'the switch sees the port answered');

  const waiting = host.command(ch, 'getDigits', { args: { max: 1, firstDigitMs: 60_000, interDigitMs: 0 } });
  await host.answer(waiting);
  model.hangUpExternal(callID);
  t.same(await host.event(ch, 'hangup'), { type: 'event', ch, event: 'hangup', cause: 'loopDrop' });
  t.match(await host.event(ch, 'digitsDone'), { cmd: waiting, reason: 'hangup' });
  t.match(await host.request(ch, 'onhook'), { type: 'ack', status: { state: 'idle' } });
});

t.test('the channel hangs up on the caller, and a caller who gives up stops the ring', async (t) => {
  const { model, host } = await site(t);
  const ended: string[] = [];
  model.on('callEnded', (info) => ended.push(info.callID));
  const callID = model.placeInboundCall({ from: '13800138001', to: '0301234502' });
  const ring = await host.nextOf('event');
  t.match(ring, { event: 'ring' });
  await host.request(ring.ch, 'offhook');
  await host.request(ring.ch, 'onhook');
  await until(() => ended.includes(callID));
  t.pass('the call ended at the switch when the channel went on hook');

  const second = model.placeInboundCall({ from: '13800138002', to: '0301234502' });
  const ring2 = await host.nextOf('event');
  t.match(ring2, { event: 'ring' });
  model.hangUpExternal(second);
  t.same(await host.event(ring2.ch, 'ringStop'), { type: 'event', ch: ring2.ch, event: 'ringStop' });
});

t.test("a fax sent on the channel reaches the caller's fax machine", async (t) => {
  const dir = t.testdir();
  const { model, media, lines, host, clock, sim } = await site(t);
  const document = join(dir, 'invoice.tif');
  writeTiffFile(document, 2);
  const callID = model.placeInboundCall({ from: '13800138003', to: '0301234502' });
  media.set(callID, { faxInbox: join(dir, 'inbox') });
  const ring = await host.nextOf('event');
  const connected = lineMessage(sim, 'connected');
  await host.request(ring.ch, 'offhook');
  t.match(await connected, { callID, media: { faxInbox: join(dir, 'inbox') } }, "the far end's media comes with the connection");
  const id = host.command(ring.ch, 'sendFax', { file: document });
  await host.answer(id);
  const delivered = once(lines, 'faxDelivered');
  await clock.tickAsync(15_000);
  t.match(await host.event(ring.ch, 'faxDone'), { cmd: id, reason: 'ok', pages: 2 });
  const [info] = (await delivered) as [{ file: string; pages: number; callID: string }];
  t.match(info, { callID, pages: 2 });
  t.equal(countTiffPages(readFileSync(info.file)), 2, 'the far end holds the document');
});

t.test('ccbox sim cards: listens, attaches the ports it is given, stops when told', async (t) => {
  const model = createSwitch(demoDialPlan(), { clock: systemClock, logger: silentLogger() });
  const lines = await startLineServer({ model, listen: ['tcp://127.0.0.1:0'], clock: systemClock, logger: silentLogger() });
  t.teardown(() => lines.close());
  const out: string[] = [];
  let stop!: () => void;
  const stopped = new Promise<void>((resolve) => (stop = resolve));
  const attached = once(lines, 'attached');
  const running = runSimCards({ listen: ['tcp://127.0.0.1:0'], board: 'ccbox-sim-4', switch: lines.addresses[0] as string, ports: '302,303', logLevel: 'silent' }, { out: (line) => out.push(line), until: stopped });
  t.match(await attached, [{ ports: ['302', '303'] }]);
  await until(() => out.length >= 2);
  t.match(out, [/^ccbox sim cards: listening on tcp:\/\/127\.0\.0\.1:\d+ \(board ccbox-sim-4, 4 channels, alaw, fax\)$/, /attached analog ports on tcp:.*: 0→302, 1→303$/]);
  const address = /listening on (\S+)/.exec(out[0] as string)?.[1] as string;
  const host = await TestHost.connect(address);
  t.match((await host.hello()).board, { model: 'ccbox-sim-4' });
  await host.close();
  stop();
  await running;
  t.equal(process.exitCode ?? 0, 0);

  const bad: string[] = [];
  const stderr = sinon.stub(process.stderr, 'write').callsFake((chunk) => (bad.push(String(chunk)), true));
  try {
    await runSimCards({ listen: ['tcp://127.0.0.1:0'], board: 'no-such-board', logLevel: 'silent' }, { out: () => {}, until: Promise.resolve() });
    await runSimCards({ listen: ['tcp://127.0.0.1:0'], board: 'ccbox-sim-4', ports: '301,x', logLevel: 'silent' }, { out: () => {}, until: Promise.resolve() });
  } finally {
    stderr.restore();
    process.exitCode = 0;
  }
  t.match(bad, [/unknown board profile "no-such-board" \(known: .*ccbox-sim-4/, /--ports: "x" is not a port number/]);
});

t.test("ccbox's CardSetDriver drives the simulator: a call answered, a prompt, digits, the caller's hang-up, a muted channel's timeout", async (t) => {
  const dir = t.testdir();
  const { model, sim, clock } = await site(t);
  const driver = new CardSetDriver({ url: sim.addresses[0] as string, clock: systemClock, logger: silentLogger() });
  t.teardown(() => driver.stop());
  await driver.start();
  t.same(driver.board, sim.board);
  const rang = once(driver, 'ring');
  const callID = model.placeInboundCall({ from: '13800138000', to: '0301234502' });
  const [channel, info] = (await rang) as [CardChannel, { callerId?: string; dnis?: string }];
  t.same(info, { callerId: '13800138000', dnis: '0301234502' });
  await channel.offhook();
  t.equal(channel.state, 'offhook');
  const prompt = join(dir, 'welcome.wav');
  writeWavFile(prompt, toneSignal([425], 1800), 'alaw');
  const played = channel.play({ files: [prompt], bargeIn: true });
  await until(() => sim.channelStates()[channel.index]?.busyWith === 'play');
  await clock.tickAsync(1800);
  t.same(await played, { reason: 'end', playedMs: 1800 });
  const digits = channel.getDigits({ max: 4, firstDigitMs: 5000, interDigitMs: 3000, terminators: '#' });
  model.sendExternalDigits(callID, '12#');
  t.same(await digits, { reason: 'terminator', digits: '12' });
  const hangup = once(channel, 'hangup');
  const waiting = channel.getDigits({ max: 1, firstDigitMs: 30_000, interDigitMs: 0 });
  await until(() => sim.channelStates()[channel.index]?.busyWith === 'getDigits');
  model.hangUpExternal(callID);
  t.same(await hangup, [{ cause: 'loopDrop' }]);
  t.same(await waiting, { reason: 'hangup', digits: '' });
  await channel.onhook();
  t.equal(channel.state, 'idle');

  const other = driver.channel((channel.index + 1) % 4);
  sim.muteChannel(other.index, true);
  const refused = t.rejects(other.offhook(), { name: 'CardError', code: 'timeout' });
  await clock.tickAsync(2000);
  await refused;
  t.equal(other.state, 'outOfService', 'the host takes the muted channel out of service');
  sim.muteChannel(other.index, false);
  const back = once(other, 'inService');
  await clock.tickAsync(5000);
  await back;
  t.equal(other.state, 'idle', 'the probe brought it back');
});
