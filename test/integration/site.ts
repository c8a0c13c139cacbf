/**
 * A simulated site for integration tests: the PBX simulator (real model, real CSTA server) and the
 * appliance's CstaLink connected to it over loopback TCP or a socat virtual serial pair, with every
 * event the link receives recorded as (monitored device, event type, cause).
 */
import sinon from 'sinon';
import type { Test } from 'tap';
import { CstaLink } from '../../appliance/csta/link.js';
import { CALL_EVENT_NAMES, DEVICE_EVENT_NAMES, type MonitorEvent } from '../../appliance/csta/messages.js';
import { loadPbxProfile } from '../../appliance/csta/profile.js';
import { systemClock } from '../../appliance/runtime/clock.js';
import { silentLogger } from '../../appliance/runtime/logger.js';
import { createSwitch, demoDialPlan, startSwitchServer } from '../../simulators/switch/index.js';
import { realDelay } from '../helpers/real-time.js';
import { startSocatPair } from '../helpers/socat.js';

export type Transport = 'tcp' | 'serial';

export interface SeenEvent {
  device: string | undefined;
  event: MonitorEvent;
}


export async function startSite(t: Test, transport: Transport) {
  const profile = loadPbxProfile('generic-ed4');
  const model = createSwitch(demoDialPlan(), { clock: systemClock, logger: silentLogger() });
  let listen: string;
  let connect: string;
  let stopSocat: (() => Promise<void>) | undefined;
  if (transport === 'tcp') {
    listen = 'tcp://127.0.0.1:0';
    connect = '';
  } else {
    const pair = await startSocatPair();
    stopSocat = pair.stop;
    listen = `serial:${pair.a}?baud=115200`;
    connect = `serial:${pair.b}?baud=115200`;
  }
  // Fake time only once the socat pair is up: its start-up waits on real timers.
  const clock = sinon.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'setInterval', 'clearInterval', 'Date'] });
  const server = await startSwitchServer({ model, listen: [listen], profile, clock: systemClock, logger: silentLogger() });
  if (transport === 'tcp') connect = server.addresses[0] as string;
  const link = new CstaLink({ url: connect, profile, credentials: { applicationId: 'ccbox-it' }, clock: systemClock, logger: silentLogger() });
  const seen: SeenEvent[] = [];
  for (const name of [...CALL_EVENT_NAMES, ...DEVICE_EVENT_NAMES]) {
    link.on(name, ((event: MonitorEvent, device: string | undefined) => seen.push({ device, event })) as never);
  }
  // One teardown, in this order: real time first, so stopping the session cannot wait on a fake timer.
  t.teardown(async () => {
    clock.restore();
    await link.stop();
    await server.close();
    await stopSocat?.();
  });
  await link.start();

  /** Waits (in real time; fake time does not move) until `predicate` holds for what was seen. */
  const until = async (what: string, predicate: () => boolean, ms = 3000) => {
    const deadline = Date.now() + ms;
    for (let i = 0; !predicate(); i++) {
      if (i * 5 > ms) throw new Error(`timed out waiting for ${what}; seen: ${describe(seen).join(', ')}`);
      await realDelay(5);
    }
    void deadline;
  };
  /** Waits for an event of `type` at `device` and returns it. */
  const waitFor = async <T extends MonitorEvent['type']>(device: string, type: T, from = 0) => {
    await until(`${type} at ${device}`, () => seen.slice(from).some((s) => s.device === device && s.event.type === type));
    return seen.slice(from).find((s) => s.device === device && s.event.type === type)?.event as Extract<MonitorEvent, { type: T }>;
  };
  /** The (type, cause) sequence seen at `device` since `from`. */
  const at = (device: string, from = 0) => seen.slice(from).filter((s) => s.device === device).map((s) => `${s.event.type}${'cause' in s.event && s.event.cause ? `(${s.event.cause})` : ''}`);
  return { clock, model, server, link, seen, until, waitFor, at, mark: () => seen.length };
}

export function describe(seen: SeenEvent[]): string[] {
  return seen.map((s) => `${s.device}:${s.event.type}${'cause' in s.event && s.event.cause ? `(${s.event.cause})` : ''}`);
}
