/**
 * Text to speech with espeak-ng (Debian package espeak-ng), converted by sox to 8 kHz mono in the
 * board's law, cached on disk by voice, language, law and text.
 */
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { accessSync, constants, existsSync, mkdirSync, renameSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import type { Language, TtsRenderer } from '../ivr/ports.js';
import type { Logger } from '../runtime/logger.js';

export class TtsError extends Error {
  override readonly name = 'TtsError';
}

const TOOLS: Record<string, string> = { 'espeak-ng': 'espeak-ng', sox: 'sox' };

function onPath(binary: string, path = process.env.PATH ?? ''): boolean {
  return path.split(delimiter).some((dir) => {
    try {
      accessSync(join(dir, binary), constants.X_OK);
      return true;
    } catch {
      return false;
    }
  });
}

/** Whether the TTS tools are installed, and the command that installs the missing ones. */
export function checkTtsTools(path?: string): { ok: true } | { ok: false; missing: string[]; install: string } {
  const missing = Object.keys(TOOLS).filter((binary) => !onPath(binary, path));
  if (missing.length === 0) return { ok: true };
  return { ok: false, missing, install: `apt-get install -y ${missing.map((b) => TOOLS[b]).join(' ')}` };
}

function run(tool: string, args: string[]): Promise<void> {
  return new Promise((resolve, reject) => {
    execFile(tool, args, { timeout: 30_000 }, (error, _stdout, stderr) => {
      if (!error) return resolve();
      const code = (error as NodeJS.ErrnoException).code;
      reject(new TtsError(`${tool} failed (${code === 'ENOENT' ? 'not installed: apt-get install -y ' + TOOLS[tool] : `exit ${String(code ?? error.signal)}`}): ${String(stderr).trim().slice(0, 300)}`));
    });
  });
}

export interface EspeakTtsOptions {
  cacheDir: string;
  law: 'alaw' | 'mulaw';
  logger: Logger;
  voices?: Partial<Record<Language, string>>;
}

export class EspeakTts implements TtsRenderer {
  readonly #options: EspeakTtsOptions;
  readonly #running = new Map<string, Promise<string>>();
  #sequence = 0;
  /** How many times the tools actually ran (cache misses). */
  renders = 0;

  constructor(options: EspeakTtsOptions) {
    this.#options = options;
  }

  render(text: string, language: Language): Promise<string> {
    const voice = this.#options.voices?.[language] ?? (language === 'zh' ? 'cmn' : 'en-us');
    const key = createHash('sha256').update(`${voice}\0${language}\0${this.#options.law}\0${text}`).digest('hex').slice(0, 32);
    const file = join(this.#options.cacheDir, `${key}.wav`);
    if (existsSync(file)) return Promise.resolve(file);
    const running = this.#running.get(key);
    if (running) return running;
    const job = this.#make(voice, text, file).finally(() => this.#running.delete(key));
    this.#running.set(key, job);
    return job;
  }

  async #make(voice: string, text: string, file: string): Promise<string> {
    mkdirSync(this.#options.cacheDir, { recursive: true });
    // espeak-ng cuts output paths at about 200 characters: render into a short temporary name.
    const raw = join(tmpdir(), `ccbox-tts-${process.pid}-${++this.#sequence}.wav`);
    const temp = `${file}.${process.pid}.tmp.wav`;
    try {
      this.renders++;
      await run('espeak-ng', ['-v', voice, '-w', raw, '--', text]);
      await run('sox', [raw, '-r', '8000', '-c', '1', '-e', this.#options.law === 'alaw' ? 'a-law' : 'u-law', temp, 'gain', '-n', '-3']);
      renameSync(temp, file);
      this.#options.logger.debug({ file, voice }, 'TTS rendered');
      return file;
    } finally {
      rmSync(raw, { force: true });
      rmSync(temp, { force: true });
    }
  }
}
