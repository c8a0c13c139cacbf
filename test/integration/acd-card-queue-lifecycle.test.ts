/**
 * CardQueuePort's life on a long-lived link and engine: whatever start() attaches (its own
 * listeners and the single-step handover's), stop() takes off again.
 */
import type { EventEmitter } from 'node:events';
import t from 'tap';
import { CardQueuePort } from '../../appliance/acd/telephony/card-queue.js';
import { systemClock } from '../../appliance/runtime/clock.js';
import { silentLogger } from '../../appliance/runtime/logger.js';
import { startAcdPbxSite } from '../helpers/acd-pbx-site.js';

const listeners = (emitter: EventEmitter) => Object.fromEntries(emitter.eventNames().map((name) => [String(name), emitter.listenerCount(name)]));

t.test('stop takes off every listener start put on the link and the engine, however often it runs', async (t) => {
  const site = await startAcdPbxSite(t, {
    agents: [{ id: 'A1', device: '201' }],
    queue: { waitAt: 'card' },
    adapter: () => ({ start: () => undefined, stop: () => undefined }),
  });
  const before = { link: listeners(site.link), engine: listeners(site.engine) };
  const port = new CardQueuePort({ engine: site.engine, link: site.link, ports: ['301', '302'], clock: systemClock, logger: silentLogger() });
  for (let round = 0; round < 3; round++) {
    port.start();
    await site.advance(200);
    port.stop();
  }
  t.same({ link: listeners(site.link), engine: listeners(site.engine) }, before, 'the link and the engine have the listeners they had before');
});
