/**
 * The ACD in records.sqlite for reports: agent states, one queue_calls row per call per queue
 * visit, every offer and its result, callback attempts. It listens to the engine's events; a write
 * that fails goes to onError and the ACD carries on.
 */
import type Database from 'better-sqlite3';
import type { AcdEngine, AcdEngineEvents, AgentStateChange, LeftEvent, OfferEvent, RetractEvent } from '../../acd/index.js';

type Info<K extends keyof AcdEngineEvents> = AcdEngineEvents[K][0];

export interface AcdAgentStateRow { at: number; agentId: string; device: string | null; state: string; previous: string | null; reason: string | null; queue: string | null }

export interface QueueCallRow {
  callId: string; queue: string | null; kind: string; joinedAt: number; priority: number; offeredCount: number; firstOfferAt: number | null;
  answeredAt: number | null; agentId: string | null; leftAt: number | null; outcome: string | null; waitMs: number | null; talkMs: number | null;
  endedAt: number | null; callerId: string | null;
}

export interface AcdOfferRow { queue: string; agentId: string; device: string | null; offeredAt: number; result: string | null; resultAt: number | null }

export interface CallbackAttemptRow { queue: string; agentId: string; at: number; attempt: number; outcome: string; willRetry: boolean }

interface OpenVisit { id: number; queue: string; priority: number; callerId: string | null }

const QUEUE_CALL_COLUMNS = `call_id AS callId, queue, kind, joined_at AS joinedAt, priority, offered_count AS offeredCount, first_offer_at AS firstOfferAt,
  answered_at AS answeredAt, agent_id AS agentId, left_at AS leftAt, outcome, wait_ms AS waitMs, talk_ms AS talkMs, ended_at AS endedAt, caller_id AS callerId`;

export class SqliteAcdJournal {
  readonly #onError: (error: unknown) => void;
  /** The open queue_calls row of each call in the ACD (waiting or connected). */
  readonly #visits = new Map<string, OpenVisit>();
  readonly #offers = new Map<string, number>();
  /** The queue of each agent's last call, for the wrap-up row. */
  readonly #lastQueue = new Map<string, string>();
  readonly #sql;

  constructor(db: Database.Database, onError: (error: unknown) => void = () => {}) {
    this.#onError = onError;
    this.#sql = {
      agentState: db.prepare('INSERT INTO agent_states (at, agent_id, device, state, previous, reason, queue) VALUES (?, ?, ?, ?, ?, ?, ?)'),
      join: db.prepare('INSERT INTO queue_calls (call_id, queue, kind, joined_at, priority, caller_id) VALUES (?, ?, ?, ?, ?, ?)'),
      refused: db.prepare('INSERT INTO queue_calls (call_id, queue, kind, joined_at, priority, caller_id, left_at, outcome, wait_ms) VALUES (?, ?, ?, ?, ?, ?, ?, ?, 0)'),
      outbound: db.prepare("INSERT INTO queue_calls (call_id, kind, joined_at, answered_at, agent_id, wait_ms, talk_ms, ended_at) VALUES (?, 'outbound', ?, ?, ?, 0, ?, ?)"),
      leave: db.prepare('UPDATE queue_calls SET left_at = @at, outcome = @outcome, wait_ms = @at - joined_at WHERE id = @id'),
      offered: db.prepare('UPDATE queue_calls SET offered_count = offered_count + 1, first_offer_at = coalesce(first_offer_at, ?) WHERE id = ?'),
      answered: db.prepare("UPDATE queue_calls SET answered_at = @at, agent_id = @agentId, outcome = 'answered', wait_ms = @at - joined_at WHERE id = @id"),
      rewait: db.prepare('UPDATE queue_calls SET answered_at = NULL, agent_id = NULL, outcome = NULL, wait_ms = NULL WHERE id = ?'),
      ended: db.prepare('UPDATE queue_calls SET talk_ms = ?, ended_at = ? WHERE id = ?'),
      offer: db.prepare('INSERT INTO acd_offers (call_id, queue, agent_id, device, offered_at) VALUES (?, ?, ?, ?, ?)'),
      offerResult: db.prepare('UPDATE acd_offers SET result = ?, result_at = ? WHERE id = ?'),
      callbackAttempt: db.prepare('INSERT INTO callback_attempts (call_id, queue, agent_id, at, attempt, outcome, will_retry) VALUES (?, ?, ?, ?, ?, ?, ?)'),
      agentStatesOf: db.prepare('SELECT at, agent_id AS agentId, device, state, previous, reason, queue FROM agent_states WHERE agent_id = ? ORDER BY id'),
      queueCallsOf: db.prepare(`SELECT ${QUEUE_CALL_COLUMNS} FROM queue_calls WHERE call_id = ? ORDER BY id`),
      offersOf: db.prepare('SELECT queue, agent_id AS agentId, device, offered_at AS offeredAt, result, result_at AS resultAt FROM acd_offers WHERE call_id = ? ORDER BY id'),
      callbackAttemptsOf: db.prepare('SELECT queue, agent_id AS agentId, at, attempt, outcome, will_retry AS willRetry FROM callback_attempts WHERE call_id = ? ORDER BY id'),
    };
  }

  /** Writes the engine's events from now on; returns the function that stops it. */
  attach(engine: AcdEngine): () => void {
    const detachers = [
      this.#listen(engine, 'agentState', (change) => this.#agentState(engine, change)),
      this.#listen(engine, 'joined', (info) => this.#joined(engine, info)),
      this.#listen(engine, 'offer', (offer) => this.#offer(offer)),
      this.#listen(engine, 'retract', (retract) => this.#retract(retract)),
      this.#listen(engine, 'connected', (info) => this.#connected(info)),
      this.#listen(engine, 'left', (info) => this.#left(info)),
      this.#listen(engine, 'ended', (info) => this.#ended(info)),
      this.#listen(engine, 'callbackResult', (info) => this.#callbackResult(info)),
    ];
    return () => detachers.forEach((detach) => detach());
  }

  agentStatesOf(agentId: string): AcdAgentStateRow[] {
    return this.#sql.agentStatesOf.all(agentId) as AcdAgentStateRow[];
  }

  queueCallsOf(callId: string): QueueCallRow[] {
    return this.#sql.queueCallsOf.all(callId) as QueueCallRow[];
  }

  offersOf(callId: string): AcdOfferRow[] {
    return this.#sql.offersOf.all(callId) as AcdOfferRow[];
  }

  callbackAttemptsOf(callId: string): CallbackAttemptRow[] {
    return (this.#sql.callbackAttemptsOf.all(callId) as (Omit<CallbackAttemptRow, 'willRetry'> & { willRetry: number })[]).map((row) => ({ ...row, willRetry: row.willRetry === 1 }));
  }

  #listen<K extends keyof AcdEngineEvents>(engine: AcdEngine, event: K, write: (info: Info<K>) => void): () => void {
    const listener = (info: Info<K>) => {
      try {
        write(info);
      } catch (error) {
        try {
          this.#onError(error);
        } catch {
          // an error reporter that throws must not reach the engine either
        }
      }
    };
    engine.on(event, listener as never);
    return () => engine.off(event, listener as never);
  }

  #agentState(engine: AcdEngine, change: AgentStateChange): void {
    const agent = engine.agents.get(change.agentId);
    const onCall = change.state === 'offered' || change.state === 'talking' || change.state === 'held';
    const queue = onCall ? (agent?.offer?.call.queue ?? agent?.call?.queue) : change.state === 'wrapUp' ? this.#lastQueue.get(change.agentId) : undefined;
    this.#sql.agentState.run(change.at, change.agentId, change.device ?? null, change.state, change.previous, change.reason ?? null, queue || null);
  }

  #joined(engine: AcdEngine, info: Info<'joined'>): void {
    const earlier = this.#visits.get(info.callId);
    if (earlier) this.#close(info.callId, info.at, 'overflowToQueue');
    const callerId = earlier?.callerId ?? engine.call(info.callId)?.data.callerId ?? null;
    this.#open(info.callId, info.queue, info.kind, info.at, info.priority, callerId);
  }

  #offer(offer: OfferEvent): void {
    const id = Number(this.#sql.offer.run(offer.callId, offer.queue, offer.agentId, offer.device, offer.at).lastInsertRowid);
    this.#offers.set(offerKey(offer.callId, offer.agentId), id);
    const visit = this.#visits.get(offer.callId);
    if (visit) this.#sql.offered.run(offer.at, visit.id);
  }

  #retract(retract: RetractEvent): void {
    this.#offerResult(retract.callId, retract.agentId, retract.reason, retract.at);
  }

  #connected(info: Info<'connected'>): void {
    this.#offerResult(info.callId, info.agentId, 'answered', info.at);
    const visit = this.#visits.get(info.callId);
    if (visit) this.#sql.answered.run({ at: info.at, agentId: info.agentId, id: visit.id });
  }

  #left(info: LeftEvent): void {
    const visit = this.#visits.get(info.callId);
    if (visit && visit.queue !== info.queue) this.#close(info.callId, info.at, 'overflowToQueue');
    if (!visit || visit.queue !== info.queue) {
      // Refused on joining (full, closed, unknown queue): the visit never had a joined event.
      this.#sql.refused.run(info.callId, info.queue, 'inbound', info.at, visit?.priority ?? 0, visit?.callerId ?? null, info.at, info.reason);
      return;
    }
    this.#close(info.callId, info.at, info.reason);
    // The caller hung up for a callback: the call waits on as a callback, a new visit.
    if (info.reason === 'callback') this.#open(info.callId, info.queue, 'callback', info.at, visit.priority, visit.callerId);
  }

  #ended(info: Info<'ended'>): void {
    if (info.queue) this.#lastQueue.set(info.agentId, info.queue);
    else this.#lastQueue.delete(info.agentId);
    const visit = this.#visits.get(info.callId);
    this.#visits.delete(info.callId);
    if (visit) this.#sql.ended.run(info.talkMs, info.at, visit.id);
    else if (info.kind === 'outbound') this.#sql.outbound.run(info.callId, info.at - info.talkMs, info.at - info.talkMs, info.agentId, info.talkMs, info.at);
  }

  #callbackResult(info: Info<'callbackResult'>): void {
    this.#sql.callbackAttempt.run(info.callId, info.queue, info.agentId, info.at, info.attempt, info.outcome, info.willRetry ? 1 : 0);
    const visit = this.#visits.get(info.callId);
    if (visit && info.outcome !== 'connected' && info.willRetry) this.#sql.rewait.run(visit.id);
  }

  #open(callId: string, queue: string, kind: string, at: number, priority: number, callerId: string | null): void {
    const id = Number(this.#sql.join.run(callId, queue, kind, at, priority, callerId).lastInsertRowid);
    this.#visits.set(callId, { id, queue, priority, callerId });
  }

  #close(callId: string, at: number, outcome: string): void {
    const visit = this.#visits.get(callId);
    this.#visits.delete(callId);
    if (visit) this.#sql.leave.run({ at, outcome, id: visit.id });
  }

  #offerResult(callId: string, agentId: string, result: string, at: number): void {
    const key = offerKey(callId, agentId);
    const id = this.#offers.get(key);
    this.#offers.delete(key);
    if (id !== undefined) this.#sql.offerResult.run(result, at, id);
  }
}

function offerKey(callId: string, agentId: string): string {
  return `${callId}\u0000${agentId}`;
}
