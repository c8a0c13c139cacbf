/**
 * ccbox's agent states mirrored to the PBX's own agent model with SetAgentState: always for agents
 * of a PBX-group queue (so the PBX delivers only to agents ccbox has ready), and for every agent
 * when the ACD configuration asks (mirrorStatesToPbx), so the PBX's displays and reports agree.
 * Each agent's requests go out one after the other, so the PBX takes them in order.
 */
import type { AgentState, PbxLink } from '../../csta/pbx-link.js';
import type { Logger } from '../../runtime/logger.js';
import { pbxAgentIdentity, type PbxAgentIdentity } from '../config.js';
import type { AcdEngine } from '../engine.js';
import type { AgentStateChange } from '../events.js';
import type { AgentStateName } from '../model.js';
import { LinkAndEngineListeners } from './listeners.js';

/** ccbox's states the PBX has a state for; offered, talking and held are the PBX's own (busy). */
const PBX_STATE: Partial<Record<AgentStateName, AgentState>> = { ready: 'ready', notReady: 'notReady', wrapUp: 'workingAfterCall', loggedOut: 'loggedOff' };

interface MirroredAt {
  device: string;
  identity: PbxAgentIdentity;
}

interface Step {
  device: string;
  state: AgentState;
  identity: PbxAgentIdentity;
}

export interface PbxAgentStatesOptions {
  engine: AcdEngine;
  link: PbxLink;
  logger: Logger;
  /** The PBX agent of a ccbox agent (default: the agent's pbxAgent in the ACD configuration); undefined: not mirrored. */
  agentIds?: (ccboxAgentId: string) => PbxAgentIdentity | undefined;
}

export class PbxAgentStates {
  /** ccbox agent → the phone ccbox logged the PBX agent on at, and as whom (the configuration may change since). */
  readonly #mirroredAt = new Map<string, MirroredAt>();
  /** ccbox agent → the requests for them under way, one after the other. */
  readonly #chains = new Map<string, Promise<void>>();
  readonly #listeners: LinkAndEngineListeners;

  constructor(private readonly options: PbxAgentStatesOptions) {
    this.#listeners = new LinkAndEngineListeners(options.link, options.engine);
  }

  start(): void {
    const { onLink, onEngine } = this.#listeners;
    onLink('linkUp', () => this.#syncAll());
    onEngine('agentState', (change) => this.#agentState(change));
    if (this.options.link.isUp) this.#syncAll();
  }

  stop(): void {
    this.#listeners.detachAll();
  }

  /** Runs `work` after the agent's earlier requests to the PBX. */
  afterAgentRequests(agentId: string, work: () => Promise<void>): void {
    const next = (this.#chains.get(agentId) ?? Promise.resolve())
      .then(work)
      .catch((error: unknown) => this.options.logger.error({ agent: agentId, err: error }, 'a request to the PBX for the agent failed'))
      .finally(() => {
        if (this.#chains.get(agentId) === next) this.#chains.delete(agentId);
      });
    this.#chains.set(agentId, next);
  }

  #mirrored(agentId: string): boolean {
    const { engine } = this.options;
    const agent = engine.agents.get(agentId);
    if (!agent) return false;
    if (engine.config.mirrorStatesToPbx) return true;
    const pbxQueues = new Set(engine.config.queues.flatMap((q) => (q.waitAt === 'pbxGroup' ? [q.name] : [])));
    return [...agent.queues].some((queue) => pbxQueues.has(queue));
  }

  #identity(agentId: string): PbxAgentIdentity | undefined {
    return this.options.agentIds ? this.options.agentIds(agentId) : pbxAgentIdentity(this.options.engine.config, agentId);
  }

  #agentState(change: AgentStateChange): void {
    const before = this.#mirroredAt.get(change.agentId);
    if (!this.#mirrored(change.agentId) && before === undefined) return;
    const wanted = PBX_STATE[change.state];
    const device = change.device;
    if (wanted === undefined || device === undefined) return;
    const steps: Step[] = [];
    if (wanted === 'loggedOff') {
      // As logged on: an agent removed from the configuration (or given another pbxAgent) has no identity there now.
      const identity = before?.identity ?? this.#identity(change.agentId);
      this.#mirroredAt.delete(change.agentId);
      if (identity) steps.push({ device: before?.device ?? device, state: 'loggedOff', identity });
    } else {
      const identity = this.#identity(change.agentId);
      if (!identity) return;
      // A login, the agent moved to another phone, or known to the PBX by another ID now: logged on there first.
      const moved = before !== undefined && (before.device !== device || before.identity.agentID !== identity.agentID);
      if (moved) steps.push({ device: before.device, state: 'loggedOff', identity: before.identity });
      if (change.previous === 'loggedOut' || before === undefined || moved) steps.push({ device, state: 'loggedOn', identity });
      this.#mirroredAt.set(change.agentId, { device, identity });
      steps.push({ device, state: wanted, identity });
    }
    this.#send(change.agentId, steps);
  }

  /** After (re)connecting: the PBX agent of every logged-in agent is logged on and put in ccbox's state. */
  #syncAll(): void {
    for (const agent of this.options.engine.agents.all()) {
      if (agent.state === 'loggedOut' || agent.device === undefined || !this.#mirrored(agent.id)) continue;
      const identity = this.#identity(agent.id);
      if (!identity) continue;
      const wanted = PBX_STATE[agent.state];
      const device = agent.device;
      this.#mirroredAt.set(agent.id, { device, identity });
      this.#send(agent.id, [{ device, state: 'loggedOn', identity }, ...(wanted ? [{ device, state: wanted, identity }] : [])]);
    }
  }

  #send(agentId: string, steps: Step[]): void {
    if (steps.length === 0) return;
    const { link, logger } = this.options;
    this.afterAgentRequests(agentId, async () => {
      for (const { device, state, identity } of steps) {
        const extra = state === 'loggedOn' && identity.password !== undefined ? { agentID: identity.agentID, password: identity.password } : { agentID: identity.agentID };
        try {
          await link.setAgentState(device, state, extra);
        } catch (error) {
          logger.warn({ agent: agentId, pbxAgent: identity.agentID, device, state, err: error }, 'the PBX refused the agent state');
          // Not logged on: the states after it would be refused too.
          if (state === 'loggedOn') return;
        }
      }
    });
  }
}
