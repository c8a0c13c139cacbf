/** What the ACD keeps in memory: agents, the calls waiting or connected, the offers between them. */
import type { TimerHandle } from '../runtime/clock.js';
import type { QueueHandoff } from '../ivr/ports.js';
import type { AgentConfig } from './config.js';

export type AgentStateName = 'loggedOut' | 'ready' | 'offered' | 'talking' | 'held' | 'wrapUp' | 'notReady';
/** States an agent asks for; the others follow from calls. */
export type RequestedState = { state: 'ready' } | { state: 'notReady'; reason: string } | { state: 'loggedOut' };

export class AcdError extends Error {
  constructor(
    readonly code: 'unknownAgent' | 'badPin' | 'deviceInUse' | 'badState' | 'unknownQueue' | 'unknownReason' | 'unknownCall' | 'onCall',
    message: string,
  ) {
    super(message);
    this.name = 'AcdError';
  }
}

/** The data that travels with a call into the queue and pops up on the agent's screen. */
export type CallData = Omit<QueueHandoff, 'queue' | 'priority'>;

export interface Agent {
  readonly id: string;
  config: AgentConfig;
  /** Position in the configured agent list: the order of linear and round-robin. */
  order: number;
  state: AgentStateName;
  reason: string | undefined;
  device: string | undefined;
  since: number;
  /** When the agent last became free after a call or came in ready: longest-idle. */
  idleSince: number;
  callsAnswered: number;
  talkMs: number;
  missedInRow: number;
  /** Queues whose skills the agent meets. */
  queues: Set<string>;
  offer: Offer | undefined;
  call: AcdCall | undefined;
  /** The state to take once the current call (and its wrap-up) is over. */
  pending: RequestedState | undefined;
  wrapUpTimer: TimerHandle | undefined;
  /** The agent's phone has a call ccbox did not route (a private or direct call). */
  phoneBusy: boolean;
}

export type CallKind = 'inbound' | 'callback' | 'outbound';
export type CallPhase = 'waiting' | 'offered' | 'connected' | 'done';

export interface AcdCall {
  readonly id: string;
  kind: CallKind;
  queue: string;
  priority: number;
  /** The caller's place: callbacks keep it; moving to another queue starts a new one. */
  placeAt: number;
  readonly seq: number;
  joinedAt: number;
  readonly firstJoinedAt: number;
  data: CallData;
  phase: CallPhase;
  offers: Map<string, Offer>;
  missedBy: Set<string>;
  /** An unanswered offer pauses the call until this time (queue retrySeconds). */
  notBefore: number;
  agent: Agent | undefined;
  connectedAt: number | undefined;
  callbackNumber: string | undefined;
  callbackAttempts: number;
  overflowHops: number;
  /** Only this agent may take the call. */
  targetAgent?: string;
  timers: TimerHandle[];
  lastAnnounced: { position: number; expectedWaitSeconds: number } | undefined;
}

export interface Offer {
  readonly call: AcdCall;
  readonly agent: Agent;
  readonly device: string;
  readonly at: number;
  timer: TimerHandle | undefined;
}

/** A waiting call's order: higher priority first, then the older place. */
export function comesBefore(a: AcdCall, b: AcdCall): boolean {
  if (a.priority !== b.priority) return a.priority > b.priority;
  if (a.placeAt !== b.placeAt) return a.placeAt < b.placeAt;
  return a.seq < b.seq;
}
