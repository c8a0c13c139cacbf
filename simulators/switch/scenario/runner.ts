/**
 * Runs a scenario against the simulated switch through its scripting API: places the callers' calls
 * on time and plays their scripts, and makes the scenario's phones answer, hang up and transfer when
 * their device reports Delivered / Established. Counts what happened to every call.
 */
import type { EventEmitter } from 'node:events';
import type { Clock, TimerHandle } from '../../../appliance/runtime/clock.js';
import type { Logger } from '../../../appliance/runtime/logger.js';
import type { CallMediaBook } from '../lines/media-book.js';
import type { DeviceEvent, SwitchModelEvents, SwitchScripting } from '../model/api.js';
import { callerMedia } from './fax-machine.js';
import { PhoneBank } from './phones.js';
import type { CallerAction, CallerSpec, Scenario } from './schema.js';

/** What the runner needs: the scripting API and the model's events (the object createSwitch returns). */
export type ScriptableSwitch = SwitchScripting & EventEmitter<SwitchModelEvents>;

export interface ScenarioStats {
  /** Calls the switch accepted from the callers. */
  placed: number;
  /** Calls someone answered (Established for the call). */
  answered: number;
  /** Calls the caller hung up before anyone answered. */
  abandoned: number;
  /** Answered calls that have ended. */
  completed: number;
  /** Calls the switch cleared before anyone answered (busy, overflow, no route). */
  unanswered: number;
  /** Calls the switch refused to place. */
  failed: number;
  /** Calls still going. */
  active: number;
  /** Actions the switch refused (DTMF with nobody on the line, a phone with no call to answer, ...). */
  refusedActions: number;
  phoneAnswers: number;
  phoneHangUps: number;
  transfers: number;
}

export interface ScenarioRun {
  /** A copy of the counters as they are now. */
  readonly stats: ScenarioStats;
  /** Resolves when every caller has placed its calls and every such call has ended, or on stop(). */
  readonly done: Promise<ScenarioStats>;
  /** Cancels pending timers and stops reacting; calls in progress stay up. */
  stop(): void;
}

export interface RunScenarioOptions {
  clock: Clock;
  logger: Logger;
  /** Where each placed call's far-end media (says, faxToSend, faxInbox) is registered for the line server. */
  media?: CallMediaBook;
}

interface CallerCall {
  /** The call's current ID: a transfer may give the caller's call a new one. */
  callID: string;
  answered: boolean;
  hungUp: boolean;
  timer: TimerHandle | undefined;
  onAnswered: (() => void) | undefined;
}

const emptyStats = (): ScenarioStats => ({
  placed: 0, answered: 0, abandoned: 0, completed: 0, unanswered: 0, failed: 0, active: 0,
  refusedActions: 0, phoneAnswers: 0, phoneHangUps: 0, transfers: 0,
});

function nthNumber(from: string, n: number): string {
  const plus = from.startsWith('+') ? '+' : '';
  const digits = from.slice(plus.length);
  const next = (BigInt(digits) + BigInt(n)).toString();
  return plus + next.padStart(digits.length, '0');
}

export function runScenario(sw: ScriptableSwitch, scenario: Scenario, options: RunScenarioOptions): ScenarioRun {
  const { clock } = options;
  const log = options.logger.child({ module: 'sim.switch.scenario' });
  const stats = emptyStats();
  const { media } = options;
  const calls = new Map<string, CallerCall>();
  const pending = new Set<TimerHandle>();
  let callersPlacing = scenario.callers.length;
  /** What happened to calls the switch reported before placeInboundCall returned their ID. */
  let placing: { answered: Set<string>; ended: Set<string> } | undefined;
  let stopped = false;
  let resolveDone!: (stats: ScenarioStats) => void;
  const done = new Promise<ScenarioStats>((resolve) => (resolveDone = resolve));

  const after = (delayMs: number, fn: () => void): TimerHandle => {
    const handle = clock.setTimeout(() => {
      pending.delete(handle);
      if (!stopped) fn();
    }, delayMs);
    pending.add(handle);
    return handle;
  };
  const cancel = (handle: TimerHandle | undefined) => {
    if (handle === undefined) return;
    clock.clearTimeout(handle);
    pending.delete(handle);
  };
  const refused = (what: string, error: unknown) => {
    stats.refusedActions++;
    log.info({ err: (error as Error).message }, `${what} refused by the switch`);
  };
  const checkDone = () => {
    if (callersPlacing === 0 && stats.active === 0) finish();
  };

  const phones = new PhoneBank(sw, scenario.phones, { after, cancel, stats, refused, log });

  function place(spec: CallerSpec, index: number): void {
    const from = spec.incrementFrom ? nthNumber(spec.from, index) : spec.from;
    let callID: string;
    const early = (placing = { answered: new Set(), ended: new Set() });
    try {
      callID = sw.placeInboundCall({ from, to: spec.to, ...(spec.trunk !== undefined ? { trunk: spec.trunk } : {}) });
    } catch (error) {
      stats.failed++;
      log.info({ from, to: spec.to, err: (error as Error).message }, 'call not placed');
      return;
    } finally {
      placing = undefined;
    }
    stats.placed++;
    stats.active++;
    const call: CallerCall = { callID, answered: false, hungUp: false, timer: undefined, onAnswered: undefined };
    calls.set(callID, call);
    const farEnd = callerMedia(spec);
    if (media && farEnd) media.set(callID, farEnd);
    log.debug({ callID, from, to: spec.to, caller: spec.name }, 'call placed');
    if (early.answered.has(callID)) answered(call);
    if (early.ended.has(callID)) ended(callID, 'cleared while being placed');
    else play(call, spec.actions, 0);
  }

  function play(call: CallerCall, actions: readonly CallerAction[], step: number): void {
    const action = actions[step];
    if (action === undefined || call.hungUp || !calls.has(call.callID)) return;
    const next = () => play(call, actions, step + 1);
    if (action.wait !== undefined) {
      call.timer = after(action.wait, next);
    } else if (action.waitForAnswer !== undefined) {
      if (call.answered) return next();
      call.onAnswered = () => {
        cancel(call.timer);
        call.onAnswered = undefined;
        next();
      };
      call.timer = after(action.waitForAnswer, () => {
        call.onAnswered = undefined;
        hangUp(call);
      });
    } else if (action.digits !== undefined) {
      try {
        sw.sendExternalDigits(call.callID, action.digits);
      } catch (error) {
        refused(`digits ${action.digits}`, error);
      }
      next();
    } else if (action.hangUp) {
      hangUp(call);
    }
  }

  function hangUp(call: CallerCall): void {
    call.hungUp = true;
    try {
      sw.hangUpExternal(call.callID);
    } catch (error) {
      refused('caller hang-up', error);
    }
  }

  function startCaller(spec: CallerSpec): void {
    let index = 0;
    const placeNext = () => {
      place(spec, index++);
      if (index < spec.count) after(spec.intervalMs, placeNext);
      else {
        callersPlacing--;
        checkDone();
      }
    };
    after(spec.at, placeNext);
  }

  const onDeviceEvent = (_device: string, event: DeviceEvent) => {
    if (event.type === 'EstablishedEvent') {
      const call = calls.get(event.establishedConnection.callID);
      if (call) answered(call);
      else placing?.answered.add(event.establishedConnection.callID);
    } else if (event.type === 'TransferredEvent') {
      followTransfer(event.primaryOldCall.callID, event.secondaryOldCall?.callID, event.transferredConnections ?? []);
    }
  };

  /** The caller's call may continue under the other call's ID after a transfer. */
  function followTransfer(primary: string, secondary: string | undefined, connections: readonly { newConnection?: { callID: string } }[]): void {
    const newIds = [...new Set(connections.map((c) => c.newConnection?.callID).filter((id) => id !== undefined))];
    const newId = newIds.length === 1 ? newIds[0] : undefined;
    if (newId === undefined) return;
    for (const oldId of [primary, secondary]) {
      const call = oldId === undefined || oldId === newId ? undefined : calls.get(oldId);
      if (!call || oldId === undefined) continue;
      calls.delete(oldId);
      call.callID = newId;
      calls.set(newId, call);
      media?.move(oldId, newId);
    }
  }

  function answered(call: CallerCall): void {
    if (call.answered) return;
    call.answered = true;
    stats.answered++;
    call.onAnswered?.();
  }

  /** DTMF in a caller's call, heard at `device` (the trunk when a voice-card channel keyed them to the caller): logged. */
  const onDigits = (info: { device: string; callID: string; digits: string }) => {
    if (calls.has(info.callID)) log.debug(info, "digits in a caller's call");
  };

  const onCallEnded = (info: { callID: string; cause: string }) => {
    if (placing && !calls.has(info.callID)) placing.ended.add(info.callID);
    else ended(info.callID, info.cause);
  };

  function ended(callID: string, cause: string): void {
    const call = calls.get(callID);
    if (!call) return;
    calls.delete(callID);
    media?.delete(callID);
    cancel(call.timer);
    stats.active--;
    if (call.answered) stats.completed++;
    else if (call.hungUp) stats.abandoned++;
    else stats.unanswered++;
    log.debug({ callID, cause, answered: call.answered }, 'call ended');
    checkDone();
  }

  /** The callers are done (phones keep answering until stop()). */
  function finish(): void {
    sw.off('deviceEvent', onDeviceEvent);
    sw.off('callEnded', onCallEnded);
    sw.off('digits', onDigits);
    // After the action that ended the last call has been counted too.
    queueMicrotask(() => resolveDone({ ...stats }));
  }

  phones.attach();
  sw.on('deviceEvent', onDeviceEvent);
  sw.on('callEnded', onCallEnded);
  sw.on('digits', onDigits);
  for (const spec of scenario.callers) startCaller(spec);
  log.info({ name: scenario.name, callers: scenario.callers.length, phones: scenario.phones.length }, 'scenario started');
  if (scenario.callers.length === 0) finish();

  return {
    get stats() {
      return { ...stats };
    },
    done,
    stop() {
      if (stopped) return;
      stopped = true;
      for (const handle of pending) clock.clearTimeout(handle);
      pending.clear();
      phones.detach();
      finish();
    },
  };
}
