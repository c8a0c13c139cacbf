/**
 * Row types of records.sqlite. Every time is epoch milliseconds (UTC) in an INTEGER column:
 * compact, sortable, and what Clock.now() returns.
 */

/** One row per call, assembled as the call progresses (see RecordsStore.upsertCallRecord). */
export interface CallRecord {
  callId: string;
  startedAt: number;
  answeredAt?: number | null;
  endedAt?: number | null;
  direction?: 'inbound' | 'outbound' | 'internal' | null;
  calling?: string | null;
  called?: string | null;
  answeredBy?: string | null;
  queue?: string | null;
  /** How the call ended, e.g. answered, abandoned, busy, noAnswer, transferred. */
  disposition?: string | null;
  /** Call-attached data (IVR input and the like), stored as JSON. */
  data?: unknown;
}

export interface CallRecordRow {
  callId: string;
  startedAt: number;
  answeredAt: number | null;
  endedAt: number | null;
  direction: string | null;
  calling: string | null;
  called: string | null;
  answeredBy: string | null;
  queue: string | null;
  disposition: string | null;
  data: unknown;
}

export interface CallEvent {
  at: number;
  callId?: string | null;
  device?: string | null;
  /** The CSTA (or model) event name, e.g. DeliveredEvent. */
  eventName: string;
  cause?: string | null;
  /** The decoded event, stored as JSON. */
  payload?: unknown;
}

export interface CallEventRow {
  id: number;
  at: number;
  callId: string | null;
  device: string | null;
  eventName: string;
  cause: string | null;
  payload: unknown;
}

export interface AgentState {
  at: number;
  agentId: string;
  device?: string | null;
  state: string;
  reason?: string | null;
}

export interface KeyPress {
  at: number;
  callId?: string | null;
  /** The card channel the digits came in on. */
  channel?: string | null;
  digits: string;
}

export interface Recording {
  callId?: string | null;
  path: string;
  startedAt: number;
  endedAt?: number | null;
  bytes?: number | null;
}

export interface CallEventQuery {
  callId?: string;
  /** Only events at or after this time (epoch ms). */
  since?: number;
  limit: number;
}

export interface CallRecordQuery {
  /** Only calls started at or after this time (epoch ms). */
  since?: number;
  limit: number;
}
