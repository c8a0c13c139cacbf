/**
 * Callbacks: when a callback's turn comes the ACD offers it to an agent; this places the call with
 * MakeCall from the agent's extension (the agent's phone first, then the customer), watches the
 * customer's leg and reports the outcome, which the ACD turns into done or a retry by rule.
 */
import { CALL_EVENT_NAMES, type CstaMessage } from '../../csta/messages.js';
import type { PbxLink } from '../../csta/pbx-link.js';
import type { Clock, TimerHandle } from '../../runtime/clock.js';
import type { Logger } from '../../runtime/logger.js';
import type { AcdEngine } from '../engine.js';
import type { CallbackOutcome, OfferEvent } from '../events.js';
import type { CallControl } from '../ports.js';
import { LinkAndEngineListeners } from './listeners.js';

export interface CallbackDialerOptions {
  engine: AcdEngine;
  link: PbxLink;
  calls: CallControl;
  clock: Clock;
  logger: Logger;
  /** How long the customer's phone may ring before the attempt counts as no answer. */
  customerRingMs?: number;
}

interface Attempt {
  readonly callId: string;
  readonly agentId: string;
  readonly device: string;
  cstaCallId: string | undefined;
  timer: TimerHandle | undefined;
  settled: boolean;
}

export class CallbackDialer {
  readonly #byCstaCall = new Map<string, Attempt>();
  readonly #byCall = new Map<string, Attempt>();
  readonly #listeners: LinkAndEngineListeners;

  constructor(private readonly options: CallbackDialerOptions) {
    this.#listeners = new LinkAndEngineListeners(options.link, options.engine);
  }

  start(): void {
    const { engine } = this.options;
    const { onLink, onEngine } = this.#listeners;
    onEngine('offer', (offer) => {
      if (offer.kind === 'callback' && offer.callbackNumber !== undefined) void this.#dial(offer, dialable(offer.callbackNumber, engine.config.dialing));
    });
    onEngine('retract', (retract) => this.#abandon(retract.callId));
    onEngine('connected', (info) => this.#agentAnswered(info.callId));
    onEngine('ended', (info) => {
      const attempt = this.#byCall.get(info.callId);
      if (attempt) this.#forget(attempt);
    });
    const onEvent = (event: CstaMessage) => this.#observe(event);
    for (const name of CALL_EVENT_NAMES) onLink(name, onEvent as never);
  }

  stop(): void {
    this.#listeners.detachAll();
    for (const attempt of this.#byCall.values()) this.options.clock.clearTimeout(attempt.timer);
  }

  async #dial(offer: OfferEvent, number: string): Promise<void> {
    const attempt: Attempt = { callId: offer.callId, agentId: offer.agentId, device: offer.device, cstaCallId: undefined, timer: undefined, settled: false };
    this.#byCall.set(offer.callId, attempt);
    try {
      attempt.cstaCallId = await this.options.calls.makeCall(offer.device, number);
      this.#byCstaCall.set(attempt.cstaCallId, attempt);
    } catch (error) {
      this.options.logger.warn({ callId: offer.callId, device: offer.device, number, err: error }, 'MakeCall for a callback failed');
      this.#forget(attempt);
      this.options.engine.offerFailed(offer.callId, offer.agentId);
    }
  }

  /** The agent's phone is connected: now the customer's phone rings, for customerRingMs at most. */
  #agentAnswered(callId: string): void {
    const attempt = this.#byCall.get(callId);
    if (!attempt) return;
    attempt.timer = this.options.clock.setTimeout(() => this.#settle(attempt, 'noAnswer'), this.options.customerRingMs ?? 30_000);
  }

  #observe(event: CstaMessage): void {
    const callID = callIdOf(event);
    const attempt = callID === undefined ? undefined : this.#byCstaCall.get(callID);
    if (!attempt || attempt.settled) return;
    switch (event.type) {
      case 'EstablishedEvent':
        if (event.establishedConnection.deviceID !== attempt.device) this.#settle(attempt, 'connected');
        break;
      case 'FailedEvent':
        this.#settle(attempt, event.cause === 'busy' ? 'busy' : 'failed');
        break;
      case 'ConnectionClearedEvent':
        if (event.droppedConnection.deviceID !== attempt.device) this.#settle(attempt, 'noAnswer');
        break;
      default:
    }
  }

  #settle(attempt: Attempt, outcome: CallbackOutcome): void {
    if (attempt.settled) return;
    attempt.settled = true;
    this.options.clock.clearTimeout(attempt.timer);
    const call = this.options.engine.call(attempt.callId);
    if (call?.phase !== 'connected') return this.#forget(attempt);
    this.options.engine.callbackResult(attempt.callId, outcome);
    if (outcome === 'connected') return;
    this.#forget(attempt);
    this.options.calls.hangup(attempt.device).catch((error: Error) => this.options.logger.warn({ callId: attempt.callId, err: error }, 'cannot clear a failed callback'));
  }

  /** The offer was withdrawn (the agent did not take it): the call placed for it is cleared. */
  #abandon(callId: string): void {
    const attempt = this.#byCall.get(callId);
    if (!attempt || attempt.settled) return;
    attempt.settled = true;
    this.options.clock.clearTimeout(attempt.timer);
    this.#forget(attempt);
    if (attempt.cstaCallId !== undefined) this.options.calls.hangup(attempt.device).catch(() => undefined);
  }

  #forget(attempt: Attempt): void {
    this.#byCall.delete(attempt.callId);
    if (attempt.cstaCallId !== undefined) this.#byCstaCall.delete(attempt.cstaCallId);
  }
}

function callIdOf(event: CstaMessage): string | undefined {
  switch (event.type) {
    case 'EstablishedEvent':
      return event.establishedConnection.callID;
    case 'FailedEvent':
      return event.failedConnection.callID;
    case 'ConnectionClearedEvent':
      return event.droppedConnection.callID;
    default:
      return undefined;
  }
}

/** The number as the PBX wants it dialled: outside numbers get the outside-line prefix. */
export function dialable(number: string, dialing: { outsidePrefix: string; internalMaxLength: number }): string {
  const digits = number.replace(/^\+/, '00');
  return digits.length > dialing.internalMaxLength ? `${dialing.outsidePrefix}${digits}` : digits;
}
