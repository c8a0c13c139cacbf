/**
 * Calls that wait in the PBX's own ACD group (queue waitAt "pbxGroup", pbxDevice = the group's
 * number): the PBX holds the caller and picks the agent, ccbox watches the group and drives the
 * agents' states there. The group's monitor reports a call queueing (Queued: the call joins the
 * ACD queue under its CSTA call ID), the PBX ringing a member (Delivered, cause
 * enteringDistribution: ccbox records the offer) and the call leaving the group otherwise (the
 * caller hung up, or the group's own overflow: the call leaves the queue). Answer and clearing at
 * the agent's phone are AgentPhones' work. Every agent who serves a pbxGroup queue has their
 * ccbox state mirrored to the PBX (PbxAgentStates), so the PBX delivers only to agents ccbox has
 * ready.
 */
import { normalizeDeviceId } from '../../csta/device-id.js';
import type { MessageOf } from '../../csta/messages.js';
import type { PbxLink } from '../../csta/pbx-link.js';
import type { Logger } from '../../runtime/logger.js';
import type { PbxAgentIdentity } from '../config.js';
import type { AcdEngine } from '../engine.js';
import type { LeftEvent, RetractEvent } from '../events.js';
import { LinkAndEngineListeners } from './listeners.js';
import { PbxAgentStates } from './pbx-agent-states.js';
import { abandonOnLinkLoss, enqueueFromPbx, pbxDevicesOf, queueWaitingAt } from './pbx-waiting.js';

export type { PbxAgentIdentity };

export interface PbxGroupQueuesOptions {
  engine: AcdEngine;
  link: PbxLink;
  logger: Logger;
  /** The PBX agent of a ccbox agent (default: the agent's pbxAgent in the ACD configuration); undefined: not mirrored. */
  agentIds?: (ccboxAgentId: string) => PbxAgentIdentity | undefined;
  /** The runtime's one agent-state mirror; without it the adapter makes its own. */
  agentStates?: PbxAgentStates;
}


interface Ringing {
  readonly device: string;
  /** The ccbox agent logged in at that phone, if any. */
  readonly agentId: string | undefined;
  /** ccbox holds an offer for it (offeredByPbx took it, and it was not retracted since). */
  offered: boolean;
}

/** One CSTA call (its callID is the ACD call's ID) waiting in a PBX group or ringing from there. */
interface GroupCall {
  readonly callId: string;
  /** The group the call waits in, or last waited in. */
  readonly group: string;
  /** The member the PBX rings with the call. */
  ringing: Ringing | undefined;
}

export class PbxGroupQueues {
  readonly #calls = new Map<string, GroupCall>();
  /** Group devices this adapter started a monitor for (or is starting). */
  readonly #monitored = new Set<string>();
  readonly #listeners: LinkAndEngineListeners;
  readonly #agentStates: PbxAgentStates;
  /** Whether this adapter made (and so starts and stops) the agent-state mirror. */
  readonly #ownsAgentStates: boolean;

  constructor(private readonly options: PbxGroupQueuesOptions) {
    this.#listeners = new LinkAndEngineListeners(options.link, options.engine);
    this.#ownsAgentStates = options.agentStates === undefined;
    this.#agentStates = options.agentStates ?? new PbxAgentStates({ engine: options.engine, link: options.link, logger: options.logger, ...(options.agentIds ? { agentIds: options.agentIds } : {}) });
  }

  start(): void {
    const { onLink, onEngine } = this.#listeners;
    onLink('linkUp', () => this.syncMonitors());
    onLink('linkDown', () => this.#linkLost());
    onLink('QueuedEvent', (event, device) => this.#queued(event, device));
    onLink('DeliveredEvent', (event, device) => this.#delivered(event, device));
    onLink('DivertedEvent', (event, device) => this.#diverted(event, device));
    onLink('EstablishedEvent', (event) => this.#established(event));
    onLink('ConnectionClearedEvent', (event) => this.#connectionCleared(event));
    onLink('CallClearedEvent', (event) => this.#callCleared(event));
    onEngine('retract', (retract) => this.#retract(retract));
    onEngine('connected', (connected) => this.#calls.delete(connected.callId));
    onEngine('left', (left) => this.#left(left));
    if (this.#ownsAgentStates) this.#agentStates.start();
    if (this.options.link.isUp) this.syncMonitors();
  }

  stop(): void {
    this.#listeners.detachAll();
    if (this.#ownsAgentStates) this.#agentStates.stop();
    for (const device of this.#monitored) this.#unmonitor(device);
    this.#monitored.clear();
  }

  /** Monitors the group of every pbxGroup queue, and stops monitors no queue needs (after a configuration change). */
  syncMonitors(): void {
    const { link, logger } = this.options;
    if (!link.isUp) return;
    const wanted = new Set(pbxDevicesOf(this.options.engine, 'pbxGroup'));
    for (const device of this.#monitored) {
      if (wanted.has(device)) continue;
      this.#monitored.delete(device);
      this.#unmonitor(device);
    }
    const running = new Set(link.monitoredDevices());
    for (const device of wanted) {
      if (this.#monitored.has(device) && running.has(device)) continue;
      this.#monitored.add(device);
      link.monitor(device).then(
        () => logger.info({ group: device }, 'monitoring the PBX ACD group'),
        (error: Error) => {
          this.#monitored.delete(device);
          logger.error({ group: device, err: error }, 'cannot monitor the PBX ACD group: its calls stay unseen by ccbox until the link comes up again');
        },
      );
    }
  }

  #unmonitor(device: string): void {
    this.options.link.unmonitor(device).catch((error: Error) => this.options.logger.warn({ group: device, err: error }, 'cannot stop monitoring the PBX ACD group'));
  }

  // ---- the calls, from the switch ----

  /** A call queues at a group: a new call joins the ACD queue; a call that rang at an agent is back. */
  #queued(event: MessageOf<'QueuedEvent'>, device: string | undefined): void {
    const { engine, logger } = this.options;
    const group = normalizeDeviceId(event.queuedConnection.deviceID ?? '');
    if (device !== group) return;
    const queue = queueWaitingAt(engine, 'pbxGroup', group);
    if (!queue) return;
    const callId = event.queuedConnection.callID;
    const known = this.#calls.get(callId);
    if (known) {
      // It rang at an agent without an answer and the PBX put it back in the group (or DeflectCall did).
      if (known.ringing) this.#stopRinging(known, 'the call rang out at the agent and is back in the PBX group');
      return;
    }
    const call: GroupCall = { callId, group, ringing: undefined };
    this.#calls.set(callId, call);
    try {
      // A refusal ('left') arrives before enqueue returns.
      enqueueFromPbx(engine, callId, queue, event.callingDevice);
    } catch (error) {
      this.#calls.delete(callId);
      logger.warn({ callId, queue, group, err: error }, 'the ACD refused the call queued at the PBX group: the PBX serves it alone');
    }
  }

  /** The PBX rings a member with a call from the group (seen on the group's monitor). */
  #delivered(event: MessageOf<'DeliveredEvent'>, device: string | undefined): void {
    const call = this.#calls.get(event.connection.callID);
    if (!call || device !== call.group) return;
    const member = normalizeDeviceId(event.alertingDevice ?? event.connection.deviceID ?? '');
    const fromGroup = event.cause === 'enteringDistribution' || (event.lastRedirectionDevice !== undefined && normalizeDeviceId(event.lastRedirectionDevice) === call.group);
    if (member === call.group || !fromGroup) return;
    const { engine, logger } = this.options;
    const agent = engine.agents.atDevice(member);
    const ringing: Ringing = { device: member, agentId: agent?.id, offered: false };
    call.ringing = ringing;
    if (!agent) {
      logger.warn({ callId: call.callId, group: call.group, device: member }, 'the PBX rings a member no ccbox agent is logged in at: the PBX agent states and ccbox disagree');
      return;
    }
    ringing.offered = engine.offeredByPbx(call.callId, agent.id);
    if (!ringing.offered) {
      logger.warn({ callId: call.callId, group: call.group, device: member, agent: agent.id, state: agent.state, phoneBusy: agent.phoneBusy }, 'the PBX rings an agent ccbox does not see free: the PBX and ccbox disagree about that agent');
    }
  }

  #diverted(event: MessageOf<'DivertedEvent'>, device: string | undefined): void {
    const call = this.#calls.get(event.connection.callID);
    const from = normalizeDeviceId(event.connection.deviceID ?? '');
    if (!call || device !== from) return;
    const to = event.newDestination === undefined ? undefined : normalizeDeviceId(event.newDestination);
    if (from === call.group) {
      // distributed: the group handed the call to the member its Delivered named.
      if (event.cause === 'distributed') return;
      // Any other way out of the group (queueTimeOverflow: the group's own overflow after its
      // waiting time; redirected: someone deflected the waiting call): it left without an agent.
      return this.#gone(call, { cause: event.cause, to }, 'the call left the PBX group without reaching an agent');
    }
    if (from !== call.ringing?.device) return;
    this.#stopRinging(call, 'the call stopped ringing at the agent unanswered');
    // Back to the group: its Queued follows and the call keeps its place. Elsewhere (the phone
    // forwarded it): the call is no longer the ACD's.
    if (to !== call.group) this.#gone(call, { cause: event.cause, to }, 'the call went on from the agent’s phone to somewhere else');
  }

  /** Answered at a phone ccbox holds no offer for (an offered agent's answer is AgentPhones' and ends this adapter's part in 'connected'). */
  #established(event: MessageOf<'EstablishedEvent'>): void {
    const call = this.#calls.get(event.establishedConnection.callID);
    const at = normalizeDeviceId(event.establishedConnection.deviceID ?? '');
    if (!call?.ringing || call.ringing.offered || at !== call.ringing.device) return;
    this.#gone(call, { device: at }, 'a phone answered the call without a ccbox offer: the ACD lets it go');
  }

  #connectionCleared(event: MessageOf<'ConnectionClearedEvent'>): void {
    const call = this.#calls.get(event.droppedConnection.callID);
    if (!call) return;
    const dropped = normalizeDeviceId(event.droppedConnection.deviceID ?? '');
    if (dropped === call.ringing?.device) {
      // The ringing phone refused the call: the PBX puts it back in the group (Queued) or ends it (CallCleared).
      return this.#stopRinging(call, 'the agent’s phone dropped the ringing call');
    }
    // The caller hung up, while waiting in the group or while an agent's phone rang.
    this.#gone(call, { released: dropped, cause: event.cause }, 'the caller hung up before reaching an agent');
  }

  /** The whole call is gone (a switch may report the caller's hang-up only this way). */
  #callCleared(event: MessageOf<'CallClearedEvent'>): void {
    const call = this.#calls.get(event.clearedCall.callID);
    if (call) this.#gone(call, { cause: event.cause }, 'the call was cleared before reaching an agent');
  }

  /** The ringing at an agent ended without an answer: ccbox's offer is withdrawn, the call waits again. */
  #stopRinging(call: GroupCall, why: string): void {
    const ringing = call.ringing;
    if (!ringing) return;
    call.ringing = undefined;
    this.options.logger.info({ callId: call.callId, device: ringing.device, agent: ringing.agentId }, why);
    if (ringing.offered && ringing.agentId !== undefined) this.options.engine.withdrawnByPbx(call.callId, ringing.agentId);
  }

  /** The call left the group (and the ACD) without an agent: it leaves the queue as abandoned. */
  #gone(call: GroupCall, detail: Record<string, unknown>, why: string): void {
    this.#calls.delete(call.callId);
    this.options.logger.info({ callId: call.callId, group: call.group, ...detail }, why);
    this.options.engine.abandon(call.callId);
  }

  #linkLost(): void {
    abandonOnLinkLoss(this.#calls, this.options.engine, this.options.logger, 'the CSTA link dropped: calls in the PBX groups are left to the PBX');
  }

  // ---- the calls, from the ACD ----

  /** ccbox took back an offer the PBX still rings (the agent went not-ready or logged out): the call goes back to the group. */
  #retract(retract: RetractEvent): void {
    const call = this.#calls.get(retract.callId);
    const ringing = call?.ringing;
    if (!call || !ringing?.offered || ringing.agentId !== retract.agentId) return;
    ringing.offered = false;
    if (retract.reason !== 'agentLeft') return;
    // After the agent's new state reaches the PBX (the agentState event follows this one), or the
    // PBX would hand the call straight back to the same agent.
    queueMicrotask(() =>
      this.#agentStates.afterAgentRequests(retract.agentId, async () => {
        if (this.#calls.get(call.callId) !== call || call.ringing !== ringing) return;
        try {
          await this.options.link.deflectCall({ callID: call.callId, deviceID: ringing.device }, call.group);
        } catch (error) {
          this.options.logger.warn({ callId: call.callId, device: ringing.device, group: call.group, err: error }, 'cannot send the ringing call back to the PBX group');
        }
      }),
    );
  }

  /** The ACD let the call go (its maximum wait, leave rule, refusal): a number to go to is dialled from the group, else the PBX keeps it. */
  #left(left: LeftEvent): void {
    const call = this.#calls.get(left.callId);
    if (!call) return;
    this.#calls.delete(call.callId);
    if (left.reason === 'abandoned') return;
    const { link, logger } = this.options;
    const target = left.action?.kind === 'number' ? left.action.target : undefined;
    if (target === undefined || call.ringing) {
      logger.info({ callId: call.callId, group: call.group, reason: left.reason, action: left.action?.kind }, 'the ACD let the call go: it stays with the PBX group');
      return;
    }
    link.deflectCall({ callID: call.callId, deviceID: call.group }, target).catch((error: Error) =>
      logger.warn({ callId: call.callId, group: call.group, target, err: error }, 'cannot move the call from the PBX group to its overflow number'),
    );
  }
}
