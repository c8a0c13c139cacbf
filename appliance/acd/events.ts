/** Payloads of the AcdEngine's typed event map. Telephony, the MQTT API and the records listen to these. */
import type { OverflowAction } from './config.js';
import type { AgentStateName, CallData, CallKind } from './model.js';

export interface AgentStateChange {
  agentId: string;
  device: string | undefined;
  state: AgentStateName;
  previous: AgentStateName;
  reason?: string;
  at: number;
}

export interface OfferEvent {
  callId: string;
  agentId: string;
  device: string;
  queue: string;
  kind: CallKind;
  /** Other agents are offered the same call (strategy ringAll). */
  ringAll: boolean;
  waitedMs: number;
  data: CallData;
  callbackNumber?: string;
  at: number;
}

export type RetractReason = 'noAnswer' | 'answeredElsewhere' | 'abandoned' | 'failed' | 'linkDown' | 'overflow' | 'agentLeft' | 'exitKey';

export interface RetractEvent {
  callId: string;
  agentId: string;
  device: string;
  reason: RetractReason;
  at: number;
}

export type LeaveReason = 'abandoned' | 'maxWait' | 'full' | 'empty' | 'closedToJoin' | 'exitKey' | 'callback' | 'callbackFailed' | 'unknownQueue';

export interface LeftEvent {
  callId: string;
  queue: string;
  reason: LeaveReason;
  /** What to do with the caller (absent when they hung up or became a callback). */
  action?: OverflowAction;
  waitedMs: number;
  at: number;
}

export interface AcdEngineEvents {
  agentState: [change: AgentStateChange];
  joined: [info: { callId: string; queue: string; kind: CallKind; position: number; priority: number; at: number }];
  offer: [offer: OfferEvent];
  retract: [retract: RetractEvent];
  connected: [info: { callId: string; agentId: string; device: string; queue: string; kind: CallKind; waitedMs: number; at: number }];
  /** The call left the queue without reaching an agent. */
  left: [info: LeftEvent];
  /** A connected call is over; the agent goes to wrap-up. */
  ended: [info: { callId: string; agentId: string; queue: string; kind: CallKind; talkMs: number; at: number }];
  callbackResult: [info: { callId: string; queue: string; agentId: string; outcome: CallbackOutcome; attempt: number; willRetry: boolean; at: number }];
  /** Position and expected wait changed since the last announcement (queue announce.positionEverySeconds). */
  announce: [info: { callId: string; queue: string; position: number; expectedWaitSeconds: number }];
  periodic: [info: { callId: string; queue: string; prompt: string }];
  /** Something in the queue's figures changed (for statistics publishers; they throttle). */
  queueChanged: [queue: string];
}

export type CallbackOutcome = 'connected' | 'noAnswer' | 'busy' | 'failed';
