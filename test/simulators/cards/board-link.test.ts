/**
 * The card simulator's card link as a host sees it: hello and version, frames before hello, bad
 * frames, command answers (ack with status, nak codes), fault and recovery, a muted channel, what
 * happens when a host goes away, and the ring of a call from the line.
 */
import t from 'tap';
import { answeredCall, cardsUnderFakeTime } from './harness.js';
import { TestHost } from './host-client.js';

t.test('hello: the board info and every channel status; wrong version closes; nothing works before hello', async (t) => {
  const { sim, host, crashes } = await cardsUnderFakeTime(t);
  const early = await host(false);
  early.send({ type: 'ping', id: 1 });
  early.command(0, 'offhook');
  const errors = [await early.nextOf('error'), await early.nextOf('error')];
  t.match(errors, [{ code: 'badMessage', message: /ping before hello/ }, { code: 'badMessage', message: /cmd before hello/ }]);
  t.same(sim.channelStates()[0], { ch: 0, state: 'idle' }, 'the command before hello did nothing');

  const hello = await early.hello();
  t.same(hello, {
    type: 'hello',
    version: 1,
    board: { model: 'ccbox-sim-4', channels: 4, law: 'alaw', fax: true, tts: false, tapChannels: [] },
    channels: [0, 1, 2, 3].map((ch) => ({ ch, state: 'idle' })),
  });
  early.send({ type: 'ping', id: 7 });
  t.same(await early.nextOf('pong'), { type: 'pong', id: 7 });

  const wrong = await host(false);
  wrong.send({ type: 'hello', version: 2 });
  t.match(await wrong.nextOf('error'), { code: 'version', message: /version 1, not 2/ });
  await wrong.next((f): f is never => false).catch(() => {});
  t.ok(wrong.closed, 'the board closed the connection');
  t.same(crashes, []);
});

t.test('bad frames are answered with error (or nak badMessage) and the session carries on', async (t) => {
  const { host } = await cardsUnderFakeTime(t);
  const h = await host();
  h.writeRaw('this is not json\n');
  t.match(await h.nextOf('error'), { code: 'badFrame', message: /not JSON/, frame: 'this is not json' });
  h.writeRaw('[1,2]\n');
  t.match(await h.nextOf('error'), { code: 'badFrame', message: /JSON object/ });
  h.send({ type: 'launch' });
  t.match(await h.nextOf('error'), { code: 'badMessage', message: /unknown frame type "launch"/ });
  h.send({ type: 'cmd', id: 9, ch: 0, op: 'getDigits', args: { max: 0, firstDigitMs: 1, interDigitMs: 1 } });
  t.match(await h.answer(9), { type: 'nak', code: 'badMessage', message: /args\.max/ }, 'a bad command with a readable id is nak-ed');
  h.send({ type: 'cmd', id: 'x', ch: 0, op: 'offhook' });
  t.match(await h.nextOf('error'), { code: 'badMessage', message: /id/ });
  h.writeRaw(`${'x'.repeat(70_000)}\n`);
  t.match(await h.nextOf('error'), { code: 'badFrame', message: /longer than 65536/ });
  h.send({ type: 'error', code: 'internal', message: 'the host complains' });
  t.match(await h.request(0, 'offhook'), { type: 'ack', status: { ch: 0, state: 'offhook' } }, 'still works; the error frame was not answered');
  t.same(h.frames, [], 'nothing else came (an error frame is never answered)');
});

t.test('commands: ack with status, unknownChannel, invalidState, busy, notCapable; stop and onhook send the completion before their ack', async (t) => {
  const { host, fakeSwitch, sim } = await cardsUnderFakeTime(t);
  const h = await host();
  t.match(await h.request(4, 'offhook'), { type: 'nak', code: 'unknownChannel', message: /channels 0-3/ });
  t.match(await h.request(1, 'play', { args: { files: ['/x.wav'] } }), { type: 'nak', code: 'invalidState' }, 'play on hook');
  t.match(await h.request(1, 'dial', { digits: '12' }), { type: 'nak', code: 'invalidState' });
  t.match(await h.request(1, 'flash'), { type: 'nak', code: 'invalidState' });
  t.match(await h.request(1, 'play', { args: { text: 'hello' } }), { type: 'nak', code: 'notCapable', message: /text-to-speech/ });
  t.match(await h.request(1, 'tapStart', { file: '/tmp/x.wav' }), { type: 'nak', code: 'notCapable', message: /not a tap channel/ });

  t.match(await h.request(1, 'offhook'), { type: 'ack', status: { ch: 1, state: 'offhook' } });
  t.same(await fakeSwitch.next('offhook'), { t: 'offhook', port: '302' }, 'the line goes off hook');
  const digits = h.command(1, 'getDigits', { args: { max: 4, firstDigitMs: 60_000, interDigitMs: 5000 } });
  t.match(await h.answer(digits), { type: 'ack' });
  t.match(sim.channelStates()[1], { state: 'offhook', busyWith: 'getDigits' });
  t.match(await h.request(1, 'record', { args: { file: '/tmp/never.wav', maxMs: 1000 } }), { type: 'nak', code: 'busy', message: /getDigits/ });
  const stop = h.command(1, 'stop');
  await h.answer(stop);
  t.same(h.sequence().slice(-2), [`1 digitsDone stopped`, `ack ${stop}`], 'completion before the ack of stop');

  const again = h.command(1, 'getDigits', { args: { max: 4, firstDigitMs: 60_000, interDigitMs: 5000 } });
  await h.answer(again);
  const onhook = h.command(1, 'onhook');
  t.match(await h.answer(onhook), { status: { state: 'idle' } });
  t.same(h.sequence().slice(-2), [`1 digitsDone stopped`, `ack ${onhook}`], 'completion before the ack of onhook');
  t.same(await fakeSwitch.next('onhook'), { t: 'onhook', port: '302' });
  t.match(await h.request(1, 'stop'), { type: 'ack' }, 'stop with nothing running is just acked');
  t.match(await h.request(1, 'status'), { type: 'ack', status: { ch: 1, state: 'idle' } });
});

t.test('fax and tts capability follow the board profile', async (t) => {
  const { host } = await cardsUnderFakeTime(t, { board: { fax: false, tts: true, tapChannels: [3] } });
  const h = await host();
  await h.request(0, 'offhook');
  t.match(await h.request(0, 'sendFax', { file: '/tmp/x.tif' }), { type: 'nak', code: 'notCapable', message: /no fax/ });
  t.match(await h.request(0, 'receiveFax', { file: '/tmp/x.tif' }), { type: 'nak', code: 'notCapable' });
  const play = h.command(0, 'play', { args: { text: 'Welcome' } });
  t.match(await h.answer(play), { type: 'ack' }, 'a board with tts speaks text');
  await h.request(0, 'stop');
});

t.test('fault and recovery; a muted channel answers nothing', async (t) => {
  const { host, sim, fakeSwitch, clock } = await cardsUnderFakeTime(t);
  const h = await host();
  const other = await host();
  await answeredCall(sim, fakeSwitch, h, 0);
  const digits = h.command(0, 'getDigits', { args: { max: 2, firstDigitMs: 10_000, interDigitMs: 1000 } });
  await h.answer(digits);
  sim.faultChannel(0, 'DSP 0 stopped');
  t.same(await h.event(0, 'fault'), { type: 'event', ch: 0, event: 'fault', reason: 'DSP 0 stopped' });
  t.match(await h.event(0, 'digitsDone'), { cmd: digits, reason: 'stopped' }, 'the running operation ends after the fault event');
  t.match(await other.event(0, 'fault'), { reason: 'DSP 0 stopped' }, 'every host hears the fault');
  t.same(await fakeSwitch.next('onhook', '301'), { t: 'onhook', port: '301' }, 'the failed channel drops the loop');
  t.same(sim.channelStates()[0], { ch: 0, state: 'outOfService' });
  t.match(await h.request(0, 'offhook'), { type: 'nak', code: 'invalidState', message: /out of service \(DSP 0 stopped\)/ });
  t.match(await h.request(0, 'status'), { type: 'ack', status: { ch: 0, state: 'outOfService' } }, 'status still answers (the host probes with it)');
  t.same((await h.hello()).channels[0], { ch: 0, state: 'outOfService' }, 'hello reports it');
  sim.recoverChannel(0);
  t.same(await h.event(0, 'recovered'), { type: 'event', ch: 0, event: 'recovered' });
  t.match(await h.request(0, 'status'), { status: { ch: 0, state: 'idle' } });

  sim.muteChannel(2, true);
  const muted = h.command(2, 'offhook');
  fakeSwitch.send({ t: 'ring', port: '303', callID: 'c3', callerId: '777' });
  while (sim.channelStates()[2]?.state !== 'ringing') await new Promise((resolve) => setImmediate(resolve));
  t.match(await h.request(1, 'status'), { type: 'ack' }, 'other channels answer');
  await clock.tickAsync(5000);
  t.same(h.frames, [], 'no ack, no nak and no ring from the muted channel');
  t.throws(() => sim.faultChannel(9, 'x'), RangeError);
  sim.muteChannel(2, false);
  t.match(await h.request(2, 'offhook'), { type: 'ack', status: { ch: 2, state: 'offhook', callerId: '777' } }, 'the ring reached the muted channel; it answers once unmuted');
  t.notOk(h.log.some((f) => f.type === 'ack' && f.id === muted), 'the muted command was never answered');
});

t.test('a host that goes away: its operations stop, hook states stay, the next host hears them in hello', async (t) => {
  const { host, sim, fakeSwitch, clock } = await cardsUnderFakeTime(t);
  const disconnected: unknown[] = [];
  sim.on('hostDisconnected', (info) => disconnected.push(info));
  const first = await host();
  await answeredCall(sim, fakeSwitch, first, 2);
  await first.answer(first.command(2, 'getDigits', { args: { max: 4, firstDigitMs: 30_000, interDigitMs: 3000 } }));
  t.match(sim.channelStates()[2], { state: 'offhook', busyWith: 'getDigits', callerId: '13800138000', dnis: '0301234502' });
  await first.close();
  while (disconnected.length === 0) await new Promise((resolve) => setImmediate(resolve));
  t.match(disconnected, [{ host: /tcp:/ }]);
  t.same(sim.channelStates()[2], { ch: 2, state: 'offhook', callerId: '13800138000', dnis: '0301234502' }, 'off hook, nothing running');
  const second = await TestHost.connect(sim.addresses[0] as string);
  t.teardown(() => second.close());
  const hello = await second.hello();
  t.same(hello.channels[2], { ch: 2, state: 'offhook', callerId: '13800138000', dnis: '0301234502' });
  await clock.tickAsync(30_000);
  t.same(second.frames, [], 'the stopped operation sends nothing later');
});

t.test('ring and ringStop from the line; the switch going away hangs up calls and comes back', async (t) => {
  const { host, sim, fakeSwitch, clock } = await cardsUnderFakeTime(t);
  const h = await host();
  t.same(sim.channelPorts(), ['301', '302', '303', '304']);
  fakeSwitch.send({ t: 'ring', port: '302', callID: 'c1', callerId: '555', dnis: '0301234502' });
  t.same(await h.event(1, 'ring'), { type: 'event', ch: 1, event: 'ring', callerId: '555', dnis: '0301234502' });
  t.match(sim.channelStates()[1], { state: 'ringing', callerId: '555' });
  fakeSwitch.send({ t: 'ringStop', port: '302' });
  await h.event(1, 'ringStop');
  t.same(sim.channelStates()[1], { ch: 1, state: 'idle' });

  await answeredCall(sim, fakeSwitch, h, 0);
  fakeSwitch.send({ t: 'ring', port: '303', callID: 'c2' });
  await h.event(2, 'ring');
  const downs: unknown[] = [];
  sim.on('lineDown', (info) => downs.push(info));
  fakeSwitch.drop();
  t.same(await h.event(0, 'hangup'), { type: 'event', ch: 0, event: 'hangup', cause: 'loopDrop' }, 'the call on the lost line hangs up');
  await h.event(2, 'ringStop');
  t.equal(downs.length, 1);
  t.same(sim.channelPorts(), [undefined, undefined, undefined, undefined]);
  const up = sim.whenLineUp();
  await clock.tickAsync(1000);
  t.same(await up, ['301', '302', '303', '304'], 'reconnected after 1 s and attached the ports again');
  t.match(await h.request(0, 'onhook'), { type: 'ack' });
  t.same(await fakeSwitch.next('onhook', '301'), { t: 'onhook', port: '301' });
});
