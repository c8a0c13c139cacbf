/** An AcdEngine on sinon fake time, with every event it emits kept in order for assertions. */
import sinon from 'sinon';
import { type AcdConfigInput, AcdEngine, type AcdEngineEvents, acdConfigSchema } from '../../appliance/acd/index.js';
import { seededRandom } from '../../appliance/media/signals.js';
import { systemClock } from '../../appliance/runtime/clock.js';

export type Logged = { [K in keyof AcdEngineEvents]: { type: K; payload: AcdEngineEvents[K][0] } }[keyof AcdEngineEvents];

export { seededRandom };

export const DATA = { language: 'zh' as const, vip: false, keys: [], path: [], variables: {} };

export function acdUnderTest(t: { teardown(fn: () => void): void }, config: AcdConfigInput, seed = 1) {
  const clock = sinon.useFakeTimers({ now: Date.UTC(2026, 11, 2, 9, 0, 0), toFake: ['Date', 'setTimeout', 'clearTimeout', 'setInterval', 'clearInterval'] });
  t.teardown(() => clock.restore());
  const engine = new AcdEngine({ config: acdConfigSchema.parse(config), clock: systemClock, random: seededRandom(seed) });
  const log: Logged[] = [];
  const types: (keyof AcdEngineEvents)[] = ['agentState', 'joined', 'offer', 'retract', 'connected', 'left', 'ended', 'callbackResult', 'announce', 'periodic'];
  for (const type of types) engine.on(type, ((payload: never) => log.push({ type, payload } as Logged)) as never);
  const of = <K extends keyof AcdEngineEvents>(type: K) => log.filter((e) => e.type === type).map((e) => e.payload as AcdEngineEvents[K][0]);
  return {
    engine,
    clock,
    log,
    of,
    /** Agents offered each call so far, in order: "call→agent". */
    offers: () => of('offer').map((o) => `${o.callId}→${o.agentId}`),
    clear: () => log.splice(0),
    /** Logs agents in, ready, each at the device `d<id>`. */
    loginReady: (...ids: string[]) => ids.forEach((id) => engine.login(id, `d${id}`, { ready: true })),
  };
}
