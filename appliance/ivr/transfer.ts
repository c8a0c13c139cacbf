/** How the IVR moves a caller on: SingleStepTransfer over the CSTA link, or hook-flash on the card. */
import type { CardSet } from '../cards/api.js';
import type { PbxLink } from '../csta/pbx-link.js';
import type { TransferPort } from './ports.js';

/** The PBX moves the call: the card channel's analog port is found by SnapshotDevice, then SingleStepTransfer. */
export class CstaTransfer implements TransferPort {
  constructor(private readonly options: { link: PbxLink; ports: readonly string[] }) {}

  async transfer(channel: number, target: string) {
    const port = this.options.ports[channel];
    if (!port) return { ok: false as const, reason: `channel ${channel} has no PBX port configured (cards.ports)` };
    try {
      const snapshot = await this.options.link.snapshotDevice(port);
      const callID = snapshot.crossRefIDorSnapshotData?.snapshotData?.[0]?.connectionIdentifier?.callID;
      if (!callID) return { ok: false as const, reason: `no call at port ${port}` };
      await this.options.link.singleStepTransfer({ callID, deviceID: port }, target);
      return { ok: true as const, method: 'csta' };
    } catch (error) {
      return { ok: false as const, reason: (error as Error).message };
    }
  }
}

/** The analog way, on any PBX: flash, dial the target, hang up (a blind transfer). */
export class FlashTransfer implements TransferPort {
  constructor(private readonly options: { cards: CardSet }) {}

  async transfer(channel: number, target: string) {
    const line = this.options.cards.channel(channel);
    try {
      await line.flash();
      const dialled = await line.dial(target);
      if (dialled.reason !== 'done') return { ok: false as const, reason: `dialling ${target} ended: ${dialled.reason}` };
      await line.onhook();
      return { ok: true as const, method: 'flash' };
    } catch (error) {
      return { ok: false as const, reason: (error as Error).message };
    }
  }
}
