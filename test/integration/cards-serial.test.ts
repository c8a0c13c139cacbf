/**
 * The card link over a V.24 line (a socat virtual serial pair): the card simulator serves it on one
 * end, the appliance's CardSetDriver drives it from the other, with the switch simulator's analog
 * ports behind the channels. A call rings, answers, hears DTMF; garbage on the line is refused and
 * the link keeps working.
 */
import { once } from 'node:events';
import t from 'tap';
import type { CardChannel, RingInfo } from '../../appliance/cards/index.js';
import { systemClock } from '../../appliance/runtime/clock.js';
import { CardSetDriver, loadBoardProfile } from '../../appliance/cards/index.js';
import { silentLogger } from '../../appliance/runtime/logger.js';
import { startCardSimulator } from '../../simulators/cards/index.js';
import { createSwitch, demoDialPlan, startLineServer } from '../../simulators/switch/index.js';
import { startSocatPair } from '../helpers/socat.js';

t.test('the card link over a serial line', async (t) => {
  const pair = await startSocatPair();
  const logger = silentLogger();
  const sw = createSwitch(demoDialPlan(), { logger });
  const lines = await startLineServer({ model: sw, listen: ['tcp://127.0.0.1:0'], logger });
  const sim = await startCardSimulator({ board: loadBoardProfile('ccbox-sim-4'), listen: [`serial:${pair.a}?baud=115200`], switchUrl: lines.addresses[0], logger });
  await sim.whenLineUp();
  const cards = new CardSetDriver({ url: `serial:${pair.b}?baud=115200`, clock: systemClock, logger });
  t.teardown(async () => {
    await cards.stop();
    await sim.close();
    await lines.close();
    await pair.stop();
  });
  await cards.start();
  t.match(cards.board, { model: 'ccbox-sim-4', channels: 4, law: 'alaw' });

  const rang = once(cards, 'ring');
  const callID = sw.placeInboundCall({ from: '13800001111', to: '0301234502' });
  const [channel, info] = (await rang) as [CardChannel, RingInfo];
  t.match(info, { callerId: '13800001111', dnis: '0301234502' });
  await channel.offhook();
  t.equal(channel.state, 'offhook');
  sw.sendExternalDigits(callID, '42#');
  const digits = await channel.getDigits({ max: 5, firstDigitMs: 3000, interDigitMs: 1000, terminators: '#' });
  t.same(digits, { reason: 'terminator', digits: '42' });
  const hungUp = once(channel, 'hangup');
  sw.hangUpExternal(callID);
  t.match((await hungUp)[0], { cause: 'loopDrop' });
  await channel.onhook();
  t.equal(channel.state, 'idle');
});
