/**
 * ACD events onto MQTT: each agent's events and retained state, the supervisors' event stream, and
 * retained queue statistics and agent list, republished within `flushMs` (≤ 1 s) of a change.
 */
import type { AcdEngine, AcdEngineEvents, Agent } from '../acd/index.js';
import type { Clock, TimerHandle } from '../runtime/clock.js';
import type { Logger } from '../runtime/logger.js';
import type { MessageBus } from './bus.js';
import type { AgentEvent, AgentStatePayload, SupervisorEvent } from './payloads.js';
import type { SiteTopics } from './topics.js';

export function agentStatePayload(agent: Agent): AgentStatePayload {
  return {
    agentId: agent.id,
    name: agent.config.name,
    state: agent.state,
    reason: agent.reason ?? null,
    device: agent.device ?? null,
    since: agent.since,
    queues: [...agent.queues],
    callId: agent.call?.id ?? agent.offer?.call.id ?? null,
    callsAnswered: agent.callsAnswered,
    talkMs: agent.talkMs,
    pending: agent.pending ? { state: agent.pending.state, reason: agent.pending.state === 'notReady' ? agent.pending.reason : null } : null,
  };
}

export class AcdPublisher {
  readonly #dirtyQueues = new Set<string>();
  /** Queues whose statistics are retained on the broker: a queue taken out of the configuration has its message cleared. */
  readonly #retainedQueues = new Set<string>();
  #agentsDirty = true;
  #timer: TimerHandle | undefined;
  readonly #detach: (() => void)[] = [];

  constructor(
    private readonly options: { bus: MessageBus; topics: SiteTopics; engine: AcdEngine; clock: Clock; logger: Logger; flushMs: number },
  ) {}

  start(): void {
    this.#wire();
    for (const queue of this.options.engine.queueNames()) this.#dirtyQueues.add(queue);
    this.#timer = this.options.clock.setInterval(() => this.flush(), this.options.flushMs);
    this.flush();
  }

  stop(): void {
    for (const detach of this.#detach.splice(0)) detach();
    this.options.clock.clearInterval(this.#timer);
    this.#timer = undefined;
  }

  #wire(): void {
    const { engine, topics } = this.options;
    const listen = <K extends keyof AcdEngineEvents>(event: K, listener: (...args: AcdEngineEvents[K]) => void) => {
      engine.on(event, listener as never);
      this.#detach.push(() => engine.off(event, listener as never));
    };
    listen('agentState', (change) => {
      const agent = engine.agents.get(change.agentId);
      if (!agent) return;
      const { agentId, ...rest } = change;
      const base = { state: rest.state, previous: rest.previous, at: rest.at, ...(rest.reason !== undefined ? { reason: rest.reason } : {}), ...(rest.device !== undefined ? { device: rest.device } : {}) };
      this.#toAgent(agentId, { type: 'state', ...base });
      if (change.state === 'held') this.#toAgent(agentId, { type: 'held', ...(agent.call ? { callId: agent.call.id } : {}), at: change.at });
      if (change.previous === 'held' && change.state === 'talking') this.#toAgent(agentId, { type: 'retrieved', ...(agent.call ? { callId: agent.call.id } : {}), at: change.at });
      this.#publish(topics.agentState(agentId), agentStatePayload(agent), true);
      this.#toSupervisors({ type: 'agentState', agentId, ...base });
      this.#agentsDirty = true;
      for (const queue of agent.queues) this.#dirtyQueues.add(queue);
    });
    listen('offer', (offer) => {
      const { data } = offer;
      this.#toAgent(offer.agentId, {
        type: 'offered', callId: offer.callId, queue: offer.queue, kind: offer.kind, ringAll: offer.ringAll, waitedMs: offer.waitedMs, at: offer.at,
        ...(data.callerId !== undefined ? { callerId: data.callerId } : {}), ...(data.dnis !== undefined ? { dnis: data.dnis } : {}),
        language: data.language, vip: data.vip, ...(data.customer ? { customer: data.customer } : {}), keys: data.keys, path: data.path, variables: data.variables,
        ...(offer.callbackNumber !== undefined ? { callbackNumber: offer.callbackNumber } : {}),
      });
      this.#toSupervisors({ type: 'offer', callId: offer.callId, agentId: offer.agentId, queue: offer.queue, at: offer.at });
    });
    listen('retract', (r) => {
      this.#toAgent(r.agentId, { type: 'retracted', callId: r.callId, reason: r.reason, at: r.at });
      this.#toSupervisors({ type: 'retract', callId: r.callId, agentId: r.agentId, reason: r.reason, at: r.at });
    });
    listen('joined', (j) => this.#toSupervisors({ type: 'joined', callId: j.callId, queue: j.queue, position: j.position, priority: j.priority, at: j.at }));
    listen('callbackResult', (r) => this.#toSupervisors({ type: 'callbackResult', ...r }));
    listen('connected', (c) => {
      this.#toAgent(c.agentId, { type: 'established', callId: c.callId, queue: c.queue, at: c.at });
      this.#toSupervisors({ type: 'connected', callId: c.callId, agentId: c.agentId, queue: c.queue, waitedMs: c.waitedMs, at: c.at });
    });
    listen('ended', (e) => {
      this.#toAgent(e.agentId, { type: 'cleared', callId: e.callId, talkMs: e.talkMs, at: e.at });
      this.#toSupervisors({ type: 'ended', callId: e.callId, agentId: e.agentId, queue: e.queue, talkMs: e.talkMs, at: e.at });
    });
    listen('left', (l) => this.#toSupervisors({ type: 'left', callId: l.callId, queue: l.queue, reason: l.reason, at: l.at }));
    listen('queueChanged', (queue) => this.#dirtyQueues.add(queue));
  }

  /** Publishes the changed statistics and agent list now (the timer calls this every flushMs). */
  flush(): void {
    const { engine, topics } = this.options;
    // A queue added to the configuration while running gets its first statistics.
    for (const queue of engine.queueNames()) if (!this.#retainedQueues.has(queue)) this.#dirtyQueues.add(queue);
    for (const queue of this.#dirtyQueues) {
      if (!engine.queue(queue)) continue;
      this.#publish(topics.queueStats(queue), engine.stats(queue), true);
      this.#retainedQueues.add(queue);
    }
    this.#dirtyQueues.clear();
    for (const queue of this.#retainedQueues) {
      if (engine.queue(queue)) continue;
      this.#retainedQueues.delete(queue);
      // An empty retained message removes the retained one.
      this.options.bus.publish(topics.queueStats(queue), '', { retain: true }).catch((error: Error) => this.options.logger.warn({ queue, err: error }, 'MQTT publish failed'));
    }
    if (this.#agentsDirty) this.#publish(topics.agents(), [...engine.agents.all()].map(agentStatePayload), true);
    this.#agentsDirty = false;
  }

  #toAgent(agentId: string, event: AgentEvent): void {
    this.#publish(this.options.topics.agentEvent(agentId), event, false);
  }

  #toSupervisors(event: SupervisorEvent): void {
    this.#publish(this.options.topics.supervisorEvent(), event, false);
  }

  #publish(topic: string, payload: unknown, retain: boolean): void {
    this.options.bus.publish(topic, JSON.stringify(payload), { retain }).catch((error: Error) => this.options.logger.warn({ topic, err: error }, 'MQTT publish failed'));
  }
}
