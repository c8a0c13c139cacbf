/**
 * bench/site: the whole site end to end on scaled time. Callers arrive at random on the IVR's
 * number, press the queue key, wait on the card channels, are answered by simulated agent desks
 * over MQTT (or hang up when their patience runs out), and optionally take the after-call survey.
 * The switch and card simulators, the agent desks and the callers run in their own process
 * (sims.ts); the appliance (CSTA link, IVR, ACD, MQTT broker, SQLite) runs in this one.
 * Prints the figures and appends them to bench/RESULTS.md.
 *
 *   npm run bench:site [-- --seconds 20 --agents 8,24,48 --scale 20 --load 0.9 --survey --no-record]
 */
import { fork, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { scaledClock } from '../../appliance/runtime/clock.js';
import type { AgentProfileOverride } from '../../simulators/agents/index.js';
import { recordResults } from '../results.js';
import { startAppliance } from './appliance.js';
import { computeFigures, details, figuresTable, type SiteFigures } from './figures.js';
import { SiteObserver, countingLogger } from './observer.js';
import type { CallerBehaviour, SimsCommand, SimsReport } from './protocol.js';

const args = process.argv.slice(2);
const option = (name: string, fallback: string) => {
  const at = args.indexOf(`--${name}`);
  return at >= 0 && args[at + 1] ? (args[at + 1] as string) : fallback;
};
const seconds = Number(option('seconds', '20'));
const agentCounts = option('agents', '8,24,48').split(',').map(Number);
const scale = Number(option('scale', '20'));
/** Offered load per agent in Erlang: the arrival rate is agents × load / handling time. */
const loadPerAgent = Number(option('load', '0.9'));
const portsPerAgent = Number(option('ports-per-agent', '1.5'));
const drainSeconds = Number(option('drain', '15'));
const seed = Number(option('seed', '1'));
const survey = args.includes('--survey');

const ANSWER_DELAY_MS = 2000;
const TALK_MS: [number, number] = [20_000, 60_000];
const WRAP_UP_MS = 5000;
const DESK: AgentProfileOverride = { answerDelayMs: ANSWER_DELAY_MS, talkMs: TALK_MS, wrapUpMs: WRAP_UP_MS, noAnswerChance: 0.01 };
const HANDLING_MS = ANSWER_DELAY_MS + (TALK_MS[0] + TALK_MS[1]) / 2 + WRAP_UP_MS;
const CALLERS: CallerBehaviour = { menuDelayMs: 6000, patienceMeanMs: Number(option('patience', '90')) * 1000, surveyDelayMs: 3000 };
const SAMPLE_EVERY_MS = 200;
const SETTLE_MS = 500;

/** The simulated site's process and its reports, taken in order of kind; a failure report or an exit rejects. */
function startSims(): { sims: ChildProcess; next: <K extends SimsReport['kind']>(kind: K) => Promise<Extract<SimsReport, { kind: K }>>; send: (command: SimsCommand) => void } {
  const sims = fork(new URL('./sims.ts', import.meta.url), [], { execArgv: ['--import', 'tsx'], stdio: 'inherit' });
  const reports: SimsReport[] = [];
  let exited = false;
  sims.on('message', (report: SimsReport) => reports.push(report));
  sims.on('exit', () => {
    exited = true;
  });
  const next = async <K extends SimsReport['kind']>(kind: K) => {
    for (;;) {
      const failed = reports.find((r) => r.kind === 'failed');
      if (failed?.kind === 'failed') throw new Error(`the simulated site failed: ${failed.message}`);
      const found = reports.findIndex((r) => r.kind === kind);
      if (found >= 0) return reports.splice(found, 1)[0] as Extract<SimsReport, { kind: K }>;
      if (exited) throw new Error(`the simulated site exited before reporting ${kind}`);
      await Promise.race([once(sims, 'message'), once(sims, 'exit')]);
    }
  };
  return { sims, next, send: (command) => void sims.send(command) };
}

async function measure(agents: number): Promise<SiteFigures> {
  const ports = Math.max(agents + 4, Math.ceil(agents * portsPerAgent));
  const erlangs = agents * loadPerAgent;
  const callsPerScaledSecond = erlangs / (HANDLING_MS / 1000);
  const { sims, next, send } = startSims();
  const epoch = Date.now();
  send({ cmd: 'start', ports, agents, scale, epoch, seed });
  const listening = await next('listening');

  const { logger, warnings } = countingLogger();
  const observer = new SiteObserver();
  const dataDir = mkdtempSync(join(tmpdir(), 'ccbox-bench-site-'));
  const appliance = await startAppliance({
    dataDir,
    cstaUrl: listening.cstaUrl,
    cardsUrl: listening.cardsUrl,
    ports: listening.ports,
    agents,
    survey,
    scale,
    clock: scaledClock(scale, epoch),
    logger,
    seed,
    beforeStart: (acd, ivr) => observer.attach(acd, ivr),
  });
  send({ cmd: 'startAgents', brokerUrl: appliance.brokerUrl, profile: DESK });
  await next('agentsStarted');

  const sampler = setInterval(() => observer.sample(), SAMPLE_EVERY_MS);
  send({ cmd: 'run', seconds, drainSeconds, callsPerScaledSecond, callers: CALLERS });
  const { results } = await next('done');
  // The last CSTA events may still be on their way when the site's report arrives.
  await new Promise((resolve) => setTimeout(resolve, SETTLE_MS));
  clearInterval(sampler);
  observer.sample();
  const figures = computeFigures({ agents, ports, scale, survey, erlangs, callsPerScaledSecond }, results, observer, observer.endOfRun(), warnings);

  send({ cmd: 'stopAgents' });
  await next('agentsStopped');
  await appliance.stop();
  send({ cmd: 'exit' });
  if (sims.exitCode === null) await once(sims, 'exit');
  rmSync(dataDir, { recursive: true, force: true });

  const { accounting: a } = figures;
  console.log(
    `${agents} agents, ${ports} ports: ${a.offered} callers, ${a.answered} answered, ${a.abandoned} abandoned, ${a.overflowed} overflowed, ${a.waitingAtEnd} waiting at the end, ${a.lost} lost; ` +
      `ASA ${figures.waitSeconds.asa} s, SL ${figures.serviceLevel ?? 'n/a'} %; invariants broken in ${figures.invariants.broken} of ${figures.invariants.checks} checks`,
  );
  for (const line of details(figures)) console.log(line);
  return figures;
}

async function main(): Promise<void> {
  const runs: SiteFigures[] = [];
  for (const agents of agentCounts) runs.push(await measure(agents));
  const table = figuresTable(runs);
  const total = (of: (f: SiteFigures) => number) => runs.reduce((sum, f) => sum + of(f), 0);
  const lost = total((f) => f.accounting.lost);
  const phantoms = total((f) => f.accounting.phantoms);
  const disagreements = total((f) => f.accounting.disagreements);
  const broken = total((f) => f.invariants.broken);
  const headline =
    `Site end to end: callers → switch simulator → IVR on the card channels → ACD queue waiting on the card → simulated agent desks over MQTT → hang-up${survey ? ' → after-call survey' : ''}; ` +
    `switch, cards, desks and callers in one process, the appliance (CSTA link, IVR, ACD, MQTT broker, SQLite) in another; time scaled x${scale}, ${seconds} s of arrivals per column then a drain of at most ${drainSeconds} s; ` +
    `offered load ${loadPerAgent} Erlang per agent (handling ${HANDLING_MS / 1000} s), patience mean ${CALLERS.patienceMeanMs / 1000} s; lost calls **${lost}**, calls the ACD kept after the caller left **${phantoms}**, callers the site and the ACD account differently **${disagreements}**, ACD invariants **${broken === 0 ? 'held' : `broken in ${broken} checks`}**`;
  console.log(`\n${headline}\n\n${table}`);
  if (!args.includes('--no-record')) recordResults('site', headline, table);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
