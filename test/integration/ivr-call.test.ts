/**
 * Whole IVR calls on the shipped demo hotline flow: scripted callers through the PBX simulator's
 * trunk and hunt group to the analog ports, the card simulator's channels, the card link, the IVR,
 * and out again: a voicemail left and a survey answered; a caller sent to the operator by a CSTA
 * SingleStepTransfer over the appliance's CSTA link.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import t from 'tap';
import { readWavFile } from '../../appliance/media/index.js';
import { startIvrSite } from '../helpers/ivr-site.js';

const shipped = (name: string) => JSON.parse(readFileSync(fileURLToPath(new URL(`../../firmware-config/flows/${name}.json`, import.meta.url)), 'utf8')) as Record<string, unknown>;
const CALLER_MESSAGE = fileURLToPath(new URL('../../simulators/switch/scenarios/media/caller-message.wav', import.meta.url));

t.test('a caller leaves a voicemail (their recorded voice, ended by silence) and rates the service', async (t) => {
  const site = await startIvrSite(t, { flows: [shipped('demo-hotline'), shipped('survey')] });
  const caller = site.call('0301555200', { audio: CALLER_MESSAGE });
  await site.advance(9000);
  caller.press('2');
  await site.advance(45_000);
  caller.press('5');
  await site.advance(15_000);
  const [callId] = site.started;
  const [message] = site.journal.voicemailsIn('hotline');
  const spoken = readWavFile(CALLER_MESSAGE).durationMs;
  const clip = readWavFile(message?.file ?? '');
  t.equal(clip.sampleRate, 8000);
  t.equal(clip.encoding, 'alaw');
  t.equal(clip.durationMs, message?.durationMs, 'the file holds exactly the duration recorded');
  t.ok(clip.durationMs >= spoken && clip.durationMs <= spoken + 4000 + 40, `${clip.durationMs} ms: the ${Math.round(spoken)} ms message, then up to 4 s of silence ending it`);
  t.match(site.journal.surveyResults(callId), [{ question: 'satisfaction', score: 5 }]);
  t.match(site.ended.get(callId as string), { outcome: 'completed', path: ['welcome', 'vip-check', 'hot-topics', 'hours', 'main-menu', 'service', 'no-agents', 'voicemail', 'survey', 'survey:ask', 'survey:done', 'goodbye'] });
  t.same(site.journal.keyPressesOf(callId as string).map((k) => `${k.flow}/${k.node}:${k.digits}`), ['demo-hotline/main-menu:2', 'survey/ask:5']);
});

t.test('a caller asks for the operator: the IVR port hands the call to 201 by SingleStepTransfer', async (t) => {
  const site = await startIvrSite(t, { flows: [shipped('demo-hotline'), shipped('survey')], csta: true });
  const at201: string[] = [];
  site.sw.on('deviceEvent', (device, event) => device === '201' && at201.push(event.type));
  const caller = site.call('0301555400');
  await site.advance(9000);
  caller.press('0');
  await site.advance(10_000);
  const [callId] = site.started;
  t.match(site.ended.get(callId as string), { outcome: 'transferred' });
  t.ok(at201.includes('DeliveredEvent'), 'the caller rings at 201');
  site.sw.answerAt('201');
  await site.advance(500);
  t.ok(at201.includes('EstablishedEvent'), 'and talks to 201 once it answers');
  t.equal(site.sim.channelStates()[0]?.state, 'idle', 'the IVR port is free for the next caller');
});
