/**
 * The revisit list (回访) in records.sqlite: outbound follow-up tasks, one row per customer to call
 * back, and every attempt on them. The store knows states and order; the retry rules live in
 * acd/revisit.ts. Times are epoch milliseconds.
 */
import type Database from 'better-sqlite3';
import { parseCsv } from './csv.js';
import { normalizePhone } from './customers.js';

export const REVISIT_STATES = ['pending', 'assigned', 'done', 'failed', 'cancelled'] as const;
export type RevisitState = (typeof REVISIT_STATES)[number];

export type RevisitErrorCode = 'badCsv' | 'badTask' | 'unknownTask' | 'notAssigned' | 'badState' | 'agentBusy' | 'unknownOutcome' | 'badRetry';

export interface RevisitRowError {
  /** 1-based line of the CSV on which the row starts. */
  line: number;
  message: string;
}

export class RevisitError extends Error {
  override readonly name = 'RevisitError';
  constructor(
    readonly code: RevisitErrorCode,
    message: string,
    /** For badCsv: every bad row. */
    readonly rows: readonly RevisitRowError[] = [],
  ) {
    super(message);
  }
}

export interface RevisitTaskInput {
  list: string;
  customerId?: string | undefined;
  name: string;
  number: string;
  note?: string | undefined;
  /** Higher first. Default 0. */
  priority?: number | undefined;
  /** Not called before this time. Default: now. */
  dueAt?: number | undefined;
  maxAttempts: number;
}

export interface RevisitTask {
  id: number;
  list: string;
  customerId: string | null;
  name: string;
  number: string;
  note: string;
  priority: number;
  dueAt: number;
  attempts: number;
  maxAttempts: number;
  state: RevisitState;
  assignedAgent: string | null;
  assignedAt: number | null;
  lastOutcome: string | null;
  /** Closed with an outcome whose rule flags it (e.g. refused), for a supervisor to look at. */
  flagged: boolean;
  /** Not handed out before this time: the due time, later the retry time. */
  nextTryAt: number;
  createdAt: number;
  updatedAt: number;
}

export interface RevisitAttempt {
  id: number;
  taskId: number;
  agentId: string;
  callId: string | null;
  at: number;
  outcome: string;
  note: string | null;
  durationMs: number | null;
}

export interface RevisitImportDefaults {
  maxAttempts: number;
  /** For rows without a priority. Default 0. */
  priority?: number;
  /** For rows without a due time. Default: the import time. */
  dueAt?: number;
}

/** What an attempt leads to; the service decides it from its rules. */
export interface RevisitAttemptResult {
  state: 'pending' | 'done' | 'failed';
  /** For pending: when the task may be handed out again. */
  nextTryAt?: number;
  flagged?: boolean;
}

export interface RevisitCounts {
  byState: Record<RevisitState, number>;
  /** Tasks by the outcome of their last attempt (tasks never tried are not counted). */
  byLastOutcome: Record<string, number>;
  /** Attempts by outcome. */
  attemptsByOutcome: Record<string, number>;
  flagged: number;
}

const TASK_COLUMNS = `id, list, customer_id AS customerId, name, number, note, priority, due_at AS dueAt, attempts, max_attempts AS maxAttempts,
  state, assigned_agent AS assignedAgent, assigned_at AS assignedAt, last_outcome AS lastOutcome, flagged, next_try_at AS nextTryAt,
  created_at AS createdAt, updated_at AS updatedAt`;
const ATTEMPT_COLUMNS = 'id, task_id AS taskId, agent_id AS agentId, call_id AS callId, at, outcome, note, duration_ms AS durationMs';

type TaskSqlRow = Omit<RevisitTask, 'flagged'> & { flagged: number };

const CSV_COLUMNS = ['number', 'name', 'customer_id', 'note', 'priority', 'due'];
const ISO_DATE_TIME = /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.\d{1,3})?)?(Z|[+-]\d{2}:?\d{2})?)?$/;

/**
 * An ISO 8601 date or date-time; without an offset it is the appliance's local time (a date alone
 * is local midnight). Undefined when it is not one, or names a day that does not exist.
 */
export function parseDue(text: string): number | undefined {
  const match = ISO_DATE_TIME.exec(text);
  if (!match) return undefined;
  const [, y, mo, d, h, mi] = match;
  const withTime = h === undefined ? `${text}T00:00` : text.replace(' ', 'T');
  const at = Date.parse(withTime);
  if (Number.isNaN(at)) return undefined;
  // Date.parse rolls 2026-02-30 over to March; refuse instead.
  const check = new Date(Number(y), Number(mo) - 1, Number(d));
  if (check.getMonth() !== Number(mo) - 1 || check.getDate() !== Number(d) || Number(h ?? 0) > 23 || Number(mi ?? 0) > 59) return undefined;
  return at;
}

export class RevisitStore {
  readonly #db: Database.Database;
  readonly #sql;

  constructor(db: Database.Database) {
    this.#db = db;
    this.#sql = {
      insert: db.prepare(
        `INSERT INTO revisit_tasks (list, customer_id, name, number, note, priority, due_at, max_attempts, next_try_at, created_at, updated_at)
         VALUES (@list, @customerId, @name, @number, @note, @priority, @dueAt, @maxAttempts, @dueAt, @at, @at)`,
      ),
      get: db.prepare(`SELECT ${TASK_COLUMNS} FROM revisit_tasks WHERE id = ?`),
      assignedTo: db.prepare(`SELECT ${TASK_COLUMNS} FROM revisit_tasks WHERE state = 'assigned' AND assigned_agent = ? ORDER BY assigned_at, id`),
      // One statement picks and takes the task: nothing can come between the choice and the mark.
      // Two of them, so that each has its index (revisit_tasks_pick_list, revisit_tasks_pick_any).
      takeFromList: db.prepare(take("list = @list AND ")),
      takeFromAny: db.prepare(take('')),
      finish: db.prepare(
        `UPDATE revisit_tasks SET attempts = attempts + 1, last_outcome = @outcome, state = @state, next_try_at = coalesce(@nextTryAt, next_try_at),
           flagged = @flagged, assigned_agent = NULL, assigned_at = NULL, updated_at = @at
         WHERE id = @taskId AND state = 'assigned' AND assigned_agent = @agentId`,
      ),
      attempt: db.prepare('INSERT INTO revisit_attempts (task_id, agent_id, call_id, at, outcome, note, duration_ms) VALUES (?, ?, ?, ?, ?, ?, ?)'),
      release: db.prepare(
        `UPDATE revisit_tasks SET state = 'pending', assigned_agent = NULL, assigned_at = NULL, updated_at = @at
         WHERE state = 'assigned' AND assigned_agent = @agentId RETURNING ${TASK_COLUMNS}`,
      ),
      cancel: db.prepare(
        `UPDATE revisit_tasks SET state = 'cancelled', assigned_agent = NULL, assigned_at = NULL, updated_at = ?
         WHERE id = ? AND state IN ('pending', 'assigned')`,
      ),
      tasks: db.prepare(`SELECT ${TASK_COLUMNS} FROM revisit_tasks WHERE list = @list AND (@state IS NULL OR state = @state) ORDER BY id`),
      attemptsOf: db.prepare(`SELECT ${ATTEMPT_COLUMNS} FROM revisit_attempts WHERE task_id = ? ORDER BY at, id`),
      byState: db.prepare('SELECT state AS key, count(*) AS n FROM revisit_tasks WHERE list = ? GROUP BY state'),
      byLastOutcome: db.prepare('SELECT last_outcome AS key, count(*) AS n FROM revisit_tasks WHERE list = ? AND last_outcome IS NOT NULL GROUP BY last_outcome'),
      attemptsByOutcome: db.prepare(
        'SELECT a.outcome AS key, count(*) AS n FROM revisit_attempts a JOIN revisit_tasks t ON t.id = a.task_id WHERE t.list = ? GROUP BY a.outcome',
      ),
      flagged: db.prepare('SELECT count(*) FROM revisit_tasks WHERE list = ? AND flagged = 1').pluck(),
      lists: db.prepare('SELECT DISTINCT list FROM revisit_tasks ORDER BY list').pluck(),
    };
  }

  /** Adds one pending task; returns it. */
  add(task: RevisitTaskInput, at: number): RevisitTask {
    const problem = checkTask(task);
    if (problem) throw new RevisitError('badTask', problem);
    const id = Number(this.#sql.insert.run(this.#params(task, at)).lastInsertRowid);
    return this.get(id) as RevisitTask;
  }

  /**
   * CSV with a header row naming (in any order) number and name, optionally customer_id, note,
   * priority (whole number, higher first) and due (ISO date-time; without an offset local time).
   * All or nothing: any bad row refuses the whole file with a badCsv error listing every bad row
   * by line and field. Returns the tasks added.
   */
  importCsv(list: string, text: string, defaults: RevisitImportDefaults, at: number): RevisitTask[] {
    const listProblem = listNameProblem(list);
    if (listProblem) throw new RevisitError('badTask', listProblem);
    let rows;
    try {
      rows = parseCsv(text);
    } catch (error) {
      throw new RevisitError('badCsv', `the CSV cannot be read: ${(error as Error).message}`);
    }
    const header = rows.shift();
    if (!header) throw new RevisitError('badCsv', 'the CSV is empty: expected a header row with at least number and name');
    const columns = header.fields.map((f) => f.trim().toLowerCase());
    for (const required of ['number', 'name']) {
      if (!columns.includes(required)) throw new RevisitError('badCsv', `the header row has no "${required}" column (it has: ${columns.join(', ')})`);
    }
    const unknown = columns.filter((c) => !CSV_COLUMNS.includes(c));
    if (unknown.length > 0) throw new RevisitError('badCsv', `the header row has unknown columns: ${unknown.join(', ')} (known: ${CSV_COLUMNS.join(', ')})`);
    const errors: RevisitRowError[] = [];
    const tasks: RevisitTaskInput[] = [];
    const seen = new Map<string, number>();
    for (const row of rows) {
      const problem = (message: string) => errors.push({ line: row.line, message });
      if (row.fields.length !== columns.length) {
        problem(`expected ${columns.length} fields, found ${row.fields.length}`);
        continue;
      }
      const value = (name: string) => (columns.includes(name) ? (row.fields[columns.indexOf(name)] ?? '').trim() : '');
      const number = normalizePhone(value('number'));
      const name = value('name');
      const priorityText = value('priority');
      const dueText = value('due');
      const dueAt = dueText === '' ? undefined : parseDue(dueText);
      if (!/[0-9]/.test(number)) problem(value('number') === '' ? 'number: empty' : `number: "${value('number')}" has no digits`);
      else if (seen.has(number)) problem(`number: ${number} appears twice in the file (first on line ${seen.get(number)})`);
      if (name === '') problem('name: empty');
      if (priorityText !== '' && !/^-?[0-9]{1,6}$/.test(priorityText)) problem(`priority: "${priorityText}" is not a whole number`);
      if (dueText !== '' && dueAt === undefined) problem(`due: "${dueText}" is not an ISO date-time such as 2026-12-01T14:30`);
      if (errors.at(-1)?.line === row.line) continue;
      seen.set(number, row.line);
      tasks.push({
        list,
        customerId: value('customer_id') || undefined,
        name,
        number,
        note: value('note'),
        priority: priorityText === '' ? defaults.priority : Number(priorityText),
        dueAt: dueAt ?? defaults.dueAt,
        maxAttempts: defaults.maxAttempts,
      });
    }
    if (errors.length > 0) {
      const shown = errors.slice(0, 10).map((e) => `line ${e.line}: ${e.message}`).join('; ');
      throw new RevisitError('badCsv', `nothing imported, ${errors.length} bad row${errors.length === 1 ? '' : 's'}: ${shown}${errors.length > 10 ? '; …' : ''}`, errors);
    }
    const defaultsProblem = checkTask({ list, name: 'x', number: '1', maxAttempts: defaults.maxAttempts, priority: defaults.priority, dueAt: defaults.dueAt });
    if (defaultsProblem) throw new RevisitError('badTask', `import defaults: ${defaultsProblem}`);
    return this.#db.transaction(() => tasks.map((task) => this.#sql.insert.run(this.#params(task, at)).lastInsertRowid)).immediate().map((id) => this.get(Number(id)) as RevisitTask);
  }

  get(taskId: number): RevisitTask | undefined {
    const row = this.#sql.get.get(taskId) as TaskSqlRow | undefined;
    return row && task(row);
  }

  /** The tasks assigned to the agent and not finished (normally at most one). */
  assignedTo(agentId: string): RevisitTask[] {
    return (this.#sql.assignedTo.all(agentId) as TaskSqlRow[]).map(task);
  }

  /**
   * Takes the next task for the agent: among pending tasks (of the list, or of any list) whose
   * next try is due, the highest priority, then the earliest due, then the oldest; marks it
   * assigned to the agent. One statement in an immediate transaction, so two agents (or two
   * processes on the same file) never take the same task. Undefined when none is due.
   */
  next(list: string | undefined, agentId: string, now: number): RevisitTask | undefined {
    const statement = list === undefined ? this.#sql.takeFromAny : this.#sql.takeFromList;
    const row = this.#db.transaction(() => statement.get({ ...(list === undefined ? {} : { list }), agentId, now }) as TaskSqlRow | undefined).immediate();
    return row && task(row);
  }

  /**
   * Records an attempt by the agent on the task assigned to them, and moves the task on as
   * `result` says, in one transaction. Throws notAssigned (or unknownTask) when the task is not
   * assigned to this agent; nothing is written then.
   */
  record(
    taskId: number,
    agentId: string,
    outcome: string,
    attempt: { callId?: string | undefined; note?: string | undefined; durationMs?: number | undefined; at: number },
    result: RevisitAttemptResult,
  ): RevisitTask {
    return this.#db
      .transaction(() => {
        const changed = this.#sql.finish.run({
          taskId,
          agentId,
          outcome,
          state: result.state,
          nextTryAt: result.state === 'pending' ? (result.nextTryAt ?? attempt.at) : null,
          flagged: result.flagged ? 1 : 0,
          at: attempt.at,
        }).changes;
        if (changed === 0) throw this.#notAssigned(taskId, agentId);
        this.#sql.attempt.run(taskId, agentId, attempt.callId ?? null, attempt.at, outcome, attempt.note ?? null, attempt.durationMs ?? null);
        return this.get(taskId) as RevisitTask;
      })
      .immediate();
  }

  /** Returns the agent's assigned tasks to pending, unchanged otherwise (no attempt is counted). */
  release(agentId: string, at: number): RevisitTask[] {
    return this.#db.transaction(() => (this.#sql.release.all({ agentId, at }) as TaskSqlRow[]).map(task)).immediate();
  }

  /** Cancels a pending or assigned task. */
  cancel(taskId: number, at: number): RevisitTask {
    if (this.#sql.cancel.run(at, taskId).changes === 0) {
      const found = this.get(taskId);
      if (!found) throw new RevisitError('unknownTask', `revisit task ${taskId} does not exist`);
      throw new RevisitError('badState', `revisit task ${taskId} is ${found.state} and can no longer be cancelled`);
    }
    return this.get(taskId) as RevisitTask;
  }

  /** The list's tasks in the order they were added, optionally only those in one state. */
  tasks(list: string, state?: RevisitState): RevisitTask[] {
    return (this.#sql.tasks.all({ list, state: state ?? null }) as TaskSqlRow[]).map(task);
  }

  attemptsOf(taskId: number): RevisitAttempt[] {
    return this.#sql.attemptsOf.all(taskId) as RevisitAttempt[];
  }

  /** The names of every list that has tasks. */
  lists(): string[] {
    return this.#sql.lists.all() as string[];
  }

  counts(list: string): RevisitCounts {
    const tally = (rows: unknown[]) => Object.fromEntries((rows as { key: string; n: number }[]).map((r) => [r.key, r.n]));
    const byState = Object.fromEntries(REVISIT_STATES.map((s) => [s, 0])) as Record<RevisitState, number>;
    Object.assign(byState, tally(this.#sql.byState.all(list)));
    return {
      byState,
      byLastOutcome: tally(this.#sql.byLastOutcome.all(list)),
      attemptsByOutcome: tally(this.#sql.attemptsByOutcome.all(list)),
      flagged: this.#sql.flagged.get(list) as number,
    };
  }

  #notAssigned(taskId: number, agentId: string): RevisitError {
    const found = this.get(taskId);
    if (!found) return new RevisitError('unknownTask', `revisit task ${taskId} does not exist`);
    const now = found.state === 'assigned' ? `assigned to agent ${found.assignedAgent}` : found.state;
    return new RevisitError('notAssigned', `revisit task ${taskId} is not assigned to agent ${agentId} (it is ${now})`);
  }

  #params(input: RevisitTaskInput, at: number) {
    return {
      list: input.list,
      customerId: input.customerId ?? null,
      name: input.name,
      number: normalizePhone(input.number),
      note: input.note ?? '',
      priority: input.priority ?? 0,
      dueAt: input.dueAt ?? at,
      maxAttempts: input.maxAttempts,
      at,
    };
  }
}

function take(listFilter: string): string {
  return `UPDATE revisit_tasks SET state = 'assigned', assigned_agent = @agentId, assigned_at = @now, updated_at = @now
    WHERE id = (SELECT id FROM revisit_tasks WHERE state = 'pending' AND ${listFilter}next_try_at <= @now ORDER BY priority DESC, due_at, id LIMIT 1)
    RETURNING ${TASK_COLUMNS}`;
}

function task(row: TaskSqlRow): RevisitTask {
  return { ...row, flagged: row.flagged === 1 };
}

/** A list name is also a level of the MQTT topic its counts are published on. */
export function listNameProblem(list: string): string | undefined {
  if (list.trim() === '') return 'the list name is empty';
  if (list.length > 64) return `the list name "${list.slice(0, 20)}…" is longer than 64 characters`;
  if (/[/+#\u0000]/.test(list)) return `the list name "${list}" contains '/', '+', '#' or NUL`;
  return undefined;
}

function checkTask(input: RevisitTaskInput): string | undefined {
  const listProblem = listNameProblem(input.list);
  if (listProblem) return listProblem;
  if (input.name.trim() === '') return 'name: empty';
  if (!/[0-9]/.test(input.number)) return `number: "${input.number}" has no digits`;
  if (!Number.isInteger(input.maxAttempts) || input.maxAttempts < 1) return `maxAttempts: expected a whole number of at least 1, got ${input.maxAttempts}`;
  if (input.priority !== undefined && !Number.isInteger(input.priority)) return `priority: expected a whole number, got ${input.priority}`;
  if (input.dueAt !== undefined && !Number.isInteger(input.dueAt)) return `dueAt: expected epoch milliseconds, got ${input.dueAt}`;
  return undefined;
}
