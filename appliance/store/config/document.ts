/** Validation of whole configuration documents, shared by the store and by `ccbox config validate`. */
import type { Config } from './schema.js';
import { configSchema, CONFIG_VERSION } from './schema.js';
import { ConfigError, issuesFromZod, type ConfigIssue } from './errors.js';
import { migrateDocument } from './migrations.js';
import { parseJsonText, readTextIfExists } from './atomic-file.js';

/** An extra rule beyond the schema, e.g. "pbx.profile names a shipped profile". Returns its issues (none when fine). */
export type ConfigValidator = (config: Config) => ConfigIssue[];

/** Schema issues, then (only for a schema-valid document) the validators' issues. */
export function checkConfig(
  candidate: unknown,
  validators: readonly ConfigValidator[] = [],
): { config: Config; issues: ConfigIssue[] } | { config?: undefined; issues: ConfigIssue[] } {
  const result = configSchema.safeParse(candidate);
  if (!result.success) return { issues: issuesFromZod(result.error) };
  return { config: result.data, issues: validators.flatMap((validate) => validate(result.data)) };
}

/** The validated config, or a ConfigError listing every issue (and the file, if given). */
export function validateConfig(candidate: unknown, validators: readonly ConfigValidator[] = [], file?: string): Config {
  const { config, issues } = checkConfig(candidate, validators);
  if (!config || issues.length > 0) throw ConfigError.invalid(issues, file);
  return config;
}

export interface FileCheck {
  file: string;
  /** The version the file carries (0 when it has none). */
  version: number;
  /** Set when the file is older than CONFIG_VERSION: what migrating it would change. */
  migrationChanges?: string[];
  issues: ConfigIssue[];
}

/**
 * Checks a config file without writing anything: JSON, version, migration in memory, schema and
 * validators. Unreadable, non-JSON and too-new files throw ConfigError; field problems are listed.
 */
export async function checkConfigFile(file: string, validators: readonly ConfigValidator[] = []): Promise<FileCheck> {
  const text = await readTextIfExists(file);
  if (text === undefined) throw new ConfigError('io', `${file}: no such file`, [], file);
  const migration = migrateDocument(parseJsonText(text, file), file);
  const { issues } = checkConfig(migration.document, validators);
  return {
    file,
    version: migration.from,
    ...(migration.from < CONFIG_VERSION ? { migrationChanges: migration.changes } : {}),
    issues,
  };
}
