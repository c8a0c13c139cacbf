/**
 * The scripted callers of the site bench, on the switch simulator: they arrive at random (Poisson)
 * on the IVR's DID, press the queue key once the IVR answers, wait with an exponential patience and
 * hang up when it runs out before an agent has them, and press a score when the survey answers.
 * What happened to each caller is read from the switch's own events, never from the appliance.
 */
import type { Clock, TimerHandle } from '../../appliance/runtime/clock.js';
import type { DeviceEvent, SimulatedSwitch } from '../../simulators/switch/index.js';
import { type CallerBehaviour, type CallerFate, type CallerPhase, type CallerRecord, IVR_DID, QUEUE_KEY } from './protocol.js';

interface Caller {
  readonly number: string;
  readonly callID: string;
  phase: CallerPhase;
  fate: CallerFate;
  queueKeyAt?: number;
  endedAt?: number;
  hungUpByCaller: boolean;
  patience?: TimerHandle;
}

export interface ScriptedCallersOptions {
  sw: SimulatedSwitch;
  clock: Clock;
  random: () => number;
  behaviour: CallerBehaviour;
  /** The analog ports of the card channels: the IVR answering there. */
  ports: ReadonlySet<string>;
  /** The agents' extensions: a caller transferred there is with an agent. */
  agentDevices: ReadonlySet<string>;
}

export class ScriptedCallers {
  readonly #options: ScriptedCallersOptions;
  readonly #all: Caller[] = [];
  readonly #live = new Map<string, Caller>();
  readonly #timers = new Set<TimerHandle>();
  #arrivals: TimerHandle | undefined;
  #next = 0;
  /** Caller actions the switch refused. */
  refused = 0;

  constructor(options: ScriptedCallersOptions) {
    this.#options = options;
    options.sw.on('deviceEvent', this.#onDeviceEvent);
    options.sw.on('callEnded', this.#onCallEnded);
  }

  get live(): number {
    return this.#live.size;
  }

  /** Places calls at `perScaledSecond` on average until stopArrivals(). */
  startArrivals(perScaledSecond: number): void {
    const schedule = () => {
      const gapMs = (-Math.log(1 - this.#options.random()) / perScaledSecond) * 1000;
      this.#arrivals = this.#options.clock.setTimeout(() => {
        this.#place();
        schedule();
      }, gapMs);
    };
    schedule();
  }

  stopArrivals(): void {
    this.#options.clock.clearTimeout(this.#arrivals);
    this.#arrivals = undefined;
  }

  records(): CallerRecord[] {
    const now = this.#options.clock.now();
    return this.#all.map((caller) => ({
      number: caller.number,
      fate: caller.fate,
      phase: caller.phase,
      ...(caller.queueKeyAt === undefined ? {} : { sinceQueueKeyMs: (caller.endedAt ?? now) - caller.queueKeyAt }),
    }));
  }

  close(): void {
    this.stopArrivals();
    for (const timer of this.#timers) this.#options.clock.clearTimeout(timer);
    this.#timers.clear();
    this.#options.sw.off('deviceEvent', this.#onDeviceEvent);
    this.#options.sw.off('callEnded', this.#onCallEnded);
  }

  #place(): void {
    const number = String(13_800_000_000 + this.#next++);
    try {
      const callID = this.#options.sw.placeInboundCall({ from: number, to: IVR_DID });
      const caller: Caller = { number, callID, phase: 'toPort', fate: 'live', hungUpByCaller: false };
      this.#all.push(caller);
      this.#live.set(callID, caller);
    } catch {
      this.refused++;
    }
  }

  // Switch events arrive inside the model's own step: act on them from a timer, never re-entering it.
  readonly #onDeviceEvent = (device: string, event: DeviceEvent): void => {
    if (event.type === 'EstablishedEvent' && device === event.answeringDevice && this.#options.ports.has(device)) {
      const caller = this.#live.get(event.establishedConnection.callID);
      if (caller?.phase === 'toPort') {
        caller.phase = 'ivr';
        this.#after(this.#options.behaviour.menuDelayMs, () => this.#pressQueueKey(caller));
      } else if (caller?.phase === 'agent') {
        caller.phase = 'survey';
        this.#after(this.#options.behaviour.surveyDelayMs, () => this.#press(caller, String(1 + Math.floor(this.#options.random() * 5))));
      }
    } else if (event.type === 'TransferredEvent' && device === event.transferredToDevice && this.#options.agentDevices.has(device)) {
      const caller = this.#live.get(event.primaryOldCall.callID);
      if (caller?.phase !== 'queued') return;
      caller.phase = 'agent';
      this.#cancel(caller.patience);
    }
  };

  readonly #onCallEnded = ({ callID }: { callID: string }): void => {
    const caller = this.#live.get(callID);
    if (!caller) return;
    this.#live.delete(callID);
    this.#cancel(caller.patience);
    caller.endedAt = this.#options.clock.now();
    if (caller.phase === 'agent' || caller.phase === 'survey') caller.fate = 'answered';
    else caller.fate = caller.hungUpByCaller ? 'abandoned' : 'endedBySite';
  };

  #pressQueueKey(caller: Caller): void {
    if (!this.#press(caller, QUEUE_KEY)) return;
    caller.phase = 'queued';
    caller.queueKeyAt = this.#options.clock.now();
    const patienceMs = -Math.log(1 - this.#options.random()) * this.#options.behaviour.patienceMeanMs;
    caller.patience = this.#after(patienceMs, () => this.#abandon(caller));
  }

  #abandon(caller: Caller): void {
    caller.patience = undefined;
    if (caller.phase !== 'queued' || !this.#live.has(caller.callID)) return;
    caller.hungUpByCaller = true;
    try {
      this.#options.sw.hangUpExternal(caller.callID);
    } catch {
      caller.hungUpByCaller = false;
      this.refused++;
    }
  }

  #press(caller: Caller, digits: string): boolean {
    if (!this.#live.has(caller.callID)) return false;
    try {
      this.#options.sw.sendExternalDigits(caller.callID, digits);
      return true;
    } catch {
      this.refused++;
      return false;
    }
  }

  #after(ms: number, action: () => void): TimerHandle {
    const handle = this.#options.clock.setTimeout(() => {
      this.#timers.delete(handle);
      action();
    }, ms);
    this.#timers.add(handle);
    return handle;
  }

  #cancel(handle: TimerHandle | undefined): void {
    if (handle === undefined) return;
    this.#options.clock.clearTimeout(handle);
    this.#timers.delete(handle);
  }
}
