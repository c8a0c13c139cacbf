/**
 * What the site bench measures inside the appliance: the ACD's events (waits, the fate of each
 * caller, ready → offer, when each offer was made), the IVR's call outcomes, the ACD invariants
 * checked while the calls flow, the process RSS, and every warning the appliance logs.
 */
import { brokenInvariants, type QueueStats } from '../../appliance/acd/index.js';
import type { AcdRuntime } from '../../appliance/runtime/acd-runtime.js';
import type { IvrRuntime } from '../../appliance/runtime/ivr-runtime.js';
import { createLogger, type Logger } from '../../appliance/runtime/logger.js';
import { QUEUE, wallClockMs } from './protocol.js';

const FIRST_BROKEN_KEPT = 5;

export interface AcdAtEnd {
  callersInAcd: ReadonlySet<string>;
  queue: QueueStats;
  /** Agents left not ready, with the reason: the simulated desks only ever end breaks they took themselves. */
  notReady: string[];
}

/** What became of a caller in the ACD: connected to an agent, left (with the reason), or still in it. */
export type AcdFate = 'connected' | `left:${string}` | 'inAcd';

const count = (counts: Record<string, number>, key: string) => {
  counts[key] = (counts[key] ?? 0) + 1;
};

export class SiteObserver {
  /** Scaled ms each answered caller waited in the queue. */
  readonly waitsMs: number[] = [];
  /** Real ms from an agent becoming ready while a call could be offered to the offer to that agent. */
  readonly readyToOfferMs: number[] = [];
  /** wallClockMs() of each offer, by `callId/agentId`. */
  readonly offeredAt = new Map<string, number>();
  readonly fateByCaller = new Map<string, AcdFate>();
  readonly retracts: Record<string, number> = {};
  readonly ivrOutcomes: Record<string, number> = {};
  readonly invariants = { checks: 0, broken: 0, first: [] as string[] };
  /** Each caller's IVR calls as `outcome after node → node`: what a lost or disagreeing caller went through. */
  readonly ivrCallsByCaller = new Map<string, string[]>();
  readonly ivrErrors: Record<string, number> = {};
  surveys = 0;
  peakRssMiB = 0;
  readonly #callerOf = new Map<string, string>();
  readonly #readySince = new Map<string, number>();
  #acd: AcdRuntime | undefined;

  /** Call before the runtimes start, so the agent-state listener runs before the journal's and the API's. */
  attach(acd: AcdRuntime, ivr: IvrRuntime): void {
    this.#acd = acd;
    const { engine } = acd;
    engine.on('agentState', (change) => {
      // The engine sets the agent 'offered' just before it emits the offer itself.
      const since = this.#readySince.get(change.agentId);
      this.#readySince.delete(change.agentId);
      if (change.state === 'offered' && since !== undefined) this.readyToOfferMs.push(performance.now() - since);
      const offerable = change.state === 'ready' && [...engine.calls()].some((call) => call.phase === 'waiting' && call.kind === 'inbound' && call.notBefore <= change.at);
      if (offerable) this.#readySince.set(change.agentId, performance.now());
    });
    engine.on('joined', (info) => {
      const callerId = engine.call(info.callId)?.data.callerId;
      if (callerId === undefined) return;
      this.#callerOf.set(info.callId, callerId);
      this.fateByCaller.set(callerId, 'inAcd');
    });
    engine.on('offer', (offer) => {
      this.offeredAt.set(`${offer.callId}/${offer.agentId}`, wallClockMs());
    });
    engine.on('retract', (retract) => count(this.retracts, retract.reason));
    engine.on('connected', (info) => {
      this.waitsMs.push(info.waitedMs);
      this.#setFate(info.callId, 'connected');
    });
    engine.on('left', (info) => this.#setFate(info.callId, `left:${info.reason}`));
    const ivrCallers = new Map<string, string>();
    ivr.engine.on('callStarted', (info) => {
      if (info.callerId !== undefined) ivrCallers.set(info.callId, info.callerId);
    });
    ivr.engine.on('survey', () => this.surveys++);
    ivr.engine.on('callError', (info) => count(this.ivrErrors, info.message));
    ivr.engine.on('callEnded', (info) => {
      count(this.ivrOutcomes, info.outcome);
      const callerId = ivrCallers.get(info.callId);
      ivrCallers.delete(info.callId);
      if (callerId === undefined) return;
      const calls = this.ivrCallsByCaller.get(callerId) ?? [];
      calls.push(`${info.outcome} after ${info.path.join(' → ')}`);
      this.ivrCallsByCaller.set(callerId, calls);
    });
  }

  #setFate(callId: string, fate: AcdFate): void {
    const callerId = this.#callerOf.get(callId);
    if (callerId !== undefined) this.fateByCaller.set(callerId, fate);
  }

  /** The ACD as the run leaves it: the callers whose calls it still holds (waiting, ringing or connected) and its own queue figures. */
  endOfRun(): AcdAtEnd {
    const engine = this.#acd?.engine;
    if (!engine) throw new Error('the observer was never attached');
    const callersInAcd = new Set<string>();
    for (const call of engine.calls()) if (call.data.callerId !== undefined) callersInAcd.add(call.data.callerId);
    const notReady = [...engine.agents.all()].flatMap((agent) => (agent.state === 'notReady' ? [`${agent.id} (${agent.reason ?? 'no reason'})`] : []));
    return { callersInAcd, queue: engine.stats(QUEUE), notReady };
  }

  /** Checks the ACD invariants and samples the RSS; run it while the calls flow and at the end. */
  sample(): void {
    this.peakRssMiB = Math.max(this.peakRssMiB, Math.round(process.memoryUsage().rss / 2 ** 20));
    if (!this.#acd) return;
    this.invariants.checks++;
    const broken = brokenInvariants(this.#acd.engine);
    if (broken.length === 0) return;
    this.invariants.broken++;
    for (const sentence of broken) if (this.invariants.first.length < FIRST_BROKEN_KEPT) this.invariants.first.push(sentence);
  }
}

/** A logger for the appliance that keeps only warnings and errors, counted by message. */
export function countingLogger(): { logger: Logger; warnings: Record<string, number> } {
  const warnings: Record<string, number> = {};
  const destination = {
    write(line: string) {
      let message = line.trim();
      try {
        const parsed = JSON.parse(line) as { msg?: string; module?: string; err?: { message?: string } };
        message = `${parsed.module ? `${parsed.module}: ` : ''}${parsed.msg ?? message}${parsed.err?.message ? ` (${parsed.err.message})` : ''}`;
      } catch {
        // not JSON: keep the line as it came
      }
      count(warnings, message);
    },
  };
  return { logger: createLogger({ level: 'warn', destination }), warnings };
}
