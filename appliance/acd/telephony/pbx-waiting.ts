/**
 * What the two ways of waiting on the PBX itself share (a PBX ACD group: pbx-group.ts, a CSTA
 * routing point: routing-point.ts): the queues that wait at a PBX device, a call the switch reports
 * joining its queue, and the waiting calls let go
 * when the link drops.
 */
import { normalizeDeviceId } from '../../csta/device-id.js';
import type { Logger } from '../../runtime/logger.js';
import type { QueueConfig } from '../config.js';
import type { AcdEngine } from '../engine.js';

export type PbxWaitAt = Exclude<QueueConfig['waitAt'], 'card'>;

/** The PBX devices the queues waiting there name, each once. */
export function pbxDevicesOf(engine: AcdEngine, waitAt: PbxWaitAt): string[] {
  return [...new Set(engine.config.queues.flatMap((q) => (q.waitAt === waitAt && q.pbxDevice !== undefined ? [q.pbxDevice] : [])))];
}

/** The queue whose calls wait at that PBX device. */
export function queueWaitingAt(engine: AcdEngine, waitAt: PbxWaitAt, device: string): string | undefined {
  return engine.config.queues.find((q) => q.waitAt === waitAt && q.pbxDevice === device)?.name;
}

/** A call the switch holds joins the ACD queue under its CSTA call ID; throws if the ACD refuses it. */
export function enqueueFromPbx(engine: AcdEngine, callId: string, queue: string, callingDevice: string | undefined): void {
  const callerId = callingDevice ? normalizeDeviceId(callingDevice) : undefined;
  engine.enqueue(callId, queue, { ...(callerId ? { callerId } : {}), language: 'zh', vip: false, keys: [], path: [], variables: {} });
}

/** The link dropped: the adapter forgets its waiting calls and the ACD lets them go (abandoned). */
export function abandonOnLinkLoss(calls: Map<string, unknown>, engine: AcdEngine, logger: Logger, why: string): void {
  const lost = [...calls.keys()];
  calls.clear();
  if (lost.length > 0) logger.warn({ calls: lost }, why);
  for (const callId of lost) engine.abandon(callId);
}
