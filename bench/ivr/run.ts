/**
 * bench/ivr: IVR calls per second through the switch and card simulators (their own process,
 * sims.ts) into the appliance's IVR (this process: card link driver, engine, SQLite journal) with a
 * three-node flow (welcome → one-key menu → goodbye) on time scaled by --scale. Prints the figures
 * and appends them to bench/RESULTS.md.
 *
 *   npm run bench:ivr [-- --seconds 20 --ports 8,24,48 --scale 20 --no-record]
 */
import { fork } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { cardsConfigSchema } from '../../appliance/cards/index.js';
import { ivrConfigSchema } from '../../appliance/ivr/index.js';
import { scaledClock } from '../../appliance/runtime/clock.js';
import { createIvrRuntime } from '../../appliance/runtime/ivr-runtime.js';
import { createLogger } from '../../appliance/runtime/logger.js';
import { RecordsStore } from '../../appliance/store/records/index.js';
import { percentile, recordResults } from '../results.js';
import type { SimsCommand, SimsReport } from './sims.js';

const args = process.argv.slice(2);
const option = (name: string, fallback: string) => {
  const at = args.indexOf(`--${name}`);
  return at >= 0 && args[at + 1] ? (args[at + 1] as string) : fallback;
};
const seconds = Number(option('seconds', '20'));
const portCounts = option('ports', '8,24,48').split(',').map(Number);
const scale = Number(option('scale', '20'));
const PRESS_AFTER_MS = 6000;

const FLOW = {
  id: 'bench',
  start: 'welcome',
  nodes: {
    welcome: { type: 'play', prompts: ['welcome'], bargeIn: true, next: 'menu' },
    menu: { type: 'menu', greeting: ['main-menu-short'], entries: { '1': 'bye' }, onFailure: 'bye', timeoutMs: 5000 },
    bye: { type: 'hangup', prompt: ['goodbye'] },
  },
};

interface Row {
  ports: number;
  /** Caller DTMF the switch refused: nobody had answered yet when the caller pressed 1 (the IVR lagging). */
  refused: number;
  completed: number;
  other: number;
  perSecond: number;
  scaledCallMs: { p50: number; p99: number };
  rssMiB: number;
}

async function measure(ports: number): Promise<Row> {
  const sims = fork(new URL('./sims.ts', import.meta.url), [], { execArgv: ['--import', 'tsx'], stdio: 'inherit' });
  const reports: SimsReport[] = [];
  sims.on('message', (report: SimsReport) => reports.push(report));
  const next = async (kind: SimsReport['kind']) => {
    for (;;) {
      const found = reports.findIndex((r) => r.kind === kind);
      if (found >= 0) return reports.splice(found, 1)[0] as SimsReport;
      await once(sims, 'message');
    }
  };
  const epoch = Date.now();
  sims.send({ cmd: 'start', ports, scale, epoch, pressAfterMs: PRESS_AFTER_MS } satisfies SimsCommand);
  const listening = await next('listening');
  if (listening.kind !== 'listening') throw new Error('unexpected report');

  const dataDir = mkdtempSync(join(tmpdir(), 'ccbox-bench-ivr-'));
  mkdirSync(join(dataDir, 'flows'));
  writeFileSync(join(dataDir, 'flows', 'bench.json'), JSON.stringify(FLOW));
  const logger = createLogger({ level: 'error' });
  const clock = scaledClock(scale, epoch);
  const records = new RecordsStore({ dir: dataDir, logger });
  records.open();
  const runtime = createIvrRuntime({
    dataDir,
    // Link timeouts are about real latency, not call time: on a clock running `scale` times fast they are stretched by `scale`.
    cards: { ...cardsConfigSchema.parse({ enabled: true, url: listening.cardsUrl }), ackTimeoutMs: 2000 * scale, probeIntervalMs: 5000 * scale },
    cardsHeartbeatMs: 10_000 * scale,
    ivr: ivrConfigSchema.parse({ enabled: true, defaultFlow: 'bench' }),
    records,
    clock,
    logger,
  });
  runtime.start();
  await runtime.boardUp;
  let completed = 0;
  let other = 0;
  const started = new Map<string, number>();
  const durations: number[] = [];
  runtime.engine.on('callStarted', (info) => started.set(info.callId, clock.now()));
  runtime.engine.on('callEnded', (info) => {
    if (info.outcome === 'completed') completed++;
    else other++;
    const from = started.get(info.callId);
    if (from !== undefined) durations.push(clock.now() - from);
    started.delete(info.callId);
  });
  const t0 = performance.now();
  sims.send({ cmd: 'run', seconds } satisfies SimsCommand);
  const done = await next('done');
  if (done.kind === 'done') console.log(`  site: ${done.placed} calls placed, ${done.ended} ended, ${done.refused} caller actions refused`);
  const elapsed = (performance.now() - t0) / 1000;
  const refused = done.kind === 'done' ? done.refused : 0;
  durations.sort((a, b) => a - b);
  const row: Row = {
    ports,
    refused,
    completed,
    other,
    perSecond: Math.round((completed / elapsed) * 10) / 10,
    scaledCallMs: { p50: percentile(durations, 50), p99: percentile(durations, 99) },
    rssMiB: Math.round(process.memoryUsage().rss / 1048576),
  };
  sims.send({ cmd: 'exit' } satisfies SimsCommand);
  await runtime.stop();
  records.close();
  rmSync(dataDir, { recursive: true, force: true });
  console.log(`${ports} ports: ${completed} IVR calls completed (${other} other) in ${elapsed.toFixed(1)} s = ${row.perSecond} calls/s; call length (scaled) p50 ${Math.round(row.scaledCallMs.p50)} ms p99 ${Math.round(row.scaledCallMs.p99)} ms`);
  return row;
}

async function main(): Promise<void> {
  const rows: Row[] = [];
  for (const ports of portCounts) rows.push(await measure(ports));
  const best = Math.max(...rows.map((r) => r.perSecond));
  const table = [
    '| ports (channels) | completed | other outcomes | keys pressed before the answer | IVR calls/s | call length p50 / p99 (scaled ms) | appliance RSS (MiB) |',
    '| --- | --- | --- | --- | --- | --- | --- |',
    ...rows.map((r) => `| ${r.ports} | ${r.completed} | ${r.other} | ${r.refused} | ${r.perSecond} | ${Math.round(r.scaledCallMs.p50)} / ${Math.round(r.scaledCallMs.p99)} | ${r.rssMiB} |`),
  ].join('\n');
  console.log(`\n${table}\n\nbest: ${best} IVR calls/s (3-node flow, time x${scale})`);
  if (!args.includes('--no-record')) {
    recordResults('ivr', `IVR calls per second: callers → switch simulator → analog ports → card simulator (one process) → card link → IVR engine + SQLite journal (another process), three-node flow (welcome, one-key menu, goodbye), time scaled x${scale}, ${seconds} s per row; best **${best} calls/s**`, table);
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
