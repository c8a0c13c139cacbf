/**
 * Customer records the IVR looks up (by phone number or customer/account number), in
 * records.sqlite, imported from the CRM as CSV.
 */
import type Database from 'better-sqlite3';
import type { CustomerDirectory, CustomerRecord } from '../../ivr/ports.js';
import { parseCsv } from './csv.js';

export interface CsvImportResult {
  imported: number;
  updated: number;
  errors: { line: number; message: string }[];
}

export class CsvImportError extends Error {
  override readonly name = 'CsvImportError';
}

interface CustomerSqlRow {
  id: string;
  name: string;
  level: string;
  vip: number;
  language: string | null;
  account: string;
}

/** Digits and a leading +, nothing else: "+86 10-8888 0000" → "+861088880000". */
export function normalizePhone(number: string): string {
  return number.replace(/[^0-9+]/g, '').replace(/(?!^)\+/g, '');
}

const KNOWN_COLUMNS = ['id', 'name', 'phones', 'level', 'vip', 'language'];
const TRUE = new Set(['1', 'true', 'yes', 'y']);
const FALSE = new Set(['', '0', 'false', 'no', 'n']);

export class CustomerStore implements CustomerDirectory {
  readonly #db: Database.Database;

  constructor(db: Database.Database) {
    this.#db = db;
  }

  byId(id: string): CustomerRecord | undefined {
    const row = this.#db.prepare('SELECT * FROM customers WHERE id = ?').get(id) as CustomerSqlRow | undefined;
    return row ? this.#record(row) : undefined;
  }

  byPhone(number: string): CustomerRecord | undefined {
    const phone = normalizePhone(number);
    if (phone === '') return undefined;
    // Exact first; then the same number with or without a country/trunk prefix (at least 7 digits in common).
    const row = (this.#db
      .prepare('SELECT c.* FROM customers c JOIN customer_phones p ON p.customer_id = c.id WHERE p.phone = ? ORDER BY c.updated_at DESC LIMIT 1')
      .get(phone) ??
      this.#db
        .prepare(
          "SELECT c.* FROM customers c JOIN customer_phones p ON p.customer_id = c.id WHERE (length(:n) >= 7 AND p.phone LIKE '%' || :n) OR (length(p.phone) >= 7 AND :n LIKE '%' || p.phone) ORDER BY c.updated_at DESC LIMIT 1",
        )
        .get({ n: phone.replace(/^\+/, '') })) as CustomerSqlRow | undefined;
    return row ? this.#record(row) : undefined;
  }

  count(): number {
    return this.#db.prepare('SELECT count(*) FROM customers').pluck().get() as number;
  }

  /** Inserts or replaces one customer; returns whether it existed before. */
  upsert(record: CustomerRecord, at = Date.now()): boolean {
    const existed = this.#db.prepare('SELECT 1 FROM customers WHERE id = ?').get(record.id) !== undefined;
    this.#db
      .prepare('INSERT INTO customers (id, name, level, vip, language, account, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT (id) DO UPDATE SET name = excluded.name, level = excluded.level, vip = excluded.vip, language = excluded.language, account = excluded.account, updated_at = excluded.updated_at')
      .run(record.id, record.name, record.level, record.vip ? 1 : 0, record.language ?? null, JSON.stringify(record.account), at);
    this.#db.prepare('DELETE FROM customer_phones WHERE customer_id = ?').run(record.id);
    const insertPhone = this.#db.prepare('INSERT OR IGNORE INTO customer_phones (phone, customer_id) VALUES (?, ?)');
    for (const phone of record.phones) insertPhone.run(normalizePhone(phone), record.id);
    return existed;
  }

  /**
   * CSV with a header row: id, name, phones (separated by ; or |), level, vip, language; any other
   * column goes into the account data. Bad rows are reported by line and skipped; the good rows
   * go in together. A file without id and name columns changes nothing.
   */
  importCsv(text: string, at = Date.now()): CsvImportResult {
    let rows;
    try {
      rows = parseCsv(text);
    } catch (error) {
      throw new CsvImportError(`the CSV cannot be read: ${(error as Error).message}`);
    }
    const header = rows.shift();
    if (!header) throw new CsvImportError('the CSV is empty: expected a header row with at least id and name');
    const columns = header.fields.map((f) => f.trim().toLowerCase());
    for (const required of ['id', 'name']) if (!columns.includes(required)) throw new CsvImportError(`the header row has no "${required}" column (it has: ${columns.join(', ')})`);
    const result: CsvImportResult = { imported: 0, updated: 0, errors: [] };
    const records: CustomerRecord[] = [];
    const seen = new Set<string>();
    for (const row of rows) {
      const problem = (message: string) => result.errors.push({ line: row.line, message });
      if (row.fields.length !== columns.length) {
        problem(`expected ${columns.length} fields, found ${row.fields.length}`);
        continue;
      }
      const value = (name: string) => (row.fields[columns.indexOf(name)] ?? '').trim();
      const id = value('id');
      const name = value('name');
      if (id === '') { problem('id: empty'); continue; }
      if (name === '') { problem('name: empty'); continue; }
      if (seen.has(id)) { problem(`id: ${id} appears twice in the file`); continue; }
      const vipText = value('vip').toLowerCase();
      if (!TRUE.has(vipText) && !FALSE.has(vipText)) { problem(`vip: "${value('vip')}" is not 1/0, true/false or yes/no`); continue; }
      const language = value('language').toLowerCase();
      if (language !== '' && language !== 'zh' && language !== 'en') { problem(`language: "${value('language')}" is not zh or en`); continue; }
      const phones = value('phones').split(/[;|]/).map(normalizePhone).filter((p) => p !== '');
      const account: Record<string, string | number> = {};
      columns.forEach((column, i) => {
        if (KNOWN_COLUMNS.includes(column) || column === '') return;
        const raw = (row.fields[i] ?? '').trim();
        account[column] = /^-?(?:0|[1-9][0-9]*)(?:\.[0-9]+)?$/.test(raw) ? Number(raw) : raw;
      });
      seen.add(id);
      records.push({ id, name, phones, level: value('level') || 'normal', vip: TRUE.has(vipText), ...(language ? { language: language as 'zh' | 'en' } : {}), account });
    }
    this.#db.transaction(() => {
      for (const record of records) {
        if (this.upsert(record, at)) result.updated++;
        else result.imported++;
      }
    })();
    return result;
  }

  #record(row: CustomerSqlRow): CustomerRecord {
    const phones = this.#db.prepare('SELECT phone FROM customer_phones WHERE customer_id = ? ORDER BY phone').pluck().all(row.id) as string[];
    return {
      id: row.id,
      name: row.name,
      phones,
      level: row.level,
      vip: row.vip === 1,
      ...(row.language === 'zh' || row.language === 'en' ? { language: row.language } : {}),
      account: JSON.parse(row.account) as Record<string, string | number>,
    };
  }
}
