/**
 * Stepwise migrations of config.json. Each step takes a document of version `from` and returns
 * one of version `to`, calling `note` for every change so the store can log what it did. To change
 * the format: bump CONFIG_VERSION in schema.ts and append a step here.
 */
import { ConfigError } from './errors.js';
import { CONFIG_VERSION } from './schema.js';

export type RawDocument = Record<string, unknown>;

export interface ConfigMigration {
  from: number;
  to: number;
  migrate(raw: RawDocument, note: (change: string) => void): RawDocument;
}

function isObject(value: unknown): value is RawDocument {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export const migrations: readonly ConfigMigration[] = [
  {
    // Version 0 had no `version` field and described the PBX link as pbx.host + pbx.port.
    from: 0,
    to: 1,
    migrate(raw, note) {
      const next: RawDocument = { ...raw };
      if (isObject(raw.pbx) && ('host' in raw.pbx || 'port' in raw.pbx)) {
        const { host, port, ...rest } = raw.pbx;
        const pbx: RawDocument = { ...rest };
        if (pbx.url === undefined) {
          const url = `tcp://${String(host ?? '127.0.0.1')}:${String(port ?? 8800)}`;
          pbx.url = url;
          note(`pbx.host ${JSON.stringify(host)} and pbx.port ${JSON.stringify(port)} became pbx.url "${url}"`);
        } else {
          note('pbx.host and pbx.port dropped: pbx.url was already set');
        }
        next.pbx = pbx;
      }
      next.version = 1;
      note('version 1 added');
      return next;
    },
  },
];

/** The document's format version: its `version` field, or 0 when absent (files from before versions). */
export function documentVersion(raw: unknown, file?: string): number {
  const where = file ? `${file}: ` : '';
  if (!isObject(raw)) {
    throw ConfigError.invalid([{ path: '', message: 'expected a JSON object' }], file);
  }
  if (raw.version === undefined) return 0;
  if (typeof raw.version !== 'number' || !Number.isInteger(raw.version) || raw.version < 0) {
    throw ConfigError.invalid([{ path: 'version', message: 'expected a whole number' }], file);
  }
  if (raw.version > CONFIG_VERSION) {
    throw new ConfigError(
      'badVersion',
      `${where}version ${raw.version} is newer than this ccbox understands (${CONFIG_VERSION}); use a newer ccbox or restore a backup`,
      [{ path: 'version', message: `newer than ${CONFIG_VERSION}` }],
      file,
    );
  }
  return raw.version;
}

export interface MigrationResult {
  document: RawDocument;
  from: number;
  to: number;
  changes: string[];
}

/** Runs every step from the document's version up to `target`. Pure: the input is not modified. */
export function migrateDocument(
  raw: unknown,
  file?: string,
  steps: readonly ConfigMigration[] = migrations,
  target: number = CONFIG_VERSION,
): MigrationResult {
  const from = documentVersion(raw, file);
  let document = structuredClone(raw) as RawDocument;
  let version = from;
  const changes: string[] = [];
  while (version < target) {
    const step = steps.find((candidate) => candidate.from === version);
    if (!step || step.to <= version) {
      throw new ConfigError('badVersion', `${file ? `${file}: ` : ''}no migration from config version ${version}`, [], file);
    }
    document = step.migrate(document, (change) => changes.push(`v${step.from}→v${step.to}: ${change}`));
    version = step.to;
  }
  return { document, from, to: version, changes };
}
