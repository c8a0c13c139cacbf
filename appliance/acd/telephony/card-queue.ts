/**
 * Calls that wait on a voice-card channel (queue waitAt "card"): the IVR port holds the caller and
 * plays music and announcements. A key that is the queue's exit key leaves the queue. When the ACD
 * offers the call, the caller moves to the agent's phone the queue's way (cardHandoff, else the
 * PBX profile's queueHandoff):
 * - consultation: the port consults the agent's phone (the caller is held by the PBX); the agent
 *   answering completes the transfer, no answer takes the caller back to the music;
 * - singleStep (card-single-step.ts): SingleStepTransferCall to the agent's phone frees the channel;
 *   no answer deflects the caller back to a card port, where they wait on in their place.
 */
import type { PbxLink } from '../../csta/pbx-link.js';
import type { QueueHandoffMode } from '../../csta/profile.js';
import type { ConnectionId } from '../../csta/schema.js';
import type { AcdPort, QueueHandoff, QueueOutcome, ReturningCall, WaitingCaller, WaitingPrompt } from '../../ivr/ports.js';
import type { Clock } from '../../runtime/clock.js';
import type { Logger } from '../../runtime/logger.js';
import type { AcdEngine } from '../engine.js';
import type { LeftEvent } from '../events.js';
import { type BackOnCard, SingleStepHandover } from './card-single-step.js';
import { type IvrHandoffs, RETURN_TO_AGENT } from './ivr-handoffs.js';
import { LinkAndEngineListeners } from './listeners.js';

export interface CardQueueOptions {
  engine: AcdEngine;
  link: PbxLink;
  /** The PBX port (extension) of each card channel, by channel index. */
  ports: readonly string[];
  clock: Clock;
  logger: Logger;
  /** Callers the ACD sent to the IVR (survey, a flow that brings them back to their agent). */
  handoffs?: Pick<IvrHandoffs, 'returningCall' | 'welcomeBack'>;
}

interface ConsultationLegs {
  held: ConnectionId;
  consult: ConnectionId;
}

/** The port has no call any more: the caller left before the consultation could start. */
class CallerGone extends Error {}

/** What the port is doing for one waiting call. */
interface Waiting {
  /** The ACD call: the first IVR call's ID, kept when the caller comes back to a card port. */
  readonly callId: string;
  readonly caller: WaitingCaller;
  readonly queue: string;
  readonly callerId: string | undefined;
  readonly resume: ReturningCall;
  done: boolean;
  /** The caller chose a callback: they hear the confirmation, then the port lets them go. */
  confirming: boolean;
  announcements: WaitingPrompt[][];
  /** The caller's connection at the port and the consultation to the offered agent. */
  ring: Promise<ConsultationLegs | undefined> | undefined;
  /** The same, once the consultation is placed (for matching the PBX's clearing events). */
  legs: ConsultationLegs | undefined;
  /** The caller hung up while held for the consultation (seen by the PBX, or by the card). */
  callerGone: boolean;
  /** The agent answered: the transfer joins the caller, and the PBX clears the held call. */
  completing: boolean;
  /** The caller being taken back from an agent who did not answer; the next consultation waits for it. */
  takingBack: Promise<void> | undefined;
  /** A single-step transfer to the offered agent is under way. */
  transferring: boolean;
  resolve(outcome: QueueOutcome): void;
}

export function announcement(position: number, expectedWaitSeconds: number): WaitingPrompt[] {
  const ahead = position - 1;
  const parts: WaitingPrompt[] = ahead > 0 ? ['queue-ahead-before', { say: 'number', value: ahead }, 'queue-ahead-after'] : ['queue-next'];
  if (expectedWaitSeconds > 0) parts.push('queue-wait-before', { say: 'number', value: Math.round(expectedWaitSeconds / 60) }, 'queue-wait-after');
  return parts;
}

export class CardQueuePort implements AcdPort {
  readonly #waiting = new Map<string, Waiting>();
  readonly #singleStep: SingleStepHandover;
  readonly #listeners: LinkAndEngineListeners;

  constructor(private readonly options: CardQueueOptions) {
    const { engine, link, ports, clock, logger } = options;
    this.#singleStep = new SingleStepHandover({ engine, link, ports, clock, logger, channelInUse: (channel) => this.#channelInUse(channel) });
    this.#listeners = new LinkAndEngineListeners(link, engine);
  }

  /**
   * Follows the engine's decisions, and monitors the card ports (now and after every link up), so a
   * caller who hangs up while held for the consultation is seen at once: the card channel itself
   * stays on the consultation leg.
   */
  start(): void {
    const { link, ports, logger } = this.options;
    const { onLink, onEngine } = this.#listeners;
    onEngine('announce', (a) => this.#say(a.callId, announcement(a.position, a.expectedWaitSeconds)));
    onEngine('periodic', (p) => this.#say(p.callId, [p.prompt]));
    onEngine('offer', (offer) => {
      if (this.#singleStep.has(offer.callId)) return this.#singleStep.offer(offer);
      const waiting = this.#waiting.get(offer.callId);
      if (waiting) this.#ringAgent(waiting, offer.agentId, offer.device);
    });
    onEngine('retract', (retract) => {
      if (this.#singleStep.has(retract.callId)) return this.#singleStep.retract(retract);
      const waiting = this.#waiting.get(retract.callId);
      if (waiting) this.#takeBack(waiting);
    });
    onEngine('connected', (connected) => {
      if (this.#singleStep.has(connected.callId)) return this.#singleStep.connected(connected.callId);
      const waiting = this.#waiting.get(connected.callId);
      if (waiting) void this.#complete(waiting);
    });
    onEngine('left', (left) => {
      if (this.#singleStep.has(left.callId)) return this.#singleStep.left(left);
      const waiting = this.#waiting.get(left.callId);
      if (waiting) this.#left(waiting, left);
    });
    const monitorPorts = () => {
      for (const port of ports) link.monitor(port).catch((error: Error) => logger.warn({ port, err: error.message }, 'cannot monitor the card port: a caller hanging up while held is seen only by the card'));
    };
    onLink('linkUp', monitorPorts);
    onLink('ConnectionClearedEvent', (event) => this.#cleared(event.droppedConnection.callID, event.droppedConnection.deviceID));
    onLink('CallClearedEvent', (event) => this.#cleared(event.clearedCall.callID, undefined));
    this.#singleStep.start();
    if (link.isUp) monitorPorts();
  }

  stop(): void {
    this.#listeners.detachAll();
    this.#singleStep.stop();
  }

  returningCall(ring: { callerId?: string | undefined; dnis?: string | undefined; channel: number }): ReturningCall | undefined {
    return this.#singleStep.arriving(ring) ?? this.options.handoffs?.returningCall(ring);
  }

  enqueue(caller: WaitingCaller, handoff: QueueHandoff): Promise<QueueOutcome> {
    const { engine } = this.options;
    const back = this.#singleStep.claim(caller.channel);
    return new Promise<QueueOutcome>((resolve) => {
      const callId = back?.callId ?? caller.callId;
      const waiting: Waiting = {
        callId, caller, queue: engine.call(callId)?.queue ?? handoff.queue, callerId: handoff.callerId,
        resume: { flow: caller.flow, node: caller.node, variables: { ...handoff.variables, acdCallId: callId }, language: handoff.language, resumesQueue: true },
        done: false, confirming: false, announcements: [], ring: undefined, legs: undefined, callerGone: false, completing: false, takingBack: undefined, transferring: false, resolve,
      };
      this.#waiting.set(callId, waiting);
      if (back) this.#welcomeBack(waiting, back);
      else this.#join(waiting, handoff);
      if (!waiting.done) {
        this.#music(waiting).catch((error: Error) => {
          this.options.logger.error({ callId: waiting.callId, err: error }, 'the waiting caller’s music stopped on an error: the caller leaves the queue');
          if (this.options.engine.call(waiting.callId)) this.options.engine.abandon(waiting.callId);
          this.#finish(waiting, { outcome: 'failed', detail: error.message });
        });
      }
    });
  }

  #join(waiting: Waiting, handoff: QueueHandoff): void {
    const { engine } = this.options;
    const { queue, priority, ...data } = handoff;
    const agent = handoff.variables[RETURN_TO_AGENT];
    if (agent !== undefined && engine.agents.get(agent)) {
      this.options.handoffs?.welcomeBack(agent);
      engine.enqueue(waiting.callId, queue, data, { priority: Math.max(priority, 100), agent });
    } else {
      engine.enqueue(waiting.callId, queue, data, { priority: handoff.vip ? Math.max(priority, 10) : priority });
    }
  }

  /** A caller the single-step transfer had taken to an agent is on a card channel again, in the place the ACD kept. */
  #welcomeBack(waiting: Waiting, back: BackOnCard): void {
    if (back.left) return this.#left(waiting, back.left);
    if (!this.options.engine.call(waiting.callId)) return this.#finish(waiting, { outcome: 'failed', detail: 'the ACD no longer knows the call' });
    if (back.nextOffer) this.#ringAgent(waiting, back.nextOffer.agentId, back.nextOffer.device);
  }

  #left(waiting: Waiting, left: LeftEvent): void {
    if (left.reason === 'abandoned') return this.#finish(waiting, { outcome: 'abandoned' });
    if (left.reason === 'callback') {
      waiting.announcements = [['callback-confirmed']];
      waiting.confirming = true;
      void waiting.caller.interrupt();
      return;
    }
    const action = left.action?.kind === 'queue' || left.action?.kind === 'callback' ? undefined : left.action;
    this.#finish(waiting, { outcome: 'overflow', detail: left.reason, ...(action ? { action } : {}) });
  }

  #finish(waiting: Waiting, outcome: QueueOutcome): void {
    if (waiting.done) return;
    waiting.done = true;
    if (this.#waiting.get(waiting.callId) === waiting) this.#waiting.delete(waiting.callId);
    void waiting.caller.interrupt();
    waiting.resolve(outcome);
  }

  #channelInUse(channel: number): boolean {
    for (const waiting of this.#waiting.values()) if (waiting.caller.channel === channel) return true;
    return false;
  }

  #handingOver(waiting: Waiting): boolean {
    return waiting.ring !== undefined || waiting.transferring;
  }

  #say(callId: string, prompts: WaitingPrompt[]): void {
    const waiting = this.#waiting.get(callId);
    if (!waiting || this.#handingOver(waiting)) return;
    waiting.announcements.push(prompts);
    void waiting.caller.interrupt();
  }

  /** Music on hold between announcements until the call leaves; keys may be the exit key. */
  async #music(waiting: Waiting): Promise<void> {
    const { engine, clock } = this.options;
    const music = engine.queue(waiting.queue)?.config.announce.musicOnHold ?? 'music-on-hold';
    while (!waiting.done) {
      if (this.#handingOver(waiting)) {
        if (waiting.ring !== undefined && waiting.caller.hungUp) this.#callerGone(waiting);
        else await new Promise<void>((resolve) => clock.setTimeout(resolve, 500));
        continue;
      }
      const prompts = waiting.announcements.shift() ?? [music];
      const result = await waiting.caller.play(prompts).catch(() => ({ hungUp: waiting.caller.hungUp, played: false }) as { hungUp: boolean; played: boolean; key?: string });
      if (waiting.done) return;
      if (waiting.confirming && waiting.announcements.length === 0) return this.#finish(waiting, { outcome: 'callback' });
      // The port's line drops as the single-step transfer succeeds: that is no hang-up.
      if (waiting.transferring) continue;
      if (result.hungUp) {
        engine.abandon(waiting.callId);
        return this.#finish(waiting, { outcome: 'abandoned' });
      }
      if (result.key !== undefined) this.#key(waiting, result.key);
      else if (!result.played) await new Promise<void>((resolve) => clock.setTimeout(resolve, 1000));
    }
  }

  #key(waiting: Waiting, key: string): void {
    const { engine } = this.options;
    const callId = waiting.callId;
    const call = engine.call(callId);
    const config = engine.queue(waiting.queue)?.config;
    if (key === config?.callbackKey && call?.data.callerId !== undefined && call.phase !== 'connected') engine.toCallback(callId, call.data.callerId);
    else engine.exitKey(callId, key);
  }

  #handoffOf(waiting: Waiting): QueueHandoffMode {
    return this.options.engine.queue(waiting.queue)?.config.cardHandoff ?? this.options.link.profile.queueHandoff;
  }

  #ringAgent(waiting: Waiting, agentId: string, device: string): void {
    if (this.#handoffOf(waiting) === 'singleStep') return this.#transfer(waiting, agentId, device);
    const { link, ports, engine, logger } = this.options;
    const callId = waiting.callId;
    void waiting.caller.interrupt();
    waiting.ring = (async () => {
      // A take-back from the last agent first, or the snapshot below could find the consultation, not the caller.
      await waiting.takingBack;
      const port = ports[waiting.caller.channel];
      if (!port) throw new Error(`channel ${waiting.caller.channel} has no PBX port configured (cards.ports)`);
      const snapshot = await link.snapshotDevice(port);
      const callID = snapshot.crossRefIDorSnapshotData?.snapshotData?.[0]?.connectionIdentifier?.callID;
      if (!callID) throw new CallerGone(`no call at port ${port}`);
      const held = { callID, deviceID: port };
      const response = await link.consultationCall(held, device);
      waiting.legs = { held, consult: response.initiatedCall };
      return waiting.legs;
    })().catch((error: Error) => {
      waiting.ring = undefined;
      if (error instanceof CallerGone || waiting.caller.hungUp || waiting.callerGone) {
        logger.info({ callId, port: ports[waiting.caller.channel] }, 'the caller left the card port before the agent rang');
        this.#callerGone(waiting);
        return undefined;
      }
      logger.warn({ callId, agent: agentId, device, err: error }, 'cannot ring the agent from the card port');
      engine.offerFailed(callId, agentId);
      return undefined;
    });
  }

  /** A CSTA clearing at a card port: the held caller of a consultation hung up. */
  #cleared(callID: string, droppedDevice: string | undefined): void {
    for (const waiting of this.#waiting.values()) {
      const legs = waiting.legs;
      if (!legs || waiting.completing || legs.held.callID !== callID || droppedDevice === legs.held.deviceID) continue;
      this.#callerGone(waiting);
    }
  }

  /** The caller is gone while an agent was being rung: the queue call ends, the agent's phone stops ringing. */
  #callerGone(waiting: Waiting): void {
    if (waiting.done || waiting.callerGone) return;
    waiting.callerGone = true;
    if (this.options.engine.call(waiting.callId)) this.options.engine.abandon(waiting.callId);
    this.#finish(waiting, { outcome: 'abandoned' });
  }

  /** Single step: the caller leaves the card for the agent's phone; the IVR call ends as transferred. */
  #transfer(waiting: Waiting, agentId: string, device: string): void {
    waiting.transferring = true;
    void waiting.caller.interrupt();
    const caller = { callId: waiting.callId, channel: waiting.caller.channel, callerId: waiting.callerId, resume: waiting.resume };
    void this.#singleStep.transfer(caller, agentId, device).then((result) => {
      waiting.transferring = false;
      if (waiting.done) return;
      if (result.moved) return this.#finish(waiting, { outcome: 'transferred' });
      if (result.left) return this.#left(waiting, result.left);
      this.options.engine.offerFailed(waiting.callId, agentId);
      // An offer the ACD made while the transfer was under way (the first one taken back meanwhile).
      if (result.nextOffer && !waiting.done && !this.#handingOver(waiting)) this.#ringAgent(waiting, result.nextOffer.agentId, result.nextOffer.device);
    }).catch((error: Error) => this.options.logger.error({ callId: waiting.callId, err: error }, 'the single-step transfer to the agent failed on an error'));
  }

  #takeBack(waiting: Waiting): void {
    const ring = waiting.ring;
    if (!ring) return;
    waiting.ring = undefined;
    const takingBack: Promise<void> = ring.then(async (legs) => {
      if (!legs) return;
      // The caller is gone: only the consultation still rings at the agent.
      if (waiting.caller.hungUp || waiting.callerGone) return void this.options.link.clearConnection(legs.consult).catch(() => undefined);
      const { link, logger } = this.options;
      const flashBack = (why: string) => {
        logger.warn({ callId: waiting.callId, why }, 'taking the caller back with a hook flash on the card port');
        return waiting.caller.flashBack().catch((error: Error) => logger.error({ callId: waiting.callId, err: error }, 'cannot take the caller back from the agent: the caller stays held at the PBX'));
      };
      if (!link.isUp) return flashBack('the CSTA link is down');
      await link.reconnectCall(legs.held, legs.consult).catch(async (error: Error) => {
        // The consultation may be gone already (the agent's side cleared): take the held caller back alone.
        logger.info({ callId: waiting.callId, err: error.message }, 'ReconnectCall refused; retrieving the held caller');
        await link.retrieveCall(legs.held).catch((retrieveError: Error) => flashBack(`RetrieveCall refused too: ${retrieveError.message}`));
      });
    }).finally(() => {
      if (waiting.takingBack === takingBack) waiting.takingBack = undefined;
    });
    waiting.takingBack = takingBack;
  }

  async #complete(waiting: Waiting): Promise<void> {
    waiting.completing = true;
    const legs = await waiting.ring;
    const callId = waiting.callId;
    try {
      if (!legs) throw new Error('the consultation to the agent is gone');
      await this.options.link.transferCall(legs.held, legs.consult);
      this.#finish(waiting, { outcome: 'transferred' });
    } catch (error) {
      this.options.logger.warn({ callId, err: error }, 'the transfer to the agent failed');
      this.options.engine.callEnded(callId);
      this.#finish(waiting, { outcome: 'failed', detail: (error as Error).message });
    }
  }
}
