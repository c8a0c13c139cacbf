/**
 * The configuration store: `<data>/config.json`, held in memory through lowdb. Every change goes
 * through one path: validate the whole candidate, apply it, persist it atomically.
 */
import { EventEmitter } from 'node:events';
import { join } from 'node:path';
import { Low } from 'lowdb';
import { systemClock, type Clock } from '../../runtime/clock.js';
import type { Logger } from '../../runtime/logger.js';
import { AtomicJsonFile, exists, keepOrphans, parseJsonText, readTextIfExists, writeFileAtomic } from './atomic-file.js';
import { validateConfig, checkConfig, type ConfigValidator } from './document.js';
import { ConfigError, formatIssue } from './errors.js';
import { migrateDocument } from './migrations.js';
import { changedPaths, coerceText, getAt, schemaAtPath, setAt, settingPaths, splitPath } from './paths.js';
import { configDefaults, configSchema, CONFIG_VERSION, type Config } from './schema.js';

export const CONFIG_FILE_NAME = 'config.json';

export interface ConfigStoreOptions {
  /** The data directory; the store uses `<dir>/config.json`. */
  dir: string;
  logger: Logger;
  clock?: Clock;
  /** Rules beyond the schema, checked on open and on every change. */
  validators?: readonly ConfigValidator[];
}

export interface OpenOptions {
  /**
   * When false, validator issues found at open are logged instead of thrown, so a command can
   * still show the config and repair it. Schema errors always throw. Default true.
   */
  strict?: boolean;
}

export interface ConfigChange {
  config: Config;
  /** Leaf paths whose value changed. */
  paths: string[];
}

export interface ConfigStoreEvents {
  changed: [change: ConfigChange];
}

export class ConfigStore extends EventEmitter<ConfigStoreEvents> {
  readonly path: string;
  readonly #log: Logger;
  readonly #clock: Clock;
  readonly #validators: readonly ConfigValidator[];
  #db: Low<Config> | undefined;
  #queue: Promise<unknown> = Promise.resolve();

  constructor(options: ConfigStoreOptions) {
    super();
    this.path = join(options.dir, CONFIG_FILE_NAME);
    this.#log = options.logger.child({ module: 'store.config' });
    this.#clock = options.clock ?? systemClock;
    this.#validators = options.validators ?? [];
  }

  /** Loads the file (migrating it if it is older) or creates it with defaults. */
  async open(options: OpenOptions = {}): Promise<void> {
    const strict = options.strict ?? true;
    for (const orphan of await this.#keepOrphans()) {
      this.#log.warn({ orphan }, 'kept a temp file left by an interrupted write; compare it with config.json');
    }
    // open() reads the text itself rather than through db.read(): migration needs the old bytes for the backup.
    const db = new Low<Config>(new AtomicJsonFile(this.path, (raw) => validateConfig(raw, [], this.path)), configDefaults());
    const text = await readTextIfExists(this.path);
    if (text === undefined) {
      this.#checkValidators(db.data, strict);
      await this.#persist(db);
      this.#log.info({ file: this.path }, 'created configuration with defaults');
      this.#db = db;
      return;
    }
    const migration = migrateDocument(parseJsonText(text, this.path), this.path);
    db.data = validateConfig(migration.document, [], this.path);
    this.#checkValidators(db.data, strict);
    if (migration.from < CONFIG_VERSION) {
      const backup = await this.#backupPath(migration.from);
      await writeFileAtomic(backup, text);
      await this.#persist(db);
      this.#log.info({ file: this.path, backup, from: migration.from, to: migration.to, changes: migration.changes }, 'migrated configuration');
    }
    this.#db = db;
  }

  /** A copy of the whole configuration. */
  get(): Config {
    return structuredClone(this.#opened().data);
  }

  /** The value at a dotted path such as 'pbx.url'. */
  getPath(path: string): unknown {
    this.#schemaAt(path);
    return structuredClone(getAt(this.#opened().data, splitPath(path)));
  }

  /** Sets one setting to an already typed value. */
  async set(path: string, value: unknown): Promise<Config> {
    const segments = splitPath(path);
    this.#schemaAt(path);
    return this.#change((current) => {
      setAt(current, segments, value);
      return current;
    });
  }

  /** Sets one setting from command-line text, coerced to the type the schema has at that path. */
  async setFromText(path: string, text: string): Promise<Config> {
    return this.set(path, coerceText(this.#schemaAt(path), text, path));
  }

  /** Removes a setting so it falls back to its default (or is absent, when optional). */
  async unset(path: string): Promise<Config> {
    return this.set(path, undefined);
  }

  /**
   * Reads config.json again after another program (`ccbox config set`, an editor) changed it, and
   * emits `changed` when it differs. A file that does not validate is refused with the ConfigError
   * naming what is wrong; the configuration in use stays as it was.
   */
  async reload(): Promise<Config> {
    const text = await readTextIfExists(this.path);
    if (text === undefined) throw new ConfigError('io', `${this.path}: the file is gone; the configuration in use is kept (ccbox writes it again on the next change)`, [], this.path);
    const { document } = migrateDocument(parseJsonText(text, this.path), this.path);
    return this.#change(() => document, this.path, { persist: false });
  }

  /** Replaces the whole configuration; fields left out get their defaults. */
  async replace(whole: unknown): Promise<Config> {
    return this.#change(() => whole);
  }

  /** Replaces the configuration with a file's (migrated in memory if it is older). */
  async importFile(file: string): Promise<Config> {
    const text = await readTextIfExists(file);
    if (text === undefined) throw new ConfigError('io', `${file}: no such file`, [], file);
    const { document } = migrateDocument(parseJsonText(text, file), file);
    return this.#change(() => document, file);
  }

  /** Writes the whole configuration (defaults included) to a file, atomically. */
  async exportFile(file: string): Promise<void> {
    await writeFileAtomic(file, `${JSON.stringify(this.get(), null, 2)}\n`);
  }

  /** The single change path: build the candidate from a copy, validate, apply, persist (rolled back if persisting fails). */
  #change(build: (current: Record<string, unknown>) => unknown, source?: string, options: { persist: boolean } = { persist: true }): Promise<Config> {
    const run = this.#queue.then(async () => {
      const db = this.#opened();
      const before = db.data;
      const next = validateConfig(build(structuredClone(before) as Record<string, unknown>), this.#validators, source);
      const paths = changedPaths(before, next);
      if (paths.length === 0) return structuredClone(next);
      db.data = next;
      try {
        if (options.persist) await this.#persist(db);
      } catch (error) {
        db.data = before;
        throw error;
      }
      this.#log.info({ paths }, 'configuration changed');
      this.emit('changed', { config: structuredClone(next), paths });
      return structuredClone(next);
    });
    this.#queue = run.catch(() => undefined);
    return run;
  }

  async #persist(db: Low<Config>): Promise<void> {
    try {
      await db.write();
    } catch (error) {
      throw new ConfigError('io', `cannot write ${this.path}: ${(error as Error).message}`, [], this.path);
    }
  }

  #checkValidators(config: Config, strict: boolean): void {
    const { issues } = checkConfig(config, this.#validators);
    if (issues.length === 0) return;
    if (strict) throw ConfigError.invalid(issues, this.path);
    this.#log.warn({ file: this.path, issues: issues.map(formatIssue) }, 'configuration has problems; fix them with ccbox config set');
  }

  async #keepOrphans(): Promise<string[]> {
    try {
      return await keepOrphans(this.path, this.#clock);
    } catch (error) {
      throw new ConfigError('io', `cannot look for leftover temp files of ${this.path}: ${(error as Error).message}`, [], this.path);
    }
  }

  async #backupPath(version: number): Promise<string> {
    const plain = `${this.path}.v${version}.bak`;
    if (!(await exists(plain))) return plain;
    return `${plain}-${new Date(this.#clock.now()).toISOString().replace(/[:.]/g, '-')}`;
  }

  #schemaAt(path: string) {
    const schema = schemaAtPath(configSchema, path);
    if (!schema) {
      throw new ConfigError('unknownPath', `unknown setting "${path}" (settings: ${settingPaths(configSchema).join(', ')})`, [
        { path, message: 'unknown setting' },
      ]);
    }
    return schema;
  }

  #opened(): Low<Config> {
    if (!this.#db) throw new ConfigError('notOpen', `configuration store ${this.path} is not open: call open() first`);
    return this.#db;
  }
}
