/**
 * Revisit lists whose names cannot be an MQTT topic level (imported before list names were checked,
 * e.g. "2026/12"): agents still work them over MQTT; only the retained summary is left out.
 */
import t from 'tap';
import { hashPassword } from '../../appliance/api/index.js';
import { SimulatedAgentDesk } from '../../simulators/agents/index.js';
import { startIvrSite } from '../helpers/ivr-site.js';

const PASSWORD = 'desk-secret';
const hotline = { id: 'hotline', start: 'bye', nodes: { bye: { type: 'hangup' } } };

t.test('a list named with a "/" from an older import: revisitNext and revisitResult answer ok', async (t) => {
  const site = await startIvrSite(t, {
    flows: [hotline],
    csta: true,
    acdConfig: {
      acd: { queues: [{ name: 'service' }], agents: [{ id: 'A1', name: 'Li Na', skills: { service: 1 } }] },
      api: { users: [{ username: 'A1', passwordHash: await hashPassword(PASSWORD), role: 'agent', agentId: 'A1' }] },
    },
  });
  const acd = site.acd!;
  acd.revisits.importCsv('december', 'number,name\n13800001111,Wang Fang\n');
  site.records.database.prepare("UPDATE revisit_tasks SET list = '2026/12'").run();
  const desk = new SimulatedAgentDesk({ url: `mqtt://127.0.0.1:${acd.brokerAddress!.port}`, site: 'test', agentId: 'A1', password: PASSWORD, device: '201', profile: { talkMs: 3_600_000 } });
  const started = desk.start();
  await site.advance(1000, 100);
  await started;
  const command = async (cmd: Parameters<typeof desk.command>[0]): Promise<{ ok: boolean; result?: unknown; error?: string }> => {
    const reply = desk.command(cmd).then((result) => ({ ok: true, result }), (error: Error) => ({ ok: false, error: error.message }));
    await site.advance(500, 50);
    return reply;
  };
  const next = await command({ cmd: 'revisitNext' });
  t.match(next, { ok: true, result: { task: { list: '2026/12', name: 'Wang Fang' } } }, 'the agent gets the task it was assigned');
  const taskId = (next.result as { task: { id: number } }).task.id;
  t.match(await command({ cmd: 'revisitResult', taskId, outcome: 'reached' }), { ok: true, result: { task: { state: 'done' } } }, 'the outcome is recorded and answered ok');
  const stopped = desk.stop();
  await site.advance(2000, 100);
  await stopped;
});
