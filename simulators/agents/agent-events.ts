/** The events an agent desktop receives on `agent/<id>/event`, checked just enough to act on safely. */
import type { AgentEvent, AgentStatePayload } from '../../appliance/api/payloads.js';

export type OfferedEvent = Extract<AgentEvent, { type: 'offered' }>;
export type RetractedEvent = Extract<AgentEvent, { type: 'retracted' }>;
export type EstablishedEvent = Extract<AgentEvent, { type: 'established' }>;
export type ClearedEvent = Extract<AgentEvent, { type: 'cleared' }>;
export type StateEvent = Extract<AgentEvent, { type: 'state' }>;

const WITH_CALL_ID: ReadonlySet<string> = new Set(['offered', 'retracted', 'established', 'cleared']);

/** The event, or undefined when the payload lacks what the desk relies on (type, callId, state). */
export function asAgentEvent(payload: unknown): AgentEvent | undefined {
  if (typeof payload !== 'object' || payload === null) return undefined;
  const { type, callId, state } = payload as { type?: unknown; callId?: unknown; state?: unknown };
  if (typeof type !== 'string') return undefined;
  if (WITH_CALL_ID.has(type) && typeof callId !== 'string') return undefined;
  if (type === 'state' && typeof state !== 'string') return undefined;
  return payload as AgentEvent;
}

/** The agent's state from a command result (login, ready, … answer with the state payload). */
export function asStatePayload(result: unknown): AgentStatePayload | undefined {
  if (typeof result !== 'object' || result === null) return undefined;
  return typeof (result as { state?: unknown }).state === 'string' ? (result as AgentStatePayload) : undefined;
}
