/**
 * The CardSetDriver when things go wrong, under fake time: a channel that stops answering, board
 * faults, a dropped link and its reconnect, missed pongs, a board that never says hello or refuses
 * the version, and stop() with work in flight.
 */
import { once } from 'node:events';
import t from 'tap';
import type { CardAlarm } from '../../../appliance/cards/api.js';
import { BOARD_4, cardSetsUnderFakeTime, settle } from './fake-board.js';

const alarmsOf = (list: CardAlarm[]) => list.map((a) => [a.raised, a.code, a.channel]);

t.test('a channel that stops answering leaves service alone, is probed, and comes back', async (t) => {
  const { clock, connected, crashes } = cardSetsUnderFakeTime(t);
  const { driver, side } = await connected(['offhook', 'offhook']);
  const [ch0, ch1] = [driver.channel(0), driver.channel(1)];
  const alarms: CardAlarm[] = [];
  driver.on('alarm', (alarm) => alarms.push(alarm));
  const events: unknown[] = [];
  ch1.on('outOfService', (info) => events.push(['outOfService', info.reason]));
  ch1.on('inService', () => events.push(['inService']));
  ch1.on('state', (state) => events.push(['state', state]));

  // A record runs on channel 1 (acked); then a stop is sent and never acked.
  const record = ch1.record({ file: '/r.wav', maxMs: 10_000 });
  const recordError = record.catch((e: unknown) => e);
  side.ack(await side.command('record'));
  const stop = ch1.stop();
  const stopError = stop.catch((e: unknown) => e);
  await side.command('stop');
  await clock.tickAsync(1999);
  await settle();
  t.equal(ch1.state, 'offhook', 'in service until the ack timeout');
  await clock.tickAsync(1);
  t.match(await stopError, { name: 'CardError', code: 'timeout', channel: 1, message: 'stop on channel 1: no ack within 2000 ms' });
  t.match((await stopError as Error).stack, /card-set-faults\.test\.ts/, 'the timeout names the caller');
  t.match(await recordError, { name: 'CardError', code: 'outOfService', channel: 1 }, 'operations running on the channel fail');
  t.equal(ch1.state, 'outOfService');
  t.same(alarmsOf(alarms), [[true, 'channelOutOfService', 1]]);
  t.match(alarms[0], { message: /channel 1: stop on channel 1: no ack within 2000 ms/, at: clock.now });
  await t.rejects(ch1.play({ files: ['/a.wav'] }), { code: 'outOfService' }, 'refused at once');

  // Channel 0 keeps working throughout.
  const play = ch0.play({ files: ['/a.wav'] });
  const playCmd = await side.command('play');
  t.equal(playCmd.ch, 0);
  side.ack(playCmd);
  side.event(0, { event: 'playDone', cmd: playCmd.id, reason: 'end', playedMs: 10 });
  t.same(await play, { reason: 'end', playedMs: 10 });
  t.equal(ch0.state, 'offhook');

  // The probe: status every probeIntervalMs until the channel answers.
  await clock.tickAsync(4999);
  await settle();
  t.same(side.received, [], 'no probe before the interval');
  await clock.tickAsync(1);
  const probe1 = await side.command('status');
  t.equal(probe1.ch, 1);
  await clock.tickAsync(2000 + 5000);
  const probe2 = await side.command('status');
  t.ok(probe2.id > probe1.id);
  t.equal(ch1.state, 'outOfService', 'still out while the probes go unanswered');
  side.ack(probe1, { ch: 1, state: 'idle' });
  await settle();
  t.equal(ch1.state, 'outOfService', 'a late ack to an abandoned probe does not count');
  side.ack(probe2, { ch: 1, state: 'idle' });
  await settle();
  t.equal(ch1.state, 'idle', 'back with the state the board reports');
  t.same(alarmsOf(alarms), [
    [true, 'channelOutOfService', 1],
    [false, 'channelOutOfService', 1],
  ]);
  t.same(events, [['outOfService', 'stop on channel 1: no ack within 2000 ms'], ['state', 'outOfService'], ['inService'], ['state', 'idle']]);
  await clock.tickAsync(20_000);
  side.send({ type: 'pong', id: 1 });
  await settle();
  t.same(side.received.filter((f) => f.type === 'cmd'), [], 'no more probes once back');

  const offhook = ch1.offhook();
  side.ack(await side.command('offhook'));
  await offhook;
  t.same(driver.activeAlarms(), []);
  t.ok(driver.isUp, 'the link never went down');
  t.same(crashes, []);
});

t.test('a board fault takes the channel out until recovered', async (t) => {
  const { connected } = cardSetsUnderFakeTime(t);
  const { driver, side } = await connected(['offhook']);
  const ch = driver.channel(0);
  const alarms: CardAlarm[] = [];
  driver.on('alarm', (alarm) => alarms.push(alarm));
  const reasons: string[] = [];
  ch.on('outOfService', (info) => reasons.push(info.reason));
  const digits = ch.getDigits({ max: 1, firstDigitMs: 5000, interDigitMs: 1000 });
  side.ack(await side.command('getDigits'));
  side.event(0, { event: 'fault', reason: 'DSP 2 not responding' });
  await t.rejects(digits, { code: 'outOfService', message: /DSP 2 not responding/ });
  t.equal(ch.state, 'outOfService');
  t.same(reasons, ['board fault: DSP 2 not responding']);
  await t.rejects(ch.offhook(), { code: 'outOfService' });
  t.same(alarmsOf(alarms), [[true, 'channelFault', 0]]);
  side.event(0, { event: 'recovered' });
  await settle();
  t.equal(ch.state, 'idle');
  t.same(alarmsOf(alarms), [
    [true, 'channelFault', 0],
    [false, 'channelFault', 0],
  ]);
  t.same(side.received, [], 'a faulted channel is not probed: the board says when it is back');
});

t.test('the link drops: work in flight fails, channels leave service; the reconnect restores them from the hello', async (t) => {
  const { clock, connected, crashes } = cardSetsUnderFakeTime(t);
  const { board, driver, side } = await connected(['idle', 'offhook', 'idle', 'idle']);
  const before = driver.channels();
  const alarms: CardAlarm[] = [];
  driver.on('alarm', (alarm) => alarms.push(alarm));
  const setEvents: unknown[] = [];
  driver.on('down', (info) => setEvents.push(['down', info.reason]));
  driver.on('up', (info) => setEvents.push(['up', info.model]));
  driver.on('ring', (channel, info) => setEvents.push(['ring', channel.index, info.callerId]));
  const ch2States: string[] = [];
  driver.channel(2).on('state', (state) => ch2States.push(state));

  const play = driver.channel(1).play({ files: ['/a.wav'] });
  side.ack(await side.command('play'));
  const offhook = driver.channel(0).offhook();
  await side.command('offhook');
  side.drop();
  await t.rejects(play, { name: 'CardError', code: 'linkDown', channel: 1 });
  await t.rejects(offhook, { code: 'linkDown', channel: 0 });
  t.notOk(driver.isUp);
  t.same(driver.channels().map((c) => c.state), ['outOfService', 'outOfService', 'outOfService', 'outOfService']);
  t.match(driver.channel(1).outOfServiceReason, /^card link down: .*closed by the peer/);
  await t.rejects(driver.channel(3).onhook(), { code: 'linkDown' });
  t.match(alarmsOf(alarms), [[true, 'linkDown', undefined]]);

  // The first retry after 1 s; the board comes back with channel 1 idle and a call ringing on channel 2.
  await clock.tickAsync(1000);
  const again = await board.accept();
  await again.acceptHello(BOARD_4, ['offhook', 'idle', { ch: 2, state: 'ringing', callerId: '555' }, 'idle']);
  await settle();
  t.ok(driver.isUp);
  t.same(driver.channels(), before, 'the same channel objects');
  t.same(driver.channels().map((c) => c.state), ['offhook', 'idle', 'ringing', 'idle']);
  t.same(alarmsOf(alarms), [
    [true, 'linkDown', undefined],
    [false, 'linkDown', undefined],
  ]);
  t.match(setEvents, [['down', /closed by the peer/], ['up', 'test-4'], ['ring', 2, '555']], 'a call that rang during the outage is announced after up');
  t.equal(setEvents.length, 3);
  t.same(ch2States, ['outOfService', 'ringing']);
  const onhook = driver.channel(0).onhook();
  again.ack(await again.command('onhook'));
  await onhook;
  t.same(crashes, []);
});

t.test('a board that comes back with fewer channels: the missing ones stay out of service until it has them again', async (t) => {
  const { clock, connected } = cardSetsUnderFakeTime(t);
  const { board, driver, side } = await connected(['offhook', 'idle', 'idle', 'idle']);
  const [ch0, , , ch3] = driver.channels();
  const down = once(driver, 'down');
  side.drop();
  await down;
  await clock.tickAsync(1000);
  const small = await board.accept();
  // Channel 1's status is left out of the hello: taken as idle.
  await small.nextOfType('hello');
  small.send({ type: 'hello', version: 1, board: { ...BOARD_4, channels: 2, tapChannels: [] }, channels: [{ ch: 0, state: 'offhook' }] });
  await settle();
  t.equal(driver.channels().length, 2);
  t.same(driver.channels().map((c) => c.state), ['offhook', 'idle']);
  t.equal(driver.channel(0), ch0);
  t.throws(() => driver.channel(3), { code: 'unknownChannel' });
  t.equal(ch3?.state, 'outOfService');
  t.equal(ch3?.outOfServiceReason, 'the board no longer reports this channel');
  const downAgain = once(driver, 'down');
  small.drop();
  await downAgain;
  await clock.tickAsync(1000);
  const full = await board.accept();
  await full.acceptHello(BOARD_4, ['idle', 'idle', 'idle', 'offhook']);
  await settle();
  t.equal(driver.channel(3), ch3, 'the same object once the board has the channel again');
  t.equal(ch3?.state, 'offhook');
  t.ok(ch3?.isTap);
});

t.test('reconnect backs off 1, 2, 4 … s up to the cap; a channel alarm from before the drop is cleared by the hello', async (t) => {
  const { clock, connected } = cardSetsUnderFakeTime(t);
  const { board, driver, side } = await connected(['offhook']);
  const alarms: CardAlarm[] = [];
  driver.on('alarm', (alarm) => alarms.push(alarm));
  side.event(0, { event: 'fault', reason: 'line card unplugged' });
  await settle();
  const start = clock.now;
  const down = once(driver, 'down');
  side.drop();
  await down;
  const attempts: number[] = [];
  for (let i = 0; i < 5; i++) {
    const next = board.accept();
    await clock.tickAsync([1000, 2000, 4000, 8000, 8000][i] as number);
    const conn = await next;
    attempts.push(clock.now - start);
    await conn.nextOfType('hello');
    conn.drop();
    await settle();
  }
  // 1, 2, 4, 8, then capped at 8 (maxMs in the test setup).
  t.same(attempts, [1000, 3000, 7000, 15000, 23000]);
  await clock.tickAsync(8000);
  const last = await board.accept();
  await last.acceptHello(BOARD_4, ['idle']);
  await settle();
  t.equal(driver.channel(0).state, 'idle');
  t.same(alarmsOf(alarms), [
    [true, 'channelFault', 0],
    [true, 'linkDown', undefined],
    [false, 'channelFault', 0],
    [false, 'linkDown', undefined],
  ]);
  t.same(driver.activeAlarms(), []);
});

t.test('keep-alive: ping when idle, two missed pongs take the link down', async (t) => {
  const { clock, connected } = cardSetsUnderFakeTime(t);
  const { driver, side } = await connected();
  const downs: string[] = [];
  driver.on('down', (info) => downs.push(info.reason));
  await clock.tickAsync(10_000);
  const ping = await side.nextOfType('ping');
  side.send({ type: 'pong', id: ping.id });
  await settle();
  await clock.tickAsync(5000);
  side.event(0, { event: 'dtmf', digit: '1' });
  await settle();
  await clock.tickAsync(5000);
  await settle();
  t.same(side.received, [], 'no ping while the board was heard from within the interval');
  await clock.tickAsync(10_000);
  await side.nextOfType('ping');
  await clock.tickAsync(10_000);
  await side.nextOfType('ping');
  t.ok(driver.isUp, 'one missed pong is tolerated');
  await clock.tickAsync(10_000);
  await settle();
  t.notOk(driver.isUp);
  t.same(downs, ['2 pings unanswered']);
});

t.test('a board that never answers hello, or refuses the version, is retried', async (t) => {
  const { clock, board: startBoard, make } = cardSetsUnderFakeTime(t);
  const board = await startBoard();
  const driver = make(board.url, { helloTimeoutMs: 3000 });
  const alarms: CardAlarm[] = [];
  driver.on('alarm', (alarm) => alarms.push(alarm));
  const errors: string[] = [];
  driver.on('protocolError', (info) => errors.push(info.code));
  let up = false;
  const started = driver.start().then(() => (up = true));

  const silent = await board.accept();
  await silent.nextOfType('hello');
  await clock.tickAsync(3000);
  await settle();
  t.ok(silent.closed, 'the host hangs up on a silent board');
  t.same(alarmsOf(alarms), [[true, 'linkDown', undefined]]);

  await clock.tickAsync(1000);
  const old = await board.accept();
  await old.nextOfType('hello');
  old.send({ type: 'error', code: 'version', message: 'this board speaks version 0 only' });
  await settle();
  t.ok(old.closed);
  t.same(errors, ['version']);

  await clock.tickAsync(2000);
  const future = await board.accept();
  await future.nextOfType('hello');
  future.send({ type: 'hello', version: 2, board: BOARD_4, channels: [] });
  t.match(await future.nextOfType('error'), { code: 'version', message: /version 2 is not spoken here/ });
  await settle();
  t.ok(future.closed);
  t.notOk(up, 'start() waits for a good hello');

  await clock.tickAsync(4000);
  const good = await board.accept();
  await good.acceptHello();
  await started;
  t.ok(driver.isUp);
  t.same(alarmsOf(alarms), [
    [true, 'linkDown', undefined],
    [false, 'linkDown', undefined],
  ]);
});

t.test('stop(): work in flight and a pending start fail with closed', async (t) => {
  const { board: startBoard, connected, make } = cardSetsUnderFakeTime(t);
  const { driver, side } = await connected(['offhook']);
  const play = driver.channel(0).play({ files: ['/a.wav'] });
  const playError = play.catch((e: unknown) => e);
  side.ack(await side.command('play'));
  const downs: string[] = [];
  driver.on('down', (info) => downs.push(info.reason));
  await driver.stop();
  t.match(await playError, { name: 'CardError', code: 'closed' });
  t.notOk(driver.isUp);
  t.same(downs, ['stopped']);
  await t.rejects(driver.channel(0).onhook(), { code: 'linkDown' });

  const silent = await startBoard();
  const waiting = make(silent.url);
  const starting = waiting.start().catch((e: unknown) => e);
  await (await silent.accept()).nextOfType('hello');
  await waiting.stop();
  t.match(await starting, { name: 'CardError', code: 'closed' });
});
