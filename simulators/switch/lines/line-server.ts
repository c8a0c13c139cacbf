/**
 * The switch side of the line link: the simulated copper of the analog ports. A card simulator
 * connects, attaches ports, and from then on hears ringing, connection, DTMF and disconnect on them
 * and works them with offhook, onhook, flash, dial and fax. A port belongs to one line at a time;
 * when its line goes, it is a dead line again (ringing calls keep ringing, a call in progress is hung up).
 */
import { EventEmitter } from 'node:events';
import { type Clock, systemClock } from '../../../appliance/runtime/clock.js';
import { type Logger, silentLogger } from '../../../appliance/runtime/logger.js';
import { type ListenStreamOptions, type StreamListener, listenStream } from '../../../appliance/transport/listen.js';
import type { ByteStream } from '../../../appliance/transport/stream.js';
import { type AnalogScripting, type DeviceEvent, type SwitchModel, type SwitchModelEvents, SwitchError } from '../model/api.js';
import { storeReceivedFax } from '../scenario/fax-machine.js';
import { LineConnection } from './line-connection.js';
import { CallMediaBook } from './media-book.js';
import { PortLine } from './port-line.js';
import type { LineToSwitch } from './protocol.js';
import { listening } from '../listening.js';

/** What the line server needs of the switch: the object createSwitch returns has it all. */
export type LineSwitch = Pick<SwitchModel, 'devices'> & AnalogScripting & EventEmitter<SwitchModelEvents>;

export interface LineServerOptions {
  model: LineSwitch;
  /** e.g. ['tcp://127.0.0.1:8900']; tcp://host:0 picks a free port. */
  listen: string[];
  /** The far end's media by call (the scenario runner fills it); default: an empty book (every far end `{}`). */
  media?: CallMediaBook;
  clock?: Clock;
  logger?: Logger;
  /** Passed to listenStream (e.g. a mock serial binding in tests). */
  listenOptions?: Omit<ListenStreamOptions, 'clock'>;
}

export interface LineServerEvents {
  /** A line attached these ports (`line`: its stream's description). */
  attached: [info: { line: string; ports: string[] }];
  /** A line went away; its ports have no line now. */
  detached: [info: { line: string; ports: string[] }];
  /** A fax a channel sent reached the far end's fax machine: `file` is the copy in its inbox. */
  faxDelivered: [info: { port: string; callID: string; file: string; pages: number }];
}

export interface LineServer extends EventEmitter<LineServerEvents> {
  /** The URLs actually served (a tcp://host:0 request comes back with its port). */
  readonly addresses: string[];
  /** Serves a stream connected some other way (an in-process pipe). */
  accept(stream: ByteStream): void;
  /** Stops listening and drops every line (their ports go on hook). Idempotent. */
  close(): Promise<void>;
}

/** A line asked for something this server refuses (not the model's SwitchError). */
class Refusal extends Error {}

class LineServerImpl extends EventEmitter<LineServerEvents> implements LineServer {
  readonly addresses: string[] = [];
  readonly #model: LineSwitch;
  readonly #options: LineServerOptions;
  readonly #media: CallMediaBook;
  readonly #log: Logger;
  readonly #analogPorts: readonly string[];
  readonly #listeners: StreamListener[] = [];
  readonly #lines = new Set<LineConnection>();
  readonly #owner = new Map<string, LineConnection>();
  readonly #portLines = new Map<string, PortLine>();
  readonly #dirty = new Set<string>();
  #flushQueued = false;
  #closing: Promise<void> | undefined;
  readonly #onDeviceEvent = (device: string, _event: DeviceEvent) => this.#markDirty(device);
  readonly #onDigits = (info: SwitchModelEvents['digits'][0]) => this.#digits(info.device, info.digits);

  constructor(options: LineServerOptions) {
    super();
    this.#options = options;
    this.#model = options.model;
    this.#media = options.media ?? new CallMediaBook();
    this.#log = (options.logger ?? silentLogger()).child({ module: 'sim.switch.lines' });
    this.#analogPorts = options.model.devices().filter((d) => d.kind === 'analogPort').map((d) => d.deviceID);
    this.#model.on('deviceEvent', this.#onDeviceEvent);
    this.#model.on('digits', this.#onDigits);
  }

  async listen(): Promise<void> {
    for (const url of this.#options.listen) {
      const listener = await listenStream(url, { ...this.#options.listenOptions, clock: this.#options.clock ?? systemClock });
      this.#listeners.push(listener);
      this.addresses.push(listener.address);
      listener.on('connection', (stream) => this.accept(stream));
      listener.on('error', (error) => this.#log.error({ err: error.message, address: listener.address }, 'listener error'));
      this.#log.info({ address: listener.address, ports: this.#analogPorts }, 'line link listening');
    }
  }

  accept(stream: ByteStream): void {
    if (this.#closing) {
      void stream.close();
      return;
    }
    const line = new LineConnection(stream, { message: (l, m) => this.#handle(l, m), closed: (l) => this.#detach(l) }, this.#log);
    if (line.isOpen) this.#lines.add(line);
    this.#log.info({ line: line.description }, 'line connected');
  }

  close(): Promise<void> {
    this.#closing ??= (async () => {
      this.#model.off('deviceEvent', this.#onDeviceEvent);
      this.#model.off('digits', this.#onDigits);
      await Promise.all([...this.#listeners.map((l) => l.close()), ...[...this.#lines].map((l) => l.close())]);
      this.#log.info('line link closed');
    })();
    return this.#closing;
  }

  #handle(line: LineConnection, message: LineToSwitch): void {
    this.#log.debug({ line: line.description, message }, 'from line');
    if (message.t === 'attach') return this.#attach(line, message.ports);
    const { port } = message;
    try {
      this.#requireOwned(line, port);
      const portLine = this.#portLines.get(port) as PortLine;
      switch (message.t) {
        case 'offhook':
          this.#model.offHookAt(port);
          portLine.setOnHook(false);
          return;
        case 'onhook':
          portLine.setOnHook(true);
          this.#model.onHookAt(port);
          return;
        case 'flash':
          this.#model.flashAt(port);
          portLine.setOnHook(false);
          return;
        case 'dial':
          this.#model.dialAt(port, message.digits);
          return;
        case 'fax':
          return this.#fax(line, port, message.file, message.pages);
      }
    } catch (error) {
      if (!(error instanceof SwitchError || error instanceof Refusal)) throw error;
      this.#log.info({ port, message, reason: error.message }, 'line request refused');
      line.send({ t: 'refused', port, reason: error.message });
    }
  }

  #requireOwned(line: LineConnection, port: string): void {
    if (!this.#analogPorts.includes(port)) throw new Refusal(`${port} is not an analog port of this switch`);
    if (this.#owner.get(port) !== line) throw new Refusal(`port ${port} is not attached to this line`);
  }

  #attach(line: LineConnection, requested: readonly string[] | undefined): void {
    const got: string[] = [];
    for (const port of new Set(requested ?? this.#analogPorts)) {
      const owner = this.#owner.get(port);
      if (!this.#analogPorts.includes(port)) {
        line.send({ t: 'refused', port, reason: `${port} is not an analog port of this switch` });
      } else if (owner !== undefined && owner !== line) {
        line.send({ t: 'refused', port, reason: `port ${port} is attached to another line (${owner.description})` });
      } else {
        this.#owner.set(port, line);
        line.ports.add(port);
        if (!this.#portLines.has(port)) this.#portLines.set(port, new PortLine(port));
        got.push(port);
      }
    }
    line.send({ t: 'attached', ports: got });
    this.#log.info({ line: line.description, ports: got }, 'ports attached');
    this.#emitSafely('attached', { line: line.description, ports: got });
    // A port that rings already is heard at once.
    for (const port of got) this.#flushPort(port);
  }

  #detach(line: LineConnection): void {
    this.#lines.delete(line);
    const ports = [...line.ports];
    for (const port of ports) {
      this.#owner.delete(port);
      this.#portLines.delete(port);
      this.#dirty.delete(port);
      try {
        // A dead line is an open loop: what the port was doing ends as if it hung up; ringing goes on.
        if (this.#model.isOffHook(port) || this.#model.lineCallsAt(port).some((c) => c.state !== 'alerting')) this.#model.onHookAt(port);
      } catch (error) {
        this.#log.warn({ port, err: (error as Error).message }, 'hanging up the port of a lost line failed');
      }
    }
    if (ports.length > 0) this.#emitSafely('detached', { line: line.description, ports });
  }

  #fax(line: LineConnection, port: string, file: string, pages: number): void {
    this.#flushPort(port);
    const callID = this.#portLines.get(port)?.talkingCallID;
    if (callID === undefined) throw new Refusal(`port ${port} has no call in conversation to fax to`);
    const inbox = this.#media.get(callID)?.faxInbox;
    if (inbox === undefined) throw new Refusal('far end has no fax machine');
    storeReceivedFax(inbox, file, callID).then(
      (stored) => {
        this.#log.info({ port, callID, file: stored, pages }, 'fax delivered to the far end');
        this.#emitSafely('faxDelivered', { port, callID, file: stored, pages });
      },
      (error: Error) => {
        this.#log.warn({ port, callID, file, err: error.message }, 'fax not delivered');
        line.send({ t: 'refused', port, reason: `fax not delivered: ${error.message}` });
      },
    );
  }

  /** A listener that throws is logged; it cannot break the line link. */
  #emitSafely<K extends keyof LineServerEvents>(event: K, ...args: LineServerEvents[K]): void {
    try {
      (this.emit as (event: K, ...args: LineServerEvents[K]) => boolean)(event, ...args);
    } catch (error) {
      this.#log.error({ event, err: (error as Error).message }, 'line server listener failed');
    }
  }

  #digits(device: string, digits: string): void {
    const line = this.#owner.get(device);
    if (!line) return;
    this.#flushPort(device);
    line.send({ t: 'digits', port: device, digits });
  }

  #markDirty(device: string): void {
    if (!this.#owner.has(device)) return;
    this.#dirty.add(device);
    if (this.#flushQueued) return;
    this.#flushQueued = true;
    // After the model's operation is over: the line hears where it ended, not the steps on the way.
    queueMicrotask(() => {
      this.#flushQueued = false;
      for (const port of [...this.#dirty]) this.#flushPort(port);
    });
  }

  #flushPort(port: string): void {
    this.#dirty.delete(port);
    const line = this.#owner.get(port);
    const portLine = this.#portLines.get(port);
    if (!line || !portLine) return;
    for (const message of portLine.update(this.#model.lineCallsAt(port), this.#media)) {
      this.#log.debug({ line: line.description, message }, 'to line');
      line.send(message);
    }
  }
}

/** Starts the line link on every URL of `listen`. Rejects (closing what was opened) if one cannot be served. */
export async function startLineServer(options: LineServerOptions): Promise<LineServer> {
  return listening(new LineServerImpl(options));
}
