import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import t from 'tap';
import { LANGUAGES, PromptDirectory, SayError, SayFragments, defaultPromptDir } from '../../../appliance/ivr/index.js';
import { readWavFile } from '../../../appliance/media/index.js';

const say = new SayFragments();
const words = (kind: Parameters<SayFragments['fragments']>[0], value: string | number, language: 'zh' | 'en') =>
  say.fragments(kind, value, language).map((f) => f.slice(4)).join(' ');

t.test('Mandarin numbers, amounts, dates and times', async (t) => {
  const cases: [number, string][] = [
    [0, '0'], [10, '10'], [12, '10 2'], [20, '2 10'], [102, '1 hundred 0 2'], [1005, '1 thousand 0 5'], [2000, 'liang thousand'],
    [10000, '1 wan'], [100200, '10 wan 0 liang hundred'], [100001000, '1 yi 0 1 thousand'], [10015, '1 wan 0 1 10 5'],
  ];
  for (const [n, expected] of cases) t.equal(words('number', n, 'zh'), expected, `${n}`);
  t.equal(words('number', '-3.25', 'zh'), 'minus 3 point 2 5');
  t.equal(words('amount', '1234.50', 'zh'), '1 thousand liang hundred 3 10 4 yuan 5 jiao');
  t.equal(words('amount', '1234.05', 'zh'), '1 thousand liang hundred 3 10 4 yuan 0 5 fen');
  t.equal(words('amount', '88', 'zh'), '8 10 8 yuan zheng');
  t.equal(words('date', '2026-11-23', 'zh'), '2 0 2 6 year 10 1 month 2 10 3 day');
  t.equal(words('time', '14:05', 'zh'), 'pm liang hour 5 minute');
  t.equal(words('digits', '10086', 'zh'), '1 0 0 8 6');
});

t.test('English numbers, amounts, dates and times', async (t) => {
  t.equal(words('number', 1234567, 'en'), '1 million 2 hundred 30 4 thousand 5 hundred 60 7');
  t.equal(words('number', '-3.25', 'en'), 'minus 3 point 2 5');
  t.equal(words('amount', '1234.50', 'en'), '1 thousand 2 hundred 30 4 dollars and 50 cents');
  t.equal(words('amount', '1.01', 'en'), '1 dollar and 1 cent');
  t.equal(words('date', '2026-11-23', 'en'), 'november ord-23 2 thousand 20 6');
  t.equal(words('time', '14:05', 'en'), '2 oh 5 pm');
  t.equal(words('time', '00:00', 'en'), '12 oclock am');
});

t.test('values that cannot be spoken name the kind and the value', async (t) => {
  t.throws(() => say.fragments('amount', '-5', 'zh'), SayError);
  t.throws(() => say.fragments('date', '23/11/2026', 'en'), { message: /cannot say "23\/11\/2026" as date: expected a date YYYY-MM-DD/ });
  t.throws(() => say.fragments('time', '25:00', 'en'), /as time/);
  t.throws(() => say.fragments('digits', '12a', 'en'), /as digits/);
  t.throws(() => say.fragments('number', '1e5', 'en'), /as number/);
});

t.test('every shipped prompt and every fragment exists as an 8 kHz WAV', async (t) => {
  const dir = defaultPromptDir();
  const manifest = JSON.parse(readFileSync(join(dir, 'manifest.json'), 'utf8')) as { prompts: Record<string, unknown>; say: Record<string, Record<string, string>> };
  const prompts = new PromptDirectory([dir]);
  let checked = 0;
  for (const language of LANGUAGES) {
    const names = [...Object.keys(manifest.prompts), ...Object.keys(manifest.say[language] ?? {}).map((n) => `say/${n}`)];
    for (const name of names) {
      const file = prompts.resolve(name, language);
      if (!file || !file.includes(`/${language}/`)) t.fail(`${language}/${name} is missing`);
      else {
        const clip = readWavFile(file);
        if (clip.sampleRate !== 8000 || clip.encoding !== 'alaw' || clip.durationMs < 100) t.fail(`${file}: ${clip.sampleRate} Hz ${clip.encoding} ${clip.durationMs} ms`);
        checked++;
      }
    }
  }
  t.ok(checked > 150, `${checked} files checked`);
  const samples: [string | number, string][] = [[1234567, 'number'], ['1234.56', 'amount'], ['2026-11-23', 'date'], ['23:59', 'time'], ['-0.5', 'number']];
  for (const language of LANGUAGES) {
    for (const [value, kind] of samples) {
      for (const fragment of say.fragments(kind as 'number', value, language)) {
        if (!prompts.resolve(fragment, language)?.includes(`/${language}/say/`)) t.fail(`${language} ${fragment} (for ${value}) is missing`);
      }
    }
  }
});

t.test('site prompts override the shipped set; a missing language falls back', async (t) => {
  const site = t.testdir({ zh: { 'welcome.wav': 'x' }, en: { 'only-en.wav': 'y' } });
  const prompts = new PromptDirectory([site, defaultPromptDir()]);
  t.equal(prompts.resolve('welcome', 'zh'), join(site, 'zh', 'welcome.wav'));
  t.equal(prompts.resolve('welcome', 'en'), join(defaultPromptDir(), 'en', 'welcome.wav'));
  t.equal(prompts.resolve('only-en', 'zh'), join(site, 'en', 'only-en.wav'), 'falls back to the other language');
  t.equal(prompts.resolve('nothing', 'zh'), undefined);
  t.ok(prompts.names('zh').includes('say/wan'));
});
