/**
 * bench/acd: the ACD engine with 1,000 agents and 100 queues (each agent serves 5 queues, each
 * queue has 50 agents with penalties 0–2 and a mix of strategies).
 * - routing decisions per second: calls arrive while agents are free; every offer is answered and
 *   ended at once, so each call is one decision (pick among the free agents of its queue);
 * - ready → offer: every queue has calls waiting and every agent is in wrap-up; an agent ends
 *   wrap-up and the time until the offer event (the whole decision: its 5 queues, the oldest call
 *   it may take, the strategy) is measured.
 * Prints a table and appends it to bench/RESULTS.md.
 *
 *   npm run bench:acd [-- --samples 100000 --no-record]
 */
import { AcdEngine, type OfferEvent, acdConfigSchema, STRATEGIES } from '../../appliance/acd/index.js';
import { unrefTimers } from '../../appliance/runtime/clock.js';
import { percentile, recordResults } from '../results.js';

const args = process.argv.slice(2);
const option = (name: string, fallback: string) => {
  const at = args.indexOf(`--${name}`);
  return at >= 0 && args[at + 1] ? (args[at + 1] as string) : fallback;
};
const SAMPLES = Number(option('samples', '100000'));
const AGENTS = 1000;
const QUEUES = 100;
const QUEUES_PER_AGENT = 5;
const WAITING_PER_QUEUE = 20;
const GOAL_P99_MS = 1;

const DATA = { language: 'zh' as const, vip: false, keys: ['1'], path: ['welcome', 'menu'], variables: {} };

function site() {
  const queueName = (q: number) => `q${q}`;
  const strategies = STRATEGIES.filter((s) => s !== 'ringAll');
  const queues = Array.from({ length: QUEUES }, (_, q) => ({
    name: queueName(q),
    strategy: strategies[q % strategies.length],
    joinWhen: 'always' as const,
    ringTimeoutSeconds: 600,
    penaltyRules: [{ afterSeconds: 30, maxPenalty: 2 }],
    wrapUpSeconds: 3600,
  }));
  const agents = Array.from({ length: AGENTS }, (_, a) => {
    const served = Array.from({ length: QUEUES_PER_AGENT }, (_, k) => queueName((a + k * 20) % QUEUES));
    return {
      id: `a${a}`,
      name: `Agent ${a}`,
      skills: Object.fromEntries(served.map((q) => [q, 1])),
      queues: Object.fromEntries(served.map((q, k) => [q, { penalty: k % 3, weight: 1 + (a % 4) }])),
    };
  });
  return acdConfigSchema.parse({ queues, agents });
}

function ms(ns: bigint): number {
  return Number(ns) / 1e6;
}

function main(): void {
  const config = site();
  const engine = new AcdEngine({ config, clock: unrefTimers() });
  let lastOffer: OfferEvent | undefined;
  engine.on('offer', (offer) => {
    lastOffer = offer;
  });
  for (let a = 0; a < AGENTS; a++) engine.login(`a${a}`, String(10_000 + a), { ready: true });

  // 1. Decisions per second: free agents, calls arriving one by one, answered and ended at once (wrap-up ended too).
  let call = 0;
  const started = process.hrtime.bigint();
  for (let i = 0; i < SAMPLES; i++) {
    const id = `r${call++}`;
    engine.enqueue(id, `q${i % QUEUES}`, DATA);
    const offer = lastOffer as OfferEvent;
    engine.answered(id, offer.agentId);
    engine.callEnded(id);
    engine.wrapUpDone(offer.agentId);
  }
  const decisionSeconds = ms(process.hrtime.bigint() - started) / 1000;
  const decisionsPerSecond = SAMPLES / decisionSeconds;

  // 2. Ready → offer with calls waiting everywhere: first occupy every agent, then fill the queues.
  for (let i = 0; engine.queueNames().some((q) => engine.stats(q).agents.ready > 0); i++) {
    const id = `o${i}`;
    engine.enqueue(id, `q${i % QUEUES}`, DATA);
    engine.answered(id, (lastOffer as OfferEvent).agentId);
    engine.callEnded(id);
  }
  for (let q = 0; q < QUEUES; q++) for (let k = 0; k < WAITING_PER_QUEUE; k++) engine.enqueue(`w${q}-${k}`, `q${q}`, DATA);
  const latencies: number[] = [];
  let missing = 0;
  for (let i = 0; i < SAMPLES; i++) {
    const agentId = `a${(i * 7919) % AGENTS}`;
    if (engine.agents.get(agentId)?.state !== 'wrapUp') continue;
    lastOffer = undefined;
    const t0 = process.hrtime.bigint();
    engine.wrapUpDone(agentId);
    const t1 = process.hrtime.bigint();
    const offer = lastOffer as OfferEvent | undefined;
    if (!offer) {
      missing++;
      continue;
    }
    latencies.push(ms(t1 - t0));
    engine.answered(offer.callId, agentId);
    engine.callEnded(offer.callId);
    engine.enqueue(`n${i}`, offer.queue, DATA);
  }
  latencies.sort((a, b) => a - b);
  const waiting = engine.queueNames().reduce((sum, q) => sum + engine.stats(q).waiting, 0);
  const p = (x: number) => percentile(latencies, x).toFixed(4);
  const p99 = percentile(latencies, 99);
  const rss = Math.round(process.memoryUsage().rss / 2 ** 20);

  const table = [
    '| measure | value |',
    '| --- | --- |',
    `| agents / queues / queues per agent | ${AGENTS} / ${QUEUES} / ${QUEUES_PER_AGENT} |`,
    `| routing decisions per second (arrival with free agents) | ${Math.round(decisionsPerSecond).toLocaleString('en-US')} |`,
    `| ready → offer samples (calls waiting at the time) | ${latencies.length} (${waiting}) |`,
    `| ready → offer p50 / p99 / p99.9 / max (ms) | ${p(50)} / ${p(99)} / ${p(99.9)} / ${percentile(latencies, 100).toFixed(3)} |`,
    `| agent became ready but got no offer | ${missing} |`,
    `| process RSS (MiB) | ${rss} |`,
  ].join('\n');
  const headline = `ACD engine, one process, no I/O: 1,000 agents, 100 queues; goal p99 ready → offer under ${GOAL_P99_MS} ms: **${p99 < GOAL_P99_MS ? 'met' : 'missed'}** (p99 ${p99.toFixed(4)} ms), **${Math.round(decisionsPerSecond).toLocaleString('en-US')} decisions/s**`;
  console.log(`${headline}\n\n${table}`);
  if (!args.includes('--no-record')) recordResults('acd', headline, table);
}

main();
