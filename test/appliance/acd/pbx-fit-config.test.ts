/** What the ACD configuration asks of the PBX, against the services its profile lacks: a queue's cardHandoff (only for card queues), the waiting modes, mirroring agent states. */
import t from 'tap';
import { acdConfigSchema, unsupportedOnPbx } from '../../../appliance/acd/config.js';

const queue = (extra: Record<string, unknown>) => ({ name: 'service', ...extra });

t.test('cardHandoff is checked against the PBX profile’s unsupported services when the ACD starts', async (t) => {
  const config = acdConfigSchema.parse({ queues: [queue({ cardHandoff: 'singleStep' }), queue({ name: 'sales', cardHandoff: 'consultation' }), queue({ name: 'other' })] });
  t.same(unsupportedOnPbx(config, { unsupportedServices: [] }), [], 'a switch with every service takes both ways');
  t.same(
    unsupportedOnPbx(config, { unsupportedServices: ['DeflectCall', 'TransferCall'] }),
    [
      "acd.queues.0.cardHandoff: singleStep needs DeflectCall, which the PBX profile's unsupportedServices lists; choose consultation",
      "acd.queues.1.cardHandoff: consultation needs TransferCall, which the PBX profile's unsupportedServices lists; choose singleStep",
    ],
    'each queue whose own way the switch cannot do is named (a queue without one takes the profile’s, which the profile schema checks)',
  );
  t.same(unsupportedOnPbx(config), [], 'without a PBX profile nothing is known to be missing');
});

t.test('cardHandoff on a queue that does not wait on a card channel is refused', async (t) => {
  const result = acdConfigSchema.safeParse({ queues: [queue({ waitAt: 'routingPoint', pbxDevice: '700', cardHandoff: 'singleStep' })] });
  t.notOk(result.success);
  t.match(result.error?.issues, [{ path: ['queues', 0, 'cardHandoff'], message: 'cardHandoff is for queues that wait on a card channel, not waitAt routingPoint' }]);
  t.equal(acdConfigSchema.safeParse({ queues: [queue({ cardHandoff: 'blind' })] }).success, false, 'only singleStep or consultation');
});

t.test('waiting at the PBX and mirroring agent states need the services that do it', async (t) => {
  const config = acdConfigSchema.parse({
    mirrorStatesToPbx: true,
    queues: [queue({ waitAt: 'pbxGroup', pbxDevice: '600' }), queue({ name: 'sales', waitAt: 'routingPoint', pbxDevice: '700' }), queue({ name: 'card' })],
  });
  t.same(unsupportedOnPbx(config, { unsupportedServices: ['SetAgentState', 'RouteSelect'] }), [
    "acd.queues.0.waitAt: pbxGroup needs SetAgentState, which the PBX profile's unsupportedServices lists",
    "acd.queues.1.waitAt: routingPoint needs RouteSelect, which the PBX profile's unsupportedServices lists",
    "acd.mirrorStatesToPbx: mirroring agent states needs SetAgentState, which the PBX profile's unsupportedServices lists",
  ]);
  t.same(unsupportedOnPbx(config, { unsupportedServices: ['MakeCall'] }), [], 'a service the ACD does not need changes nothing');
});
