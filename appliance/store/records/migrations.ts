/**
 * Schema migrations of records.sqlite, keyed on PRAGMA user_version. Each step runs in its own
 * transaction together with the version bump. To add tables: append a step with the next version;
 * never edit a step that has shipped.
 */
import type { Database } from 'better-sqlite3';

export interface RecordsMigration {
  version: number;
  description: string;
  up(db: Database): void;
}

export const recordsMigrations: readonly RecordsMigration[] = [
  {
    version: 1,
    description: 'call records, call events, agent states, key presses, recordings',
    up(db) {
      db.exec(`
        CREATE TABLE call_records (
          call_id      TEXT PRIMARY KEY,
          started_at   INTEGER NOT NULL,
          answered_at  INTEGER,
          ended_at     INTEGER,
          direction    TEXT,
          calling      TEXT,
          called       TEXT,
          answered_by  TEXT,
          queue        TEXT,
          disposition  TEXT,
          data         TEXT
        ) STRICT;
        CREATE INDEX call_records_started_at ON call_records (started_at);

        CREATE TABLE call_events (
          id          INTEGER PRIMARY KEY AUTOINCREMENT,
          at          INTEGER NOT NULL,
          call_id     TEXT,
          device      TEXT,
          event_name  TEXT NOT NULL,
          cause       TEXT,
          payload     TEXT
        ) STRICT;
        CREATE INDEX call_events_call_id ON call_events (call_id);
        CREATE INDEX call_events_at ON call_events (at);

        CREATE TABLE agent_states (
          id        INTEGER PRIMARY KEY AUTOINCREMENT,
          at        INTEGER NOT NULL,
          agent_id  TEXT NOT NULL,
          device    TEXT,
          state     TEXT NOT NULL,
          reason    TEXT
        ) STRICT;
        CREATE INDEX agent_states_agent_id ON agent_states (agent_id, at);
        CREATE INDEX agent_states_at ON agent_states (at);

        CREATE TABLE key_presses (
          id       INTEGER PRIMARY KEY AUTOINCREMENT,
          at       INTEGER NOT NULL,
          call_id  TEXT,
          channel  TEXT,
          digits   TEXT NOT NULL
        ) STRICT;
        CREATE INDEX key_presses_call_id ON key_presses (call_id);
        CREATE INDEX key_presses_at ON key_presses (at);

        CREATE TABLE recordings (
          id          INTEGER PRIMARY KEY AUTOINCREMENT,
          call_id     TEXT,
          path        TEXT NOT NULL,
          started_at  INTEGER NOT NULL,
          ended_at    INTEGER,
          bytes       INTEGER
        ) STRICT;
        CREATE INDEX recordings_call_id ON recordings (call_id);
        CREATE INDEX recordings_started_at ON recordings (started_at);
      `);
    },
  },
];
