/** The engine's call handling: blacklist, VIP, business hours across a holiday, channel faults, hot reload. */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import t from 'tap';
import type { AcdPort, QueueHandoff } from '../../../appliance/ivr/index.js';
import { OFFICE_HOURS, startIvrSite } from '../../helpers/ivr-site.js';

const hoursFlow = {
  id: 'main',
  start: 'hours',
  nodes: {
    hours: { type: 'condition', when: [{ test: { open: 'office' }, goto: 'open' }], else: 'closed' },
    open: { type: 'play', prompts: ['welcome'], next: 'bye' },
    closed: { type: 'play', prompts: ['closed'], next: 'bye' },
    bye: { type: 'hangup' },
  },
};
const playedNames = (files: string[]) => files.map((f) => f.replace(/^.*\/prompts\//, '').replace(/\.wav$/, ''));

t.test('blacklisted callers: a message then hang-up, or hang-up at once; nobody else is affected', async (t) => {
  const site = await startIvrSite(t, { flows: [hoursFlow], ivr: { blacklist: { numbers: ['1390000*'], action: 'message' } } });
  const outcomes: string[] = [];
  site.runtime.engine.on('callEnded', (info) => outcomes.push(`${info.channel}:${info.outcome}`));
  site.call('13900001234');
  site.call('13800001111');
  await site.advance(15_000);
  t.same(outcomes.sort(), ['0:blacklisted', '1:completed']);
  t.same(playedNames(site.sim.played(0)), ['zh/blacklisted'], 'the blacklisted caller hears the message only');
  t.same(playedNames(site.sim.played(1)), ['zh/welcome'], 'the next caller gets the flow');
  t.equal(site.started.length, 1, 'no IVR call (journal) for a blacklisted caller');
});

t.test('blacklist action hangup releases the caller at once', async (t) => {
  const site = await startIvrSite(t, { flows: [hoursFlow], ivr: { blacklist: { numbers: ['anonymous', '13900001234'], action: 'hangup' } } });
  const ended: string[] = [];
  site.sw.on('callEnded', (info) => ended.push(info.callID));
  const caller = site.call('13900001234');
  await site.advance(300);
  t.same(ended, [caller.callID], 'the call is gone within 300 ms');
  t.same(site.sim.played(0), []);
});

t.test('VIP callers get their own flow and the priority and IVR data handed to the ACD', async (t) => {
  const vipFlow = { id: 'vip', start: 'hi', nodes: { hi: { type: 'menu', greeting: ['vip-welcome'], entries: { '2': 'q' }, onFailure: 'bye' }, q: { type: 'queue', queue: 'service', next: 'bye', noAcd: 'bye' }, bye: { type: 'hangup' } } };
  const handoffs: QueueHandoff[] = [];
  const acd: AcdPort = { enqueue: async (_call, handoff) => (handoffs.push(handoff), { outcome: 'transferred' }) };
  const site = await startIvrSite(t, { flows: [hoursFlow, vipFlow], acd, ivr: { vip: { numbers: ['+8613911112222'], priority: 50, flow: 'vip' } } });
  const caller = site.call('+8613911112222');
  await site.advance(1000);
  caller.press('2');
  await site.advance(5000);
  t.same(playedNames(site.sim.played(0)), ['zh/vip-welcome']);
  t.match(handoffs, [{ queue: 'service', vip: true, priority: 50, callerId: '+8613911112222', dnis: '0301234502', keys: ['2'], path: ['hi', 'q'], language: 'zh' }]);
  const [callId] = site.started;
  t.match(site.journal.callOf(callId as string), { flow: 'vip', outcome: 'queued' });
  site.call('13800001111');
  await site.advance(10_000);
  t.same(playedNames(site.sim.played(1)), ['zh/welcome'], 'other callers get the bound flow');
});

t.test('business hours across a holiday on the fake clock', async (t) => {
  const holiday = { calendars: { office: { weekly: { mon: [['09:00', '18:00']], tue: [['09:00', '18:00']], wed: [['09:00', '18:00']], thu: [['09:00', '18:00']], fri: [['09:00', '18:00']] }, holidays: [{ date: '2026-11-26', name: 'site holiday' }] } } };
  const site = await startIvrSite(t, { flows: [hoursFlow], ivr: holiday, now: OFFICE_HOURS });
  site.call('13800000001');
  await site.advance(10_000);
  site.clock.setSystemTime(Date.parse('2026-11-26T10:00:00+08:00'));
  site.call('13800000002');
  await site.advance(10_000);
  site.clock.setSystemTime(Date.parse('2026-11-27T08:59:59+08:00'));
  site.call('13800000003');
  await site.advance(10_000);
  site.clock.setSystemTime(Date.parse('2026-11-27T09:00:00+08:00'));
  site.call('13800000004');
  await site.advance(10_000);
  const heard = [0, 1, 2, 3].map((ch) => playedNames(site.sim.played(ch))[0]);
  t.same(heard, ['zh/welcome', 'zh/closed', 'zh/closed', 'zh/welcome'], 'Wednesday open, Thursday holiday closed, Friday 08:59:59 closed, 09:00 open');
});

t.test('a channel fault mid-call ends that call; the other channels keep working', async (t) => {
  const long = { id: 'main', start: 'a', nodes: { a: { type: 'play', prompts: ['main-menu'], next: 'b' }, b: { type: 'play', prompts: ['goodbye'], next: 'c' }, c: { type: 'hangup' } } };
  const site = await startIvrSite(t, { flows: [long] });
  site.call('13800000001');
  site.call('13800000002');
  await site.advance(2000);
  site.sim.faultChannel(0, 'DSP failure');
  await site.advance(30_000);
  const byChannel = new Map([...site.ended.values()].map((e) => [e.channel, e.outcome]));
  t.equal(byChannel.get(0), 'channelFault');
  t.equal(byChannel.get(1), 'completed', 'channel 1 finished its call');
  t.equal(site.runtime.cards.channel(0).state, 'outOfService');
  site.sim.recoverChannel(0);
  await site.advance(200);
  site.call('13800000003');
  await site.advance(30_000);
  t.equal([...site.ended.values()].filter((e) => e.outcome === 'completed').length, 2, 'after recovery a new call is served');
});

t.test('hot reload: a running call finishes on its version, new calls get the new one; a bad edit is rejected', async (t) => {
  const v1 = { id: 'main', start: 'a', nodes: { a: { type: 'play', prompts: ['main-menu'], next: 'b' }, b: { type: 'play', prompts: ['goodbye'], next: 'c' }, c: { type: 'hangup' } } };
  const site = await startIvrSite(t, { flows: [v1] });
  site.call('13800000001');
  await site.advance(1000);
  const v2 = { ...v1, nodes: { ...v1.nodes, b: { type: 'play', prompts: ['welcome'], next: 'c' } } };
  const loaded = new Promise((resolve) => site.runtime.flows.once('loaded', resolve));
  writeFileSync(join(site.dataDir, 'flows', 'main.json'), JSON.stringify(v2));
  while (!(await Promise.race([loaded.then(() => true), site.advance(100).then(() => false)])));
  await site.advance(25_000);
  site.call('13800000002');
  await site.advance(25_000);
  t.same(playedNames(site.sim.played(0)), ['zh/main-menu', 'zh/goodbye'], 'the running call kept version 1');
  t.same(playedNames(site.sim.played(1)), ['zh/main-menu', 'zh/welcome'], 'the next call got version 2');
  const [first, second] = site.started.map((id) => site.journal.callOf(id)?.flowVersion);
  t.not(first, second);

  const rejected = new Promise<{ error: string }>((resolve) => site.runtime.flows.once('rejected', resolve));
  writeFileSync(join(site.dataDir, 'flows', 'main.json'), JSON.stringify({ ...v1, nodes: { ...v1.nodes, b: { type: 'play', prompts: ['welcome'], next: 'nowhere' } } }));
  let error: { error: string } | undefined;
  rejected.then((e) => (error = e));
  while (!error) await site.advance(100);
  t.match(error.error, /main\.json: flow "main": node "b": next: no node "nowhere"/);
  t.equal(site.runtime.flows.get('main')?.version, second, 'the good version stays');
});
