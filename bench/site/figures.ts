/**
 * The site bench's figures from one run: every caller accounted for (the simulated site's view
 * joined with the ACD's by the caller's number), waits and service level on scaled time, the
 * latencies in real ms, and the table rows for bench/RESULTS.md.
 */
import { percentile } from '../results.js';
import type { AcdAtEnd, SiteObserver } from './observer.js';
import type { CallerRecord, SiteResults } from './protocol.js';

const SERVICE_LEVEL_MS = 20_000;
/** Scaled ms after the queue key by which the ACD must hold the caller's call. */
const STUCK_AFTER_MS = 30_000;
const EXAMPLES_KEPT = 5;
/** Desk errors that mean no reply came: not a round trip. */
const NO_REPLY: ReadonlySet<string> = new Set(['timeout', 'notConnected', 'brokerLost', 'stopped']);
/** Sent at the start and the end of the run (login checks the phone over CSTA): kept out of the call-handling round trip. */
const SESSION_COMMANDS: ReadonlySet<string> = new Set(['login', 'logout']);

export interface RunSetup {
  agents: number;
  ports: number;
  scale: number;
  survey: boolean;
  /** Designed offered load in Erlang and the arrival rate that gives it. */
  erlangs: number;
  callsPerScaledSecond: number;
}

export interface Accounting {
  offered: number;
  answered: number;
  abandoned: number;
  overflowed: number;
  waitingAtEnd: number;
  lost: number;
  /** The site and the ACD disagree on a caller both account for (e.g. hung up as the agent answered). */
  disagreements: number;
  /** Callers who are gone while the ACD still holds their call at the end. */
  phantoms: number;
  examples: string[];
}

export interface SiteFigures {
  setup: RunSetup;
  accounting: Accounting;
  rates: { offered: number; answered: number; abandoned: number };
  waitSeconds: { asa: number; p50: number; p99: number };
  serviceLevel: number | undefined;
  readyToOffer: { p50: number; p99: number; samples: number };
  offerToDesk: { p50: number; p99: number; samples: number; unseen: number };
  commandRtt: { p50: number; p99: number; samples: number; failed: Record<string, number>; p99ByCommand: Record<string, number> };
  retracts: Record<string, number>;
  invariants: { checks: number; broken: number; first: string[] };
  /** The ACD's own queue figures at the end, to hold against the callers' view. */
  acdQueue: AcdAtEnd['queue'];
  notReadyAtEnd: string[];
  ivrOutcomes: Record<string, number>;
  ivrErrors: Record<string, number>;
  surveys: number;
  warnings: Record<string, number>;
  deskErrors: Record<string, number>;
  rssMiB: number;
  realSeconds: { arrivals: number; drain: number };
}

/** Waiting past the queue key for long while the ACD holds no call of theirs: dropped between the IVR and the ACD. */
const stuck = (caller: CallerRecord, acd: string) => caller.phase === 'queued' && (caller.sinceQueueKeyMs ?? 0) > STUCK_AFTER_MS && acd !== 'inAcd' && acd !== 'connected';

function account(callers: CallerRecord[], observer: SiteObserver, inAcdAtEnd: ReadonlySet<string>): Accounting {
  const tally: Accounting = { offered: callers.length, answered: 0, abandoned: 0, overflowed: 0, waitingAtEnd: 0, lost: 0, disagreements: 0, phantoms: 0, examples: [] };
  const note = (caller: CallerRecord, acd: string, what: string) => {
    const ivr = observer.ivrCallsByCaller.get(caller.number)?.join('; ') ?? 'none ended';
    if (tally.examples.length < EXAMPLES_KEPT) tally.examples.push(`${what}: caller ${caller.number} ${caller.fate} in ${caller.phase}, ACD ${acd}, IVR calls: ${ivr}`);
  };
  const disagree = (caller: CallerRecord, acd: string) => {
    tally.disagreements++;
    note(caller, acd, 'disagreement');
  };
  for (const caller of callers) {
    const acd = observer.fateByCaller.get(caller.number) ?? 'unknown to the ACD';
    if (caller.fate !== 'live' && inAcdAtEnd.has(caller.number)) {
      tally.phantoms++;
      note(caller, acd, 'phantom');
    }
    const overflowed = acd.startsWith('left:') && acd !== 'left:abandoned';
    if (caller.fate === 'answered' || caller.phase === 'agent' || caller.phase === 'survey') {
      tally.answered++;
      if (acd !== 'connected') disagree(caller, acd);
    } else if (caller.fate === 'abandoned') {
      tally.abandoned++;
      if (acd === 'connected') disagree(caller, acd);
    } else if (caller.fate === 'endedBySite' && overflowed) {
      tally.overflowed++;
    } else if (caller.fate === 'live' && !stuck(caller, acd)) {
      tally.waitingAtEnd++;
    } else {
      tally.lost++;
      note(caller, acd, 'lost');
    }
  }
  return tally;
}

const round = (value: number, digits = 1) => Math.round(value * 10 ** digits) / 10 ** digits;

export function computeFigures(setup: RunSetup, site: SiteResults, observer: SiteObserver, acd: AcdAtEnd, warnings: Record<string, number>): SiteFigures {
  const accounting = account(site.callers, observer, acd.callersInAcd);
  const scaledSeconds = site.arrivalSeconds * setup.scale;
  const waits = [...observer.waitsMs].sort((a, b) => a - b);
  const readyToOffer = [...observer.readyToOfferMs].sort((a, b) => a - b);
  const seen = new Set<string>();
  const offerToDesk: number[] = [];
  for (const offer of site.offersSeen) {
    const key = `${offer.callId}/${offer.agentId}`;
    const madeAt = observer.offeredAt.get(key);
    if (madeAt === undefined || seen.has(key)) continue;
    seen.add(key);
    offerToDesk.push(offer.atMs - madeAt);
  }
  offerToDesk.sort((a, b) => a - b);
  const answeredRtts = site.commands.filter((c) => c.error === undefined || !NO_REPLY.has(c.error));
  const rtts = answeredRtts.filter((c) => !SESSION_COMMANDS.has(c.cmd)).map((c) => c.ms).sort((a, b) => a - b);
  const failed: Record<string, number> = {};
  for (const c of site.commands) if (c.error !== undefined) failed[`${c.cmd}:${c.error}`] = (failed[`${c.cmd}:${c.error}`] ?? 0) + 1;
  const p99ByCommand: Record<string, number> = {};
  for (const cmd of new Set(answeredRtts.map((c) => c.cmd))) {
    p99ByCommand[cmd] = round(percentile(answeredRtts.filter((c) => c.cmd === cmd).map((c) => c.ms).sort((a, b) => a - b), 99));
  }
  return {
    setup,
    accounting,
    rates: { offered: round(accounting.offered / scaledSeconds, 3), answered: round(accounting.answered / scaledSeconds, 3), abandoned: round(accounting.abandoned / scaledSeconds, 3) },
    waitSeconds: { asa: waits.length ? round(waits.reduce((a, b) => a + b, 0) / waits.length / 1000) : 0, p50: round(percentile(waits, 50) / 1000), p99: round(percentile(waits, 99) / 1000) },
    serviceLevel: waits.length ? round((100 * waits.filter((w) => w <= SERVICE_LEVEL_MS).length) / waits.length) : undefined,
    readyToOffer: { p50: round(percentile(readyToOffer, 50), 3), p99: round(percentile(readyToOffer, 99), 3), samples: readyToOffer.length },
    offerToDesk: { p50: round(percentile(offerToDesk, 50), 2), p99: round(percentile(offerToDesk, 99), 2), samples: offerToDesk.length, unseen: observer.offeredAt.size - seen.size },
    commandRtt: { p50: round(percentile(rtts, 50), 2), p99: round(percentile(rtts, 99), 2), samples: rtts.length, failed, p99ByCommand },
    retracts: observer.retracts,
    invariants: observer.invariants,
    acdQueue: acd.queue,
    notReadyAtEnd: acd.notReady,
    ivrOutcomes: observer.ivrOutcomes,
    ivrErrors: observer.ivrErrors,
    surveys: observer.surveys,
    warnings,
    deskErrors: site.deskErrors.byCode,
    rssMiB: observer.peakRssMiB,
    realSeconds: { arrivals: round(site.arrivalSeconds), drain: round(site.drainSeconds) },
  };
}

const listed = (counts: Record<string, number>) => {
  const entries = Object.entries(counts).sort((a, b) => b[1] - a[1]);
  return entries.length ? entries.map(([key, n]) => `${key} ${n}`).join(', ') : 'none';
};

/** One table, a column per run (agent count), a row per measure. */
export function figuresTable(runs: SiteFigures[]): string {
  const rows: [string, (f: SiteFigures) => string][] = [
    ['agents / card ports', (f) => `${f.setup.agents} / ${f.setup.ports}`],
    ['offered load (Erlang) / arrivals per scaled s', (f) => `${round(f.setup.erlangs)} / ${round(f.setup.callsPerScaledSecond, 3)}`],
    ['callers offered / answered / abandoned / overflowed', (f) => `${f.accounting.offered} / ${f.accounting.answered} / ${f.accounting.abandoned} / ${f.accounting.overflowed}`],
    ['still waiting at the end / **lost**', (f) => `${f.accounting.waitingAtEnd} / **${f.accounting.lost}**`],
    ['site and ACD disagree on (e.g. hung up per the caller, answered per the ACD)', (f) => `${f.accounting.disagreements}`],
    ['callers gone whose call the ACD still holds at the end', (f) => `${f.accounting.phantoms}`],
    ['offered / answered / abandoned per scaled s', (f) => `${f.rates.offered} / ${f.rates.answered} / ${f.rates.abandoned}`],
    ['ASA / wait p50 / p99 (scaled s)', (f) => `${f.waitSeconds.asa} / ${f.waitSeconds.p50} / ${f.waitSeconds.p99}`],
    ['service level (answered within 20 s)', (f) => (f.serviceLevel === undefined ? 'n/a' : `${f.serviceLevel} %`)],
    ['ready → offer p50 / p99 (real ms) [samples]', (f) => `${f.readyToOffer.p50} / ${f.readyToOffer.p99} [${f.readyToOffer.samples}]`],
    ['offer → desk sees it over MQTT p50 / p99 (real ms) [unseen]', (f) => `${f.offerToDesk.p50} / ${f.offerToDesk.p99} [${f.offerToDesk.unseen}]`],
    ['desk command → reply p50 / p99, call handling (real ms) [commands]', (f) => `${f.commandRtt.p50} / ${f.commandRtt.p99} [${f.commandRtt.samples}]`],
    ['command reply p99 by command (real ms)', (f) => listed(f.commandRtt.p99ByCommand)],
    ['commands refused or failed', (f) => listed(f.commandRtt.failed)],
    ['ACD queue counters: joined / answered / abandoned / overflowed / SL', (f) => `${f.acdQueue.joined} / ${f.acdQueue.answered} / ${f.acdQueue.abandoned} / ${f.acdQueue.overflowed} / ${f.acdQueue.serviceLevel ?? 'n/a'} %`],
    ['agents at the end by state', (f) => listed(Object.fromEntries(Object.entries(f.acdQueue.agents).filter(([, n]) => n > 0)))],
    ['offers taken back', (f) => listed(f.retracts)],
    ['IVR calls by outcome', (f) => listed(f.ivrOutcomes)],
    ['after-call surveys answered', (f) => (f.setup.survey ? `${f.surveys}` : 'survey off')],
    ['IVR call errors', (f) => listed(f.ivrErrors)],
    ['ACD invariant checks / broken', (f) => `${f.invariants.checks} / ${f.invariants.broken}`],
    ['appliance warnings logged', (f) => `${Object.values(f.warnings).reduce((a, b) => a + b, 0)}`],
    ['appliance RSS peak (MiB)', (f) => `${f.rssMiB}`],
    ['real s of arrivals + drain', (f) => `${f.realSeconds.arrivals} + ${f.realSeconds.drain}`],
  ];
  return [
    `| measure | ${runs.map((f) => `${f.setup.agents} agents`).join(' | ')} |`,
    `| --- | ${runs.map(() => '---').join(' | ')} |`,
    ...rows.map(([label, cell]) => `| ${label} | ${runs.map(cell).join(' | ')} |`),
  ].join('\n');
}

/** What a person reading the console wants beyond the table: the first lost callers, broken invariants, warnings, desk errors. */
export function details(f: SiteFigures): string[] {
  const lines: string[] = [];
  for (const example of f.accounting.examples) lines.push(`  ${example}`);
  for (const sentence of f.invariants.first) lines.push(`  invariant broken: ${sentence}`);
  for (const [message, n] of Object.entries(f.warnings)) lines.push(`  appliance warning ×${n}: ${message}`);
  if (Object.keys(f.deskErrors).length) lines.push(`  desk errors: ${listed(f.deskErrors)}`);
  if (f.notReadyAtEnd.length) lines.push(`  agents not ready at the end: ${f.notReadyAtEnd.join(', ')}`);
  return lines;
}
