/** Prompt files by name and language: the site's own recordings first, then the shipped set. */
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { LANGUAGES, type Language, type PromptLibrary } from './ports.js';

/** The prompt set shipped with ccbox (prompts/ at the project root). */
export function defaultPromptDir(): string {
  return fileURLToPath(new URL('../../prompts/', import.meta.url));
}

export class PromptDirectory implements PromptLibrary {
  readonly #cache = new Map<string, string | undefined>();

  /** `dirs` in order of preference, each holding `<lang>/<name>.wav`. */
  constructor(readonly dirs: readonly string[]) {}

  resolve(name: string, language: Language): string | undefined {
    const key = `${language}\0${name}`;
    if (this.#cache.has(key)) return this.#cache.get(key);
    const order = [language, ...LANGUAGES.filter((l) => l !== language)];
    let found: string | undefined;
    for (const lang of order) {
      found = this.dirs.map((dir) => join(dir, lang, `${name}.wav`)).find((file) => existsSync(file));
      if (found) break;
    }
    this.#cache.set(key, found);
    return found;
  }

  /** Forget what was looked up (after a site adds or replaces recordings). */
  refresh(): void {
    this.#cache.clear();
  }

  names(language: Language): string[] {
    const names = new Set<string>();
    for (const dir of this.dirs) {
      const base = join(dir, language);
      if (!existsSync(base)) continue;
      for (const entry of readdirSync(base, { recursive: true }) as string[]) if (entry.endsWith('.wav')) names.add(entry.slice(0, -4).split('\\').join('/'));
    }
    return [...names].sort();
  }
}
