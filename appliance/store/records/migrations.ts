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
  {
    version: 2,
    description: 'customers for IVR lookups; IVR calls, steps, voicemails, faxes, survey results; key presses per flow and node',
    up(db) {
      db.exec(`
        CREATE TABLE customers (
          id          TEXT PRIMARY KEY,
          name        TEXT NOT NULL,
          level       TEXT NOT NULL DEFAULT 'normal',
          vip         INTEGER NOT NULL DEFAULT 0,
          language    TEXT,
          account     TEXT NOT NULL DEFAULT '{}',
          updated_at  INTEGER NOT NULL
        ) STRICT;
        CREATE TABLE customer_phones (
          phone        TEXT NOT NULL,
          customer_id  TEXT NOT NULL REFERENCES customers (id) ON DELETE CASCADE,
          PRIMARY KEY (phone, customer_id)
        ) STRICT;
        CREATE INDEX customer_phones_customer ON customer_phones (customer_id);

        CREATE TABLE ivr_calls (
          call_id       TEXT PRIMARY KEY,
          started_at    INTEGER NOT NULL,
          ended_at      INTEGER,
          channel       INTEGER,
          caller_id     TEXT,
          dnis          TEXT,
          flow          TEXT NOT NULL,
          flow_version  TEXT NOT NULL,
          outcome       TEXT
        ) STRICT;
        CREATE INDEX ivr_calls_started_at ON ivr_calls (started_at);

        CREATE TABLE ivr_steps (
          id          INTEGER PRIMARY KEY AUTOINCREMENT,
          call_id     TEXT NOT NULL,
          flow        TEXT NOT NULL,
          node        TEXT NOT NULL,
          node_type   TEXT NOT NULL,
          entered_at  INTEGER NOT NULL,
          left_at     INTEGER,
          outcome     TEXT
        ) STRICT;
        CREATE INDEX ivr_steps_call_id ON ivr_steps (call_id);
        CREATE INDEX ivr_steps_flow_node ON ivr_steps (flow, node);

        ALTER TABLE key_presses ADD COLUMN flow TEXT;
        ALTER TABLE key_presses ADD COLUMN node TEXT;
        CREATE INDEX key_presses_flow_node ON key_presses (flow, node);

        CREATE TABLE voicemails (
          id           INTEGER PRIMARY KEY AUTOINCREMENT,
          call_id      TEXT,
          at           INTEGER NOT NULL,
          mailbox      TEXT NOT NULL,
          file         TEXT NOT NULL,
          duration_ms  INTEGER NOT NULL,
          caller_id    TEXT,
          heard        INTEGER NOT NULL DEFAULT 0
        ) STRICT;
        CREATE INDEX voicemails_mailbox ON voicemails (mailbox, at);

        CREATE TABLE faxes (
          id         INTEGER PRIMARY KEY AUTOINCREMENT,
          call_id    TEXT,
          at         INTEGER NOT NULL,
          mailbox    TEXT NOT NULL,
          direction  TEXT NOT NULL,
          file       TEXT NOT NULL,
          pages      INTEGER NOT NULL,
          caller_id  TEXT
        ) STRICT;
        CREATE INDEX faxes_mailbox ON faxes (mailbox, at);

        CREATE TABLE survey_results (
          id        INTEGER PRIMARY KEY AUTOINCREMENT,
          call_id   TEXT,
          at        INTEGER NOT NULL,
          flow      TEXT,
          question  TEXT NOT NULL,
          score     INTEGER NOT NULL CHECK (score BETWEEN 1 AND 5),
          agent     TEXT
        ) STRICT;
        CREATE INDEX survey_results_at ON survey_results (at);
      `);
    },
  },
  {
    version: 3,
    description: 'ACD for reports: agent states gain previous state and queue; queue visits, offers, callback attempts',
    up(db) {
      db.exec(`
        ALTER TABLE agent_states ADD COLUMN previous TEXT;
        ALTER TABLE agent_states ADD COLUMN queue TEXT;

        CREATE TABLE queue_calls (
          id              INTEGER PRIMARY KEY AUTOINCREMENT,
          call_id         TEXT NOT NULL,
          queue           TEXT,
          kind            TEXT NOT NULL,
          joined_at       INTEGER NOT NULL,
          priority        INTEGER NOT NULL DEFAULT 0,
          offered_count   INTEGER NOT NULL DEFAULT 0,
          first_offer_at  INTEGER,
          answered_at     INTEGER,
          agent_id        TEXT,
          left_at         INTEGER,
          outcome         TEXT,
          wait_ms         INTEGER,
          talk_ms         INTEGER,
          ended_at        INTEGER,
          caller_id       TEXT
        ) STRICT;
        CREATE INDEX queue_calls_queue_joined_at ON queue_calls (queue, joined_at);
        CREATE INDEX queue_calls_call_id ON queue_calls (call_id);

        CREATE TABLE acd_offers (
          id          INTEGER PRIMARY KEY AUTOINCREMENT,
          call_id     TEXT NOT NULL,
          queue       TEXT NOT NULL,
          agent_id    TEXT NOT NULL,
          device      TEXT,
          offered_at  INTEGER NOT NULL,
          result      TEXT,
          result_at   INTEGER
        ) STRICT;
        CREATE INDEX acd_offers_call_id ON acd_offers (call_id);
        CREATE INDEX acd_offers_agent_id ON acd_offers (agent_id, offered_at);

        CREATE TABLE callback_attempts (
          id          INTEGER PRIMARY KEY AUTOINCREMENT,
          call_id     TEXT NOT NULL,
          queue       TEXT NOT NULL,
          agent_id    TEXT NOT NULL,
          at          INTEGER NOT NULL,
          attempt     INTEGER NOT NULL,
          outcome     TEXT NOT NULL,
          will_retry  INTEGER NOT NULL
        ) STRICT;
        CREATE INDEX callback_attempts_call_id ON callback_attempts (call_id);
        CREATE INDEX callback_attempts_at ON callback_attempts (at);
      `);
    },
  },
  {
    version: 4,
    description: 'revisit list: outbound follow-up tasks and their attempts',
    up(db) {
      db.exec(`
        CREATE TABLE revisit_tasks (
          id              INTEGER PRIMARY KEY AUTOINCREMENT,
          list            TEXT NOT NULL,
          customer_id     TEXT,
          name            TEXT NOT NULL,
          number          TEXT NOT NULL,
          note            TEXT NOT NULL DEFAULT '',
          priority        INTEGER NOT NULL DEFAULT 0,
          due_at          INTEGER NOT NULL,
          attempts        INTEGER NOT NULL DEFAULT 0,
          max_attempts    INTEGER NOT NULL CHECK (max_attempts >= 1),
          state           TEXT NOT NULL DEFAULT 'pending' CHECK (state IN ('pending', 'assigned', 'done', 'failed', 'cancelled')),
          assigned_agent  TEXT,
          assigned_at     INTEGER,
          last_outcome    TEXT,
          flagged         INTEGER NOT NULL DEFAULT 0,
          next_try_at     INTEGER NOT NULL,
          created_at      INTEGER NOT NULL,
          updated_at      INTEGER NOT NULL,
          CHECK ((state = 'assigned') = (assigned_agent IS NOT NULL))
        ) STRICT;
        CREATE INDEX revisit_tasks_pick_list ON revisit_tasks (state, list, priority DESC, due_at, id);
        CREATE INDEX revisit_tasks_pick_any ON revisit_tasks (state, priority DESC, due_at, id);
        CREATE INDEX revisit_tasks_agent ON revisit_tasks (assigned_agent) WHERE assigned_agent IS NOT NULL;

        CREATE TABLE revisit_attempts (
          id           INTEGER PRIMARY KEY AUTOINCREMENT,
          task_id      INTEGER NOT NULL REFERENCES revisit_tasks (id) ON DELETE CASCADE,
          agent_id     TEXT NOT NULL,
          call_id      TEXT,
          at           INTEGER NOT NULL,
          outcome      TEXT NOT NULL,
          note         TEXT,
          duration_ms  INTEGER
        ) STRICT;
        CREATE INDEX revisit_attempts_task_id ON revisit_attempts (task_id, at);
        CREATE INDEX revisit_attempts_at ON revisit_attempts (at);
      `);
    },
  },
];
