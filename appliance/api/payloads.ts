/** What the appliance publishes, topic by topic (docs/mqtt-api.md shows each with an example). */
import type { AgentStateName, QueueStats } from '../acd/index.js';
import type { CustomerRecord } from '../ivr/ports.js';
import type { InstallerCommand, Reply, SupervisorCommand, AgentCommand } from './commands.js';

/** The screen pop: everything the IVR learnt about the caller, with the queue and the wait. */
export interface ScreenPop {
  callId: string;
  queue: string;
  kind: 'inbound' | 'callback' | 'outbound';
  callerId?: string;
  dnis?: string;
  language: string;
  vip: boolean;
  customer?: CustomerRecord;
  keys: string[];
  path: string[];
  variables: Record<string, string>;
  waitedMs: number;
  callbackNumber?: string;
}

export type AgentEvent =
  | { type: 'state'; state: AgentStateName; previous: AgentStateName; reason?: string; device?: string; at: number }
  | ({ type: 'offered'; ringAll: boolean; at: number } & ScreenPop)
  | { type: 'retracted'; callId: string; reason: string; at: number }
  | { type: 'established'; callId: string; queue: string; at: number }
  | { type: 'held'; callId?: string; at: number }
  | { type: 'retrieved'; callId?: string; at: number }
  | { type: 'cleared'; callId: string; talkMs: number; at: number }
  | { type: 'bulletin'; text: string; from: string; at: number };

export interface AgentStatePayload {
  agentId: string;
  name: string;
  state: AgentStateName;
  reason: string | null;
  device: string | null;
  since: number;
  queues: string[];
  callId: string | null;
  callsAnswered: number;
  talkMs: number;
  /** A state asked for during a call, taken when the call (and its wrap-up) ends: logout, notReady with its reason, or ready. */
  pending: { state: 'ready' | 'notReady' | 'loggedOut'; reason: string | null } | null;
}

export type SupervisorEvent =
  | ({ type: 'agentState'; agentId: string } & Omit<Extract<AgentEvent, { type: 'state' }>, 'type'>)
  | { type: 'joined'; callId: string; queue: string; position: number; priority: number; at: number }
  | { type: 'offer'; callId: string; agentId: string; queue: string; at: number }
  | { type: 'retract'; callId: string; agentId: string; reason: string; at: number }
  | { type: 'callbackResult'; callId: string; queue: string; agentId: string; outcome: string; attempt: number; willRetry: boolean; at: number }
  | { type: 'connected'; callId: string; agentId: string; queue: string; waitedMs: number; at: number }
  | { type: 'left'; callId: string; queue: string; reason: string; at: number }
  | { type: 'ended'; callId: string; agentId: string; queue: string; talkMs: number; at: number };

export interface HealthPayload {
  state: 'online' | 'offline';
  since?: number;
  version?: string;
}

export interface LinkPayload {
  up: boolean;
  url?: string;
  reason?: string;
  at: number;
}

export interface ChannelStatusPayload {
  /** The card link is up (the board answered hello). */
  up: boolean;
  board: { model: string; channels: number } | null;
  channels: { index: number; port: string | null; state: string; reason: string | null }[];
  at: number;
}

/** Topic kind → the payload on it (topics.ts names the topics). */
export interface TopicPayloads {
  agentCmd: AgentCommand;
  agentReply: Reply;
  agentEvent: AgentEvent;
  agentState: AgentStatePayload;
  supervisorCmd: SupervisorCommand;
  supervisorReply: Reply;
  supervisorEvent: SupervisorEvent;
  installerCmd: InstallerCommand;
  installerReply: Reply;
  config: Record<string, unknown>;
  queueStats: QueueStats;
  agents: AgentStatePayload[];
  bulletin: Extract<AgentEvent, { type: 'bulletin' }>;
  statusLink: LinkPayload;
  statusChannels: ChannelStatusPayload;
  statusHealth: HealthPayload;
}
