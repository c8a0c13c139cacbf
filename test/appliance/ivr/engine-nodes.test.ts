/** Every node type, walked by real callers through the switch and card simulators into the IVR. */
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import t from 'tap';
import { readTiffFile, readWavFile, writeTiffFile } from '../../../appliance/media/index.js';
import { startIvrSite } from '../../helpers/ivr-site.js';

const base = (id: string, start: string, nodes: Record<string, unknown>) => ({ id, start, nodes: { ...nodes, bye: { type: 'hangup', prompt: ['goodbye'] } } });
const outcomes = (site: Awaited<ReturnType<typeof startIvrSite>>, callId: string) => site.journal.stepsOf(callId).map((s) => `${s.node}=${s.outcome}`);
const theCall = (site: Awaited<ReturnType<typeof startIvrSite>>) => {
  const [callId] = site.started;
  if (!callId) throw new Error('no IVR call started');
  return callId;
};
const playedNames = (site: Awaited<ReturnType<typeof startIvrSite>>, ch = 0) => site.sim.played(ch).map((f) => f.replace(/^.*\/prompts\//, '').replace(/\.wav$/, ''));

const CUSTOMERS = 'id,name,phones,level,vip,language,balance,due\n10086,Wang Fang,13800001111,gold,0,zh,1234.50,2026-12-01\n20002,Alice,+4930123456,normal,0,en,88,2026-11-30\n';

t.test('menu: timeouts and invalid keys exactly as configured, then onFailure', async (t) => {
  const site = await startIvrSite(t, {
    flows: [base('main', 'menu', {
      menu: { type: 'menu', greeting: ['main-menu'], shortGreeting: ['main-menu-short'], invalidPrompt: ['invalid-entry'], timeoutPrompt: ['no-entry'], maxTimeouts: 2, maxFailures: 2, timeoutMs: 3000, entries: { '1': 'one' }, onFailure: 'fail' },
      one: { type: 'play', prompts: ['please-hold'], next: 'bye' },
      fail: { type: 'play', prompts: ['too-many-failures'], next: 'bye' },
    })],
  });
  site.call('13800001111');
  await site.advance(60_000);
  const first = theCall(site);
  t.same(outcomes(site, first), ['menu=maxTimeouts', 'fail=end', 'bye=completed']);
  t.same(playedNames(site), ['zh/main-menu', 'zh/no-entry', 'zh/main-menu-short', 'zh/too-many-failures', 'zh/goodbye'], 'two tries, one timeout prompt between them, the short greeting on the repeat');

  const caller = site.call('13800002222');
  await site.advance(1500);
  caller.press('7');
  await site.advance(12_000);
  caller.press('8');
  await site.advance(20_000);
  const second = site.started[1] as string;
  t.same(outcomes(site, second), ['menu=maxFailures', 'fail=end', 'bye=completed']);
  t.same(site.journal.keyPressesOf(second).map((k) => `${k.node}:${k.digits}`), ['menu:7', 'menu:8'], 'key presses recorded per node');
  t.ok(playedNames(site, 1).includes('zh/invalid-entry'));
});

t.test('collect with confirmation, lookup, sayVariable and condition on a variable', async (t) => {
  const site = await startIvrSite(t, {
    customersCsv: CUSTOMERS,
    flows: [base('main', 'ask', {
      ask: { type: 'collect', prompt: ['enter-account'], variable: 'account', minDigits: 4, maxDigits: 8, confirm: { prompt: ['confirm-entry'] }, next: 'find', onFailure: 'bye' },
      find: { type: 'lookup', by: 'variable', variable: 'account', found: 'level', notFound: 'missing' },
      level: { type: 'condition', when: [{ test: { customerLevel: 'gold' }, goto: 'balance' }], else: 'bye' },
      balance: { type: 'sayVariable', variable: 'customer.account.balance', kind: 'amount', before: ['your-balance-is'], next: 'due' },
      due: { type: 'sayVariable', variable: 'customer.account.due', kind: 'date', before: ['due-date-is'], next: 'rich' },
      rich: { type: 'condition', when: [{ test: { variable: 'customer.account.balance', greaterThan: 1000 }, goto: 'bye' }], else: 'missing' },
      missing: { type: 'play', prompts: ['account-not-found'], next: 'bye' },
    })],
  });
  const caller = site.call('13900000000');
  await site.advance(1000);
  caller.press('1008');
  caller.press('6#');
  await site.advance(4000);
  caller.press('2');
  await site.advance(6000);
  caller.press('10086#');
  await site.advance(4000);
  caller.press('1');
  await site.advance(30_000);
  const id = theCall(site);
  t.same(outcomes(site, id), ['ask=collected', 'find=found', 'level=when:0', 'balance=spoken', 'due=spoken', 'rich=when:0', 'bye=completed']);
  const played = playedNames(site);
  t.equal(played.filter((p) => p === 'zh/you-entered').length, 2, 'the entry was read back twice (2 = re-enter; the key cut the read-back short)');
  t.same(site.journal.keyPressesOf(id).map((k) => k.digits), ['10086', '2', '10086', '1']);
  const afterBalance = played.slice(played.indexOf('zh/your-balance-is') + 1, played.indexOf('zh/due-date-is'));
  t.same(afterBalance, ['zh/say/1', 'zh/say/thousand', 'zh/say/liang', 'zh/say/hundred', 'zh/say/3', 'zh/say/10', 'zh/say/4', 'zh/say/yuan', 'zh/say/5', 'zh/say/jiao'], '1234.50 spoken in Mandarin fragments');
});

t.test('lookup by caller ID takes the customer language; setLanguage toggles the prompt set', async (t) => {
  const site = await startIvrSite(t, {
    customersCsv: CUSTOMERS,
    flows: [base('main', 'find', {
      find: { type: 'lookup', by: 'callerId', found: 'hello', notFound: 'bye' },
      hello: { type: 'play', prompts: ['welcome'], next: 'menu' },
      menu: { type: 'menu', greeting: ['main-menu-short'], entries: { '9': 'lang' }, onFailure: 'bye', maxTimeouts: 1 },
      lang: { type: 'setLanguage', toggle: true, prompt: ['language-set'], next: 'bye' },
    })],
  });
  const caller = site.call('+4930123456');
  await site.advance(6000);
  caller.press('9');
  await site.advance(15_000);
  t.same(playedNames(site), ['en/welcome', 'en/main-menu-short', 'zh/language-set', 'zh/goodbye'], 'English from the customer record, Mandarin after pressing 9');
});

t.test('voicemail: the file is a valid WAV of the expected length; the notification fires', async (t) => {
  const site = await startIvrSite(t, {
    flows: [base('main', 'vm', {
      vm: { type: 'voicemail', mailbox: 'sales', greeting: ['voicemail-greeting'], savedPrompt: ['voicemail-saved'], maxMs: 8000, silenceMs: 0, beep: true, next: 'bye' },
    })],
  });
  const notes: unknown[] = [];
  site.runtime.engine.on('voicemail', (info) => notes.push(info));
  site.call('13800001111');
  await site.advance(30_000);
  const id = theCall(site);
  const [message] = site.journal.voicemailsIn('sales');
  t.ok(message, 'the voicemail is in the journal');
  t.ok(existsSync(message?.file ?? ''), 'the file exists');
  const clip = readWavFile(message?.file ?? '');
  t.equal(clip.sampleRate, 8000);
  t.equal(clip.encoding, 'alaw', 'in the board law');
  t.equal(clip.durationMs, 8000, 'recorded up to maxMs');
  t.equal(message?.durationMs, 8000);
  t.match(notes, [{ callId: id, mailbox: 'sales', durationMs: 8000, callerId: '13800001111' }]);
  t.same(outcomes(site, id), ['vm=saved', 'bye=completed']);
});

t.test('fax on demand and receive fax into a mailbox, with page counts', async (t) => {
  const docs = mkdtempSync(join(tmpdir(), 'ccbox-fax-'));
  t.teardown(() => rmSync(docs, { recursive: true, force: true }));
  const document = join(docs, 'price-list.tif');
  writeTiffFile(document, 3);
  const incoming = join(docs, 'incoming.tif');
  writeTiffFile(incoming, 2);
  const site = await startIvrSite(t, {
    flows: [base('main', 'send', {
      send: { type: 'faxOnDemand', document, prompt: ['fax-start'], next: 'receive', onFailure: 'bye' },
      receive: { type: 'receiveFax', mailbox: 'faxes', prompt: ['fax-start'], next: 'bye', onFailure: 'bye' },
    })],
  });
  const inbox = join(docs, 'inbox');
  site.call('13800001111', { faxInbox: inbox, faxToSend: incoming });
  await site.advance(90_000);
  const id = theCall(site);
  t.same(outcomes(site, id), ['send=sent:3', 'receive=received:2', 'bye=completed']);
  const [fax] = site.journal.faxesIn('faxes');
  t.equal(fax?.pages, 2);
  t.equal(readTiffFile(fax?.file ?? '').pages, 2, 'the received fax is a 2-page TIFF');
});

t.test('survey stores a 1-5 score; sub-flow returns; bulletin plays only active items; say uses TTS', async (t) => {
  const site = await startIvrSite(t, {
    flows: [
      base('main', 'news', {
        news: { type: 'bulletin', intro: ['hot-topic-intro'], items: [{ prompts: ['holiday'], until: '2026-11-01T00:00:00+08:00' }, { prompts: ['please-hold'], weekdays: [3], hours: [['09:00', '12:00']] }], next: 'tts' },
        tts: { type: 'say', text: '您好 ${callerId}', next: 'sub' },
        sub: { type: 'subflow', flow: 'survey', next: 'bye' },
      }),
      { id: 'survey', start: 'ask', nodes: { ask: { type: 'survey', question: 'satisfaction', prompt: ['survey-question'], thanksPrompt: ['survey-thanks'], invalidPrompt: ['invalid-entry'], next: 'back' }, back: { type: 'return' } } },
    ],
  });
  const caller = site.call('13800001111');
  await site.advance(20_000);
  caller.press('7');
  await site.advance(8000);
  caller.press('4');
  await site.advance(20_000);
  const id = theCall(site);
  t.same(outcomes(site, id), ['news=played:1', 'tts=end', 'sub=enter:survey', 'ask=score:4', 'back=return', 'bye=completed']);
  t.match(site.journal.surveyResults(id), [{ question: 'satisfaction', score: 4 }]);
  const played = playedNames(site);
  t.same(played.slice(0, 2), ['zh/hot-topic-intro', 'zh/please-hold'], 'the expired item is skipped');
  t.match(played[2], /tts-cache\//, 'the say node plays a rendered TTS file');
  t.same(site.ended.get(id)?.path, ['news', 'tts', 'sub', 'survey:ask', 'survey:back', 'bye']);
});

t.test('queue without an ACD takes noAcd; transfer by hook-flash reaches the extension; goto', async (t) => {
  const site = await startIvrSite(t, {
    flows: [base('main', 'q', {
      q: { type: 'queue', queue: 'service', next: 'bye', noAcd: 'jump' },
      jump: { type: 'goto', node: 'xfer' },
      xfer: { type: 'transfer', target: '201', prompt: ['transferring'], onFailure: 'bye' },
    })],
  });
  const answered: string[] = [];
  site.sw.on('deviceEvent', (device, event) => {
    if (device === '201' && event.type === 'DeliveredEvent') answered.push(device);
  });
  site.call('13800001111');
  await site.advance(15_000);
  const id = theCall(site);
  t.same(outcomes(site, id), ['q=noAcd', 'jump=goto', 'xfer=transferred']);
  t.equal(site.ended.get(id)?.outcome, 'transferred');
  t.same(answered, ['201'], 'the caller rings at 201 after the flash transfer');
  t.equal(site.sim.channelStates()[0]?.state, 'idle', 'the IVR channel is free again');
});
