export { RecordsStore, RecordsError, RECORDS_FILE_NAME } from './store.js';
export type { RecordsStoreOptions } from './store.js';
export { recordsMigrations } from './migrations.js';
export type { RecordsMigration } from './migrations.js';
export type * from './rows.js';
export { CustomerStore, CsvImportError, normalizePhone, type CsvImportResult } from './customers.js';
export { SqliteIvrJournal, type IvrStepRow } from './ivr-journal.js';
export { SqliteAcdJournal, type AcdAgentStateRow, type QueueCallRow, type AcdOfferRow, type CallbackAttemptRow } from './acd-journal.js';
export { RevisitStore, RevisitError, REVISIT_STATES, parseDue, type RevisitState, type RevisitTask, type RevisitTaskInput, type RevisitAttempt, type RevisitAttemptResult, type RevisitImportDefaults, type RevisitCounts, type RevisitRowError, type RevisitErrorCode } from './revisit-store.js';
