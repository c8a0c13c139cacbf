/**
 * The simulated switch's CSTA server side: listens on TCP and serial URLs, serves several clients at
 * once (one CstaWire each), and carries the model's events to every monitor and router.
 */
import { EVENT_INVOKE_ID } from '../../../appliance/csta/framing.js';
import type { MonitorEvent } from '../../../appliance/csta/messages.js';
import { type Clock, systemClock } from '../../../appliance/runtime/clock.js';
import { type Logger, silentLogger } from '../../../appliance/runtime/logger.js';
import { type ListenStreamOptions, type StreamListener, listenStream } from '../../../appliance/transport/listen.js';
import type { ByteStream } from '../../../appliance/transport/stream.js';
import type { DeviceEvent, RouteRequestInfo, SwitchModel, SwitchModelEvents } from '../model/api.js';
import type { SwitchProfile } from './client-session.js';
import { type ClientContext, type ClientInfo, SwitchClient } from './client.js';
import type { SwitchCredentials } from './credentials.js';
import { DEFAULT_SEGMENT_SIZE } from './device-list.js';
import { MonitorTable } from './monitors.js';
import { RouteRegistry } from './routing.js';
import { listening } from '../listening.js';

export interface SwitchServerOptions {
  model: SwitchModel;
  /** e.g. ['tcp://127.0.0.1:8800', 'serial:/dev/ttyS0?baud=9600']; tcp://host:0 picks a free port. */
  listen: string[];
  profile: SwitchProfile;
  clock?: Clock;
  logger?: Logger;
  /** When set, ECMA-354 clients must log in with these in applicationSpecificInfo. */
  credentials?: SwitchCredentials;
  /** Devices per SwitchingFunctionDevices segment. Default 50. */
  segmentSize?: number;
  /** Passed to listenStream (e.g. a mock serial binding in tests). */
  listenOptions?: Omit<ListenStreamOptions, 'clock'>;
}

export interface SwitchServer {
  /** The URLs actually served (a tcp://host:0 request comes back with its port). */
  readonly addresses: string[];
  clients(): ClientInfo[];
  /** Serves a stream connected some other way (an in-process pipe, a line opened elsewhere). */
  accept(stream: ByteStream): void;
  /** Stops listening, closes every client and lets go of the model. Idempotent. */
  close(): Promise<void>;
}

type Deliver = () => void;
type ServedEvent = 'deviceEvent' | 'routeRequest' | 'routeUsed' | 'routeEnd';
const SERVED_EVENTS: readonly ServedEvent[] = ['deviceEvent', 'routeRequest', 'routeUsed', 'routeEnd'];

class SwitchServerImpl implements SwitchServer {
  readonly addresses: string[] = [];
  readonly #options: SwitchServerOptions;
  readonly #clock: Clock;
  readonly #log: Logger;
  readonly #clients = new Set<SwitchClient>();
  readonly #listeners: StreamListener[] = [];
  readonly #monitors = new MonitorTable<SwitchClient>();
  readonly #routes = new RouteRegistry<SwitchClient>();
  readonly #context: ClientContext;
  readonly #routed = new Map<string, boolean>();
  #lastClientId = 0;
  #lastCrossRef = 0;
  /** Model events raised while a request runs, sent after its response. */
  #held: Deliver[] | undefined;
  #closing: Promise<void> | undefined;
  readonly #modelListeners: { [K in ServedEvent]: (...args: SwitchModelEvents[K]) => void };

  constructor(options: SwitchServerOptions) {
    this.#options = options;
    this.#clock = options.clock ?? systemClock;
    this.#log = (options.logger ?? silentLogger()).child({ module: 'sim.switch.server' });
    this.#context = {
      model: options.model,
      monitors: this.#monitors,
      routes: this.#routes,
      segmentSize: options.segmentSize ?? DEFAULT_SEGMENT_SIZE,
      holdEvents: (work) => this.#holdEvents(work),
      routersChanged: () => this.#syncRouters(),
      newCrossRefId: () => String(++this.#lastCrossRef),
      clientClosed: (client) => this.#clients.delete(client),
    };
    this.#modelListeners = {
      deviceEvent: (device, event) => this.#deliver(() => this.#toMonitors(device, event)),
      routeRequest: (info) => this.#deliver(() => this.#routeRequest(info)),
      routeUsed: (info) =>
        this.#deliver(() =>
          this.#toRouter(info.routingCrossRefID, (reqId) => ({ type: 'RouteUsed', routeRegisterReqID: reqId, routingCrossRefID: info.routingCrossRefID, routeUsed: info.routeUsed, callingDevice: info.callingDevice })),
        ),
      routeEnd: (info) =>
        this.#deliver(() => {
          this.#toRouter(info.routingCrossRefID, (reqId) => ({
            type: 'RouteEnd',
            routeRegisterReqID: reqId,
            routingCrossRefID: info.routingCrossRefID,
            ...(info.errorValue !== undefined ? { errorValue: info.errorValue } : {}),
          }));
          this.#routes.endDialogue(info.routingCrossRefID);
        }),
    };
    for (const name of SERVED_EVENTS) {
      options.model.on(name, this.#modelListeners[name] as never);
    }
  }

  async listen(): Promise<void> {
    for (const url of this.#options.listen) {
      const listener = await listenStream(url, { ...this.#options.listenOptions, clock: this.#clock });
      this.#listeners.push(listener);
      this.addresses.push(listener.address);
      listener.on('connection', (stream) => this.accept(stream));
      listener.on('error', (error) => this.#log.error({ err: error.message, address: listener.address }, 'listener error'));
      this.#log.info({ address: listener.address }, 'listening');
    }
  }

  clients(): ClientInfo[] {
    return [...this.#clients].map((client) => client.info());
  }

  accept(stream: ByteStream): void {
    if (this.#closing) {
      void stream.close();
      return;
    }
    const { profile, credentials, clock, logger } = this.#options;
    const client = new SwitchClient(++this.#lastClientId, stream, this.#context, {
      profile,
      credentials,
      clock: clock ?? systemClock,
      logger: (logger ?? silentLogger()).child({ module: 'sim.switch.client' }),
    });
    // A stream that closed during the greeting is already gone.
    if (client.wire.isOpen) this.#clients.add(client);
  }

  close(): Promise<void> {
    this.#closing ??= (async () => {
      for (const name of SERVED_EVENTS) {
        this.#options.model.off(name, this.#modelListeners[name] as never);
      }
      await Promise.all([...this.#listeners.map((l) => l.close()), ...[...this.#clients].map((c) => c.close())]);
      this.#routes.clear();
      this.#syncRouters();
      this.#log.info('switch server closed');
    })();
    return this.#closing;
  }

  #holdEvents(work: () => void): void {
    if (this.#held) {
      work();
      return;
    }
    this.#held = [];
    let held: Deliver[];
    try {
      work();
    } finally {
      held = this.#held;
      this.#held = undefined;
    }
    for (const deliver of held) deliver();
  }

  #deliver(deliver: Deliver): void {
    if (this.#held) this.#held.push(deliver);
    else deliver();
  }

  #toMonitors(device: string, event: DeviceEvent): void {
    for (const monitor of this.#monitors.onDevice(device)) {
      monitor.owner.send({ ...event, monitorCrossRefID: monitor.crossRefId } as MonitorEvent, EVENT_INVOKE_ID);
    }
  }

  #routeRequest(info: RouteRequestInfo): void {
    const router = this.#routes.routerFor(info.routingDevice);
    if (!router) {
      this.#log.info({ routingDevice: info.routingDevice, routingCrossRefID: info.routingCrossRefID }, 'route request with no router registered: left to the timeout');
      return;
    }
    this.#routes.openDialogue(info.routingCrossRefID, { owner: router.owner, reqId: router.reqId, device: info.routingDevice });
    router.owner.send(
      {
        type: 'RouteRequest',
        routeRegisterReqID: router.reqId,
        routingCrossRefID: info.routingCrossRefID,
        currentRoute: info.routingDevice,
        callingDevice: info.callingDevice,
        routedCall: info.routedCall,
      },
      EVENT_INVOKE_ID,
    );
  }

  #toRouter(crossRefId: string, message: (reqId: string) => Parameters<SwitchClient['send']>[0]): void {
    const dialogue = this.#routes.dialogue(crossRefId);
    if (dialogue) dialogue.owner.send(message(dialogue.reqId), EVENT_INVOKE_ID);
  }

  /** Tells the model, for each routing point whose coverage changed, whether a router is registered. */
  #syncRouters(): void {
    for (const device of this.#options.model.devices()) {
      if (device.category !== 'routingDevice') continue;
      const registered = this.#routes.routerFor(device.deviceID) !== undefined;
      if ((this.#routed.get(device.deviceID) ?? false) === registered) continue;
      this.#routed.set(device.deviceID, registered);
      this.#options.model.setRouterRegistered(device.deviceID, registered);
    }
  }
}

/** Starts serving `model` on every URL of `listen`. Rejects (closing what was opened) if one cannot be served. */
export async function startSwitchServer(options: SwitchServerOptions): Promise<SwitchServer> {
  return listening(new SwitchServerImpl(options));
}
