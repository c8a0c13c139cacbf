/**
 * The card simulator under sinon fake timers, with a scripted switch on its line link and a test
 * host on its card link, and one teardown: hosts, then real time back, then the simulator and switch.
 */
import sinon from 'sinon';
import type { Test } from 'tap';
import { type BoardProfile, loadBoardProfile } from '../../../appliance/cards/board-profile.js';
import { systemClock } from '../../../appliance/runtime/clock.js';
import { silentLogger } from '../../../appliance/runtime/logger.js';
import { type CardSimulator, startCardSimulator } from '../../../simulators/cards/index.js';
import type { SwitchToLine } from '../../../simulators/switch/lines/protocol.js';
import { FakeSwitch } from './fake-switch.js';
import { TestHost } from './host-client.js';

export interface HarnessOptions {
  /** Changes to the ccbox-sim-4 profile. */
  board?: Partial<BoardProfile>;
  /** Start without a switch (no lines). */
  noSwitch?: boolean;
}

export async function cardsUnderFakeTime(t: Test, options: HarnessOptions = {}) {
  const clock = sinon.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'setInterval', 'clearInterval', 'Date'] });
  const hosts: TestHost[] = [];
  const crashes: unknown[] = [];
  const onCrash = (reason: unknown) => crashes.push(reason);
  process.on('unhandledRejection', onCrash);
  process.on('uncaughtException', onCrash);
  const board: BoardProfile = { ...loadBoardProfile('ccbox-sim-4'), ...options.board };
  const fakeSwitch = options.noSwitch ? undefined : await FakeSwitch.start();
  const sim: CardSimulator = await startCardSimulator({ board, listen: ['tcp://127.0.0.1:0'], switchUrl: fakeSwitch?.url, clock: systemClock, logger: silentLogger() });
  t.teardown(async () => {
    for (const host of hosts) await host.close();
    clock.restore();
    await sim.close();
    await fakeSwitch?.close();
    process.off('unhandledRejection', onCrash);
    process.off('uncaughtException', onCrash);
  });
  if (fakeSwitch) await sim.whenLineUp();
  const host = async (hello = true) => {
    const made = await TestHost.connect(sim.addresses[0] as string);
    hosts.push(made);
    if (hello) await made.hello();
    return made;
  };
  return { clock, sim, board, fakeSwitch: fakeSwitch as FakeSwitch, host, crashes };
}

/** Rings channel `ch` (port PORTS[ch]) from the scripted switch, answers it from `host`, and connects the far end with `media`. */
export async function answeredCall(
  sim: CardSimulator,
  fakeSwitch: FakeSwitch,
  host: TestHost,
  ch: number,
  media: { audio?: string; faxToSend?: string; faxInbox?: string } = {},
  callID = `call-${ch}`,
): Promise<void> {
  const port = fakeSwitch.ports[ch] as string;
  const connected = lineMessage(sim, 'connected', port);
  fakeSwitch.send({ t: 'ring', port, callID, callerId: '13800138000', dnis: '0301234502' });
  await host.event(ch, 'ring');
  const answer = await host.request(ch, 'offhook');
  if (answer.type !== 'ack') throw new Error(`offhook refused: ${JSON.stringify(answer)}`);
  await fakeSwitch.next('offhook', port);
  fakeSwitch.send({ t: 'connected', port, callID, remote: '13800138000', media });
  await connected;
}

/** Resolves once the simulator has taken in the switch's message `t` about `port`. */
export function lineMessage<T extends SwitchToLine['t']>(sim: CardSimulator, t: T, port?: string): Promise<Extract<SwitchToLine, { t: T }>> {
  return new Promise((resolve) => {
    const listener = (message: SwitchToLine) => {
      if (message.t !== t || (port !== undefined && 'port' in message && message.port !== port)) return;
      sim.off('lineMessage', listener);
      resolve(message as Extract<SwitchToLine, { t: T }>);
    };
    sim.on('lineMessage', listener);
  });
}
