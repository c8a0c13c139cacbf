/** One queue: its calls in order, the agents who serve it, and its running figures. */
import type { QueueConfig } from './config.js';
import { type AcdCall, type Agent, comesBefore } from './model.js';
import type { PickContext } from './strategies.js';

export interface QueueCounters {
  joined: number;
  answered: number;
  /** Answered calls that waited on the line (callbacks are not): the service level's base. */
  answeredInbound: number;
  abandoned: number;
  overflowed: number;
  callbacks: number;
  /** Answered within the service-level threshold (20 s). */
  answeredInServiceLevel: number;
}

export const SERVICE_LEVEL_SECONDS = 20;

export class AcdQueue {
  /** Waiting and offered calls, in the order they are served. */
  readonly calls: AcdCall[] = [];
  readonly members = new Set<Agent>();
  readonly pick: PickContext;
  readonly counters: QueueCounters = { joined: 0, answered: 0, answeredInbound: 0, abandoned: 0, overflowed: 0, callbacks: 0, answeredInServiceLevel: 0 };
  readonly #waitSamples: number[] = [];
  #waitSum = 0;

  constructor(
    public config: QueueConfig,
    random: () => number,
    readonly samples: number,
  ) {
    this.pick = { queue: config.name, lastOrder: -1, random };
  }

  get name(): string {
    return this.config.name;
  }

  /** The skills an agent needs, by default the skill named like the queue. */
  get skills(): Record<string, number> {
    return this.config.skills ?? { [this.config.name]: 1 };
  }

  serves(agent: Agent): boolean {
    for (const [skill, level] of Object.entries(this.skills)) if ((agent.config.skills[skill] ?? 0) < level) return false;
    return true;
  }

  penaltyOf(agent: Agent): number {
    return agent.config.queues[this.name]?.penalty ?? 0;
  }

  /** The highest penalty allowed for a call that has waited `waitedMs`. */
  allowedPenalty(waitedMs: number): number {
    let allowed = 0;
    for (const rule of this.config.penaltyRules) if (waitedMs >= rule.afterSeconds * 1000 && rule.maxPenalty > allowed) allowed = rule.maxPenalty;
    return allowed;
  }

  insert(call: AcdCall): void {
    let low = 0;
    let high = this.calls.length;
    while (low < high) {
      const mid = (low + high) >>> 1;
      if (comesBefore(this.calls[mid] as AcdCall, call)) low = mid + 1;
      else high = mid;
    }
    this.calls.splice(low, 0, call);
  }

  remove(call: AcdCall): void {
    const index = this.calls.indexOf(call);
    if (index >= 0) this.calls.splice(index, 1);
  }

  position(call: AcdCall): number {
    return this.calls.indexOf(call) + 1;
  }

  recordWait(waitedMs: number): void {
    this.#waitSamples.push(waitedMs);
    this.#waitSum += waitedMs;
    if (this.#waitSamples.length > this.samples) this.#waitSum -= this.#waitSamples.shift() as number;
  }

  /** Rolling average wait of the last answered calls; undefined before the first. */
  averageWaitMs(): number | undefined {
    return this.#waitSamples.length === 0 ? undefined : this.#waitSum / this.#waitSamples.length;
  }

  /** What a caller who has waited `waitedMs` may still expect, in whole minutes (as seconds). */
  expectedWaitSeconds(waitedMs: number): number {
    const average = this.averageWaitMs();
    if (average === undefined) return 0;
    return Math.ceil(Math.max(0, average - waitedMs) / 60_000) * 60;
  }

  loggedIn(): number {
    let n = 0;
    for (const agent of this.members) if (agent.state !== 'loggedOut') n++;
    return n;
  }

  /** Agents logged in and not in not-ready: those who will take calls. */
  staffed(): number {
    let n = 0;
    for (const agent of this.members) if (agent.state !== 'loggedOut' && agent.state !== 'notReady') n++;
    return n;
  }
}
