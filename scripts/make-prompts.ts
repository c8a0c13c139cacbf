/**
 * Regenerates the default prompt set (prompts/<lang>/*.wav and prompts/<lang>/say/*.wav) from
 * prompts/manifest.json with espeak-ng and sox: 8 kHz mono A-law, leading and trailing silence
 * trimmed from the say fragments so they join into one phrase.
 *
 *   npx tsx scripts/make-prompts.ts [--only <name>]
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

interface Manifest {
  voices: Record<string, string>;
  prompts: Record<string, Record<string, string>>;
  say: Record<string, Record<string, string>>;
}

const root = new URL('../prompts/', import.meta.url).pathname;
const manifest = JSON.parse(readFileSync(join(root, 'manifest.json'), 'utf8')) as Manifest;
const only = process.argv.includes('--only') ? process.argv[process.argv.indexOf('--only') + 1] : undefined;
const temp = join(tmpdir(), `ccbox-prompts-${process.pid}.wav`);

function render(voice: string, text: string, out: string, trim: boolean): void {
  execFileSync('espeak-ng', ['-v', voice, '-s', '160', '-w', temp, text]);
  const effects = trim ? ['gain', '-n', '-3', 'silence', '1', '0.02', '0.5%', 'reverse', 'silence', '1', '0.02', '0.5%', 'reverse', 'pad', '0', '0.05'] : ['gain', '-n', '-3', 'pad', '0.1', '0.2'];
  execFileSync('sox', [temp, '-r', '8000', '-c', '1', '-e', 'a-law', out, ...effects]);
}

let count = 0;
for (const [language, voice] of Object.entries(manifest.voices)) {
  mkdirSync(join(root, language, 'say'), { recursive: true });
  for (const [name, texts] of Object.entries(manifest.prompts)) {
    const text = texts[language];
    if (!text || (only && only !== name)) continue;
    render(voice, text, join(root, language, `${name}.wav`), false);
    count++;
  }
  for (const [name, text] of Object.entries(manifest.say[language] ?? {})) {
    if (only && only !== `say/${name}`) continue;
    render(voice, text, join(root, language, 'say', `${name}.wav`), true);
    count++;
  }
}
/** Music on hold: a short melody synthesized by sox, the same in every language. */
const MELODY: [number, number][] = [[523.25, 0.35], [659.25, 0.35], [783.99, 0.35], [659.25, 0.35], [523.25, 0.7], [587.33, 0.35], [698.46, 0.35], [783.99, 0.7]];
for (const language of Object.keys(manifest.voices)) {
  if (only && only !== 'music-on-hold') continue;
  const notes = MELODY.flatMap(([hz, seconds], i) => [...(i > 0 ? [':'] : []), 'synth', String(seconds), 'sine', String(hz)]);
  execFileSync('sox', ['-n', '-r', '8000', '-c', '1', '-e', 'a-law', join(root, language, 'music-on-hold.wav'), ...notes, 'gain', '-12']);
  count++;
}
rmSync(temp, { force: true });
console.log(`rendered ${count} prompts into ${root}`);
