/**
 * The revisit list (回访): outbound follow-up calls after a complaint, a sale or a repair. An agent
 * asks for the next task (nextFor), dials it as a preview call, and reports the outcome
 * (complete); the rule of that outcome says whether the task is done, failed, or tried again
 * later. Tasks live in records.sqlite (RevisitStore); this service owns the rules and the clock.
 */
import { z } from 'zod';
import type { CustomerDirectory, CustomerRecord } from '../ivr/ports.js';
import type { Clock } from '../runtime/clock.js';
import {
  RevisitError,
  type RevisitAttempt,
  type RevisitRowError,
  type RevisitState,
  type RevisitStore,
  type RevisitTask,
} from '../store/records/revisit-store.js';

export { RevisitError, type RevisitAttempt, type RevisitRowError, type RevisitState, type RevisitTask };

export const REVISIT_OUTCOMES = ['reached', 'noAnswer', 'busy', 'wrongNumber', 'callLater', 'refused'] as const;
export type RevisitOutcome = (typeof REVISIT_OUTCOMES)[number];

const minutes = z.number().min(0).max(60 * 24 * 90);

/** What an outcome does to its task. */
export const revisitRuleSchema = z.discriminatedUnion('then', [
  z.strictObject({
    then: z.literal('done'),
    flag: z.boolean().default(false).describe('mark the task for a supervisor to look at'),
  }),
  z.strictObject({ then: z.literal('failed') }),
  z.strictObject({
    then: z.literal('retry'),
    afterMinutes: minutes.describe('the task is handed out again this long after the attempt'),
    agentMayChoose: z.boolean().default(false).describe('the agent may give the retry time instead (e.g. the customer said when)'),
  }),
]);
export type RevisitRule = z.infer<typeof revisitRuleSchema>;

export const revisitRulesSchema = z.strictObject({
  maxAttempts: z.number().int().min(1).max(20).default(3).describe('attempts per task; a retry outcome on the last one fails the task'),
  outcomes: z
    .strictObject({
      reached: revisitRuleSchema.prefault({ then: 'done' }),
      noAnswer: revisitRuleSchema.prefault({ then: 'retry', afterMinutes: 120 }),
      busy: revisitRuleSchema.prefault({ then: 'retry', afterMinutes: 15 }),
      wrongNumber: revisitRuleSchema.prefault({ then: 'failed' }),
      callLater: revisitRuleSchema.prefault({ then: 'retry', afterMinutes: 24 * 60, agentMayChoose: true }),
      refused: revisitRuleSchema.prefault({ then: 'done', flag: true }),
    })
    .prefault({}),
});
export type RevisitRules = z.infer<typeof revisitRulesSchema>;
export type RevisitRulesInput = z.input<typeof revisitRulesSchema>;

export interface RevisitListOptions {
  store: RevisitStore;
  clock: Clock;
  /** Parsed with revisitRulesSchema; default: the schema's defaults. */
  rules?: RevisitRulesInput;
  /** For the screen pop: the customer by customer_id, else by number. */
  customers?: CustomerDirectory;
}

/** A task handed to an agent, with what the screen pop shows. */
export interface RevisitAssignment {
  task: RevisitTask;
  customer: CustomerRecord | undefined;
  /** Earlier attempts, oldest first: who called, when, what came of it. */
  attempts: RevisitAttempt[];
}

export interface RevisitCompletion {
  task: RevisitTask;
  /** When the task will be handed out again; undefined when it is closed (done or failed). */
  retryAt: number | undefined;
}

export interface RevisitSummary {
  list: string;
  total: number;
  byState: Record<RevisitState, number>;
  /** Tasks by the outcome of their last attempt. */
  byLastOutcome: Record<RevisitOutcome, number>;
  /** Every attempt by outcome. */
  attemptsByOutcome: Record<RevisitOutcome, number>;
  flagged: number;
}

export class RevisitList {
  readonly rules: RevisitRules;
  readonly #store: RevisitStore;
  readonly #clock: Clock;
  readonly #customers: CustomerDirectory | undefined;

  constructor(options: RevisitListOptions) {
    this.#store = options.store;
    this.#clock = options.clock;
    this.#customers = options.customers;
    this.rules = revisitRulesSchema.parse(options.rules ?? {});
  }

  /** Adds tasks from CSV (see RevisitStore.importCsv), all or nothing; maxAttempts from the rules. */
  importCsv(list: string, text: string, defaults: { priority?: number; dueAt?: number } = {}): RevisitTask[] {
    return this.#store.importCsv(list, text, { maxAttempts: this.rules.maxAttempts, ...defaults }, this.#clock.now());
  }

  add(task: { list: string; name: string; number: string; customerId?: string; note?: string; priority?: number; dueAt?: number; maxAttempts?: number }): RevisitTask {
    return this.#store.add({ ...task, maxAttempts: task.maxAttempts ?? this.rules.maxAttempts }, this.#clock.now());
  }

  /**
   * The agent's next task, assigned to them, with the customer for the screen pop; undefined when
   * none is due. An agent who still holds a task gets that one again (a reloaded desktop), or
   * agentBusy when it is of another list than asked for.
   */
  nextFor(agentId: string, list?: string): RevisitAssignment | undefined {
    const held = this.#store.assignedTo(agentId)[0];
    if (held && list !== undefined && held.list !== list) {
      throw new RevisitError('agentBusy', `agent ${agentId} still has revisit task ${held.id} of list ${held.list}: complete or release it first`);
    }
    const task = held ?? this.#store.next(list, agentId, this.#clock.now());
    if (!task) return undefined;
    const customer = (task.customerId !== null ? this.#customers?.byId(task.customerId) : undefined) ?? this.#customers?.byPhone(task.number);
    return { task, customer, attempts: this.#store.attemptsOf(task.id) };
  }

  /**
   * The agent's result for the task assigned to them: records the attempt and applies the
   * outcome's rule. A retry outcome on the task's last allowed attempt fails it. `retryAt` (epoch
   * ms, in the future) is taken only for outcomes whose rule lets the agent choose (callLater).
   */
  complete(
    agentId: string,
    taskId: number,
    outcome: string,
    details: { callId?: string; note?: string; retryAt?: number; durationMs?: number } = {},
  ): RevisitCompletion {
    if (!isOutcome(outcome)) throw new RevisitError('unknownOutcome', `"${outcome}" is not a revisit outcome (expected one of: ${REVISIT_OUTCOMES.join(', ')})`);
    const now = this.#clock.now();
    const task = this.assignedTo(agentId, taskId);
    const rule = this.rules.outcomes[outcome];
    if (details.retryAt !== undefined) {
      if (rule.then !== 'retry' || !rule.agentMayChoose) throw new RevisitError('badRetry', `outcome ${outcome} does not take a retry time`);
      if (!Number.isFinite(details.retryAt) || details.retryAt <= now) {
        throw new RevisitError('badRetry', `the retry time ${new Date(details.retryAt).toISOString()} is not in the future`);
      }
    }
    let result: { state: 'pending' | 'done' | 'failed'; nextTryAt?: number; flagged?: boolean };
    if (rule.then === 'done') result = { state: 'done', flagged: rule.flag };
    else if (rule.then === 'failed' || task.attempts + 1 >= task.maxAttempts) result = { state: 'failed' };
    else result = { state: 'pending', nextTryAt: details.retryAt ?? now + rule.afterMinutes * 60_000 };
    const after = this.#store.record(taskId, agentId, outcome, { callId: details.callId, note: details.note, durationMs: details.durationMs, at: now }, result);
    return { task: after, retryAt: result.nextTryAt };
  }

  /** The task, when it is assigned to the agent; otherwise unknownTask or notAssigned. */
  assignedTo(agentId: string, taskId: number): RevisitTask {
    const task = this.#store.get(taskId);
    if (!task) throw new RevisitError('unknownTask', `revisit task ${taskId} does not exist`);
    if (task.state !== 'assigned' || task.assignedAgent !== agentId) {
      const is = task.state === 'assigned' ? `assigned to agent ${task.assignedAgent}` : task.state;
      throw new RevisitError('notAssigned', `revisit task ${taskId} is not assigned to agent ${agentId} (it is ${is})`);
    }
    return task;
  }

  /** Returns the agent's unfinished task to the list (e.g. at logout); no attempt is counted. */
  release(agentId: string): RevisitTask | undefined {
    return this.#store.release(agentId, this.#clock.now())[0];
  }

  cancel(taskId: number): RevisitTask {
    return this.#store.cancel(taskId, this.#clock.now());
  }

  lists(): string[] {
    return this.#store.lists();
  }

  tasks(list: string, state?: RevisitState): RevisitTask[] {
    return this.#store.tasks(list, state);
  }

  /** Counts for reports: tasks by state and by last outcome, attempts by outcome, flagged tasks. */
  summary(list: string): RevisitSummary {
    const counts = this.#store.counts(list);
    const byOutcome = (tally: Record<string, number>) =>
      Object.fromEntries(REVISIT_OUTCOMES.map((o) => [o, tally[o] ?? 0])) as Record<RevisitOutcome, number>;
    return {
      list,
      total: Object.values(counts.byState).reduce((a, b) => a + b, 0),
      byState: counts.byState,
      byLastOutcome: byOutcome(counts.byLastOutcome),
      attemptsByOutcome: byOutcome(counts.attemptsByOutcome),
      flagged: counts.flagged,
    };
  }
}

function isOutcome(value: string): value is RevisitOutcome {
  return (REVISIT_OUTCOMES as readonly string[]).includes(value);
}
