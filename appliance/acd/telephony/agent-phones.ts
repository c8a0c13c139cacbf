/**
 * The agents' phones as the ACD sees them through CSTA monitors: an offered agent's phone answering
 * is `answered`, its last connection clearing ends the call, hold and retrieve are reported, a call
 * ccbox did not route makes the phone busy, and a link drop suspends offers until it is back.
 * Agent states can be mirrored to the PBX's own agent model with SetAgentState.
 */
import { ConnectionTracker } from '../../csta/connection-tracker.js';
import { LinkAndEngineListeners } from './listeners.js';
import { CALL_EVENT_NAMES, type CstaMessage, DEVICE_EVENT_NAMES } from '../../csta/messages.js';
import type { AgentState, PbxLink } from '../../csta/pbx-link.js';
import type { Logger } from '../../runtime/logger.js';
import type { AcdEngine } from '../engine.js';
import type { AgentStateChange } from '../events.js';
import type { AgentStateName } from '../model.js';

const PBX_STATE: Partial<Record<AgentStateName, AgentState>> = { ready: 'ready', notReady: 'notReady', wrapUp: 'workingAfterCall', loggedOut: 'loggedOff' };

export interface AgentPhonesOptions {
  link: PbxLink;
  engine: AcdEngine;
  logger: Logger;
  /** Mirror ccbox's agent states to the PBX with SetAgentState (its agents must exist there). */
  mirrorStates?: boolean;
}

export class AgentPhones {
  readonly tracker = new ConnectionTracker();
  readonly #listeners: LinkAndEngineListeners;
  readonly #unwatched = new Set<string>();

  constructor(private readonly options: AgentPhonesOptions) {
    this.#listeners = new LinkAndEngineListeners(options.link, options.engine);
  }

  start(): void {
    const { link, engine } = this.options;
    const { onLink, onEngine } = this.#listeners;
    const onEvent = (event: CstaMessage, device: string | undefined) => this.#observe(event, device);
    for (const name of [...CALL_EVENT_NAMES, ...DEVICE_EVENT_NAMES]) onLink(name, onEvent as never);
    onLink('linkUp', () => engine.linkUp());
    onLink('linkDown', () => {
      this.tracker.clear();
      engine.linkDown();
    });
    onLink('snapshot', ({ calls }) => this.tracker.applySnapshot(calls));
    onEngine('agentState', (change) => this.#agentState(change));
    if (!link.isUp) engine.linkDown();
    for (const agent of engine.agents.all()) if (agent.device !== undefined) this.#watch(agent.device);
  }

  stop(): void {
    this.#listeners.detachAll();
  }

  /** Monitors an agent's phone; until the monitor runs the phone counts as busy, so no offer rings unseen. */
  #watch(device: string): void {
    const { link, engine, logger } = this.options;
    if (link.monitoredDevices().includes(device) || this.#unwatched.has(device)) return;
    this.#unwatched.add(device);
    engine.phoneBusy(device, true);
    link.monitor(device).then(
      () => {
        this.#unwatched.delete(device);
        this.#updateBusy(device);
      },
      (error: Error) => {
        this.#unwatched.delete(device);
        logger.warn({ device, err: error }, 'cannot monitor the agent phone: it gets no offers until the agent logs in again');
      },
    );
  }

  #updateBusy(device: string): void {
    const agent = this.options.engine.agents.atDevice(device);
    if (!agent) return;
    const busy = this.#unwatched.has(device) || (this.tracker.calls(device).length > 0 && !agent.offer && !agent.call);
    this.options.engine.phoneBusy(device, busy);
  }

  #agentState(change: AgentStateChange): void {
    // A login, or an agent moving to another extension (the only change that keeps the state).
    const atNewDevice = change.previous === 'loggedOut' || change.previous === change.state;
    if (atNewDevice && change.state !== 'loggedOut' && change.device !== undefined) this.#watch(change.device);
    if (!this.options.mirrorStates || change.device === undefined) return;
    const agent = this.options.engine.agents.get(change.agentId);
    const wanted = PBX_STATE[change.state];
    if (!agent || !wanted) return;
    const { link, logger } = this.options;
    const device = change.device;
    const mirror = async () => {
      if (change.previous === 'loggedOut') await link.setAgentState(device, 'loggedOn', { agentID: agent.id });
      await link.setAgentState(device, wanted, { agentID: agent.id });
    };
    mirror().catch((error: Error) => logger.warn({ device, agent: agent.id, state: wanted, err: error }, 'the PBX refused the agent state'));
  }

  #observe(event: CstaMessage, device: string | undefined): void {
    this.tracker.observe(event);
    if (device === undefined) return;
    const { engine, link, logger } = this.options;
    const agent = engine.agents.atDevice(device);
    if (!agent) return;
    switch (event.type) {
      case 'EstablishedEvent': {
        const connection = event.establishedConnection;
        if (connection.deviceID !== device || !agent.offer) break;
        if (!engine.answered(agent.offer.call.id, agent.id)) {
          link.clearConnection(connection).catch((error: Error) => logger.warn({ device, err: error }, 'cannot release a call answered too late'));
        }
        break;
      }
      case 'OriginatedEvent':
        // MakeCall for a callback: the agent's phone is off hook, the customer's rings next.
        if (event.originatedConnection.deviceID === device && agent.offer?.call.kind === 'callback') engine.answered(agent.offer.call.id, agent.id);
        break;
      case 'HeldEvent':
        if (event.heldConnection.deviceID === device && agent.call) engine.held(agent.id, true);
        break;
      case 'RetrievedEvent':
        if (event.retrievedConnection.deviceID === device && agent.call) engine.held(agent.id, false);
        break;
      case 'ConnectionClearedEvent':
      case 'CallClearedEvent':
        // A switch may report the far end's hang-up only as CallCleared: the agent's connection is gone with the call.
        if (agent.call && this.tracker.calls(device).length === 0) engine.callEnded(agent.call.id);
        break;
      default:
    }
    this.#updateBusy(device);
  }
}
