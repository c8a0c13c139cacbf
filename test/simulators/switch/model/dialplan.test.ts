import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import t from 'tap';
import { createSwitch } from '../../../../simulators/switch/model/switch.js';
import { DialPlanError, type DialPlanInput, demoDialPlan, loadDialPlan, parseDialPlan } from '../../../../simulators/switch/model/dialplan.js';
import { testPlan } from './helpers.js';

/** The issues parseDialPlan reports for the test plan after `change`, as "path: message". */
function issuesOf(change: (plan: DialPlanInput & Record<string, unknown>) => void): string[] {
  const plan = testPlan() as DialPlanInput & Record<string, unknown>;
  change(plan);
  try {
    parseDialPlan(plan, 'plan.json');
  } catch (error) {
    if (!(error instanceof DialPlanError)) throw error;
    t.equal(error.code, 'invalidDialPlan');
    t.match(error.message, /^plan\.json: /);
    return error.issues.map((i) => `${i.path}: ${i.message}`);
  }
  return [];
}

t.test('the test plan and the demo plan are valid', (t) => {
  t.strictSame(issuesOf(() => {}), []);
  const demo = demoDialPlan();
  t.same(demo.extensions.map((e) => e.number), ['201', '202', '203', '204', '205', '206', '210', '211']);
  t.same(demo.acdGroups[0]?.members, ['201', '202', '203', '204', '205', '206']);
  t.ok(demo.extensions.slice(0, 6).every((e) => e.agent?.initialState === 'ready'), 'the demo agents start logged on and ready');
  t.same(demo.analogPorts.map((p) => p.number), ['301', '302', '303', '304']);
  t.same(demo.huntGroups[0], { number: '610', name: 'Voice card ports', members: ['301', '302', '303', '304'], distribution: 'circular' });
  t.same(demo.routingPoints[0], { number: '700', name: 'Routing point', defaultRoute: '600', timeoutMs: 5000 });
  t.same(
    demo.trunks.flatMap((tr) => tr.dids.map((d) => `${d.number}>${d.destination}`)),
    ['0301234500>600', '0301234501>700', '0301234502>610', '0301234503>201'],
  );
  const sw = createSwitch(demo);
  t.same(
    sw.devices().map((d) => `${d.deviceID}:${d.category}:${d.kind}`),
    [
      ...['201', '202', '203', '204', '205', '206', '210', '211'].map((n) => `${n}:station:extension`),
      ...['301', '302', '303', '304'].map((n) => `${n}:station:analogPort`),
      '600:acd:acdGroup', '610:group:huntGroup', '620:group:huntGroup', '700:routingDevice:routingPoint', 'T1:trunk:trunk', 'T2:trunk:trunk',
    ],
  );
  t.ok(sw.hasDevice('T2'));
  t.notOk(sw.hasDevice('0301234500'), 'a DID is not a device');
  const ids = [sw.placeInboundCall({ from: '0301555111', to: '0301234503' }), sw.placeInboundCall({ from: '0301555112', to: '0301234500' })];
  t.match(ids, [/^FF0001[0-9A-F]{26}$/, /^FF0001[0-9A-F]{26}$/], 'hex32 call IDs');
  t.not(ids[0]?.slice(-6), ids[1]?.slice(-6), 'they differ at the end');
  t.end();
});

t.test('defaults are filled in', (t) => {
  const plan = parseDialPlan({ extensions: [{ number: '201', name: 'A' }], routingPoints: [{ number: '700', defaultRoute: '201' }] });
  t.equal(plan.routingPoints[0]?.timeoutMs, 5000);
  t.equal(plan.callIdFormat, 'hex32');
  t.strictSame(plan.featureCodes, {});
  t.strictSame(plan.trunks, []);
  t.end();
});

t.test('each bad field is named by its path', (t) => {
  const ext = (plan: DialPlanInput) => plan.extensions ?? [];
  const group = (plan: DialPlanInput) => plan.acdGroups?.[0] as Record<string, unknown>;
  const cases: [string, (plan: DialPlanInput & Record<string, unknown>) => void, string[]][] = [
    ['a number with letters', (p) => void ((ext(p)[0] as { number: string }).number = '2x1'), ['extensions[0].number: expected a number of 1 to 20 digits']],
    ['a missing name', (p) => void delete (ext(p)[2] as { name?: string }).name, ['extensions[2].name: Invalid input: expected string, received undefined']],
    ['an unknown field', (p) => void (p.colour = 'blue'), ['colour: unknown field']],
    ['a bad distribution', (p) => void (group(p).distribution = 'random'), ['acdGroups[0].distribution: Invalid option: expected one of "longestIdle"|"roundRobin"|"linear"']],
    ['a bad call ID format', (p) => void (p.callIdFormat = 'uuid' as never), ['callIdFormat: Invalid option: expected one of "hex32"|"counter"']],
    ['a bad feature code', (p) => void (p.featureCodes = { '21': 'agentReady' }), ['featureCodes.21: expected a feature code like *21']],
    ['an unknown feature', (p) => void (p.featureCodes = { '*29': 'coffee' } as never), ['featureCodes.*29: Invalid option: expected one of "agentLogOn"|"agentLogOff"|"agentReady"|"agentNotReady"|"agentWorkingAfterCall"']],
    ['a negative timeout', (p) => void ((p.routingPoints?.[0] as { timeoutMs: number }).timeoutMs = -1), ['routingPoints[0].timeoutMs: Too small: expected number to be >0']],
    ['overflow time without destination', (p) => void delete group(p).overflowDestination, ['acdGroups[0].overflowDestination: overflowAfterSeconds needs an overflowDestination']],
    ['a duplicate number', (p) => void ((p.analogPorts?.[1] as { number: string }).number = '203'), ['analogPorts[1].number: number 203 duplicates extensions[2].number', 'huntGroups[0].members[1]: 302 is not an extension or analog port']],
    ['a group member that is no extension', (p) => void (group(p).members = ['201', '301', '999']), ['acdGroups[0].members[1]: 301 is not an extension', 'acdGroups[0].members[2]: 999 is not an extension']],
    ['a group member without an agent', (p) => void (group(p).members = ['203']), ['acdGroups[0].members[0]: extension 203 has no agent']],
    ['a hunt member that is no phone', (p) => void ((p.huntGroups?.[0] as { members: string[] }).members = ['600']), ['huntGroups[0].members[0]: 600 is not an extension or analog port']],
    ['a DID to nowhere', (p) => void ((p.trunks?.[0]?.dids?.[0] as { destination: string }).destination = '999'), ['trunks[0].dids[0].destination: 999 is not a device of the dial plan']],
    ['a DID to a trunk', (p) => void ((p.trunks?.[0]?.dids?.[0] as { destination: string }).destination = 'T2' as string), ['trunks[0].dids[0].destination: expected a number of 1 to 20 digits']],
    ['a duplicate DID', (p) => void ((p.trunks?.[1] as { dids: unknown[] }).dids = [{ number: '0301234500', destination: '201' }]), ['trunks[1].dids[0].number: DID 0301234500 duplicates trunks[0].dids[0].number']],
    ['a default route to nowhere', (p) => void ((p.routingPoints?.[0] as { defaultRoute: string }).defaultRoute = '701'), ['routingPoints[0].defaultRoute: 701 is not a device the call can be routed to']],
    ['an agent in no such group', (p) => void ((ext(p)[0] as { agent: { groups: string[] } }).agent.groups = ['601']), ['extensions[0].agent.groups[0]: 601 is not an ACD group']],
    ['a duplicate agent ID', (p) => void ((ext(p)[1] as { agent: { agentID: string } }).agent.agentID = 'A1'), ['extensions[1].agent.agentID: agent ID A1 duplicates extensions[0].agent.agentID']],
    ['overflow to itself', (p) => void (group(p).overflowDestination = '600'), ['acdGroups[0].overflowDestination: a group cannot overflow to itself']],
  ];
  for (const [what, change, expected] of cases) t.strictSame(issuesOf(change), expected, what);
  t.end();
});

t.test('loadDialPlan reads a file and names it in errors', (t) => {
  const dir = t.testdir({ 'good.json': JSON.stringify(testPlan()), 'bad.json': '{ "extensions": [', 'wrong.json': '{"extensions": 5}' });
  t.equal(loadDialPlan(join(dir, 'good.json')).extensions.length, 4);
  t.throws(() => loadDialPlan(join(dir, 'bad.json')), { code: 'badJson', message: /bad\.json: not JSON/ });
  t.throws(() => loadDialPlan(join(dir, 'missing.json')), { code: 'unreadable', message: /missing\.json: cannot read/ });
  t.throws(() => loadDialPlan(join(dir, 'wrong.json')), { code: 'invalidDialPlan', message: /wrong\.json: extensions: Invalid input: expected array/ });
  writeFileSync(join(dir, 'demo-copy.json'), JSON.stringify(demoDialPlan()));
  t.strictSame(loadDialPlan(join(dir, 'demo-copy.json')), demoDialPlan(), 'the demo plan round-trips through JSON');
  t.end();
});
