/**
 * The simulated site as a technician starts it from a shell: `ccbox sim switch --lines` with a
 * scripted caller to the IVR number, `ccbox sim cards --switch` on its analog ports, and the
 * appliance's card link driver (this process) seeing the call ring a channel and the caller's keys.
 */
import { once } from 'node:events';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import t from 'tap';
import { CardSetDriver, type CardChannel, type RingInfo } from '../../appliance/cards/index.js';
import { systemClock } from '../../appliance/runtime/clock.js';
import { silentLogger } from '../../appliance/runtime/logger.js';
import { ccbox, waitForOutput } from '../helpers/cli.js';

t.test('ccbox sim switch --lines and ccbox sim cards --switch make a site whose calls ring card channels', async (t) => {
  const dir = t.testdir();
  const scenario = join(dir, 'ivr-caller.json');
  writeFileSync(scenario, JSON.stringify({ callers: [{ at: 3000, from: '13800001111', to: '0301234502', actions: [{ waitForAnswer: 20000 }, { wait: 300 }, { digits: '7#' }, { wait: 300 }, { hangUp: true }] }] }));
  const sw = ccbox(['sim', 'switch', '--listen', 'tcp://127.0.0.1:0', '--lines', 'tcp://127.0.0.1:0', '--scenario', scenario, '--log-level', 'warn']);
  t.teardown(() => sw.child.kill('SIGTERM'));
  const [, linesUrl] = await waitForOutput(sw, /analog lines on (tcp:\/\/127\.0\.0\.1:\d+) \(ports 301, 302, 303, 304\)/);
  const cards = ccbox(['sim', 'cards', '--listen', 'tcp://127.0.0.1:0', '--switch', linesUrl as string, '--log-level', 'warn']);
  t.teardown(() => cards.child.kill('SIGTERM'));
  const [, cardsUrl] = await waitForOutput(cards, /listening on (tcp:\/\/127\.0\.0\.1:\d+)/);
  await waitForOutput(cards, /attached analog ports/);

  const driver = new CardSetDriver({ url: cardsUrl as string, clock: systemClock, logger: silentLogger() });
  t.teardown(() => driver.stop());
  const rang = once(driver, 'ring');
  await driver.start();
  t.match(driver.board, { model: 'ccbox-sim-4', channels: 4 });
  const [channel, info] = (await rang) as [CardChannel, RingInfo];
  t.match(info, { callerId: '13800001111', dnis: '0301234502' });
  await channel.offhook();
  const digits = await channel.getDigits({ max: 4, firstDigitMs: 5000, interDigitMs: 2000, terminators: '#' });
  t.same(digits, { reason: 'terminator', digits: '7' });
  const [hangup] = (await once(channel, 'hangup')) as [{ cause: string }];
  t.equal(hangup.cause, 'loopDrop', 'the caller hanging up reaches the channel');
  await channel.onhook();
});
