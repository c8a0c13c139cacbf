/**
 * The CardSetDriver against a scripted board over loopback TCP: hello and channel states, every
 * operation's ack and completion, naks, events routed to channels, and frames it cannot use.
 */
import t, { type Test } from 'tap';
import { CardError } from '../../../appliance/cards/api.js';
import type { CardSetDriver } from '../../../appliance/cards/card-set.js';
import { MAX_LINE_BYTES } from '../../../appliance/cards/framing.js';
import type { ErrorFrame } from '../../../appliance/cards/protocol.js';
import { BOARD_4, type BoardConnectionSide, cardSetsUnderFakeTime, settle } from './fake-board.js';

/** Records whether a promise has settled yet, without leaving a rejection unhandled. */
function track<T>(promise: Promise<T>) {
  const state = { settled: false, promise };
  promise.then(
    () => (state.settled = true),
    () => (state.settled = true),
  );
  return state;
}

async function errorFrames(side: BoardConnectionSide, count: number): Promise<ErrorFrame[]> {
  const frames: ErrorFrame[] = [];
  for (let i = 0; i < count; i++) frames.push(await side.nextOfType('error'));
  return frames;
}

async function roundTrip(t: Test, driver: CardSetDriver, side: BoardConnectionSide, ch = 0): Promise<void> {
  const offhook = driver.channel(ch).offhook();
  side.ack(await side.command('offhook'));
  await offhook;
  t.equal(driver.channel(ch).state, 'offhook', 'the link still works');
}

t.test('hello: the board info and every channel state come from the board', async (t) => {
  const { board, make, crashes } = cardSetsUnderFakeTime(t);
  const fake = await board();
  const driver = make(fake.url);
  const ups: unknown[] = [];
  driver.on('up', (info) => ups.push(info));
  t.equal(driver.board, undefined);
  t.same(driver.channels(), []);
  t.throws(() => driver.channel(0), { name: 'CardError', code: 'unknownChannel' });
  const started = driver.start();
  const side = await fake.accept();
  t.same(await side.nextOfType('hello'), { type: 'hello', version: 1, client: 'ccbox' }, 'the host speaks first, version 1');
  side.send({ type: 'hello', version: 1, board: BOARD_4, channels: [{ ch: 0, state: 'idle' }, { ch: 1, state: 'offhook', busyWith: 'play' }, { ch: 2, state: 'outOfService' }, { ch: 3, state: 'idle' }] });
  await started;
  t.ok(driver.isUp);
  t.same(driver.board, BOARD_4);
  t.same(ups, [BOARD_4]);
  t.same(driver.channels().map((c) => [c.index, c.state, c.isTap]), [
    [0, 'idle', false],
    [1, 'offhook', false],
    [2, 'outOfService', false],
    [3, 'idle', true],
  ]);
  t.equal(driver.channel(2), driver.channels()[2], 'channel(i) and channels() hand out the same objects');
  t.match(driver.activeAlarms(), [{ raised: true, code: 'channelFault', channel: 2 }], 'a channel the board reports out of service is alarmed');
  await t.rejects(driver.channel(2).offhook(), { name: 'CardError', code: 'outOfService', channel: 2 });
  t.throws(() => driver.channel(4), { code: 'unknownChannel' });
  t.same(crashes, []);
});

t.test('short operations are done when acked; ids increase; the channel state follows', async (t) => {
  const { connected } = cardSetsUnderFakeTime(t);
  const { driver, side } = await connected();
  const ch = driver.channel(1);
  const states: string[] = [];
  ch.on('state', (state) => states.push(state));

  const offhook = track(ch.offhook());
  const command = await side.command('offhook');
  t.same(command, { type: 'cmd', id: command.id, ch: 1, op: 'offhook' });
  await settle();
  t.notOk(offhook.settled, 'not done before the ack');
  side.ack(command);
  await offhook.promise;
  t.equal(ch.state, 'offhook');

  const ids = [command.id];
  for (const [op, run] of [
    ['flash', () => ch.flash()],
    ['flushDigits', () => ch.flushDigits()],
    ['stop', () => ch.stop()],
    ['tapStop', () => ch.tapStop()],
  ] as const) {
    const running = run();
    const sent = await side.command(op);
    t.equal(sent.ch, 1, `${op} goes to the channel`);
    ids.push(sent.id);
    side.ack(sent);
    await running;
  }
  const onhook = ch.onhook();
  const sentOnhook = await side.command('onhook');
  ids.push(sentOnhook.id);
  side.ack(sentOnhook);
  await onhook;
  t.equal(ch.state, 'idle');
  t.same(states, ['offhook', 'idle']);
  t.same(ids, [...ids].sort((a, b) => a - b), 'command ids increase');
  t.equal(new Set(ids).size, ids.length, 'and never repeat');

  // An ack carrying the channel's status is believed over the op's usual effect.
  const again = ch.offhook();
  side.ack(await side.command('offhook'), { ch: 1, state: 'ringing' });
  await again;
  t.equal(ch.state, 'ringing');
});

t.test('a ring read together with the ack of our on-hook leaves the channel ringing', async (t) => {
  const { connected } = cardSetsUnderFakeTime(t);
  const { driver, side } = await connected();
  const ch = driver.channel(0);
  const offhook = ch.offhook();
  side.ack(await side.command('offhook'));
  await offhook;
  const rings: unknown[] = [];
  driver.on('ring', (_channel, info) => rings.push(info));
  const onhook = ch.onhook();
  const sent = await side.command('onhook');
  side.writeRaw(`${JSON.stringify({ type: 'ack', id: sent.id, status: { ch: 0, state: 'idle' } })}\n${JSON.stringify({ type: 'event', ch: 0, event: 'ring', callerId: '138' })}\n`);
  await onhook;
  t.equal(ch.state, 'ringing', 'the next call rings; the older ack does not put the channel back to idle');
  t.same(rings, [{ callerId: '138' }]);
});

t.test('long operations resolve on their completion event, with the result', async (t) => {
  const { connected } = cardSetsUnderFakeTime(t);
  const { driver, side } = await connected(['offhook', 'offhook', 'idle', 'idle']);
  const ch = driver.channel(0);

  const play = track(ch.play({ files: ['/prompts/welcome.wav'], bargeIn: true }));
  const playCmd = await side.command('play');
  t.same(playCmd.args, { files: ['/prompts/welcome.wav'], bargeIn: true });
  side.ack(playCmd);
  await settle();
  t.notOk(play.settled, 'acked is not done');
  side.event(0, { event: 'playDone', cmd: playCmd.id + 1000, reason: 'end', playedMs: 1 });
  await settle();
  t.notOk(play.settled, 'a completion naming another command does not end it');
  side.event(0, { event: 'playDone', cmd: playCmd.id, reason: 'dtmf', playedMs: 1830 });
  t.same(await play.promise, { reason: 'dtmf', playedMs: 1830 });

  const digits = ch.getDigits({ max: 4, firstDigitMs: 5000, interDigitMs: 3000, terminators: '#' });
  const digitsCmd = await side.command('getDigits');
  t.same(digitsCmd.args, { max: 4, firstDigitMs: 5000, interDigitMs: 3000, terminators: '#' });
  side.ack(digitsCmd);
  side.event(0, { event: 'digitsDone', cmd: digitsCmd.id, reason: 'terminator', digits: '12' });
  t.same(await digits, { reason: 'terminator', digits: '12' });

  const record = ch.record({ file: '/var/rec/msg.wav', maxMs: 60_000, silenceMs: 3000, beep: true });
  const recordCmd = await side.command('record');
  t.same(recordCmd.args, { file: '/var/rec/msg.wav', maxMs: 60_000, silenceMs: 3000, beep: true, stopOnDtmf: true }, 'defaults filled in before sending');
  side.ack(recordCmd);
  side.event(0, { event: 'recordDone', cmd: recordCmd.id, reason: 'silence', file: '/var/rec/msg.wav', durationMs: 4200, bytes: 33_600 });
  t.same(await record, { reason: 'silence', file: '/var/rec/msg.wav', durationMs: 4200, bytes: 33_600 });

  const dial = ch.dial('8001');
  const dialCmd = await side.command('dial');
  t.equal(dialCmd.digits, '8001');
  side.ack(dialCmd);
  side.event(0, { event: 'dialDone', cmd: dialCmd.id, reason: 'done' });
  t.same(await dial, { reason: 'done' });

  const pages: unknown[] = [];
  const fax = driver.channel(1);
  fax.on('faxProgress', (info) => pages.push(info));
  const send = fax.sendFax('/var/fax/out.tif');
  const sendCmd = await side.command('sendFax');
  t.equal(sendCmd.file, '/var/fax/out.tif');
  side.ack(sendCmd);
  side.event(1, { event: 'faxProgress', cmd: sendCmd.id, direction: 'send', page: 1 });
  side.event(1, { event: 'faxProgress', cmd: sendCmd.id, direction: 'send', page: 2 });
  side.event(1, { event: 'faxDone', cmd: sendCmd.id, direction: 'send', reason: 'ok', pages: 2, file: '/var/fax/out.tif' });
  t.same(await send, { direction: 'send', reason: 'ok', pages: 2, file: '/var/fax/out.tif' });
  t.same(pages, [
    { direction: 'send', page: 1 },
    { direction: 'send', page: 2 },
  ]);

  const receive = fax.receiveFax('/var/fax/in.tif');
  const receiveCmd = await side.command('receiveFax');
  side.ack(receiveCmd);
  side.event(1, { event: 'faxDone', cmd: receiveCmd.id, direction: 'receive', reason: 'noFax', pages: 0, file: '/var/fax/in.tif', error: 'no CED' });
  t.same(await receive, { direction: 'receive', reason: 'noFax', pages: 0, file: '/var/fax/in.tif', error: 'no CED' });

  const tap = driver.channel(3).tapStart('/var/rec/tap.wav');
  const tapCmd = await side.command('tapStart');
  t.same(tapCmd, { type: 'cmd', id: tapCmd.id, ch: 3, op: 'tapStart', file: '/var/rec/tap.wav' });
  side.ack(tapCmd);
  side.event(3, { event: 'recordDone', cmd: tapCmd.id, reason: 'stopped', file: '/var/rec/tap.wav', durationMs: 90_000, bytes: 720_000 });
  t.same(await tap, { reason: 'stopped', file: '/var/rec/tap.wav', durationMs: 90_000, bytes: 720_000 }, 'tapStart ends with recordDone');

  // A board that sends the completion before the ack is still understood.
  const quick = ch.play({ text: 'hello', voice: 'en' });
  const quickCmd = await side.command('play');
  side.event(0, { event: 'playDone', cmd: quickCmd.id, reason: 'end', playedMs: 700 });
  side.ack(quickCmd);
  t.same(await quick, { reason: 'end', playedMs: 700 });
});

t.test('refusals: a nak carries the board code; bad arguments never leave the host', async (t) => {
  const { connected } = cardSetsUnderFakeTime(t);
  const { driver, side } = await connected(['offhook']);
  const ch = driver.channel(0);
  const play = ch.play({ files: ['/nope.wav'] });
  side.nak(await side.command('play'), 'fileError', 'cannot open /nope.wav');
  const error = await play.catch((e: unknown) => e);
  t.ok(error instanceof CardError);
  t.match(error, { code: 'fileError', channel: 0, message: 'play on channel 0: cannot open /nope.wav' });

  const offhook = ch.offhook();
  side.nak(await side.command('offhook'), 'invalidState', 'already off hook');
  await t.rejects(offhook, { code: 'invalidState' });

  await t.rejects(ch.play({ files: ['/a.wav'], text: 'both' }), { name: 'CardError', code: 'badMessage', message: /args: expected exactly one of files, text/ });
  await t.rejects(ch.dial('12x'), { code: 'badMessage', message: /digits: expected DTMF digits/ });
  await t.rejects(ch.getDigits({ max: 0, firstDigitMs: 1, interDigitMs: 1 }), { code: 'badMessage', message: /args\.max/ });
  // A completion that names the play but is not a playDone (or is on another channel) fails it.
  const reported: string[] = [];
  driver.on('protocolError', (info) => reported.push(info.message));
  const play2 = ch.play({ files: ['/a.wav'] });
  const play2Cmd = await side.command('play');
  side.ack(play2Cmd);
  side.event(0, { event: 'digitsDone', cmd: play2Cmd.id, reason: 'max', digits: '1' });
  await t.rejects(play2, { code: 'badMessage', message: /ended by digitsDone/ });
  t.match(await side.nextOfType('error'), { code: 'badMessage', message: /digitsDone on channel 0 names command \d+, which is another operation/ });
  t.equal(reported.length, 1);

  await roundTrip(t, driver, side);
  t.same(side.received, [], 'nothing else was sent');
});

t.test('events: ring, ringStop, dtmf and hangup reach the channel; a hangup ends running operations through the board', async (t) => {
  const { connected } = cardSetsUnderFakeTime(t);
  const { driver, side } = await connected();
  const ch = driver.channel(2);
  const seen: unknown[] = [];
  ch.on('ring', (info) => seen.push(['ring', info]));
  ch.on('ringStop', () => seen.push(['ringStop']));
  ch.on('dtmf', (info) => seen.push(['dtmf', info.digit]));
  ch.on('hangup', (info) => seen.push(['hangup', info.cause]));
  ch.on('state', (state) => seen.push(['state', state]));
  const setRings: unknown[] = [];
  driver.on('ring', (channel, info) => setRings.push([channel, info]));

  side.event(2, { event: 'ring', callerId: '13800138000', dnis: '4001' });
  side.event(2, { event: 'ringStop' });
  side.event(2, { event: 'ring', callerId: '13900139000' });
  await settle();
  t.same(setRings, [
    [ch, { callerId: '13800138000', dnis: '4001' }],
    [ch, { callerId: '13900139000' }],
  ]);
  t.equal(ch.state, 'ringing');

  const offhook = ch.offhook();
  side.ack(await side.command('offhook'));
  await offhook;
  const play = ch.play({ files: ['/p.wav'], bargeIn: true });
  const playCmd = await side.command('play');
  side.ack(playCmd);
  side.event(2, { event: 'dtmf', digit: '5' });
  side.event(2, { event: 'hangup', cause: 'disconnectTone' });
  await settle();
  t.equal(ch.state, 'offhook', 'still off hook until the host hangs up');
  side.event(2, { event: 'playDone', cmd: playCmd.id, reason: 'hangup', playedMs: 300 });
  t.same(await play, { reason: 'hangup', playedMs: 300 });
  t.same(seen, [
    ['state', 'ringing'],
    ['ring', { callerId: '13800138000', dnis: '4001' }],
    ['ringStop'],
    ['state', 'idle'],
    ['state', 'ringing'],
    ['ring', { callerId: '13900139000' }],
    ['state', 'offhook'],
    ['dtmf', '5'],
    ['hangup', 'disconnectTone'],
  ]);
  t.equal(driver.channel(0).listenerCount('dtmf'), 0);
});

t.test('frames the host cannot use: reported, answered with an error frame, and the link carries on', async (t) => {
  const { connected, crashes } = cardSetsUnderFakeTime(t);
  const { driver, side } = await connected();
  const reported: { code: string; message: string; frame?: string }[] = [];
  driver.on('protocolError', (info) => reported.push(info));
  const downs: unknown[] = [];
  driver.on('down', (info) => downs.push(info));

  side.writeRaw('this is not json\n');
  side.writeRaw('[1,2,3]\r\n');
  side.writeRaw('{"type":"teleport","to":"mars"}\n');
  side.writeRaw('{"type":"event","ch":0,"event":"dtmf","digit":"X"}\n');
  side.writeRaw(`{"type":"event","ch":0,"event":"ring","callerId":"${'9'.repeat(MAX_LINE_BYTES)}"}\n`);
  side.writeRaw('{"type":"event","ch":9,"event":"ringStop"}\n');
  const frames = await errorFrames(side, 6);
  t.same(
    frames.map((f) => f.code),
    ['badFrame', 'badFrame', 'badMessage', 'badMessage', 'badFrame', 'unknownChannel'],
  );
  t.match(frames[0], { message: /^not JSON/, frame: 'this is not json' });
  t.match(frames[1], { message: 'expected a JSON object', frame: '[1,2,3]' });
  t.match(frames[2], { message: /unknown frame type "teleport"/ });
  t.match(frames[3], { message: /^event: digit: expected one DTMF digit/ });
  t.match(frames[4], { message: /exceeds the 65536-byte limit/ });
  t.match(frames[5], { message: /channel 9/ });
  t.same(
    reported.map((r) => r.code),
    frames.map((f) => f.code),
    'each one is reported as protocolError',
  );

  side.send({ type: 'error', code: 'badMessage', message: 'your frame was odd', frame: '{"x"' });
  await settle();
  t.match(reported.at(-1), { code: 'badMessage', message: 'board: your frame was odd', frame: '{"x"' });
  // A listener that throws is not the link's problem either.
  driver.on('protocolError', () => {
    throw new Error('a bug in a listener');
  });
  side.writeRaw('}{\n');
  await side.nextOfType('error');

  await roundTrip(t, driver, side);
  t.ok(driver.isUp);
  t.same(downs, []);
  t.same(side.undecodable, [], 'the host only sends frames the board can decode');
  t.same(side.received, [], 'error frames are not answered with error frames');
  t.same(crashes, []);
});
