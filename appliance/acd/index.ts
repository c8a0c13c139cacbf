/** The ACD: queues, agents, offers. Pure logic on a clock; telephony and the API listen to its events. */
export { AcdEngine, type AcdEngineOptions, type JoinResult } from './engine.js';
export type { AcdEngineEvents, AgentStateChange, OfferEvent, RetractEvent, LeftEvent, LeaveReason, RetractReason, CallbackOutcome } from './events.js';
export { AcdError, type Agent, type AcdCall, type AgentStateName, type RequestedState, type CallData, type CallKind } from './model.js';
export { acdConfigSchema, queueConfigSchema, agentConfigSchema, overflowActionSchema, STRATEGIES, type AcdConfig, type AcdConfigInput, type QueueConfig, type AgentConfig, type OverflowAction, type Strategy } from './config.js';
export { brokenInvariants } from './invariants.js';
export type { QueueStats } from './stats.js';
export type { CallControl } from './ports.js';
