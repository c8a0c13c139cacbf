/**
 * One client of the simulated switch: its wire, its session, and its requests. Call control goes to
 * the model; monitors, route registrations and the device list are the server's own business.
 */
import { CodecError } from '../../../appliance/csta/errors.js';
import { EVENT_INVOKE_ID, framingByName } from '../../../appliance/csta/framing.js';
import type { CstaMessage, KnownMessage, MessageOf } from '../../../appliance/csta/messages.js';
import type { Clock } from '../../../appliance/runtime/clock.js';
import type { Logger } from '../../../appliance/runtime/logger.js';
import type { ByteStream } from '../../../appliance/transport/stream.js';
import { CstaWire } from '../../../appliance/csta/wire.js';
import { SwitchError, type SwitchModel } from '../model/api.js';
import { ClientSession, type SwitchProfile } from './client-session.js';
import type { SwitchCredentials } from './credentials.js';
import { deviceSegments, selectDevices } from './device-list.js';
import type { MonitorTable } from './monitors.js';
import type { RouteRegistry } from './routing.js';

/** Requests the call model carries out (SwitchModel.execute). */
const MODEL_SERVICES: ReadonlySet<string> = new Set([
  'MakeCall', 'AnswerCall', 'ClearConnection', 'ClearCall', 'HoldCall', 'RetrieveCall', 'AlternateCall', 'ReconnectCall',
  'ConsultationCall', 'TransferCall', 'ConferenceCall', 'SingleStepTransferCall', 'SingleStepConferenceCall', 'DeflectCall',
  'GenerateDigits', 'SnapshotDevice', 'SnapshotCall', 'SetAgentState', 'GetAgentState',
]);

/** What a client shares with the server and the other clients. */
export interface ClientContext {
  readonly model: SwitchModel;
  readonly monitors: MonitorTable<SwitchClient>;
  readonly routes: RouteRegistry<SwitchClient>;
  readonly segmentSize: number;
  /** Runs `work`, holding every model event until it returns, then delivers them. */
  holdEvents(work: () => void): void;
  /** Route registrations changed: the server tells the model which routing points have a router. */
  routersChanged(): void;
  newCrossRefId(): string;
  clientClosed(client: SwitchClient): void;
}

export interface ClientOptions {
  profile: SwitchProfile;
  credentials: SwitchCredentials | undefined;
  clock: Clock;
  logger: Logger;
}

export interface ClientInfo {
  id: number;
  peer: string;
  sessionId: string | undefined;
  sessionOpen: boolean;
  monitors: { device: string; crossRefId: string }[];
  routeRegistrations: { reqId: string; device: string | undefined }[];
  protocolErrors: number;
}

type ErrorGroup = SwitchError['group'];

const isAnswerOrEvent = (name: string) => name.endsWith('Response') || name.endsWith('Event');

export class SwitchClient {
  readonly id: number;
  readonly wire: CstaWire;
  readonly #session: ClientSession;
  readonly #ctx: ClientContext;
  readonly #log: Logger;
  #protocolErrors = 0;

  constructor(id: number, stream: ByteStream, ctx: ClientContext, options: ClientOptions) {
    this.id = id;
    this.#ctx = ctx;
    this.#log = options.logger.child({ client: id, peer: stream.description });
    this.wire = new CstaWire(stream, { framing: framingByName(options.profile.framing), edition: options.profile.edition, logger: this.#log });
    this.#session = new ClientSession(
      { send: (message, invokeId) => this.send(message, invokeId), drop: (reason, normal) => this.drop(reason, normal) },
      { ...options, logger: this.#log, newSessionId: () => `${ctx.newCrossRefId()}-${id}` },
    );
    this.wire.on('message', (message, invokeId) => this.#onMessage(message, invokeId));
    this.wire.on('protocolError', (error, invokeId) => {
      this.#protocolErrors++;
      // A request that arrived whole but does not decode still gets an answer, never silence.
      if (error instanceof CodecError && invokeId !== undefined && invokeId !== EVENT_INVOKE_ID) {
        this.#error('operation', 'generic', invokeId, error.message);
      }
    });
    this.wire.once('close', (reason) => this.#onClose(reason));
    this.#log.info('client connected');
    this.#session.start();
  }

  get protocolErrors(): number {
    return this.#protocolErrors;
  }

  info(): ClientInfo {
    return {
      id: this.id,
      peer: this.wire.stream.description,
      sessionId: this.#session.sessionId,
      sessionOpen: this.#session.isOpen,
      monitors: this.#ctx.monitors.ofOwner(this).map((m) => ({ device: m.device, crossRefId: m.crossRefId })),
      routeRegistrations: this.#ctx.routes.ofOwner(this).map((r) => ({ reqId: r.reqId, device: r.device })),
      protocolErrors: this.#protocolErrors,
    };
  }

  /** Writes one message; false (and a log line) when the connection is gone or the message does not encode. */
  send(message: CstaMessage, invokeId: number | undefined): boolean {
    if (!this.wire.isOpen) return false;
    try {
      this.wire.send(message, invokeId ?? EVENT_INVOKE_ID);
      return true;
    } catch (error) {
      this.#log.error({ err: (error as Error).message, type: message.type, invokeId }, 'cannot send to client');
      return false;
    }
  }

  drop(reason: string, normal = false): void {
    if (normal) this.#log.info({ reason }, 'closing client connection');
    else this.#log.warn({ reason }, 'dropping client');
    this.#session.stop();
    void this.wire.close();
  }

  close(): Promise<void> {
    this.#session.stop();
    return this.wire.close();
  }

  #onClose(reason: Error | undefined): void {
    this.#session.stop();
    const monitors = this.#ctx.monitors.dropOwner(this);
    const hadRoutes = this.#ctx.routes.ofOwner(this).length > 0;
    this.#ctx.routes.dropOwner(this);
    if (hadRoutes) this.#ctx.routersChanged();
    this.#log.info({ reason: reason?.message, monitorsCancelled: monitors }, 'client gone');
    this.#ctx.clientClosed(this);
  }

  #error(group: ErrorGroup, value: string, invokeId: number | undefined, detail: string): void {
    this.#log.info({ group, value, invokeId, detail }, 'request refused');
    this.send({ type: 'CSTAErrorCode', group, value }, invokeId);
  }

  #onMessage(message: CstaMessage, invokeId: number | undefined): void {
    if (this.#session.handle(message, invokeId)) return;
    const name = message.type === 'Unknown' ? message.name : message.type;
    if (message.type === 'CSTAErrorCode' || isAnswerOrEvent(name)) {
      this.#log.debug({ type: name, invokeId }, 'answer or event from the client: ignored');
      return;
    }
    if (!this.#session.isOpen) {
      this.#error('security', 'requestIncompatibleWithObject', invokeId, `${name} before the session was started`);
      return;
    }
    switch (message.type) {
      case 'MonitorStart':
        return this.#monitorStart(message, invokeId);
      case 'MonitorStop':
        if (!this.#ctx.monitors.stop(this, message.monitorCrossRefID)) {
          return this.#error('operation', 'invalidMonitorCrossRefID', invokeId, `no monitor ${message.monitorCrossRefID} on this connection`);
        }
        this.send({ type: 'MonitorStopResponse' }, invokeId);
        return;
      case 'RouteRegister':
        return this.#routeRegister(message, invokeId);
      case 'RouteRegisterCancel':
        if (!this.#ctx.routes.cancel(this, message.routeRegisterReqID)) {
          return this.#error('operation', 'invalidCrossRefID', invokeId, `no route registration ${message.routeRegisterReqID} on this connection`);
        }
        this.#ctx.routersChanged();
        this.send({ type: 'RouteRegisterCancelResponse' }, invokeId);
        return;
      case 'RouteSelect':
      case 'RouteEnd':
        return this.#routeAnswer(message, invokeId);
      case 'GetSwitchingFunctionDevices':
        return this.#listDevices(message, invokeId);
      default:
        if (MODEL_SERVICES.has(message.type)) return this.#execute(message as KnownMessage, invokeId);
        this.#error('operation', 'serviceNotSupported', invokeId, `${name} is not a service this switch offers`);
    }
  }

  #execute(request: KnownMessage, invokeId: number | undefined): void {
    this.#ctx.holdEvents(() => {
      const outcome = this.#run(request);
      if (outcome.error) this.#error(outcome.error.group, outcome.error.value, invokeId, outcome.error.message);
      else this.send(outcome.response, invokeId);
    });
  }

  /** Runs `request` on the model; a refusal (or a fault in the model) becomes an error to answer with. */
  #run(request: KnownMessage): { response: KnownMessage; error?: undefined } | { error: SwitchError } {
    try {
      return { response: this.#ctx.model.execute(request) };
    } catch (error) {
      if (error instanceof SwitchError) return { error };
      this.#log.error({ err: error, type: request.type }, 'the call model failed on a request');
      return { error: new SwitchError('unspecified', 'generic', (error as Error).message) };
    }
  }

  #monitorStart(message: MessageOf<'MonitorStart'>, invokeId: number | undefined): void {
    const device = message.monitorObject.deviceObject;
    if (device === undefined) {
      return this.#error('operation', 'invalidMonitorObject', invokeId, 'only device monitors are offered (no deviceObject given)');
    }
    if (!this.#ctx.model.hasDevice(device)) return this.#error('operation', 'invalidDeviceID', invokeId, `no device ${device}`);
    const monitor = this.#ctx.monitors.start(this, device);
    this.#log.debug({ device, crossRefId: monitor.crossRefId }, 'monitor started');
    this.send({ type: 'MonitorStartResponse', monitorCrossRefID: monitor.crossRefId }, invokeId);
  }

  #routeRegister(message: MessageOf<'RouteRegister'>, invokeId: number | undefined): void {
    const device = message.routingDevice === '' ? undefined : message.routingDevice;
    if (device !== undefined) {
      const summary = this.#ctx.model.devices().find((d) => d.deviceID === device);
      if (!summary) return this.#error('operation', 'invalidDeviceID', invokeId, `no device ${device}`);
      if (summary.category !== 'routingDevice') {
        return this.#error('operation', 'requestIncompatibleWithObject', invokeId, `${device} is a ${summary.kind}, not a routing point`);
      }
    }
    const registration = this.#ctx.routes.register(this, device);
    this.#ctx.routersChanged();
    this.send({ type: 'RouteRegisterResponse', routeRegisterReqID: registration.reqId }, invokeId);
  }

  /** RouteSelect / RouteEnd from the router: no positive answer on the wire, only an error if refused. */
  #routeAnswer(message: MessageOf<'RouteSelect'> | MessageOf<'RouteEnd'>, invokeId: number | undefined): void {
    const dialogue = this.#ctx.routes.dialogue(message.routingCrossRefID);
    if (dialogue && dialogue.owner !== this) {
      return this.#error('operation', 'invalidCrossRefID', invokeId, `routing dialogue ${message.routingCrossRefID} belongs to another client`);
    }
    // The router ended the dialogue itself: it needs no RouteEnd back.
    if (message.type === 'RouteEnd') this.#ctx.routes.endDialogue(message.routingCrossRefID);
    this.#ctx.holdEvents(() => {
      const outcome = this.#run(message);
      if (outcome.error) this.#error(outcome.error.group, outcome.error.value, invokeId, outcome.error.message);
    });
  }

  #listDevices(message: MessageOf<'GetSwitchingFunctionDevices'>, invokeId: number | undefined): void {
    const all = this.#ctx.model.devices();
    if (message.requestedDeviceID && !all.some((d) => d.deviceID === message.requestedDeviceID)) {
      return this.#error('operation', 'invalidDeviceID', invokeId, `no device ${message.requestedDeviceID}`);
    }
    const serviceCrossRefID = this.#ctx.newCrossRefId();
    this.send({ type: 'GetSwitchingFunctionDevicesResponse', serviceCrossRefID }, invokeId);
    for (const segment of deviceSegments(selectDevices(all, message), serviceCrossRefID, this.#ctx.segmentSize)) {
      if (!this.send(segment, EVENT_INVOKE_ID)) return;
    }
  }
}
