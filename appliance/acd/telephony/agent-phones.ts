/**
 * The agents' phones as the ACD sees them through CSTA monitors: an offered agent's phone answering
 * is `answered`, its last connection clearing ends the call, hold and retrieve are reported, a call
 * ccbox did not route makes the phone busy, and a link drop suspends offers until it is back.
 */
import { ConnectionTracker } from '../../csta/connection-tracker.js';
import { LinkAndEngineListeners } from './listeners.js';
import { CALL_EVENT_NAMES, type CstaMessage, DEVICE_EVENT_NAMES } from '../../csta/messages.js';
import type { PbxLink } from '../../csta/pbx-link.js';
import type { Logger } from '../../runtime/logger.js';
import type { AcdEngine } from '../engine.js';
import type { AgentStateChange } from '../events.js';

export interface AgentPhonesOptions {
  link: PbxLink;
  engine: AcdEngine;
  logger: Logger;
}

export class AgentPhones {
  readonly tracker = new ConnectionTracker();
  readonly #listeners: LinkAndEngineListeners;
  readonly #unwatched = new Set<string>();
  /** Phones whose calls are being asked for (SnapshotDevice) → calls cleared there meanwhile, which the answer may still list. */
  readonly #asking = new Map<string, Set<string>>();

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
      async () => {
        await this.#learnCalls(device);
        this.#unwatched.delete(device);
        this.#updateBusy(device);
      },
      (error: Error) => {
        this.#unwatched.delete(device);
        logger.warn({ device, err: error }, 'cannot monitor the agent phone: it gets no offers until the agent logs in again');
      },
    );
  }

  /** The calls a phone already has when its monitor starts (an agent logging in from it): no event told of them. */
  async #learnCalls(device: string): Promise<void> {
    const cleared = new Set<string>();
    this.#asking.set(device, cleared);
    try {
      const snapshot = await this.options.link.snapshotDevice(device);
      for (const item of snapshot.crossRefIDorSnapshotData?.snapshotData ?? []) {
        const connection = item.connectionIdentifier;
        if (!connection || cleared.has(connection.callID)) continue;
        const state = item.localCallState?.compoundCallState?.localConnectionState ?? item.localCallState?.simpleCallState ?? 'unknown';
        this.tracker.applySnapshot([{ connection, state }]);
      }
    } catch (error) {
      this.options.logger.warn({ device, err: error }, 'no snapshot of the agent phone: a call already there is not seen until it changes');
    } finally {
      this.#asking.delete(device);
    }
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
  }

  #observe(event: CstaMessage, device: string | undefined): void {
    this.tracker.observe(event);
    if (device === undefined) return;
    if (event.type === 'ConnectionClearedEvent') this.#asking.get(device)?.add(event.droppedConnection.callID);
    if (event.type === 'CallClearedEvent') this.#asking.get(device)?.add(event.clearedCall.callID);
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
