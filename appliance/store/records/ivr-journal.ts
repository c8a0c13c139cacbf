/** Every IVR call, node visit and key press, voicemail, fax and survey answer, in records.sqlite. */
import type Database from 'better-sqlite3';
import type { IvrJournal } from '../../ivr/ports.js';

type Row<K extends keyof IvrJournal> = Parameters<IvrJournal[K]>[0];

export interface IvrStepRow { flow: string; node: string; nodeType: string; enteredAt: number; leftAt: number | null; outcome: string | null }

export class SqliteIvrJournal implements IvrJournal {
  readonly #db: Database.Database;
  readonly #open = new Map<string, number>();

  constructor(db: Database.Database) {
    this.#db = db;
  }

  callStarted(row: Row<'callStarted'>): void {
    this.#db.prepare('INSERT OR REPLACE INTO ivr_calls (call_id, started_at, channel, caller_id, dnis, flow, flow_version) VALUES (?, ?, ?, ?, ?, ?, ?)')
      .run(row.callId, row.at, row.channel, row.callerId ?? null, row.dnis ?? null, row.flow, row.flowVersion);
  }

  nodeEntered(row: Row<'nodeEntered'>): void {
    const info = this.#db.prepare('INSERT INTO ivr_steps (call_id, flow, node, node_type, entered_at) VALUES (?, ?, ?, ?, ?)').run(row.callId, row.flow, row.node, row.nodeType, row.at);
    this.#open.set(row.callId, Number(info.lastInsertRowid));
  }

  nodeLeft(row: Row<'nodeLeft'>): void {
    const id = this.#open.get(row.callId);
    if (id === undefined) return;
    this.#db.prepare('UPDATE ivr_steps SET left_at = ?, outcome = ? WHERE id = ?').run(row.at, row.outcome, id);
    this.#open.delete(row.callId);
  }

  keyPress(row: Row<'keyPress'>): void {
    this.#db.prepare('INSERT INTO key_presses (at, call_id, channel, digits, flow, node) VALUES (?, ?, ?, ?, ?, ?)').run(row.at, row.callId, String(row.channel), row.digits, row.flow, row.node);
  }

  callEnded(row: Row<'callEnded'>): void {
    this.#open.delete(row.callId);
    this.#db.prepare('UPDATE ivr_calls SET ended_at = ?, outcome = ? WHERE call_id = ?').run(row.at, row.outcome, row.callId);
  }

  voicemail(row: Row<'voicemail'>): void {
    this.#db.prepare('INSERT INTO voicemails (call_id, at, mailbox, file, duration_ms, caller_id) VALUES (?, ?, ?, ?, ?, ?)').run(row.callId, row.at, row.mailbox, row.file, row.durationMs, row.callerId ?? null);
  }

  faxReceived(row: Row<'faxReceived'>): void {
    this.#db.prepare("INSERT INTO faxes (call_id, at, mailbox, direction, file, pages, caller_id) VALUES (?, ?, ?, 'received', ?, ?, ?)").run(row.callId, row.at, row.mailbox, row.file, row.pages, row.callerId ?? null);
  }

  survey(row: Row<'survey'>): void {
    this.#db.prepare('INSERT INTO survey_results (call_id, at, flow, question, score, agent) VALUES (?, ?, ?, ?, ?, ?)').run(row.callId, row.at, row.flow, row.question, row.score, row.agent ?? null);
  }

  callOf(callId: string): { flow: string; flowVersion: string; outcome: string | null; startedAt: number; endedAt: number | null } | undefined {
    return this.#db.prepare('SELECT flow, flow_version AS flowVersion, outcome, started_at AS startedAt, ended_at AS endedAt FROM ivr_calls WHERE call_id = ?').get(callId) as never;
  }

  stepsOf(callId: string): IvrStepRow[] {
    return this.#db.prepare('SELECT flow, node, node_type AS nodeType, entered_at AS enteredAt, left_at AS leftAt, outcome FROM ivr_steps WHERE call_id = ? ORDER BY id').all(callId) as IvrStepRow[];
  }

  keyPressesOf(callId: string): { flow: string | null; node: string | null; digits: string; at: number }[] {
    return this.#db.prepare('SELECT flow, node, digits, at FROM key_presses WHERE call_id = ? ORDER BY id').all(callId) as never;
  }

  voicemailsIn(mailbox: string): { callId: string | null; file: string; durationMs: number; callerId: string | null; at: number }[] {
    return this.#db.prepare('SELECT call_id AS callId, file, duration_ms AS durationMs, caller_id AS callerId, at FROM voicemails WHERE mailbox = ? ORDER BY id').all(mailbox) as never;
  }

  faxesIn(mailbox: string): { callId: string | null; file: string; pages: number; at: number }[] {
    return this.#db.prepare('SELECT call_id AS callId, file, pages, at FROM faxes WHERE mailbox = ? ORDER BY id').all(mailbox) as never;
  }

  surveyResults(callId?: string): { callId: string | null; question: string; score: number; at: number }[] {
    const sql = 'SELECT call_id AS callId, question, score, at FROM survey_results';
    return (callId === undefined ? this.#db.prepare(`${sql} ORDER BY id`).all() : this.#db.prepare(`${sql} WHERE call_id = ? ORDER BY id`).all(callId)) as never;
  }
}
