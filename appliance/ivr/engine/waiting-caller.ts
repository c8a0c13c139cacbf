/** The IVR call as the ACD sees it while the caller waits on the port: prompts, keys, hang-up. */
import type { WaitingCaller, WaitingPrompt } from '../ports.js';
import type { IvrCall } from './call.js';

export function waitingCallerOf(call: IvrCall): WaitingCaller {
  return {
    callId: call.callId,
    channel: call.channel.index,
    flow: call.flow.id,
    node: call.node,
    get hungUp() {
      return call.hungUp;
    },
    async play(items: readonly WaitingPrompt[]) {
      if (call.hungUp) return { hungUp: true, played: false };
      const refs: string[] = [];
      for (const item of items) {
        if (typeof item === 'string') refs.push(item);
        else {
          try {
            refs.push(...call.ctx.say.fragments(item.say, item.value, call.language));
          } catch (error) {
            call.log.warn({ err: error, value: item.value }, 'a queue announcement value cannot be spoken');
          }
        }
      }
      try {
        const result = await call.play(refs, true);
        if (result === undefined) return { hungUp: false, played: false };
        if (result.reason !== 'dtmf') return { hungUp: false, played: true };
        const digits = await call.getDigits({ max: 1, firstDigitMs: 200, interDigitMs: 200 });
        return digits.digits === '' ? { hungUp: false, played: true } : { key: digits.digits, hungUp: false, played: true };
      } catch (error) {
        if (call.hungUp) return { hungUp: true, played: false };
        throw error;
      }
    },
    async interrupt() {
      if (!call.hungUp) await call.channel.stop().catch(() => undefined);
    },
    async flashBack() {
      if (!call.hungUp) await call.channel.flash();
    },
  };
}
