/**
 * Agents and their states: login (hot desking), ready, not-ready with a reason, wrap-up, and the
 * state an agent asked for while on a call. Every change is one `agentState` event.
 */
import type { EventEmitter } from 'node:events';
import type { Clock } from '../runtime/clock.js';
import type { AcdConfig, AgentConfig } from './config.js';
import type { AcdEngineEvents } from './events.js';
import { AcdError, type Agent, type AgentStateName, type RequestedState } from './model.js';

export interface AgentBookHooks {
  clock: Clock;
  events: EventEmitter<AcdEngineEvents>;
  /** The agent may now take calls, or stopped being able to: its queues need a look. */
  changed(agent: Agent): void;
  /** Wrap-up time after a call in `queue`. */
  wrapUpMs(agent: Agent, queue: string | undefined): number;
}

/** The not-ready reason of an agent who sent their caller to the IVR and waits for them to come back. */
export const AWAITING_CALLER = 'awaitingCaller';

const ON_CALL: ReadonlySet<AgentStateName> = new Set(['offered', 'talking', 'held']);

export class AgentBook {
  readonly #agents = new Map<string, Agent>();
  readonly #byDevice = new Map<string, Agent>();
  #reasons: ReadonlySet<string> = new Set();
  #configured: ReadonlySet<string> = new Set();

  constructor(readonly hooks: AgentBookHooks) {}

  /**
   * Takes a (new) agent list. Agents no longer in it are forgotten once logged out; the ones still
   * logged in are returned, for the engine to log out (after their call, if on one).
   */
  configure(config: AcdConfig): Agent[] {
    this.#reasons = new Set([...config.notReadyReasons, 'missed', 'login', 'supervisor', AWAITING_CALLER]);
    this.#configured = new Set(config.agents.map((agent) => agent.id));
    const now = this.hooks.clock.now();
    config.agents.forEach((agentConfig: AgentConfig, order) => {
      const known = this.#agents.get(agentConfig.id);
      if (known) {
        known.config = agentConfig;
        known.order = order;
        return;
      }
      this.#agents.set(agentConfig.id, {
        id: agentConfig.id, config: agentConfig, order, state: 'loggedOut', reason: undefined, device: undefined, since: now, idleSince: now,
        callsAnswered: 0, talkMs: 0, missedInRow: 0, queues: new Set(), offer: undefined, call: undefined, pending: undefined, wrapUpTimer: undefined, phoneBusy: false,
      });
    });
    const removed = [...this.#agents.values()].filter((agent) => !this.#configured.has(agent.id));
    for (const agent of removed) if (agent.state === 'loggedOut') this.#agents.delete(agent.id);
    return removed.filter((agent) => agent.state !== 'loggedOut');
  }

  /** Whether the agent is in the current configuration (a removed one may still be finishing a call). */
  isConfigured(id: string): boolean {
    return this.#configured.has(id);
  }

  all(): IterableIterator<Agent> {
    return this.#agents.values();
  }

  get(id: string): Agent | undefined {
    return this.#agents.get(id);
  }

  require(id: string): Agent {
    const agent = this.#agents.get(id);
    if (!agent) throw new AcdError('unknownAgent', `no agent ${id}`);
    return agent;
  }

  atDevice(device: string): Agent | undefined {
    return this.#byDevice.get(device);
  }

  login(id: string, device: string, options: { pin?: string | undefined; ready?: boolean | undefined }): Agent {
    const agent = this.require(id);
    if (!this.#configured.has(id)) throw new AcdError('unknownAgent', `agent ${id} was removed from the configuration`);
    if (options.pin !== undefined && agent.config.pin !== undefined && options.pin !== agent.config.pin) throw new AcdError('badPin', `wrong PIN for agent ${id}`);
    const holder = this.#byDevice.get(device);
    if (holder && holder !== agent) throw new AcdError('deviceInUse', `agent ${holder.id} is logged in at ${device}`);
    if (agent.state !== 'loggedOut' && agent.device !== device) {
      if (agent.call || agent.offer) throw new AcdError('onCall', `agent ${id} is on a call at ${agent.device}`);
      this.#byDevice.delete(agent.device as string);
    }
    const moved = agent.state !== 'loggedOut' && agent.device !== device;
    agent.device = device;
    this.#byDevice.set(device, agent);
    if (moved) this.#announce(agent, agent.state, device);
    if (agent.state === 'loggedOut') {
      agent.callsAnswered = 0;
      agent.talkMs = 0;
      agent.missedInRow = 0;
      agent.idleSince = this.hooks.clock.now();
      if (options.ready) this.set(agent, 'ready');
      else this.set(agent, 'notReady', 'login');
    }
    return agent;
  }

  /** ready / notReady / loggedOut as the agent (or a supervisor) asks. On a call it waits for the call to end. */
  request(agent: Agent, want: RequestedState): void {
    if (!this.validate(agent, want)) return;
    if (ON_CALL.has(agent.state) && agent.state !== 'offered') {
      agent.pending = want;
      return;
    }
    this.take(agent, want);
  }

  /** Throws when the request cannot be taken; false when there is nothing to do (logging out twice). */
  validate(agent: Agent, want: RequestedState): boolean {
    if (want.state === 'notReady' && !this.#reasons.has(want.reason)) {
      throw new AcdError('unknownReason', `unknown not-ready reason ${want.reason} (known: ${[...this.#reasons].join(', ')})`);
    }
    if (agent.state !== 'loggedOut') return true;
    if (want.state === 'loggedOut') return false;
    throw new AcdError('badState', `agent ${agent.id} is not logged in`);
  }

  /** Takes a requested state now (the offer, if any, has been retracted by the caller). */
  take(agent: Agent, want: RequestedState): void {
    this.hooks.clock.clearTimeout(agent.wrapUpTimer);
    agent.wrapUpTimer = undefined;
    agent.pending = undefined;
    if (want.state === 'loggedOut') {
      const device = agent.device;
      if (device !== undefined) this.#byDevice.delete(device);
      agent.device = undefined;
      agent.phoneBusy = false;
      this.set(agent, 'loggedOut', undefined, device);
      if (!this.#configured.has(agent.id)) this.#agents.delete(agent.id);
      return;
    }
    if (want.state === 'ready') {
      agent.missedInRow = 0;
      if (agent.state !== 'ready') agent.idleSince = this.hooks.clock.now();
    }
    this.set(agent, want.state, want.state === 'notReady' ? want.reason : undefined);
  }

  /** The agent's call is over: wrap-up, then the pending state or ready. */
  afterCall(agent: Agent, queue: string | undefined): void {
    const wrapMs = this.hooks.wrapUpMs(agent, queue);
    // The caller went to the IVR and comes back: the call is not over, so no wrap-up yet.
    const awaiting = agent.pending?.state === 'notReady' && agent.pending.reason === AWAITING_CALLER;
    if (wrapMs <= 0 || awaiting) return this.#wrapUpOver(agent);
    this.set(agent, 'wrapUp');
    agent.wrapUpTimer = this.hooks.clock.setTimeout(() => {
      agent.wrapUpTimer = undefined;
      if (agent.state === 'wrapUp') this.#wrapUpOver(agent);
    }, wrapMs);
  }

  wrapUpDone(agent: Agent): void {
    if (agent.state !== 'wrapUp') throw new AcdError('badState', `agent ${agent.id} is ${agent.state}, not in wrap-up`);
    this.hooks.clock.clearTimeout(agent.wrapUpTimer);
    agent.wrapUpTimer = undefined;
    this.#wrapUpOver(agent);
  }

  #wrapUpOver(agent: Agent): void {
    const pending = agent.pending ?? { state: 'ready' };
    agent.idleSince = this.hooks.clock.now();
    this.take(agent, pending);
    if (agent.state === 'ready') agent.idleSince = this.hooks.clock.now();
  }

  /** `device` in the event: where the agent was, for a logout (the agent has none any more). */
  set(agent: Agent, state: AgentStateName, reason?: string, device = agent.device): void {
    const previous = agent.state;
    if (previous === state && agent.reason === reason) return;
    const at = this.hooks.clock.now();
    agent.state = state;
    agent.reason = reason;
    agent.since = at;
    this.#announce(agent, previous, device);
  }

  #announce(agent: Agent, previous: AgentStateName, device: string | undefined): void {
    const { state, reason, since: at } = agent;
    this.hooks.events.emit('agentState', { agentId: agent.id, device, state, previous, ...(reason !== undefined ? { reason } : {}), at });
    this.hooks.changed(agent);
  }
}
