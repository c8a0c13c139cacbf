/**
 * bench/csta: CSTA events per second decoded by the appliance's link (framing + codec + session)
 * from the PBX simulator in another process over loopback TCP, at rising offered rates, with event
 * latency and request round-trip percentiles. Prints a table and appends it to bench/RESULTS.md.
 *
 *   npm run bench:csta [-- --seconds 5 --rates 20000,50000,80000,100000,150000 --no-record]
 */
import { fork } from 'node:child_process';
import { once } from 'node:events';
import { CstaLink } from '../../appliance/csta/link.js';
import { loadPbxProfile } from '../../appliance/csta/profile.js';
import { systemClock } from '../../appliance/runtime/clock.js';
import { createLogger } from '../../appliance/runtime/logger.js';
import { percentile, recordResults } from '../results.js';
import type { SourceCommand, SourceReport } from './source.js';

const args = process.argv.slice(2);
const option = (name: string, fallback: string) => {
  const at = args.indexOf(`--${name}`);
  return at >= 0 && args[at + 1] ? (args[at + 1] as string) : fallback;
};
const seconds = Number(option('seconds', '5'));
const rates = option('rates', '20000,50000,80000,100000,150000').split(',').map(Number);
const DEVICE = '201';
const SUSTAINED_P99_MS = 100;

const nowMicros = () => (performance.timeOrigin + performance.now()) * 1000;

interface Row {
  offered: number;
  sent: number;
  decoded: number;
  rate: number;
  latencyMs: { p50: number; p99: number; max: number };
  rttMs: { p50: number; p99: number };
  rssMiB: number;
}

async function main(): Promise<void> {
  const source = fork(new URL('./source.ts', import.meta.url), [], { execArgv: ['--import', 'tsx'], stdio: 'inherit' });
  const reports: SourceReport[] = [];
  const nextReport = async (kind: SourceReport['kind']) => {
    for (;;) {
      const found = reports.findIndex((r) => r.kind === kind);
      if (found >= 0) return reports.splice(found, 1)[0] as SourceReport;
      await once(source, 'message');
    }
  };
  source.on('message', (report: SourceReport) => reports.push(report));
  const listening = await nextReport('listening');
  if (listening.kind !== 'listening') throw new Error('unexpected report');

  const link = new CstaLink({
    url: listening.url,
    profile: loadPbxProfile('generic-ed4'),
    credentials: { applicationId: 'ccbox-bench' },
    clock: systemClock,
    logger: createLogger({ level: 'warn' }),
  });
  await link.start();
  await link.monitor(DEVICE);

  let decoded = 0;
  let latencies: number[] = [];
  link.on('DeliveredEvent', (event) => {
    decoded++;
    if ((decoded & 15) === 0) latencies.push((nowMicros() - Number(event.correlatorData)) / 1000);
  });

  const rows: Row[] = [];
  for (const offered of rates) {
    decoded = 0;
    latencies = [];
    const rtts: number[] = [];
    let sampling = true;
    const sampler = (async () => {
      while (sampling) {
        const started = performance.now();
        // Under overload a request may time out: that is a figure (the RTT is at least the timeout), not a crash.
        await link.systemStatus().catch(() => undefined);
        rtts.push(performance.now() - started);
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
    })();
    const started = performance.now();
    source.send({ cmd: 'run', device: DEVICE, rate: offered, seconds } satisfies SourceCommand);
    const done = await nextReport('done');
    const sent = done.kind === 'done' ? done.sent : 0;
    const deadline = performance.now() + 30_000;
    while (decoded < sent && performance.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 5));
    const elapsed = (performance.now() - started) / 1000;
    sampling = false;
    await sampler;
    latencies.sort((a, b) => a - b);
    rtts.sort((a, b) => a - b);
    rows.push({
      offered,
      sent,
      decoded,
      rate: Math.round(decoded / elapsed),
      latencyMs: { p50: percentile(latencies, 50), p99: percentile(latencies, 99), max: latencies[latencies.length - 1] ?? 0 },
      rttMs: { p50: percentile(rtts, 50), p99: percentile(rtts, 99) },
      rssMiB: Math.round(process.memoryUsage().rss / 1048576),
    });
    const row = rows[rows.length - 1] as Row;
    console.log(`offered ${offered}/s: decoded ${row.decoded}/${row.sent} at ${row.rate}/s, event latency p50 ${row.latencyMs.p50.toFixed(2)} ms p99 ${row.latencyMs.p99.toFixed(2)} ms, request RTT p50 ${row.rttMs.p50.toFixed(2)} ms p99 ${row.rttMs.p99.toFixed(2)} ms`);
  }
  await link.stop();
  source.send({ cmd: 'exit' } satisfies SourceCommand);

  // Sustained: every event decoded and the p99 latency still bounded (no queue building up).
  const best = Math.max(...rows.filter((r) => r.decoded === r.sent && r.latencyMs.p99 < SUSTAINED_P99_MS).map((r) => r.rate), 0);
  const table = [
    '| offered ev/s | sent | decoded | decoded ev/s | event latency p50 / p99 / max (ms) | request RTT p50 / p99 (ms) | client RSS (MiB) |',
    '| --- | --- | --- | --- | --- | --- | --- |',
    ...rows.map((r) => `| ${r.offered} | ${r.sent} | ${r.decoded} | ${r.rate} | ${r.latencyMs.p50.toFixed(2)} / ${r.latencyMs.p99.toFixed(2)} / ${r.latencyMs.max.toFixed(1)} | ${r.rttMs.p50.toFixed(2)} / ${r.rttMs.p99.toFixed(2)} | ${r.rssMiB} |`),
  ].join('\n');
  console.log(`\n${table}\n\nhighest sustained rate (all decoded, p99 latency < ${SUSTAINED_P99_MS} ms): ${best} events/s (goal: 50000)`);
  if (!args.includes('--no-record')) {
    recordResults('csta', `CSTA events decoded by the link from the simulator over loopback TCP (2 processes, ${seconds} s per rate); highest sustained rate (all decoded, p99 latency < ${SUSTAINED_P99_MS} ms) **${best} ev/s** (goal 50000)`, table);
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
