/** A queue's cardHandoff: only for queues that wait on a card channel, and only with the services the PBX offers. */
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
