/**
 * Routing points: a call that reaches one waits there (a queued connection) while the registered
 * router is asked (routeRequest) and answers with RouteSelect; after the routing point's timeout,
 * or at once when no router is registered, it takes the default route.
 */
import type { TimerHandle } from '../../../appliance/runtime/clock.js';
import { SwitchError } from './api.js';
import type { Parts } from './context.js';
import { defined } from './context.js';
import type { Call, Connection } from './core.js';
import type { RoutingPointPlan } from './dialplan.js';
import { divertConnection } from './lifecycle.js';
import { offer } from './offer.js';

interface Dialogue {
  readonly crossRefID: string;
  call: Call;
  readonly connection: Connection;
  readonly routingPoint: RoutingPointPlan;
  timer?: TimerHandle;
}

export class Routing {
  readonly #registered = new Set<string>();
  readonly #dialogues = new Map<string, Dialogue>();
  #lastCrossRef = 0;
  #parts!: Parts;

  attach(parts: Parts): void {
    this.#parts = parts;
    parts.core.onCallEnded((call) => {
      for (const dialogue of this.#dialogues.values()) if (dialogue.call === call) this.#close(dialogue, 'invalidCallID');
    });
    parts.core.onCallMerged((from, into) => {
      for (const dialogue of this.#dialogues.values()) if (dialogue.call === from) dialogue.call = into;
    });
  }

  setRegistered(device: string, registered: boolean): void {
    if (registered) this.#registered.add(device);
    else this.#registered.delete(device);
  }

  /** The call reaches the routing point: Queued there, then a RouteRequest or the default route. */
  arrive(call: Call, routingPoint: RoutingPointPlan): void {
    const { core } = this.#parts;
    const device = routingPoint.number;
    const connection: Connection = { device, shown: device, external: false, state: 'queued', cause: 'newCall' };
    call.connections.push(connection);
    core.report(call, (local) =>
      defined({
        type: 'QueuedEvent' as const,
        queuedConnection: { callID: call.id, deviceID: device },
        queue: device,
        callingDevice: call.callingDevice,
        calledDevice: call.calledDevice,
        lastRedirectionDevice: call.lastRedirectionDevice,
        localConnectionInfo: local,
        cause: 'newCall',
      }),
    );
    const dialogue: Dialogue = { crossRefID: String(++this.#lastCrossRef), call, connection, routingPoint };
    if (!this.#registered.has(device)) {
      this.#route(dialogue, routingPoint.defaultRoute, false);
      this.#end(dialogue, 'noRouter');
      return;
    }
    this.#dialogues.set(dialogue.crossRefID, dialogue);
    dialogue.timer = core.after(routingPoint.timeoutMs, () => {
      if (!this.#dialogues.has(dialogue.crossRefID)) return;
      this.#dialogues.delete(dialogue.crossRefID);
      this.#route(dialogue, routingPoint.defaultRoute, true);
      this.#end(dialogue, 'timeout');
    });
    core.emitter.emit('routeRequest', {
      routingDevice: device,
      routingCrossRefID: dialogue.crossRefID,
      callingDevice: call.callingDevice,
      routedCall: { callID: call.id, deviceID: device },
    });
  }

  /** RouteSelect from the router. */
  select(crossRefID: string, routeSelected: string): void {
    const dialogue = this.#open(crossRefID);
    const destination = this.#parts.core.directory.resolve(routeSelected);
    if (destination.kind === 'routingPoint' && destination.routingPoint.number === dialogue.routingPoint.number) {
      throw new SwitchError('operation', 'invalidDestination', 'a call cannot be routed to its own routing point');
    }
    this.#dialogues.delete(crossRefID);
    this.#parts.core.clock.clearTimeout(dialogue.timer);
    this.#route(dialogue, routeSelected, true);
    this.#end(dialogue);
  }

  /** RouteEnd from the router: it gives the call up, which takes the default route. */
  endByRouter(crossRefID: string): void {
    const dialogue = this.#open(crossRefID);
    this.#dialogues.delete(crossRefID);
    this.#parts.core.clock.clearTimeout(dialogue.timer);
    this.#route(dialogue, dialogue.routingPoint.defaultRoute, false);
  }

  #open(crossRefID: string): Dialogue {
    const dialogue = this.#dialogues.get(crossRefID);
    if (!dialogue) throw new SwitchError('operation', 'invalidCrossRefID', `no routing dialogue ${crossRefID}`);
    return dialogue;
  }

  #route(dialogue: Dialogue, route: string, reportUsed: boolean): void {
    const { core } = this.#parts;
    const { call, connection, routingPoint } = dialogue;
    if (reportUsed) {
      core.emitter.emit('routeUsed', { routingDevice: routingPoint.number, routingCrossRefID: dialogue.crossRefID, routeUsed: route, callingDevice: call.callingDevice });
    }
    divertConnection(this.#parts, call, connection, route, 'redirected');
    offer(this.#parts, call, core.directory.resolve(route), 'redirected');
  }

  #close(dialogue: Dialogue, errorValue: string): void {
    this.#dialogues.delete(dialogue.crossRefID);
    this.#parts.core.clock.clearTimeout(dialogue.timer);
    this.#end(dialogue, errorValue);
  }

  #end(dialogue: Dialogue, errorValue?: string): void {
    this.#parts.core.emitter.emit('routeEnd', {
      routingDevice: dialogue.routingPoint.number,
      routingCrossRefID: dialogue.crossRefID,
      ...(errorValue !== undefined ? { errorValue } : {}),
    });
  }
}
