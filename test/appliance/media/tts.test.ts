import t from 'tap';
import { readWavFile } from '../../../appliance/media/index.js';
import { EspeakTts, checkTtsTools } from '../../../appliance/media/tts.js';
import { silentLogger } from '../../../appliance/runtime/logger.js';

t.test('espeak-ng renders Mandarin and English to 8 kHz WAV in the board law, cached', async (t) => {
  t.same(checkTtsTools(), { ok: true }, 'espeak-ng and sox are installed (scripts/setup.sh)');
  const tts = new EspeakTts({ cacheDir: t.testdir(), law: 'mulaw', logger: silentLogger() });
  const [zh, en] = await Promise.all([tts.render('您的余额为一百元', 'zh'), tts.render('Your balance is one hundred dollars', 'en')]);
  for (const file of [zh, en]) {
    const clip = readWavFile(file);
    t.equal(clip.sampleRate, 8000);
    t.equal(clip.encoding, 'mulaw');
    t.ok(clip.durationMs > 300, `${clip.durationMs} ms of speech`);
  }
  t.equal(tts.renders, 2);
  const [again, same] = await Promise.all([tts.render('您的余额为一百元', 'zh'), tts.render('Your balance is one hundred dollars', 'en')]);
  t.equal(again, zh);
  t.equal(same, en);
  t.equal(tts.renders, 2, 'the second render of the same text is a cache hit');
  const concurrent = await Promise.all([tts.render('-dash first', 'en'), tts.render('-dash first', 'en')]);
  t.equal(concurrent[0], concurrent[1]);
  t.equal(tts.renders, 3, 'concurrent renders of one text share one run; text starting with - is not an option');
});

t.test('missing tools are named with the install command', async (t) => {
  t.same(checkTtsTools('/nonexistent'), { ok: false, missing: ['espeak-ng', 'sox'], install: 'apt-get install -y espeak-ng sox' });
});
