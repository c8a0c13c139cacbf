/**
 * The records store: `<data>/records.sqlite` (better-sqlite3, WAL) for everything that grows with
 * traffic. Times are epoch milliseconds (see rows.ts). Later issues add tables by appending to
 * recordsMigrations and methods here (or in a sibling file taking the same database).
 */
import { join } from 'node:path';
import Database from 'better-sqlite3';
import type { Logger } from '../../runtime/logger.js';
import { recordsMigrations, type RecordsMigration } from './migrations.js';
import type {
  AgentState,
  CallEvent,
  CallEventQuery,
  CallEventRow,
  CallRecord,
  CallRecordQuery,
  CallRecordRow,
  KeyPress,
  Recording,
} from './rows.js';

export const RECORDS_FILE_NAME = 'records.sqlite';

export class RecordsError extends Error {
  override readonly name = 'RecordsError';
  constructor(
    readonly code: 'notOpen' | 'tooNew' | 'badQuery' | 'io',
    message: string,
  ) {
    super(message);
  }
}

export interface RecordsStoreOptions {
  /** The data directory; the store uses `<dir>/records.sqlite`. */
  dir: string;
  logger: Logger;
  /** Milliseconds a statement waits for another connection's lock before failing. Default 5000. */
  busyTimeoutMs?: number;
  /** For tests of the migration runner; the shipped steps otherwise. */
  migrations?: readonly RecordsMigration[];
}

const json = (value: unknown): string | null => (value === undefined ? null : JSON.stringify(value));
const unjson = (text: string | null): unknown => (text === null ? null : JSON.parse(text));

interface CallEventSqlRow {
  id: number;
  at: number;
  call_id: string | null;
  device: string | null;
  event_name: string;
  cause: string | null;
  payload: string | null;
}

interface CallRecordSqlRow {
  call_id: string;
  started_at: number;
  answered_at: number | null;
  ended_at: number | null;
  direction: string | null;
  calling: string | null;
  called: string | null;
  answered_by: string | null;
  queue: string | null;
  disposition: string | null;
  data: string | null;
}

export class RecordsStore {
  readonly path: string;
  readonly #log: Logger;
  readonly #options: RecordsStoreOptions;
  #db: Database.Database | undefined;
  #statements = new Map<string, Database.Statement>();

  constructor(options: RecordsStoreOptions) {
    this.path = join(options.dir, RECORDS_FILE_NAME);
    this.#log = options.logger.child({ module: 'store.records' });
    this.#options = options;
  }

  /** Opens (creating if needed) the database, sets WAL, and brings its schema up to date. */
  open(): void {
    let db: Database.Database;
    try {
      db = new Database(this.path);
    } catch (error) {
      throw new RecordsError('io', `cannot open ${this.path}: ${(error as Error).message}`);
    }
    try {
      db.pragma('journal_mode = WAL');
      db.pragma('synchronous = NORMAL');
      db.pragma(`busy_timeout = ${this.#options.busyTimeoutMs ?? 5000}`);
      db.pragma('foreign_keys = ON');
      this.#migrate(db, this.#options.migrations ?? recordsMigrations);
    } catch (error) {
      db.close();
      throw error;
    }
    this.#db = db;
  }

  /** The schema version (PRAGMA user_version). */
  get schemaVersion(): number {
    return this.#opened().pragma('user_version', { simple: true }) as number;
  }

  /** Appends one call event; returns its id. */
  insertCallEvent(event: CallEvent): number {
    const result = this.#statement(
      'insertCallEvent',
      'INSERT INTO call_events (at, call_id, device, event_name, cause, payload) VALUES (?, ?, ?, ?, ?, ?)',
    ).run(event.at, event.callId ?? null, event.device ?? null, event.eventName, event.cause ?? null, json(event.payload));
    return Number(result.lastInsertRowid);
  }

  /** Appends several call events in one transaction: all or none. Returns their ids. */
  insertCallEvents(events: readonly CallEvent[]): number[] {
    return this.#opened().transaction((batch: readonly CallEvent[]) => batch.map((event) => this.insertCallEvent(event)))(events);
  }

  /**
   * Inserts or updates the call's row. Fields given replace the stored ones; fields left out (or
   * null) keep them, so the model can write the record as the call progresses.
   */
  upsertCallRecord(record: CallRecord): void {
    this.#statement(
      'upsertCallRecord',
      `INSERT INTO call_records (call_id, started_at, answered_at, ended_at, direction, calling, called, answered_by, queue, disposition, data)
       VALUES (@callId, @startedAt, @answeredAt, @endedAt, @direction, @calling, @called, @answeredBy, @queue, @disposition, @data)
       ON CONFLICT (call_id) DO UPDATE SET
         started_at = excluded.started_at,
         answered_at = coalesce(excluded.answered_at, answered_at),
         ended_at = coalesce(excluded.ended_at, ended_at),
         direction = coalesce(excluded.direction, direction),
         calling = coalesce(excluded.calling, calling),
         called = coalesce(excluded.called, called),
         answered_by = coalesce(excluded.answered_by, answered_by),
         queue = coalesce(excluded.queue, queue),
         disposition = coalesce(excluded.disposition, disposition),
         data = coalesce(excluded.data, data)`,
    ).run({
      callId: record.callId,
      startedAt: record.startedAt,
      answeredAt: record.answeredAt ?? null,
      endedAt: record.endedAt ?? null,
      direction: record.direction ?? null,
      calling: record.calling ?? null,
      called: record.called ?? null,
      answeredBy: record.answeredBy ?? null,
      queue: record.queue ?? null,
      disposition: record.disposition ?? null,
      data: record.data === null ? null : json(record.data),
    });
  }

  /** Call events in time order, filtered by call and/or start time. */
  listCallEvents(query: CallEventQuery): CallEventRow[] {
    const where: string[] = [];
    const params: Record<string, unknown> = { limit: checkLimit(query.limit) };
    if (query.callId !== undefined) {
      where.push('call_id = @callId');
      params.callId = query.callId;
    }
    if (query.since !== undefined) {
      where.push('at >= @since');
      params.since = query.since;
    }
    const sql = `SELECT * FROM call_events ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY at, id LIMIT @limit`;
    const rows = this.#statement(sql, sql).all(params) as CallEventSqlRow[];
    return rows.map((row) => ({
      id: row.id,
      at: row.at,
      callId: row.call_id,
      device: row.device,
      eventName: row.event_name,
      cause: row.cause,
      payload: unjson(row.payload),
    }));
  }

  /** Call records in order of their start, optionally from a time on. */
  listCallRecords(query: CallRecordQuery): CallRecordRow[] {
    const params: Record<string, unknown> = { limit: checkLimit(query.limit) };
    if (query.since !== undefined) params.since = query.since;
    const sql = `SELECT * FROM call_records ${query.since !== undefined ? 'WHERE started_at >= @since' : ''} ORDER BY started_at, call_id LIMIT @limit`;
    const rows = this.#statement(sql, sql).all(params) as CallRecordSqlRow[];
    return rows.map((row) => ({
      callId: row.call_id,
      startedAt: row.started_at,
      answeredAt: row.answered_at,
      endedAt: row.ended_at,
      direction: row.direction,
      calling: row.calling,
      called: row.called,
      answeredBy: row.answered_by,
      queue: row.queue,
      disposition: row.disposition,
      data: unjson(row.data),
    }));
  }

  insertAgentState(state: AgentState): number {
    const result = this.#statement(
      'insertAgentState',
      'INSERT INTO agent_states (at, agent_id, device, state, reason) VALUES (?, ?, ?, ?, ?)',
    ).run(state.at, state.agentId, state.device ?? null, state.state, state.reason ?? null);
    return Number(result.lastInsertRowid);
  }

  insertKeyPress(press: KeyPress): number {
    const result = this.#statement(
      'insertKeyPress',
      'INSERT INTO key_presses (at, call_id, channel, digits) VALUES (?, ?, ?, ?)',
    ).run(press.at, press.callId ?? null, press.channel ?? null, press.digits);
    return Number(result.lastInsertRowid);
  }

  /** Indexes a recording when it starts; returns its id for finishRecording. */
  insertRecording(recording: Recording): number {
    const result = this.#statement(
      'insertRecording',
      'INSERT INTO recordings (call_id, path, started_at, ended_at, bytes) VALUES (?, ?, ?, ?, ?)',
    ).run(recording.callId ?? null, recording.path, recording.startedAt, recording.endedAt ?? null, recording.bytes ?? null);
    return Number(result.lastInsertRowid);
  }

  finishRecording(id: number, endedAt: number, bytes: number): void {
    this.#statement('finishRecording', 'UPDATE recordings SET ended_at = ?, bytes = ? WHERE id = ?').run(endedAt, bytes, id);
  }

  /** The open database, for sibling stores over the same file (customers, IVR journal). */
  get database(): Database.Database {
    return this.#opened();
  }

  /** Closes the database; further calls throw notOpen. Safe to call twice. */
  close(): void {
    if (!this.#db) return;
    this.#statements.clear();
    this.#db.pragma('optimize');
    this.#db.close();
    this.#db = undefined;
  }

  #migrate(db: Database.Database, steps: readonly RecordsMigration[]): void {
    const current = db.pragma('user_version', { simple: true }) as number;
    const latest = steps.reduce((max, step) => Math.max(max, step.version), 0);
    if (current > latest) {
      throw new RecordsError('tooNew', `${this.path} has schema version ${current}, newer than this ccbox knows (${latest})`);
    }
    for (const step of [...steps].sort((a, b) => a.version - b.version)) {
      if (step.version <= current) continue;
      db.transaction(() => {
        step.up(db);
        db.pragma(`user_version = ${step.version}`);
      })();
      this.#log.info({ file: this.path, version: step.version, description: step.description }, 'records schema migrated');
    }
  }

  #statement(key: string, sql: string): Database.Statement {
    let statement = this.#statements.get(key);
    if (!statement) {
      statement = this.#opened().prepare(sql);
      this.#statements.set(key, statement);
    }
    return statement;
  }

  #opened(): Database.Database {
    if (!this.#db) throw new RecordsError('notOpen', `records store ${this.path} is not open: call open() first`);
    return this.#db;
  }
}

function checkLimit(limit: number): number {
  if (!Number.isInteger(limit) || limit < 1) {
    throw new RecordsError('badQuery', `limit must be a positive whole number, got ${String(limit)}`);
  }
  return limit;
}
