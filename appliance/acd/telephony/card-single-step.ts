/**
 * The single-step way a card queue hands its caller to the offered agent (PBX profile queueHandoff,
 * or the queue's cardHandoff, "singleStep"): SingleStepTransferCall moves the caller from the card
 * port to the agent's phone, and the channel is free for the next caller at once. The ACD call
 * keeps its place in the queue while it rings there. When the offer ends unanswered (ring timeout,
 * the agent leaving, the call leaving the queue), ccbox deflects the ringing call: to the agent
 * the ACD offers it to next, if any, else back to a free card port, where the IVR takes the caller
 * in again at their queue node, in the place they kept. With no card port free the call rings on
 * where it is, and ccbox looks again every FREE_PORT_RETRY_MS; a card port that does not answer
 * is passed over. The caller hanging up while away from the card ends the ACD call once.
 */
import type { MessageOf } from '../../csta/messages.js';
import type { PbxLink } from '../../csta/pbx-link.js';
import type { ReturningCall } from '../../ivr/ports.js';
import type { Clock, TimerHandle } from '../../runtime/clock.js';
import type { Logger } from '../../runtime/logger.js';
import type { AcdEngine } from '../engine.js';
import type { LeftEvent, OfferEvent, RetractEvent } from '../events.js';
import { LinkAndEngineListeners } from './listeners.js';

/** How soon ccbox looks again for a free card port for a caller who rings unanswered. */
export const FREE_PORT_RETRY_MS = 2000;
/** How long a card port may ring with a caller sent back to it (an unanswered port is passed over), and the IVR take to bring them to the queue node. */
export const ARRIVAL_TIMEOUT_MS = 8000;

/** Clearing causes of a connection that leaves the call without ending it. */
const MOVED_ON = new Set(['singleStepTransfer', 'transfer', 'redirected']);

export interface SingleStepOptions {
  engine: AcdEngine;
  link: PbxLink;
  /** The PBX port (extension) of each card channel, by channel index. */
  ports: readonly string[];
  clock: Clock;
  logger: Logger;
  /** Whether the card queue holds a waiting caller on this channel. */
  channelInUse(channel: number): boolean;
}

/** The caller on a card channel, as the single-step transfer moves them. */
export interface CardCaller {
  /** The ACD call. */
  callId: string;
  channel: number;
  callerId: string | undefined;
  /** Where the IVR takes the caller in again when they come back to a card port. */
  resume: ReturningCall;
}

export interface NextOffer {
  agentId: string;
  device: string;
}

/** A caller the single-step transfer took off the card, until an agent answers or the caller is back on a card channel. */
interface AwayCaller {
  readonly callId: string;
  readonly callerId: string | undefined;
  readonly resume: ReturningCall;
  /** The PBX's call. */
  cstaCallId: string;
  /**
   * transferring: SingleStepTransferCall under way; ringing: alerting at `device`; moving: ccbox is
   * deflecting the call (or looking for a card port to deflect it to); returning: deflected to the
   * card port of `returnChannel`, until the IVR's queue node takes the caller.
   */
  stage: 'transferring' | 'ringing' | 'moving' | 'returning';
  device: string;
  /** Where a DeflectCall under way sends the call. */
  movingTo: string | undefined;
  /** The agent whose offer rings at `device`; undefined once the ACD took it back. */
  offeredTo: string | undefined;
  /** An offer the ACD made while the call could not go there at once. */
  nextOffer: NextOffer | undefined;
  /** The call left the queue (overflow, callback) while away: the IVR carries it out once the caller is back. */
  left: LeftEvent | undefined;
  returnChannel: number | undefined;
  /** The IVR answered the caller on `returnChannel` (returningCall). */
  arrived: boolean;
  /** Card channels that did not answer this caller. */
  readonly passedOver: Set<number>;
  moveQueued: boolean;
  timer: TimerHandle | undefined;
}

/** What the card queue takes over when the caller is on a card channel again. */
export interface BackOnCard {
  callId: string;
  left: LeftEvent | undefined;
  nextOffer: NextOffer | undefined;
}

export type SingleStepResult = { moved: true } | { moved: false; left: LeftEvent | undefined; nextOffer: NextOffer | undefined };

export class SingleStepHandover {
  readonly #away = new Map<string, AwayCaller>();
  readonly #listeners: LinkAndEngineListeners;

  constructor(private readonly options: SingleStepOptions) {
    this.#listeners = new LinkAndEngineListeners(options.link, options.engine);
  }

  start(): void {
    const { onLink } = this.#listeners;
    onLink('ConnectionClearedEvent', (event) => this.#cleared(event.droppedConnection.callID, event.droppedConnection.deviceID, event.cause));
    onLink('CallClearedEvent', (event) => this.#cleared(event.clearedCall.callID, undefined, event.cause));
    onLink('EstablishedEvent', (event) => this.#established(event));
    onLink('linkDown', () => this.#linkLost());
  }

  /** Calls still away from the card ports are left to the PBX; their timers stop. */
  stop(): void {
    this.#listeners.detachAll();
    for (const away of [...this.#away.values()]) this.#forget(away);
  }

  /** Whether the ACD call is away from the card ports: the engine's events about it are this handover's. */
  has(callId: string): boolean {
    return this.#away.has(callId);
  }

  /** Moves the caller from their card port to the agent's phone. `moved` false: the caller is still on the card. */
  async transfer(caller: CardCaller, agentId: string, device: string): Promise<SingleStepResult> {
    const { link, ports, logger } = this.options;
    const away: AwayCaller = {
      callId: caller.callId, callerId: caller.callerId, resume: caller.resume, cstaCallId: '', stage: 'transferring', device, movingTo: undefined, offeredTo: agentId,
      nextOffer: undefined, left: undefined, returnChannel: undefined, arrived: false, passedOver: new Set(), moveQueued: false, timer: undefined,
    };
    this.#away.set(caller.callId, away);
    try {
      const port = ports[caller.channel];
      if (!port) throw new Error(`channel ${caller.channel} has no PBX port configured (cards.ports)`);
      const snapshot = await link.snapshotDevice(port);
      const callID = snapshot.crossRefIDorSnapshotData?.snapshotData?.[0]?.connectionIdentifier?.callID;
      if (!callID) throw new Error(`no call at port ${port}`);
      away.cstaCallId = callID;
      const response = await link.singleStepTransfer({ callID, deviceID: port }, device);
      away.cstaCallId = response.transferredCall?.callID ?? callID;
    } catch (error) {
      logger.warn({ callId: caller.callId, agent: agentId, device, err: error }, 'cannot transfer the caller from the card port to the agent');
      if (this.#current(away)) this.#forget(away);
      return { moved: false, left: away.left, nextOffer: away.nextOffer };
    }
    if (!this.#current(away)) return { moved: true };
    away.stage = 'ringing';
    if (away.offeredTo === undefined) this.#queueMove(away);
    return { moved: true };
  }

  /** A caller ringing on a card channel: the flow and node to take them in at, when ccbox sent them there. */
  arriving(ring: { callerId?: string | undefined; channel: number }): ReturningCall | undefined {
    const away = this.#returningOn(ring.channel);
    if (!away) return undefined;
    if (away.callerId !== undefined && ring.callerId !== undefined && away.callerId !== ring.callerId) return undefined;
    away.arrived = true;
    return away.resume;
  }

  /** The caller who arrived on `channel` reached the queue node: the card queue takes them over. */
  claim(channel: number): BackOnCard | undefined {
    const away = this.#returningOn(channel);
    if (!away?.arrived) return undefined;
    this.#forget(away);
    return { callId: away.callId, left: away.left, nextOffer: away.nextOffer };
  }

  // ---- from the ACD ----

  offer(offer: OfferEvent): void {
    const away = this.#away.get(offer.callId);
    if (!away || away.left) return;
    if (away.stage === 'ringing' && away.offeredTo === undefined && away.device === offer.device) {
      away.offeredTo = offer.agentId;
      return;
    }
    away.nextOffer = { agentId: offer.agentId, device: offer.device };
    if (away.stage === 'ringing') this.#queueMove(away);
  }

  retract(retract: RetractEvent): void {
    const away = this.#away.get(retract.callId);
    if (!away) return;
    if (away.nextOffer?.agentId === retract.agentId) away.nextOffer = undefined;
    if (away.offeredTo !== retract.agentId) return;
    away.offeredTo = undefined;
    // abandoned: 'left' follows; linkDown: the link's own handler gives the call up.
    if (away.stage === 'ringing' && retract.reason !== 'abandoned' && retract.reason !== 'linkDown') this.#queueMove(away);
  }

  connected(callId: string): void {
    const away = this.#away.get(callId);
    if (away) this.#forget(away);
  }

  left(left: LeftEvent): void {
    const away = this.#away.get(left.callId);
    if (!away) return;
    if (left.reason === 'abandoned') return this.#forget(away);
    away.left = left;
    away.nextOffer = undefined;
    if (away.stage === 'ringing' && away.offeredTo === undefined) this.#queueMove(away);
  }

  // ---- from the switch ----

  #cleared(cstaCallId: string, device: string | undefined, cause: string | undefined): void {
    const away = this.#byCstaCall(cstaCallId);
    // Once the IVR has seen the caller ring on the card port, their hang-up is the IVR's to see.
    if (!away || (away.stage === 'returning' && away.arrived)) return;
    if (device !== undefined && (this.options.ports.includes(device) || MOVED_ON.has(cause ?? ''))) return;
    if (away.stage === 'moving' && device === away.device) return;
    this.#giveUp(away, 'info', 'the caller hung up (or the call was cleared) while it rang at an agent’s phone');
  }

  #established(event: MessageOf<'EstablishedEvent'>): void {
    const away = this.#byCstaCall(event.establishedConnection.callID);
    const device = event.establishedConnection.deviceID;
    if (!away || away.stage === 'returning' || device === undefined || this.options.ports.includes(device)) return;
    // The offered agent answering is AgentPhones' to report.
    if (away.offeredTo !== undefined && (device === away.device || device === away.movingTo)) return;
    this.#giveUp(away, 'warn', `answered at ${device} after the ACD had taken the offer back: the call goes on outside the ACD`);
  }

  #linkLost(): void {
    for (const away of [...this.#away.values()]) {
      if (away.stage === 'ringing' || away.stage === 'moving') this.#giveUp(away, 'warn', 'the CSTA link dropped while the caller rang at an agent’s phone: the call is left to the PBX');
    }
  }

  // ---- moving the call on ----

  /** The engine takes an offer back, then (in the same step) makes its next offer or lets the call leave: decide once it is done. */
  #queueMove(away: AwayCaller): void {
    if (away.moveQueued) return;
    away.moveQueued = true;
    void Promise.resolve().then(() => {
      away.moveQueued = false;
      this.#moveOnGuarded(away);
    });
  }

  /** #moveOn from a timer or a microtask: a request that throws ends the call instead of escaping. */
  #moveOnGuarded(away: AwayCaller): void {
    this.#moveOn(away).catch((error: Error) => {
      if (this.#current(away)) this.#giveUp(away, 'warn', `moving the caller on failed: ${error.message}`);
    });
  }

  /** The call rings where no offer stands: to the overflow number, the next offered agent, or a card port. */
  async #moveOn(away: AwayCaller): Promise<void> {
    if (!this.#current(away) || away.stage !== 'ringing' || away.offeredTo !== undefined) return;
    this.options.clock.clearTimeout(away.timer);
    away.timer = undefined;
    const action = away.left?.action;
    if (action?.kind === 'number') {
      away.stage = 'moving';
      if (await this.#deflect(away, action.target)) return this.#forget(away);
      if (!this.#current(away)) return;
      // The IVR's queue node tries the overflow number again from the card port, and goes on if it cannot.
      return this.#toCard(away);
    }
    const next = away.nextOffer;
    if (!next) return this.#toCard(away);
    away.nextOffer = undefined;
    away.offeredTo = next.agentId;
    if (next.device === away.device) return;
    away.stage = 'moving';
    const moved = await this.#deflect(away, next.device);
    if (!this.#current(away)) return;
    away.stage = 'ringing';
    if (moved) away.device = next.device;
    if (!moved && away.offeredTo === next.agentId) this.options.engine.offerFailed(away.callId, next.agentId);
    else if (away.offeredTo === undefined || away.nextOffer) this.#queueMove(away);
  }

  async #toCard(away: AwayCaller): Promise<void> {
    const { clock, logger } = this.options;
    away.stage = 'moving';
    const port = away.nextOffer ? undefined : await this.#reserveCardPort(away);
    if (!this.#current(away)) return;
    if (port !== undefined && !away.nextOffer) {
      if (await this.#deflect(away, port)) {
        if (!this.#current(away)) return;
        away.stage = 'returning';
        away.device = port;
        away.timer = clock.setTimeout(() => this.#neverArrived(away), ARRIVAL_TIMEOUT_MS);
        return;
      }
      if (!this.#current(away)) return;
    }
    away.returnChannel = undefined;
    away.stage = 'ringing';
    if (away.nextOffer) return this.#queueMove(away);
    if (port === undefined) logger.debug({ callId: away.callId, device: away.device }, 'no card port is free for the unanswered caller: the call rings on, ccbox looks again');
    away.timer = clock.setTimeout(() => this.#moveOnGuarded(away), FREE_PORT_RETRY_MS);
  }

  /** A card port with no call that no other caller is on the way to, reserved for `away`. */
  async #reserveCardPort(away: AwayCaller): Promise<string | undefined> {
    const { link, ports, channelInUse, logger } = this.options;
    for (const [channel, port] of ports.entries()) {
      if (this.#reserved(channel) || channelInUse(channel) || away.passedOver.has(channel)) continue;
      try {
        const snapshot = await link.snapshotDevice(port);
        if ((snapshot.crossRefIDorSnapshotData?.snapshotData?.length ?? 0) > 0) continue;
      } catch (error) {
        logger.warn({ port, err: error }, 'cannot see whether the card port is free');
        continue;
      }
      if (this.#reserved(channel) || channelInUse(channel)) continue;
      away.returnChannel = channel;
      return port;
    }
    return undefined;
  }

  async #deflect(away: AwayCaller, target: string): Promise<boolean> {
    away.movingTo = target;
    try {
      await this.options.link.deflectCall({ callID: away.cstaCallId, deviceID: away.device }, target);
      return true;
    } catch (error) {
      this.options.logger.warn({ callId: away.callId, device: away.device, target, err: error }, 'cannot deflect the ringing caller');
      return false;
    } finally {
      away.movingTo = undefined;
    }
  }

  #neverArrived(away: AwayCaller): void {
    if (!this.#current(away) || away.stage !== 'returning') return;
    if (away.arrived) return this.#giveUp(away, 'warn', `the caller taken in again on card port ${away.device} did not reach the queue node`);
    this.options.logger.warn({ callId: away.callId, device: away.device }, 'the card port did not answer the caller sent back to it: ccbox moves the call on');
    if (away.returnChannel !== undefined) away.passedOver.add(away.returnChannel);
    away.returnChannel = undefined;
    away.stage = 'ringing';
    this.#moveOnGuarded(away);
  }

  #giveUp(away: AwayCaller, level: 'info' | 'warn', why: string): void {
    this.#forget(away);
    this.options.logger[level]({ callId: away.callId, cstaCallId: away.cstaCallId, device: away.device }, why);
    if (!away.left) this.options.engine.abandon(away.callId);
  }

  #forget(away: AwayCaller): void {
    this.options.clock.clearTimeout(away.timer);
    away.timer = undefined;
    if (this.#current(away)) this.#away.delete(away.callId);
  }

  #current(away: AwayCaller): boolean {
    return this.#away.get(away.callId) === away;
  }

  #reserved(channel: number): boolean {
    for (const away of this.#away.values()) if (away.returnChannel === channel) return true;
    return false;
  }

  #returningOn(channel: number): AwayCaller | undefined {
    for (const away of this.#away.values()) if (away.stage === 'returning' && away.returnChannel === channel) return away;
    return undefined;
  }

  #byCstaCall(cstaCallId: string): AwayCaller | undefined {
    for (const away of this.#away.values()) if (away.cstaCallId === cstaCallId) return away;
    return undefined;
  }
}
