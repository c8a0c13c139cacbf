/**
 * The state every part of the call model shares: the calls and their connections, the clock, and
 * the reporting of events to every device a call involves. Work that follows from a change (agents
 * freed, queues to distribute, transfers to complete) is queued and done by settle() at the end of
 * each request, script step or timer, so events come out in the order a real switch sends them.
 */
import type { EventEmitter } from 'node:events';
import type { Clock, TimerHandle } from '../../../appliance/runtime/clock.js';
import type { Logger } from '../../../appliance/runtime/logger.js';
import { type DeviceEvent, SwitchError, type SwitchModelEvents } from './api.js';
import type { Directory } from './directory.js';

export type ConnectionState = 'null' | 'initiated' | 'alerting' | 'connected' | 'hold' | 'queued' | 'fail';

export interface Connection {
  /** The device in the ConnectionID and the one whose monitors hear about it: the trunk for an external party. */
  device: string;
  /** How the party appears in callingDevice and the like: the number outside for an external party. */
  shown: string;
  external: boolean;
  state: ConnectionState;
  /** The cause it was delivered with, repeated in its Established. */
  cause: string;
  /** Only these devices hear the party (none: a silent monitor; the coached agent: a whisper); absent, everyone connected does. */
  heardOnlyBy?: readonly string[];
}

export interface Call {
  readonly id: string;
  /** In the order the parties joined; the caller first. */
  connections: Connection[];
  callingDevice: string;
  calledDevice: string;
  /** The DID an inbound call dialled. */
  networkCalledDevice?: string;
  lastRedirectionDevice?: string;
  /** The ACD group that distributed it (callCharacteristics.acdCall). */
  acdGroup?: string;
  /** Someone besides the caller has answered. */
  answered: boolean;
}

export interface Located {
  call: Call;
  connection: Connection;
}

type CallHook = (call: Call) => void;

export class Core {
  readonly calls = new Map<string, Call>();
  /** Stations whose calls changed: their agent state and their groups are looked at in settle(). */
  readonly touchedStations = new Set<string>();
  /** Groups whose queues may be distributable now. */
  readonly dirtyGroups = new Set<string>();
  /** Analog ports whose line has the loop closed: busy for new calls even with no call (dial tone, after a disconnect). */
  readonly offHook = new Set<string>();
  readonly #callEndHooks: CallHook[] = [];
  readonly #mergeHooks: ((from: Call, into: Call) => void)[] = [];
  readonly #settlers: (() => boolean)[] = [];
  #lastCall = 0;
  #depth = 0;

  constructor(
    readonly directory: Directory,
    readonly clock: Clock,
    readonly log: Logger,
    readonly emitter: EventEmitter<SwitchModelEvents>,
  ) {}

  newCallId(): string {
    this.#lastCall++;
    if (this.directory.plan.callIdFormat === 'counter') return String(this.#lastCall);
    // 32 hex digits as real switches write them; the counter at the end, where short displays look.
    return `FF0001${'0'.repeat(14)}${this.#lastCall.toString(16).toUpperCase().padStart(12, '0')}`;
  }

  newCall(fields: Omit<Call, 'id' | 'connections' | 'answered'>, first: Connection): Call {
    const call: Call = { id: this.newCallId(), connections: [first], answered: false, ...fields };
    this.calls.set(call.id, call);
    return call;
  }

  /** Runs a piece of work that changes calls, then settles what followed from it. */
  run<T>(work: () => T): T {
    this.#depth++;
    try {
      return work();
    } finally {
      this.#depth--;
      if (this.#depth === 0) this.#settle();
    }
  }

  /** A timer whose callback runs as work of its own. */
  after(ms: number, fn: () => void): TimerHandle {
    return this.clock.setTimeout(() => {
      try {
        this.run(fn);
      } catch (error) {
        this.log.warn({ err: (error as Error).message }, 'timed switch action failed');
      }
    }, ms);
  }

  onCallEnded(hook: CallHook): void {
    this.#callEndHooks.push(hook);
  }

  /** `from` is being merged into `into` (transfer, conference): whatever pointed at `from` moves. */
  onCallMerged(hook: (from: Call, into: Call) => void): void {
    this.#mergeHooks.push(hook);
  }

  /** A step of settling: returns true when it did something (then every step runs again). */
  addSettler(step: () => boolean): void {
    this.#settlers.push(step);
  }

  #settle(): void {
    this.#depth++;
    try {
      for (let round = 0; round < 1000; round++) {
        let busy = false;
        for (const step of this.#settlers) busy = step() || busy;
        if (!busy) return;
      }
      this.log.error('switch model did not settle after 1000 rounds');
    } finally {
      this.#depth--;
    }
  }

  emit(device: string, event: DeviceEvent): void {
    this.emitter.emit('deviceEvent', device, event);
  }

  /** The devices with a connection in the call, in joining order: whose monitors hear its events. */
  devicesOf(call: Call): string[] {
    return [...new Set(call.connections.map((c) => c.device))];
  }

  localState(call: Call, device: string): ConnectionState {
    return call.connections.find((c) => c.device === device)?.state ?? 'null';
  }

  /** Emits `build(localConnectionInfo)` at each of `devices` (default: the call's devices now). */
  report(call: Call, build: (local: ConnectionState) => DeviceEvent, devices: readonly string[] = this.devicesOf(call)): void {
    for (const device of devices) this.emit(device, build(this.localState(call, device)));
  }

  connectionsAt(device: string): Located[] {
    const found: Located[] = [];
    for (const call of this.calls.values()) {
      for (const connection of call.connections) if (connection.device === device) found.push({ call, connection });
    }
    return found;
  }

  /** A station that has a call ringing, being dialled or in conversation (held calls do not count). */
  isBusy(device: string): boolean {
    return this.connectionsAt(device).some(({ connection: c }) => c.state === 'alerting' || c.state === 'connected' || c.state === 'initiated');
  }

  /** No call at all and on hook: a group may deliver to it. */
  isIdle(device: string): boolean {
    return !this.offHook.has(device) && this.connectionsAt(device).length === 0;
  }

  call(callID: string): Call {
    const call = this.calls.get(callID);
    if (!call) throw new SwitchError('operation', 'invalidCallID', `no call ${callID}`);
    return call;
  }

  /** Removes a connection (no events); the station is looked at again in settle(). */
  removeConnection(call: Call, connection: Connection): void {
    call.connections = call.connections.filter((c) => c !== connection);
    connection.state = 'null';
    this.touch(connection.device);
  }

  touch(device: string): void {
    if (this.directory.station(device)) this.touchedStations.add(device);
  }

  /** Whether the call still joins two parties (a queue or routing point counts as one while it holds the call). */
  isAlive(call: Call): boolean {
    return call.connections.length >= 2;
  }

  /** Ends the call: CallCleared at `devices` (default: the call's devices now), then forgets it. */
  endCall(call: Call, cause: string, devices: readonly string[] = this.devicesOf(call)): void {
    if (!this.calls.has(call.id)) return;
    this.calls.delete(call.id);
    for (const connection of call.connections) this.touch(connection.device);
    call.connections = [];
    for (const device of devices) this.emit(device, { type: 'CallClearedEvent', clearedCall: { callID: call.id }, cause });
    for (const hook of this.#callEndHooks) hook(call);
    this.emitter.emit('callEnded', { callID: call.id, cause });
  }

  /** `from` joins `into` (transfer, conference): whatever pointed at `from` now points at `into`. */
  mergeCall(from: Call, into: Call): void {
    for (const hook of this.#mergeHooks) hook(from, into);
  }

  /** Forgets a call merged into another, once its merge is reported: no events of its own. */
  forgetMergedCall(call: Call, cause: string): void {
    this.calls.delete(call.id);
    this.emitter.emit('callEnded', { callID: call.id, cause });
  }
}
