/**
 * The flows of the site: `<flowsDir>/*.json`, one flow per file. A changed file is validated and,
 * when good, serves new calls (running calls keep their CompiledFlow); a bad one is rejected with
 * the FlowError text and the previous version stays.
 */
import { EventEmitter } from 'node:events';
import { type FSWatcher, existsSync, mkdirSync, readFileSync, readdirSync, watch } from 'node:fs';
import { basename, join } from 'node:path';
import type { Clock, TimerHandle } from '../../runtime/clock.js';
import type { Logger } from '../../runtime/logger.js';
import type { PromptLibrary } from '../ports.js';
import type { NodeType } from './schema.js';
import { type CompiledFlow, FlowError, compileFlow } from './validate.js';

export interface FlowRegistryEvents {
  loaded: [info: { file: string; flow: string; version: string }];
  rejected: [info: { file: string; error: string }];
  removed: [info: { file: string; flow: string }];
}

export interface FlowRegistryOptions {
  dir: string;
  prompts?: PromptLibrary;
  clock: Clock;
  logger: Logger;
  debounceMs?: number;
}

export class FlowRegistry extends EventEmitter<FlowRegistryEvents> {
  readonly #flows = new Map<string, CompiledFlow>();
  /** file name → flow id it defined, to handle deletes and renames. */
  readonly #files = new Map<string, string>();
  /** file name → the text last looked at, so a reload only reconsiders files that changed. */
  readonly #seen = new Map<string, string>();
  readonly #options: FlowRegistryOptions;
  readonly #log: Logger;
  #watcher: FSWatcher | undefined;
  #pending: TimerHandle | undefined;

  constructor(options: FlowRegistryOptions) {
    super();
    this.#options = options;
    this.#log = options.logger.child({ module: 'ivr.flows' });
  }

  get dir(): string {
    return this.#options.dir;
  }

  /** Loads every file; returns the errors of the files it rejected (the good ones are in). */
  load(): string[] {
    mkdirSync(this.#options.dir, { recursive: true });
    const names = readdirSync(this.#options.dir).filter((name) => name.endsWith('.json')).sort();
    const errors: string[] = [];
    const texts = new Map<string, unknown>();
    for (const name of names) {
      let text: string;
      try {
        text = readFileSync(join(this.#options.dir, name), 'utf8');
      } catch {
        continue;
      }
      if (this.#seen.get(name) === text) continue;
      this.#seen.set(name, text);
      try {
        texts.set(name, JSON.parse(text));
      } catch (error) {
        errors.push(this.#reject(name, `${name}: not valid JSON: ${(error as Error).message}`));
      }
    }
    for (const name of [...this.#seen.keys()]) if (!names.includes(name)) this.#seen.delete(name);
    const ids = new Set([...texts.values()].map((doc) => (doc as { id?: unknown })?.id).filter((id): id is string => typeof id === 'string'));
    for (const [name, doc] of texts) {
      const error = this.#accept(name, doc, ids);
      if (error) errors.push(error);
    }
    for (const [name, id] of [...this.#files]) {
      if (!names.includes(name)) this.#remove(name, id);
    }
    return errors;
  }

  get(id: string): CompiledFlow | undefined {
    return this.#flows.get(id);
  }

  ids(): string[] {
    return [...this.#flows.keys()].sort();
  }

  /** Whether any flow has a say node (then the TTS tools must be installed). */
  usesTts(): boolean {
    return [...this.#flows.values()].some((flow) => Object.values(flow.document.nodes).some((node) => node.type === 'say'));
  }

  /** Whether any of these flows (default: all) has a node of this type (agentDesk nodes need the ACD's port). */
  usesNode(type: NodeType, flowIds: Iterable<string> = this.#flows.keys()): boolean {
    return [...flowIds].some((id) => Object.values(this.#flows.get(id)?.document.nodes ?? {}).some((node) => node.type === type));
  }

  /** Reloads on changes in the directory (debounced). */
  watch(): void {
    if (this.#watcher) return;
    mkdirSync(this.#options.dir, { recursive: true });
    this.#watcher = watch(this.#options.dir, () => this.#scheduleReload());
    this.#watcher.on('error', (error) => this.#log.warn({ err: error }, 'watching the flows directory failed'));
  }

  close(): void {
    this.#watcher?.close();
    this.#watcher = undefined;
    this.#options.clock.clearTimeout(this.#pending);
  }

  #scheduleReload(): void {
    this.#options.clock.clearTimeout(this.#pending);
    this.#pending = this.#options.clock.setTimeout(() => {
      this.#pending = undefined;
      if (existsSync(this.#options.dir)) this.load();
    }, this.#options.debounceMs ?? 300);
  }

  #accept(name: string, doc: unknown, ids: Set<string>): string | undefined {
    const knownFlows = new Set([...ids, ...this.#flows.keys()]);
    let flow: CompiledFlow;
    try {
      flow = compileFlow(doc, { source: basename(name, '.json'), knownFlows, ...(this.#options.prompts ? { prompts: this.#options.prompts } : {}) });
    } catch (error) {
      if (error instanceof FlowError) return this.#reject(name, `${name}: ${error.message}`);
      throw error;
    }
    const owner = [...this.#files].find(([file, id]) => id === flow.id && file !== name);
    if (owner) return this.#reject(name, `${name}: flow "${flow.id}" is already defined by ${owner[0]}`);
    const previous = this.#files.get(name);
    if (previous !== undefined && previous !== flow.id) this.#remove(name, previous);
    if (this.#flows.get(flow.id)?.version === flow.version) return undefined;
    this.#flows.set(flow.id, flow);
    this.#files.set(name, flow.id);
    for (const warning of flow.warnings) this.#log.warn(warning);
    this.#log.info({ file: name, flow: flow.id, version: flow.version }, 'flow loaded');
    this.emit('loaded', { file: name, flow: flow.id, version: flow.version });
    return undefined;
  }

  #reject(name: string, error: string): string {
    this.#log.error({ file: name }, `flow rejected: ${error}`);
    this.emit('rejected', { file: name, error });
    return error;
  }

  #remove(name: string, id: string): void {
    this.#files.delete(name);
    this.#flows.delete(id);
    this.#log.info({ file: name, flow: id }, 'flow removed');
    this.emit('removed', { file: name, flow: id });
  }
}
