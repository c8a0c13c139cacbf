/**
 * Calls that wait on a voice-card channel (queue waitAt "card"): the IVR port holds the caller and
 * plays music and announcements. When the ACD offers the call, the port consults the agent's
 * phone (the caller is held by the PBX); the agent answering completes the transfer, no answer
 * takes the caller back to the music. A key that is the queue's exit key leaves the queue.
 */
import type { PbxLink } from '../../csta/pbx-link.js';
import type { ConnectionId } from '../../csta/schema.js';
import type { AcdPort, QueueHandoff, QueueOutcome, ReturningCall, WaitingCaller, WaitingPrompt } from '../../ivr/ports.js';
import type { Clock } from '../../runtime/clock.js';
import type { Logger } from '../../runtime/logger.js';
import type { AcdEngine } from '../engine.js';
import type { AcdEngineEvents } from '../events.js';
import { type IvrHandoffs, RETURN_TO_AGENT } from './ivr-handoffs.js';

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

/** What the port is doing for one waiting call. */
interface Waiting {
  readonly caller: WaitingCaller;
  readonly queue: string;
  done: boolean;
  /** The caller chose a callback: they hear the confirmation, then the port lets them go. */
  confirming: boolean;
  announcements: WaitingPrompt[][];
  /** The caller's connection at the port and the consultation to the offered agent. */
  ring: Promise<{ held: ConnectionId; consult: ConnectionId } | undefined> | undefined;
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

  constructor(private readonly options: CardQueueOptions) {
    const { engine } = options;
    const on = <K extends keyof AcdEngineEvents>(event: K, listener: (...args: AcdEngineEvents[K]) => void) => engine.on(event, listener as never);
    on('announce', (a) => this.#say(a.callId, announcement(a.position, a.expectedWaitSeconds)));
    on('periodic', (p) => this.#say(p.callId, [p.prompt]));
    on('offer', (offer) => {
      const waiting = this.#waiting.get(offer.callId);
      if (waiting) this.#ringAgent(waiting, offer.agentId, offer.device);
    });
    on('retract', (retract) => {
      const waiting = this.#waiting.get(retract.callId);
      if (waiting) this.#takeBack(waiting);
    });
    on('connected', (connected) => {
      const waiting = this.#waiting.get(connected.callId);
      if (waiting) void this.#complete(waiting);
    });
    on('left', (left) => {
      const waiting = this.#waiting.get(left.callId);
      if (!waiting) return;
      if (left.reason === 'abandoned') return this.#finish(waiting, { outcome: 'abandoned' });
      if (left.reason === 'callback') {
        waiting.announcements = [['callback-confirmed']];
        waiting.confirming = true;
        void waiting.caller.interrupt();
        return;
      }
      const action = left.action?.kind === 'queue' || left.action?.kind === 'callback' ? undefined : left.action;
      this.#finish(waiting, { outcome: 'overflow', detail: left.reason, ...(action ? { action } : {}) });
    });
  }

  returningCall(ring: { callerId?: string | undefined; dnis?: string | undefined }): ReturningCall | undefined {
    return this.options.handoffs?.returningCall(ring);
  }

  enqueue(caller: WaitingCaller, handoff: QueueHandoff): Promise<QueueOutcome> {
    const { engine } = this.options;
    return new Promise<QueueOutcome>((resolve) => {
      const waiting: Waiting = { caller, queue: handoff.queue, done: false, confirming: false, announcements: [], ring: undefined, resolve };
      this.#waiting.set(caller.callId, waiting);
      const { queue, priority, ...data } = handoff;
      const agent = handoff.variables[RETURN_TO_AGENT];
      if (agent !== undefined && engine.agents.get(agent)) {
        this.options.handoffs?.welcomeBack(agent);
        engine.enqueue(caller.callId, queue, data, { priority: Math.max(priority, 100), agent });
      } else {
        engine.enqueue(caller.callId, queue, data, { priority: handoff.vip ? Math.max(priority, 10) : priority });
      }
      if (!waiting.done) void this.#music(waiting);
    });
  }

  #finish(waiting: Waiting, outcome: QueueOutcome): void {
    if (waiting.done) return;
    waiting.done = true;
    this.#waiting.delete(waiting.caller.callId);
    void waiting.caller.interrupt();
    waiting.resolve(outcome);
  }

  #say(callId: string, prompts: WaitingPrompt[]): void {
    const waiting = this.#waiting.get(callId);
    if (!waiting || waiting.ring) return;
    waiting.announcements.push(prompts);
    void waiting.caller.interrupt();
  }

  /** Music on hold between announcements until the call leaves; keys may be the exit key. */
  async #music(waiting: Waiting): Promise<void> {
    const { engine, clock } = this.options;
    const music = engine.queue(waiting.queue)?.config.announce.musicOnHold ?? 'music-on-hold';
    while (!waiting.done) {
      if (waiting.ring) {
        await new Promise<void>((resolve) => clock.setTimeout(resolve, 500));
        continue;
      }
      const prompts = waiting.announcements.shift() ?? [music];
      const result = await waiting.caller.play(prompts).catch(() => ({ hungUp: waiting.caller.hungUp, played: false }) as { hungUp: boolean; played: boolean; key?: string });
      if (waiting.done) return;
      if (waiting.confirming && waiting.announcements.length === 0) return this.#finish(waiting, { outcome: 'callback' });
      if (result.hungUp) {
        engine.abandon(waiting.caller.callId);
        return this.#finish(waiting, { outcome: 'abandoned' });
      }
      if (result.key !== undefined) this.#key(waiting, result.key);
      else if (!result.played) await new Promise<void>((resolve) => clock.setTimeout(resolve, 1000));
    }
  }

  #key(waiting: Waiting, key: string): void {
    const { engine } = this.options;
    const callId = waiting.caller.callId;
    const call = engine.call(callId);
    const config = engine.queue(waiting.queue)?.config;
    if (key === config?.callbackKey && call?.data.callerId !== undefined && call.phase !== 'connected') engine.toCallback(callId, call.data.callerId);
    else engine.exitKey(callId, key);
  }

  #ringAgent(waiting: Waiting, agentId: string, device: string): void {
    const { link, ports, engine, logger } = this.options;
    const callId = waiting.caller.callId;
    void waiting.caller.interrupt();
    waiting.ring = (async () => {
      const port = ports[waiting.caller.channel];
      if (!port) throw new Error(`channel ${waiting.caller.channel} has no PBX port configured (cards.ports)`);
      const snapshot = await link.snapshotDevice(port);
      const callID = snapshot.crossRefIDorSnapshotData?.snapshotData?.[0]?.connectionIdentifier?.callID;
      if (!callID) throw new Error(`no call at port ${port}`);
      const held = { callID, deviceID: port };
      const response = await link.consultationCall(held, device);
      return { held, consult: response.initiatedCall };
    })().catch((error: Error) => {
      logger.warn({ callId, agent: agentId, device, err: error }, 'cannot ring the agent from the card port');
      waiting.ring = undefined;
      engine.offerFailed(callId, agentId);
      return undefined;
    });
  }

  #takeBack(waiting: Waiting): void {
    const ring = waiting.ring;
    if (!ring) return;
    waiting.ring = undefined;
    void ring.then(async (legs) => {
      if (!legs) return;
      // The caller is gone: only the consultation still rings at the agent.
      if (waiting.caller.hungUp) return void this.options.link.clearConnection(legs.consult).catch(() => undefined);
      await this.options.link.reconnectCall(legs.held, legs.consult).catch((error: Error) => this.options.logger.warn({ callId: waiting.caller.callId, err: error }, 'cannot take the caller back from the agent'));
    });
  }

  async #complete(waiting: Waiting): Promise<void> {
    const legs = await waiting.ring;
    const callId = waiting.caller.callId;
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
