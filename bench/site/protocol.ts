/**
 * What the bench process (the appliance) and the simulated site (sims.ts, its own process) say to
 * each other over IPC, and the numbers both sides must agree on.
 */
import { loadPbxProfile, type PbxProfile } from '../../appliance/csta/profile.js';
import type { AgentProfileOverride, DeskCounters } from '../../simulators/agents/index.js';

export const SITE = 'bench';
/** The hunt group of the card ports, and the DID that reaches it, in the demo dial plan. */
export const IVR_HUNT_GROUP = '610';
export const IVR_DID = '0301234502';
/** Where the after-call survey sends the caller: back to the card ports. */
export const SURVEY_NUMBER = IVR_HUNT_GROUP;
export const QUEUE = 'service';
/** The menu key that puts the caller in the queue. */
export const QUEUE_KEY = '1';
export const DESK_PASSWORD = 'bench-desk';

// Four-digit numbers: the demo plan's own 201–211, 301–304, 600, 610 and 700 stay clear.
export const portNumber = (index: number) => String(3001 + index);
export const agentDevice = (index: number) => String(5001 + index);
export const agentId = (index: number) => `A${index + 1}`;

/** Wall-clock milliseconds with sub-millisecond precision, comparable between the two processes. */
export const wallClockMs = () => performance.timeOrigin + performance.now();

/**
 * The CSTA profile both ends use on scaled time: session, heartbeat, response and reconnect timers
 * are about real latency, not call time, so they are stretched by the scale.
 */
export function scaledCstaProfile(scale: number): PbxProfile {
  const profile = loadPbxProfile('generic-ed4');
  return {
    ...profile,
    sessionDurationSeconds: Math.round(profile.sessionDurationSeconds * scale),
    heartbeatIntervalSeconds: Math.round(profile.heartbeatIntervalSeconds * scale),
    responseTimeoutMs: profile.responseTimeoutMs * scale,
    reconnect: { initialDelayMs: profile.reconnect.initialDelayMs * scale, maxDelayMs: profile.reconnect.maxDelayMs * scale },
  };
}

/** How the scripted callers behave, in scaled milliseconds. */
export interface CallerBehaviour {
  /** From the IVR answering to the queue key (the welcome prompt allows barge-in). */
  menuDelayMs: number;
  /** Mean of the exponential patience from the queue key on; a caller not with an agent by then hangs up. */
  patienceMeanMs: number;
  /** From the survey answering to the score key. */
  surveyDelayMs: number;
}

export type SimsCommand =
  | { cmd: 'start'; ports: number; agents: number; scale: number; epoch: number; seed: number }
  | { cmd: 'startAgents'; brokerUrl: string; profile: AgentProfileOverride }
  | { cmd: 'run'; seconds: number; drainSeconds: number; callsPerScaledSecond: number; callers: CallerBehaviour }
  | { cmd: 'stopAgents' }
  | { cmd: 'exit' };

/** Where a caller is: ringing the IVR ports, in the IVR, in the queue (key pressed), with an agent, in the survey. */
export type CallerPhase = 'toPort' | 'ivr' | 'queued' | 'agent' | 'survey';

/** answered: reached an agent; abandoned: hung up before that; endedBySite: the site ended the call before an agent took it; live: still going. */
export type CallerFate = 'answered' | 'abandoned' | 'endedBySite' | 'live';

export interface CallerRecord {
  /** The caller's number, unique per run: the ACD knows the call by it too. */
  number: string;
  fate: CallerFate;
  /** The phase the call ended in, or is in at the end. */
  phase: CallerPhase;
  /** Scaled ms from the queue key to the end of the call (or of the run); absent before the key. */
  sinceQueueKeyMs?: number;
}

export interface OfferSeen {
  callId: string;
  agentId: string;
  /** wallClockMs() when the desk had the `offered` event. */
  atMs: number;
}

export interface CommandSample {
  cmd: string;
  /** Real ms from publishing the command to its reply (or its failure). */
  ms: number;
  /** Error code when the command failed (the appliance's, or the desk's own such as timeout). */
  error?: string;
}

export interface SiteResults {
  callers: CallerRecord[];
  offersSeen: OfferSeen[];
  commands: CommandSample[];
  desks: DeskCounters;
  /** Desk errors by code, and the first few messages. */
  deskErrors: { byCode: Record<string, number>; first: string[] };
  /** Real seconds the arrivals ran, and the drain after them. */
  arrivalSeconds: number;
  drainSeconds: number;
  /** Caller actions the switch refused (placing a call, a key, a hang-up). */
  refused: number;
}

export type SimsReport =
  | { kind: 'listening'; cstaUrl: string; cardsUrl: string; ports: string[] }
  | { kind: 'agentsStarted' }
  | { kind: 'done'; results: SiteResults }
  | { kind: 'agentsStopped' }
  | { kind: 'failed'; message: string };
