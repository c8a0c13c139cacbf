/**
 * The acceptance check of issue 2, as a user would run it: `ccbox sim switch` with a scripted caller
 * into the ACD group, and `ccbox csta` connected to it printing the events at every monitor.
 * Both are real processes started from bin/ccbox.js, talking over loopback TCP.
 */
import { once } from 'node:events';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import t from 'tap';
import { ccbox, freePort, waitForOutput } from '../helpers/cli.js';
const AGENTS = ['201', '202', '203', '204', '205', '206'];

t.test('ccbox csta shows a scripted caller into the ACD group with the right events at every monitor', async (t) => {
  const dir = t.testdir();
  const scenario = join(dir, 'one-caller.json');
  writeFileSync(
    scenario,
    JSON.stringify({
      name: 'one caller into the hotline',
      callers: [{ name: 'caller', at: 300, from: '0301555111', to: '0301234500', actions: [{ waitForAnswer: 20000 }, { wait: 800 }, { hangUp: true }] }],
      phones: AGENTS.map((device) => ({ device, answerAfterMs: 400 })),
    }),
  );
  const port = await freePort();
  const url = `tcp://127.0.0.1:${port}`;
  const sim = ccbox(['sim', 'switch', '--listen', url, '--scenario', scenario, '--scenario-after-monitor', '--log-level', 'warn']);
  t.teardown(() => {
    if (sim.child.exitCode === null) sim.child.kill('SIGKILL');
  });
  await waitForOutput(sim, /listening on/);

  const monitors = ['600', ...AGENTS].flatMap((device) => ['--monitor', device]);
  const client = ccbox(['csta', '--connect', url, '--json', ...monitors, '--duration', '5']);
  const [code] = await once(client.child, 'exit');
  t.equal(code, 0, `ccbox csta exits cleanly ${client.stderr()}`);
  const lines = client.stdout().trim().split('\n').map((line) => JSON.parse(line) as { device?: string; event?: { type: string; cause?: string; callCharacteristics?: { acdCall?: boolean } }; link?: { state: string } });
  t.match(lines[0], { link: { state: 'up' } }, 'first line: link up');
  const events = lines.filter((l) => l.event).map((l) => ({ device: l.device as string, type: l.event?.type as string, cause: l.event?.cause, acd: l.event?.callCharacteristics?.acdCall }));
  const at = (device: string) => events.filter((e) => e.device === device && !e.type.startsWith('Agent')).map((e) => `${e.type}(${e.cause ?? ''})`);

  t.same(at('600'), [
    'QueuedEvent(enteringDistribution)',
    'DeliveredEvent(enteringDistribution)',
    'DivertedEvent(distributed)',
  ], 'the group sees the call queued, offered to the agent, and leave the group');
  const agent = events.find((e) => e.type === 'DeliveredEvent' && e.device !== '600')?.device;
  t.ok(agent && AGENTS.includes(agent), `delivered at an agent (${agent})`);
  t.same(at(agent as string), [
    'DeliveredEvent(enteringDistribution)',
    'DivertedEvent(distributed)',
    'EstablishedEvent(enteringDistribution)',
    'ConnectionClearedEvent(normalClearing)',
    'CallClearedEvent(normalClearing)',
  ], 'the agent sees it ring, leave the group, answered, and cleared when the caller hangs up');
  t.ok(events.some((e) => e.device === agent && e.type === 'DeliveredEvent' && e.acd === true), 'the agent delivery is marked as an ACD call');
  t.ok(events.some((e) => e.device === agent && e.type === 'AgentBusyEvent'), 'the agent becomes busy');
  for (const other of AGENTS.filter((a) => a !== agent)) t.same(at(other), [], `nothing at ${other}`);

  const readable = ccbox(['csta', '--connect', url, '--exec', 'list', '--exec', 'quit']);
  await once(readable.child, 'exit');
  t.match(readable.stdout(), /^600\s+acd$/m, 'device list names the ACD group');
  t.match(readable.stdout(), /18 devices/);

  const data = join(dir, 'data');
  const set = ccbox(['config', 'set', 'pbx.url', url, '--data', data]);
  await once(set.child, 'exit');
  const setMonitors = ccbox(['config', 'set', 'pbx.monitoredDevices', '["600"]', '--data', data]);
  await once(setMonitors.child, 'exit');
  const configured = ccbox(['csta', '--data', data, '--exec', 'quit']);
  const [configuredCode] = await once(configured.child, 'exit');
  t.equal(configuredCode, 0, `without --connect the configured link is used ${configured.stderr()}`);
  t.match(configured.stdout(), new RegExp(`# link up \\(connected\\) ${url}\\nmonitoring 600=\\S+`), 'configured URL and monitors');

  sim.child.kill('SIGTERM');
  const [simCode] = await once(sim.child, 'exit');
  t.equal(simCode, 0, 'the simulator shuts down cleanly on SIGTERM');
  t.match(sim.stdout(), /scenario: \{"placed":1,"answered":1,"abandoned":0,"completed":1/);
});

t.test('ccbox csta reports a connection it cannot make and exits 1', async (t) => {
  const port = await freePort();
  const client = ccbox(['csta', '--connect', `tcp://127.0.0.1:${port}`]);
  const [code] = await once(client.child, 'exit');
  t.equal(code, 1);
  t.match(client.stderr(), /ccbox csta: cannot connect to tcp:\/\/127\.0\.0\.1:\d+: .*refused/i);
  const bad = ccbox(['csta', '--connect', 'ftp://x']);
  await once(bad.child, 'exit');
  t.match(bad.stderr(), /ccbox csta: cannot connect to ftp:\/\/x: .+/);
  const unconfigured = ccbox(['csta', '--data', t.testdir()]);
  const [unconfiguredCode] = await once(unconfigured.child, 'exit');
  t.equal(unconfiguredCode, 1);
  t.match(unconfigured.stderr(), /no --connect given and no configuration at .*config\.json/);
});
