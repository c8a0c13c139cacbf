/**
 * Calls that wait at a CSTA routing point (queue waitAt "routingPoint", pbxDevice = its number): the
 * PBX holds the caller and plays its own announcements, ccbox is the registered router. A
 * RouteRequest puts the call in the queue; the ACD's offer becomes a RouteSelect to the agent's
 * phone. An offer nobody answers is deflected back to the routing point, whose new RouteRequest
 * (same CSTA call) finds the same ACD call, which keeps its place. A RouteEnd from the switch for a
 * waiting call (the caller hung up, or the switch's timeout took its default route) abandons it.
 */
import type { ConnectionTracker } from '../../csta/connection-tracker.js';
import { normalizeDeviceId } from '../../csta/device-id.js';
import type { MessageOf } from '../../csta/messages.js';
import type { PbxLink } from '../../csta/pbx-link.js';
import type { Logger } from '../../runtime/logger.js';
import type { OverflowAction } from '../config.js';
import type { AcdEngine } from '../engine.js';
import type { LeftEvent, OfferEvent, RetractEvent } from '../events.js';
import { LinkAndEngineListeners } from './listeners.js';
import { abandonOnLinkLoss, enqueueFromPbx, pbxDevicesOf, queueWaitingAt } from './pbx-waiting.js';

export interface RoutingPointQueuesOptions {
  engine: AcdEngine;
  link: PbxLink;
  /** The agents' phones' connections (AgentPhones.tracker): where an unanswered offer rings. */
  tracker: ConnectionTracker;
  logger: Logger;
}

interface Registration {
  /** undefined while the RouteRegister is under way. */
  reqId: string | undefined;
}

/** One RouteRequest → RouteSelect / RouteEnd exchange. */
interface Dialogue {
  readonly crossRefID: string;
  readonly registration: string | undefined;
}

interface AgentRing {
  readonly agentId: string;
  readonly device: string;
}

/** One CSTA call (its callID is the ACD call's ID) that ccbox routes. */
interface RoutedCall {
  readonly callId: string;
  /** The routing point the call came from and is sent back to. */
  readonly routingDevice: string;
  /** The open routing dialogue while the call waits at the routing point. */
  dialogue: Dialogue | undefined;
  /** Where the call was routed and rings until answered or deflected back. */
  ringing: AgentRing | undefined;
  /** An offer made while the call was on its way back to the routing point. */
  pendingOffer: AgentRing | undefined;
  /** ccbox gave the call up (overflow): its next RouteRequest goes to this number, or the switch's default route. */
  leavingTo: { number: string | undefined } | undefined;
}

export class RoutingPointQueues {
  readonly #calls = new Map<string, RoutedCall>();
  /** routing device → ccbox's registration on the current session. */
  readonly #registrations = new Map<string, Registration>();
  readonly #listeners: LinkAndEngineListeners;
  /** RouteSelects to agents not yet confirmed by RouteUsed, by invoke ID: a CSTA error with that ID refuses one. */
  readonly #selects = new Map<number, { callId: string; agentId: string; crossRefID: string }>();

  constructor(private readonly options: RoutingPointQueuesOptions) {
    this.#listeners = new LinkAndEngineListeners(options.link, options.engine);
  }

  start(): void {
    const { onLink, onEngine } = this.#listeners;
    onLink('linkUp', () => {
      this.#registrations.clear();
      this.syncRegistrations();
    });
    onLink('linkDown', () => this.#linkLost());
    onLink('RouteRequest', (request) => this.#routeRequest(request));
    onLink('RouteUsed', (used) => this.#forgetSelects(used.routingCrossRefID));
    onLink('RouteEnd', (end) => this.#routeEnd(end));
    onLink('serviceError', (error) => this.#serviceError(error));
    onLink('ConnectionClearedEvent', (event) => this.#cleared(event));
    onEngine('offer', (offer) => this.#offer(offer));
    onEngine('retract', (retract) => this.#retract(retract));
    onEngine('connected', (connected) => this.#calls.delete(connected.callId));
    onEngine('left', (left) => this.#left(left));
    if (this.options.link.isUp) this.syncRegistrations();
  }

  stop(): void {
    this.#listeners.detachAll();
    for (const [device, registration] of this.#registrations) this.#cancelRegistration(device, registration);
    this.#registrations.clear();
  }

  /** Registers as router for every routing-point queue, and cancels registrations no queue needs (after a configuration change). */
  syncRegistrations(): void {
    const { link, logger } = this.options;
    if (!link.isUp) return;
    const wanted = new Set(pbxDevicesOf(this.options.engine, 'routingPoint'));
    for (const [device, registration] of this.#registrations) {
      if (wanted.has(device)) continue;
      this.#registrations.delete(device);
      this.#cancelRegistration(device, registration);
    }
    for (const device of wanted) {
      if (this.#registrations.has(device)) continue;
      const registration: Registration = { reqId: undefined };
      this.#registrations.set(device, registration);
      link.routeRegister(device).then(
        (response) => {
          registration.reqId = response.routeRegisterReqID;
          if (this.#registrations.get(device) !== registration) return this.#cancelRegistration(device, registration);
          logger.info({ routingDevice: device, reqId: registration.reqId }, 'registered as router of the routing point');
        },
        (error: Error) => {
          if (this.#registrations.get(device) === registration) this.#registrations.delete(device);
          logger.error({ routingDevice: device, err: error }, 'cannot register as router: calls there take the switch’s default route');
        },
      );
    }
  }

  /** A registration still under way is cancelled when its answer comes. */
  #cancelRegistration(device: string, { reqId }: Registration): void {
    if (reqId === undefined || !this.options.link.isUp) return;
    this.options.link.routeRegisterCancel(reqId).catch((error: Error) => this.options.logger.warn({ routingDevice: device, reqId, err: error }, 'cannot cancel the router registration'));
  }

  // ---- from the switch ----

  #routeRequest(request: MessageOf<'RouteRequest'>): void {
    const { engine, logger } = this.options;
    const device = normalizeDeviceId(request.currentRoute ?? '');
    const callId = request.routedCall?.callID;
    const dialogue: Dialogue = { crossRefID: request.routingCrossRefID, registration: request.routeRegisterReqID };
    const queue = queueWaitingAt(engine, 'routingPoint', device);
    if (!callId || !queue) {
      logger.warn({ routingDevice: device, routingCrossRefID: request.routingCrossRefID, callId }, 'route request ccbox cannot serve (no call ID, or no queue waits at that routing point): left to the switch');
      return this.#endDialogue(dialogue);
    }
    const known = this.#calls.get(callId);
    if (known) return this.#returned(known, dialogue);
    const call: RoutedCall = { callId, routingDevice: device, dialogue, ringing: undefined, pendingOffer: undefined, leavingTo: undefined };
    this.#calls.set(callId, call);
    try {
      // The offer (and a refusal's 'left') may arrive before enqueue returns.
      enqueueFromPbx(engine, callId, queue, request.callingDevice);
    } catch (error) {
      logger.warn({ callId, queue, err: error }, 'the ACD refused the call from the routing point: left to the switch');
      this.#calls.delete(callId);
      this.#endDialogue(dialogue);
    }
  }

  /** The call is back at the routing point (deflected after no answer, or sent there again). */
  #returned(call: RoutedCall, dialogue: Dialogue): void {
    call.dialogue = dialogue;
    if (call.leavingTo) {
      this.#calls.delete(call.callId);
      return this.#giveUp(call, call.leavingTo.number);
    }
    const ringing = call.ringing;
    if (ringing) {
      // It left the agent's phone without ccbox (the phone forwarded it): that offer cannot be answered.
      call.ringing = undefined;
      this.options.engine.offerFailed(call.callId, ringing.agentId);
    }
    const offer = call.pendingOffer;
    call.pendingOffer = undefined;
    if (offer) this.#select(call, offer);
  }

  #routeEnd(end: MessageOf<'RouteEnd'>): void {
    const call = this.#byCrossRef(end.routingCrossRefID);
    this.#forgetSelects(end.routingCrossRefID);
    if (!call) return;
    call.dialogue = undefined;
    if (call.ringing && end.errorValue === undefined) return;
    this.#calls.delete(call.callId);
    if (end.errorValue === 'timeout') this.options.logger.info({ callId: call.callId, routingDevice: call.routingDevice }, 'the routing point timed out: the switch took its default route');
    else this.options.logger.info({ callId: call.callId, routingDevice: call.routingDevice, errorValue: end.errorValue }, 'the switch ended the routing dialogue of a waiting call');
    this.options.engine.abandon(call.callId);
  }

  #serviceError(error: { group: string; value: string; invokeId: number | undefined }): void {
    const { engine, logger } = this.options;
    const select = error.invokeId !== undefined ? this.#selects.get(error.invokeId) : undefined;
    if (!select) return;
    this.#selects.delete(error.invokeId as number);
    const call = this.#calls.get(select.callId);
    if (!call || call.ringing?.agentId !== select.agentId) {
      logger.info({ ...error, callId: select.callId, agent: select.agentId }, 'the switch refused a RouteSelect the call has moved on from');
      return;
    }
    logger.warn({ ...error, callId: select.callId, agent: select.agentId }, 'the switch refused the RouteSelect: the call goes to the next agent');
    call.ringing = undefined;
    engine.offerFailed(select.callId, select.agentId);
  }

  /** A call ringing at an agent was cleared: the caller hung up (or the phone refused it). */
  #cleared(event: MessageOf<'ConnectionClearedEvent'>): void {
    const call = this.#calls.get(event.droppedConnection.callID);
    if (!call?.ringing) return;
    this.#calls.delete(call.callId);
    this.options.logger.info({ callId: call.callId, agent: call.ringing.agentId, released: event.droppedConnection.deviceID }, 'the routed call was cleared while it rang');
    this.options.engine.abandon(call.callId);
  }

  #linkLost(): void {
    this.#registrations.clear();
    this.#selects.clear();
    abandonOnLinkLoss(this.#calls, this.options.engine, this.options.logger, 'the CSTA link dropped: calls at the routing points are left to the switch’s default route');
  }

  // ---- from the ACD ----

  #offer(offer: OfferEvent): void {
    const call = this.#calls.get(offer.callId);
    if (!call) return;
    const agent = { agentId: offer.agentId, device: offer.device };
    if (call.ringing || call.pendingOffer) {
      this.options.logger.warn({ callId: call.callId, agent: offer.agentId }, 'a routing point routes a call to one agent at a time (strategy ringAll?): offer refused');
      this.options.engine.offerFailed(call.callId, offer.agentId);
      return;
    }
    if (call.dialogue) this.#select(call, agent);
    else call.pendingOffer = agent;
  }

  #retract(retract: RetractEvent): void {
    const call = this.#calls.get(retract.callId);
    if (!call) return;
    if (call.pendingOffer?.agentId === retract.agentId) call.pendingOffer = undefined;
    if (call.ringing?.agentId !== retract.agentId) return;
    if (retract.reason === 'noAnswer' || retract.reason === 'agentLeft') {
      call.ringing = undefined;
      this.#deflect(call, retract.device, call.routingDevice);
    } else if (retract.reason === 'failed') {
      call.ringing = undefined;
    }
    // abandoned, overflow, exitKey: 'left' follows; linkDown: the link handler gives the call up.
  }

  #left(left: LeftEvent): void {
    const call = this.#calls.get(left.callId);
    if (!call) return;
    if (left.reason === 'abandoned') {
      this.#calls.delete(call.callId);
      return;
    }
    const number = numberOf(left.action);
    if (left.action && number === undefined) {
      this.options.logger.info({ callId: call.callId, reason: left.reason, action: left.action.kind }, 'a routing point cannot take this overflow action: the switch’s default route takes the call');
    }
    if (call.dialogue) {
      this.#calls.delete(call.callId);
      return this.#giveUp(call, number);
    }
    const ringing = call.ringing;
    call.ringing = undefined;
    call.pendingOffer = undefined;
    if (ringing && number !== undefined) {
      this.#calls.delete(call.callId);
      return this.#deflect(call, ringing.device, number);
    }
    // Back at the routing point, its next RouteRequest is answered with the way out.
    call.leavingTo = { number };
    if (ringing) this.#deflect(call, ringing.device, call.routingDevice);
  }

  // ---- to the switch ----

  #select(call: RoutedCall, agent: AgentRing): void {
    const { link, engine, logger } = this.options;
    const dialogue = call.dialogue as Dialogue;
    call.ringing = agent;
    try {
      const invokeId = link.routeSelect({ ...dialogueArgs(dialogue), routeSelected: agent.device, routeUsedReq: true });
      this.#forgetSelects(dialogue.crossRefID);
      this.#selects.set(invokeId, { callId: call.callId, agentId: agent.agentId, crossRefID: dialogue.crossRefID });
    } catch (error) {
      logger.warn({ callId: call.callId, agent: agent.agentId, err: error }, 'cannot send the RouteSelect');
      call.ringing = undefined;
      engine.offerFailed(call.callId, agent.agentId);
    }
  }

  /** Ends the routing dialogue: to `number`, or (none) to the routing point's default route. */
  #giveUp(call: RoutedCall, number: string | undefined): void {
    const dialogue = call.dialogue;
    if (!dialogue) return;
    call.dialogue = undefined;
    if (number === undefined) return this.#endDialogue(dialogue);
    try {
      this.options.link.routeSelect({ ...dialogueArgs(dialogue), routeSelected: number });
    } catch (error) {
      this.options.logger.warn({ callId: call.callId, number, err: error }, 'cannot route the call to its overflow number');
    }
  }

  #endDialogue(dialogue: Dialogue): void {
    try {
      this.options.link.routeEnd(dialogueArgs(dialogue));
    } catch (error) {
      this.options.logger.warn({ routingCrossRefID: dialogue.crossRefID, err: error }, 'cannot send the RouteEnd');
    }
  }

  /** Moves the call ringing at `device` on to `target` (the routing point asks ccbox again). */
  #deflect(call: RoutedCall, device: string, target: string): void {
    const { link, tracker, engine, logger } = this.options;
    const alerting = tracker.calls(device).some(([callID, state]) => callID === call.callId && state === 'alerting');
    const giveUp = (why: string, error?: unknown) => {
      logger.warn({ callId: call.callId, device, target, err: error }, why);
      if (this.#calls.get(call.callId) !== call) return;
      this.#calls.delete(call.callId);
      engine.abandon(call.callId);
    };
    if (!alerting) return giveUp('the routed call no longer rings at the agent: ccbox lets it go');
    link.deflectCall({ callID: call.callId, deviceID: device }, target).catch((error: unknown) => giveUp('cannot deflect the unanswered call back: ccbox lets it go', error));
  }

  /** The switch used (or ended) the dialogue's route: no error can refuse its RouteSelect any more. */
  #forgetSelects(crossRefID: string): void {
    for (const [invokeId, select] of this.#selects) if (select.crossRefID === crossRefID) this.#selects.delete(invokeId);
  }

  #byCrossRef(crossRefID: string): RoutedCall | undefined {
    for (const call of this.#calls.values()) if (call.dialogue?.crossRefID === crossRefID) return call;
    return undefined;
  }
}

/** The number an overflow action sends the caller to, if it is one a routing point can route to. */
function numberOf(action: OverflowAction | undefined): string | undefined {
  return action?.kind === 'number' ? action.target : undefined;
}

function dialogueArgs(dialogue: Dialogue): { routeRegisterReqID?: string; routingCrossRefID: string } {
  return { ...(dialogue.registration !== undefined ? { routeRegisterReqID: dialogue.registration } : {}), routingCrossRefID: dialogue.crossRefID };
}
