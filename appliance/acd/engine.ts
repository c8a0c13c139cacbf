/**
 * The ACD: calls wait in queues, agents take them. Pure logic on an injected clock: telephony,
 * the MQTT API and the records listen to its events and report back what the phones did
 * (answered, no answer, hung up). Every input runs as one batch; the queues it touched are then
 * filled from the agents who are free, so the invariants hold after each input:
 * - an agent who is not ready (wrap-up, not-ready, on a call, logged out) has no offer;
 * - an agent has at most one offer;
 * - a call is offered to one agent at a time, except ringAll, and is connected to one agent.
 */
import { EventEmitter } from 'node:events';
import type { Clock } from '../runtime/clock.js';
import { AgentBook } from './agent-book.js';
import type { AcdConfig, OverflowAction, QueueConfig } from './config.js';
import type { AcdEngineEvents, CallbackOutcome, LeaveReason, RetractReason } from './events.js';
import { type AcdCall, AcdError, type Agent, type CallData, type Offer, type RequestedState } from './model.js';
import { AcdQueue, SERVICE_LEVEL_SECONDS } from './queue.js';
import { pickAgent } from './strategies.js';
import { CallTimers } from './call-timers.js';
import { byHeadCall, freeMembers, isFree, isFreeFor } from './selection.js';
import { type QueueStats, queueStats } from './stats.js';

export interface AcdEngineOptions {
  config: AcdConfig;
  clock: Clock;
  /** Random numbers in [0, 1) for the random strategies (tests pass a seeded one). */
  random?: () => number;
}

export type JoinResult = { joined: true; queue: string; position: number } | { joined: false; reason: LeaveReason; action?: OverflowAction };

const MAX_OVERFLOW_HOPS = 5;

export class AcdEngine extends EventEmitter<AcdEngineEvents> {
  readonly agents: AgentBook;
  readonly #clock: Clock;
  readonly #random: () => number;
  readonly #queues = new Map<string, AcdQueue>();
  readonly #calls = new Map<string, AcdCall>();
  readonly #dirty = new Set<AcdQueue>();
  readonly #timers: CallTimers;
  /** Queues holding calls only a given agent may take, by agent. */
  readonly #targeted = new Map<string, Set<AcdQueue>>();
  #config: AcdConfig;
  #inBatch = false;
  #suspended = false;
  #seq = 0;

  constructor(options: AcdEngineOptions) {
    super();
    this.#clock = options.clock;
    this.#random = options.random ?? Math.random;
    this.#config = options.config;
    this.agents = new AgentBook({
      clock: this.#clock,
      events: this,
      changed: (agent) => {
        for (const name of agent.queues) this.#markDirty(name);
        for (const queue of this.#targeted.get(agent.id) ?? []) this.#dirty.add(queue);
      },
      wrapUpMs: (agent, queue) => 1000 * (agent.config.wrapUpSeconds ?? (queue === undefined ? undefined : this.#queues.get(queue)?.config.wrapUpSeconds) ?? 0),
    });
    this.#timers = new CallTimers({
      clock: this.#clock,
      batch: (work) => this.#batch(work),
      maxWait: (call, queue) => {
        queue.counters.overflowed++;
        this.#leave(call, 'maxWait', queue.config.overflow);
      },
      penaltyStep: (queue) => this.#dirty.add(queue),
      announce: (call, queue) => this.#announce(call, queue),
      periodic: (call, queue, prompt) => this.emit('periodic', { callId: call.id, queue: queue.name, prompt }),
    });
    this.configure(options.config);
  }

  get config(): AcdConfig {
    return this.#config;
  }

  /** Applies a (new) configuration; agents keep their states and calls stay where they are. */
  configure(config: AcdConfig): void {
    this.#batch(() => {
      this.#config = config;
      for (const queueConfig of config.queues) {
        const known = this.#queues.get(queueConfig.name);
        if (known) known.config = queueConfig;
        else this.#queues.set(queueConfig.name, new AcdQueue(queueConfig, this.#random, config.expectedWaitSamples));
      }
      const removedButLoggedIn = this.agents.configure(config);
      for (const queue of this.#queues.values()) queue.members.clear();
      for (const agent of this.agents.all()) {
        agent.queues.clear();
        if (!this.agents.isConfigured(agent.id)) continue;
        for (const queue of this.#queues.values()) {
          if (!config.queues.some((q) => q.name === queue.name) || !queue.serves(agent)) continue;
          queue.members.add(agent);
          agent.queues.add(queue.name);
        }
      }
      // A queue taken out of the configuration goes; its waiting calls leave by its overflow (unless that is a callback or a queue also gone).
      for (const [name, queue] of this.#queues) {
        if (config.queues.some((q) => q.name === name)) continue;
        const { overflow } = queue.config;
        const action = overflow.kind === 'callback' || (overflow.kind === 'queue' && !config.queues.some((q) => q.name === overflow.queue)) ? undefined : overflow;
        for (const call of [...queue.calls]) if (call.phase !== 'connected') this.#leave(call, 'unknownQueue', action);
        if (queue.calls.length === 0) this.#queues.delete(name);
      }
      for (const queue of this.#queues.values()) this.#dirty.add(queue);
      for (const agent of removedButLoggedIn) this.request(agent.id, { state: 'loggedOut' });
    });
  }

  // ---- agents ----

  login(agentId: string, device: string, options: { pin?: string; ready?: boolean } = {}): void {
    this.#batch(() => this.agents.login(agentId, device, options));
  }

  logout(agentId: string): void {
    this.request(agentId, { state: 'loggedOut' });
  }

  /** ready / not-ready / logged out. An offer ringing at the agent is withdrawn; on a call the state waits for its end. */
  request(agentId: string, want: RequestedState): void {
    this.#batch(() => {
      const agent = this.agents.require(agentId);
      const offer = agent.offer;
      if (!offer) return this.agents.request(agent, want);
      this.agents.validate(agent, want);
      this.#retract(offer, 'agentLeft');
      this.agents.take(agent, want);
      this.#rewait(offer.call);
    });
  }

  wrapUpDone(agentId: string): void {
    this.#batch(() => this.agents.wrapUpDone(this.agents.require(agentId)));
  }

  /** The agent's phone is busy with a call ccbox did not route (or free again). */
  phoneBusy(device: string, busy: boolean): void {
    this.#batch(() => {
      const agent = this.agents.atDevice(device);
      if (!agent || agent.phoneBusy === busy) return;
      agent.phoneBusy = busy;
      for (const name of agent.queues) this.#markDirty(name);
    });
  }

  held(agentId: string, isHeld: boolean): void {
    this.#batch(() => {
      const agent = this.agents.require(agentId);
      if (isHeld && agent.state === 'talking') this.agents.set(agent, 'held');
      else if (!isHeld && agent.state === 'held') this.agents.set(agent, 'talking');
    });
  }

  /** The agent places a call (preview dialling): talking until it ends, then wrap-up. */
  startOutbound(agentId: string, callId: string, number: string): void {
    this.#batch(() => {
      const agent = this.agents.require(agentId);
      if (agent.state === 'loggedOut') throw new AcdError('badState', `agent ${agentId} is not logged in`);
      if (agent.call || agent.offer) throw new AcdError('onCall', `agent ${agentId} is on a call`);
      if (this.#calls.has(callId)) throw new AcdError('badState', `call ${callId} is already known`);
      const now = this.#clock.now();
      const call = this.#newCall(callId, 'outbound', '', 0, { language: 'zh', vip: false, keys: [], path: [], variables: {}, callerId: number });
      Object.assign(call, { phase: 'connected', agent, connectedAt: now });
      if (agent.state === 'notReady') agent.pending = { state: 'notReady', reason: agent.reason ?? 'away' };
      this.#clock.clearTimeout(agent.wrapUpTimer);
      agent.wrapUpTimer = undefined;
      this.#calls.set(callId, call);
      agent.call = call;
      this.agents.set(agent, 'talking');
    });
  }

  // ---- calls ----

  /** A call joins a queue. Whatever happens to it next arrives as events with its callId. */
  /** `agent`: only this agent may take the call (a caller coming back from the IVR to the agent who sent them). */
  enqueue(callId: string, queueName: string, data: CallData, options: { priority?: number; agent?: string } = {}): JoinResult {
    return this.#batch(() => {
      const queue = this.#queues.get(queueName);
      if (this.#calls.has(callId)) throw new AcdError('badState', `call ${callId} is already queued`);
      const priority = options.priority ?? (data.vip ? 10 : 0);
      const call = this.#newCall(callId, 'inbound', queueName, priority, data);
      if (options.agent !== undefined) {
        const target = this.agents.require(options.agent);
        call.targetAgent = target.id;
        if (queue) this.#targetedQueues(target.id).add(queue);
      }
      if (!queue) {
        this.emit('left', { callId, queue: queueName, reason: 'unknownQueue', waitedMs: 0, at: this.#clock.now() });
        return { joined: false, reason: 'unknownQueue' };
      }
      this.#calls.set(callId, call);
      return this.#join(call, queue);
    });
  }

  /** The caller hung up before reaching an agent, or the connected call ended. */
  abandon(callId: string): void {
    this.#batch(() => {
      const call = this.#calls.get(callId);
      if (!call) return;
      if (call.phase === 'connected') return this.#end(call);
      const queue = this.#queues.get(call.queue);
      if (queue) queue.counters.abandoned++;
      this.#leave(call, 'abandoned', undefined);
    });
  }

  callEnded(callId: string): void {
    this.abandon(callId);
  }

  /** The agent answered. False when the offer is gone (answered elsewhere, withdrawn): release that leg. */
  answered(callId: string, agentId: string): boolean {
    return this.#batch(() => {
      const call = this.#calls.get(callId);
      const offer = call?.offers.get(agentId);
      if (!call || !offer) return false;
      this.#closeOffer(offer);
      for (const other of [...call.offers.values()]) this.#withdraw(other, 'answeredElsewhere');
      const now = this.#clock.now();
      const queue = this.#queues.get(call.queue) as AcdQueue;
      const { agent } = offer;
      this.#timers.clear(call);
      queue.remove(call);
      queue.counters.answered++;
      const waitedMs = now - call.joinedAt;
      if (call.kind === 'inbound') {
        queue.counters.answeredInbound++;
        queue.recordWait(waitedMs);
        if (waitedMs <= SERVICE_LEVEL_SECONDS * 1000) queue.counters.answeredInServiceLevel++;
      }
      Object.assign(call, { phase: 'connected', agent, connectedAt: now });
      agent.call = call;
      agent.missedInRow = 0;
      agent.callsAnswered++;
      this.agents.set(agent, 'talking');
      this.emit('connected', { callId, agentId, device: offer.device, queue: call.queue, kind: call.kind, waitedMs, at: now });
      this.emit('queueChanged', call.queue);
      return true;
    });
  }

  /**
   * A queue whose calls wait in the PBX's own ACD group (waitAt pbxGroup): the PBX chose the agent
   * and rings them. Recorded as an offer without ccbox's ring timer (the PBX has its own). False
   * when ccbox does not see that agent free: the PBX and ccbox disagree, and the call is not the ACD's.
   */
  offeredByPbx(callId: string, agentId: string): boolean {
    return this.#batch(() => {
      const call = this.#calls.get(callId);
      const agent = this.agents.get(agentId);
      const queue = call && this.#queues.get(call.queue);
      if (!call || !agent || !queue || call.phase !== 'waiting' || !isFree(agent)) return false;
      this.#offer(call, agent, queue, false, false);
      return true;
    });
  }

  /** The PBX took back a call it had offered (it rang out there and went back to the group). */
  withdrawnByPbx(callId: string, agentId: string): void {
    this.#batch(() => {
      const offer = this.#calls.get(callId)?.offers.get(agentId);
      if (offer) this.#withdraw(offer, 'noAnswer');
    });
  }

  /** The offer could not ring (the phone was busy or unreachable): next agent, no miss counted. */
  offerFailed(callId: string, agentId: string): void {
    this.#batch(() => {
      const offer = this.#calls.get(callId)?.offers.get(agentId);
      if (!offer) return;
      offer.call.missedBy.add(agentId);
      this.#withdraw(offer, 'failed');
    });
  }

  /** A key the waiting caller pressed; true when it was the queue's exit key and the call left. */
  exitKey(callId: string, key: string): boolean {
    return this.#batch(() => {
      const call = this.#calls.get(callId);
      const queue = call && this.#queues.get(call.queue);
      if (!call || !queue || call.phase === 'connected' || call.kind !== 'inbound' || queue.config.exitKey !== key) return false;
      this.#leave(call, 'exitKey', queue.config.overflow);
      return true;
    });
  }

  /** The waiting caller chose a callback to `number`: they hang up and keep their place. */
  toCallback(callId: string, number: string): void {
    this.#batch(() => {
      const call = this.#calls.get(callId);
      if (!call || call.phase === 'connected' || call.phase === 'done') throw new AcdError('unknownCall', `no waiting call ${callId}`);
      for (const offer of [...call.offers.values()]) this.#withdraw(offer, 'abandoned');
      this.#timers.clear(call);
      call.kind = 'callback';
      call.callbackNumber = number;
      const queue = this.#queues.get(call.queue) as AcdQueue;
      queue.counters.callbacks++;
      this.emit('queueChanged', queue.name);
      this.emit('left', { callId, queue: call.queue, reason: 'callback', waitedMs: this.#clock.now() - call.joinedAt, at: this.#clock.now() });
      this.#dirty.add(queue);
    });
  }

  /** What came of calling the customer back, after the agent answered the callback. */
  callbackResult(callId: string, outcome: CallbackOutcome): void {
    this.#batch(() => {
      const call = this.#calls.get(callId);
      if (!call || call.kind !== 'callback' || call.phase !== 'connected' || !call.agent) throw new AcdError('unknownCall', `no callback ${callId} at an agent`);
      const queue = this.#queues.get(call.queue) as AcdQueue;
      call.callbackAttempts++;
      const retry = outcome !== 'connected' && call.callbackAttempts < queue.config.callback.maxAttempts;
      this.emit('callbackResult', { callId, queue: call.queue, agentId: call.agent.id, outcome, attempt: call.callbackAttempts, willRetry: retry, at: this.#clock.now() });
      if (outcome === 'connected') return;
      const agent = call.agent;
      agent.call = undefined;
      call.agent = undefined;
      this.agents.take(agent, agent.pending ?? { state: 'ready' });
      if (!retry) {
        call.phase = 'done';
        this.#calls.delete(callId);
        this.emit('left', { callId, queue: call.queue, reason: 'callbackFailed', waitedMs: this.#clock.now() - call.firstJoinedAt, at: this.#clock.now() });
        return;
      }
      call.phase = 'waiting';
      call.notBefore = this.#clock.now() + queue.config.callback.retrySeconds * 1000;
      queue.insert(call);
      this.#timers.wakeAt(call, queue, call.notBefore);
    });
  }

  /** The PBX link is down: offers cannot ring. They are withdrawn (no miss counted) until linkUp. */
  linkDown(): void {
    this.#batch(() => {
      this.#suspended = true;
      for (const call of this.#calls.values()) for (const offer of [...call.offers.values()]) this.#withdraw(offer, 'linkDown');
    });
  }

  linkUp(): void {
    this.#batch(() => {
      this.#suspended = false;
      for (const queue of this.#queues.values()) this.#dirty.add(queue);
    });
  }

  // ---- views ----

  queueNames(): string[] {
    return [...this.#queues.keys()];
  }

  queue(name: string): AcdQueue | undefined {
    return this.#queues.get(name);
  }

  call(callId: string): AcdCall | undefined {
    return this.#calls.get(callId);
  }

  calls(): IterableIterator<AcdCall> {
    return this.#calls.values();
  }

  stats(queueName: string): QueueStats {
    const queue = this.#queues.get(queueName);
    if (!queue) throw new AcdError('unknownQueue', `no queue ${queueName}`);
    return queueStats(queue, this.#clock.now());
  }

  // ---- inside ----

  #batch<T>(work: () => T): T {
    if (this.#inBatch) return work();
    this.#inBatch = true;
    try {
      const result = work();
      this.#drain();
      return result;
    } finally {
      this.#inBatch = false;
    }
  }

  #targetedQueues(agentId: string): Set<AcdQueue> {
    let queues = this.#targeted.get(agentId);
    if (!queues) this.#targeted.set(agentId, (queues = new Set()));
    return queues;
  }

  #markDirty(name: string): void {
    const queue = this.#queues.get(name);
    if (queue) this.#dirty.add(queue);
  }

  #newCall(id: string, kind: AcdCall['kind'], queue: string, priority: number, data: CallData): AcdCall {
    const now = this.#clock.now();
    return {
      id, kind, queue, priority, placeAt: now, seq: ++this.#seq, joinedAt: now, firstJoinedAt: now, data, phase: 'waiting', offers: new Map(), missedBy: new Set(),
      notBefore: 0, agent: undefined, connectedAt: undefined, callbackNumber: undefined, callbackAttempts: 0, overflowHops: 0, timers: [], lastAnnounced: undefined,
    };
  }

  #join(call: AcdCall, queue: AcdQueue): JoinResult {
    const { config } = queue;
    call.queue = queue.name;
    const waiting = queue.calls.length;
    if (config.maxLength !== undefined && waiting >= config.maxLength) return this.#refuse(call, queue, 'full');
    if ((config.joinWhen === 'loggedIn' && queue.loggedIn() === 0) || (config.joinWhen === 'staffed' && queue.staffed() === 0)) return this.#refuse(call, queue, 'closedToJoin');
    const now = this.#clock.now();
    Object.assign(call, { joinedAt: now, phase: 'waiting', notBefore: 0, lastAnnounced: undefined });
    call.missedBy.clear();
    queue.insert(call);
    queue.counters.joined++;
    this.#timers.start(call, queue);
    const position = queue.position(call);
    this.emit('joined', { callId: call.id, queue: queue.name, kind: call.kind, position, priority: call.priority, at: now });
    this.#dirty.add(queue);
    this.emit('queueChanged', queue.name);
    return { joined: true, queue: queue.name, position };
  }

  #refuse(call: AcdCall, queue: AcdQueue, reason: LeaveReason): JoinResult {
    queue.counters.overflowed++;
    this.#leave(call, reason, queue.config.overflow);
    const current = this.#calls.get(call.id);
    if (current && current.phase !== 'done') return { joined: true, queue: current.queue, position: this.#queues.get(current.queue)?.position(current) ?? 0 };
    return { joined: false, reason, action: queue.config.overflow };
  }

  #announce(call: AcdCall, queue: AcdQueue): void {
    const position = queue.position(call);
    if (position === 0) return;
    const expectedWaitSeconds = queue.expectedWaitSeconds(this.#clock.now() - call.joinedAt);
    const last = call.lastAnnounced;
    if (last && last.position === position && last.expectedWaitSeconds === expectedWaitSeconds) return;
    call.lastAnnounced = { position, expectedWaitSeconds };
    this.emit('announce', { callId: call.id, queue: queue.name, position, expectedWaitSeconds });
  }

  /** The call leaves its queue without an agent: to the overflow queue, a callback in its place, or out with an action. */
  #leave(call: AcdCall, reason: LeaveReason, action: OverflowAction | undefined): void {
    if (action?.kind === 'callback' && call.kind === 'inbound' && call.data.callerId !== undefined) {
      const queue = this.#queues.get(call.queue);
      if (queue && !queue.calls.includes(call)) queue.insert(call);
      this.#calls.set(call.id, call);
      return this.toCallback(call.id, call.data.callerId);
    }
    const retract: RetractReason = reason === 'abandoned' ? 'abandoned' : reason === 'exitKey' ? 'exitKey' : 'overflow';
    for (const offer of [...call.offers.values()]) this.#withdraw(offer, retract);
    this.#timers.clear(call);
    const from = this.#queues.get(call.queue);
    from?.remove(call);
    if (from) this.emit('queueChanged', from.name);
    const next = action?.kind === 'queue' ? this.#queues.get(action.queue) : undefined;
    if (next && call.overflowHops < MAX_OVERFLOW_HOPS) {
      call.overflowHops++;
      call.placeAt = this.#clock.now();
      this.#join(call, next);
      return;
    }
    call.phase = 'done';
    this.#calls.delete(call.id);
    const now = this.#clock.now();
    this.emit('left', { callId: call.id, queue: call.queue, reason, ...(action && action.kind !== 'queue' ? { action } : {}), waitedMs: now - call.firstJoinedAt, at: now });
  }

  #end(call: AcdCall): void {
    const agent = call.agent as Agent;
    const now = this.#clock.now();
    const talkMs = now - (call.connectedAt ?? now);
    agent.talkMs += talkMs;
    agent.call = undefined;
    call.phase = 'done';
    this.#calls.delete(call.id);
    this.emit('ended', { callId: call.id, agentId: agent.id, queue: call.queue, kind: call.kind, talkMs, at: now });
    this.agents.afterCall(agent, call.queue || undefined);
  }

  #closeOffer(offer: Offer): void {
    this.#clock.clearTimeout(offer.timer);
    offer.call.offers.delete(offer.agent.id);
    if (offer.agent.offer === offer) offer.agent.offer = undefined;
  }

  #retract(offer: Offer, reason: RetractReason): void {
    this.#closeOffer(offer);
    this.emit('retract', { callId: offer.call.id, agentId: offer.agent.id, device: offer.device, reason, at: this.#clock.now() });
  }

  /** Takes an offer back: the agent is ready again, the call waits again. */
  #withdraw(offer: Offer, reason: RetractReason): void {
    this.#retract(offer, reason);
    if (offer.agent.state === 'offered') this.agents.set(offer.agent, 'ready');
    this.#rewait(offer.call);
  }

  #noAnswer(offer: Offer): void {
    if (offer.call.offers.get(offer.agent.id) !== offer) return;
    const { agent, call } = offer;
    call.missedBy.add(agent.id);
    agent.missedInRow++;
    this.#retract(offer, 'noAnswer');
    const limit = this.#config.autoNotReadyAfterMissed;
    if (limit > 0 && agent.missedInRow >= limit) this.agents.set(agent, 'notReady', 'missed');
    else this.agents.set(agent, 'ready');
    const queue = this.#queues.get(call.queue) as AcdQueue;
    if (call.offers.size === 0 && call.phase === 'offered' && queue.config.retrySeconds > 0) call.notBefore = this.#clock.now() + queue.config.retrySeconds * 1000;
    this.#rewait(call);
    if (call.notBefore > this.#clock.now()) this.#timers.wakeAt(call, queue, call.notBefore);
  }

  #rewait(call: AcdCall): void {
    if (call.offers.size > 0 || call.phase !== 'offered') return;
    call.phase = 'waiting';
    this.#markDirty(call.queue);
  }

  #offer(call: AcdCall, agent: Agent, queue: AcdQueue, ringAll: boolean, ringTimer = true): void {
    const now = this.#clock.now();
    const device = agent.device as string;
    const offer: Offer = { call, agent, device, at: now, timer: undefined };
    call.offers.set(agent.id, offer);
    call.phase = 'offered';
    agent.offer = offer;
    if (ringTimer) offer.timer = this.#clock.setTimeout(() => this.#batch(() => this.#noAnswer(offer)), queue.config.ringTimeoutSeconds * 1000);
    this.agents.set(agent, 'offered');
    this.emit('offer', {
      callId: call.id, agentId: agent.id, device, queue: queue.name, kind: call.kind, ringAll, waitedMs: now - call.joinedAt, data: call.data,
      ...(call.callbackNumber !== undefined ? { callbackNumber: call.callbackNumber } : {}), at: now,
    });
  }

  #drain(): void {
    while (this.#dirty.size > 0 && !this.#suspended) {
      const queues = [...this.#dirty];
      this.#dirty.clear();
      if (queues.length > 1) queues.sort(byHeadCall);
      for (const queue of queues) {
        this.#applyLeaveRule(queue);
        this.#fill(queue);
      }
    }
    if (this.#suspended) this.#dirty.clear();
  }

  /** Calls that only one agent may take are offered to that agent whenever they are free. */
  #fillTargeted(queue: AcdQueue): void {
    const now = this.#clock.now();
    for (const call of [...queue.calls]) {
      if (call.targetAgent === undefined || call.notBefore > now) continue;
      const agent = this.agents.get(call.targetAgent);
      if (isFreeFor(call, agent)) this.#offer(call, agent, queue, false);
    }
  }

  #applyLeaveRule(queue: AcdQueue): void {
    const { leaveWhen, overflow } = queue.config;
    if (leaveWhen === 'never' || queue.calls.length === 0) return;
    const empty = leaveWhen === 'noneLoggedIn' ? queue.loggedIn() === 0 : queue.staffed() === 0;
    if (!empty) return;
    for (const call of [...queue.calls]) {
      if (call.kind !== 'inbound') continue;
      queue.counters.overflowed++;
      this.#leave(call, 'empty', overflow);
    }
  }

  #fill(queue: AcdQueue): void {
    if (queue.calls.length === 0 || queue.config.waitAt === 'pbxGroup') return;
    this.#fillTargeted(queue);
    let free = freeMembers(queue);
    if (free.length === 0) return;
    const now = this.#clock.now();
    const ringAll = queue.config.strategy === 'ringAll';
    for (const call of [...queue.calls]) {
      if (call.phase !== 'waiting' || call.queue !== queue.name || call.notBefore > now || call.targetAgent !== undefined) continue;
      const allowed = queue.allowedPenalty(now - call.joinedAt);
      const able = free.filter((agent) => queue.penaltyOf(agent) <= allowed);
      let candidates = able.filter((agent) => !call.missedBy.has(agent.id));
      if (candidates.length === 0 && able.length > 0) {
        call.missedBy.clear();
        candidates = able;
      }
      if (candidates.length === 0) continue;
      const strategy = queue.config.strategy;
      if (strategy === 'ringAll') for (const agent of candidates) this.#offer(call, agent, queue, true);
      else this.#offer(call, pickAgent(strategy, candidates, queue.pick), queue, ringAll);
      free = free.filter(isFree);
      if (free.length === 0) return;
    }
  }
}

export type { QueueConfig };
