/**
 * CstaLink: the PbxLink over CSTA. Connects by URL (TCP or serial), opens a session, keeps it alive,
 * and when the link goes down reconnects with capped backoff, restarts the session, re-issues every
 * MonitorStart and snapshots each monitored device so the calls that survived can be resynced.
 */
import type { Clock, TimerHandle } from '../runtime/clock.js';
import type { Logger } from '../runtime/logger.js';
import { openStream } from '../transport/connect.js';
import type { ByteStream } from '../transport/stream.js';
import { CstaError } from './errors.js';
import type { DeviceCallSnapshot, LinkDownInfo, PbxLinkEvents } from './events.js';
import { framingByName } from './framing.js';
import { type ArgsOf, type CstaMessage, type MessageName, type RequestName, type ResponseOf, isMonitorEvent } from './messages.js';
import { PbxLink, type SwitchDevice } from './pbx-link.js';
import type { PbxProfile } from './profile.js';
import { CstaSession, type SessionCredentials } from './session.js';
import { CstaWire } from './wire.js';

export interface CstaLinkOptions {
  url: string;
  profile: PbxProfile;
  credentials: SessionCredentials;
  clock: Clock;
  logger: Logger;
  /** How streams are opened; defaults to the transport by URL. Tests and the bench may pass their own. */
  connect?: (url: string) => Promise<ByteStream>;
}

export class CstaLink extends PbxLink {
  readonly #options: CstaLinkOptions;
  readonly #log: Logger;
  readonly #monitors = new Map<string, string>(); // device → monitorCrossRefID
  readonly #devicesByRef = new Map<string, string>();
  #session: CstaSession | undefined;
  /** The session has passed its handshake (requests may go out). */
  #connected = false;
  #running = false;
  #everUp = false;
  #attempt = 0;
  #retryTimer: TimerHandle | undefined;
  #firstUp: { resolve(): void; reject(error: Error): void } | undefined;
  #deviceSegments: ((message: CstaMessage) => void) | undefined;

  constructor(options: CstaLinkOptions) {
    super();
    this.#options = options;
    this.#log = options.logger;
  }

  get isUp(): boolean {
    return this.#connected && this.#session?.isOpen === true;
  }

  get profile(): PbxProfile {
    return this.#options.profile;
  }

  /** Starts the link. Resolves when the first session is up; keeps retrying in the background if not. */
  start(): Promise<void> {
    if (this.#running) return Promise.resolve();
    this.#running = true;
    return new Promise<void>((resolve, reject) => {
      this.#firstUp = { resolve, reject };
      void this.#connect();
    });
  }

  /** Like start(), but gives up with the connect error instead of retrying (for one-shot tools). */
  async startOnce(): Promise<void> {
    this.#running = true;
    const error = await this.#connect();
    if (error) {
      this.#running = false;
      this.#clearRetry();
      throw error;
    }
  }

  async stop(): Promise<void> {
    this.#running = false;
    this.#clearRetry();
    const session = this.#session;
    this.#session = undefined;
    if (session) await session.close();
    this.#firstUp?.reject(new CstaError('linkDown', 'stopped', 'start', 'the link was stopped before it came up'));
    this.#firstUp = undefined;
  }

  monitoredDevices(): string[] {
    return [...this.#monitors.keys()];
  }

  async monitor(device: string): Promise<string> {
    // Already monitored on this session: a second MonitorStart would make the switch report every
    // event twice, once under a cross reference we no longer map to the device.
    const current = this.#monitors.get(device);
    if (current !== undefined && this.#devicesByRef.get(current) === device) return current;
    return this.#startMonitor(device);
  }

  async unmonitor(device: string): Promise<void> {
    const crossRef = this.#monitors.get(device);
    this.#monitors.delete(device);
    if (crossRef === undefined) return;
    this.#devicesByRef.delete(crossRef);
    if (this.isUp) await this.request('MonitorStop', { monitorCrossRefID: crossRef });
  }

  request<N extends RequestName>(name: N, args: ArgsOf<N>, timeoutMs?: number): Promise<ResponseOf<N>> {
    const session = this.#session;
    if (!session || !this.#connected) return Promise.reject(new CstaError('linkDown', 'notConnected', name, `${name}: the CSTA link is down`));
    return session.request(name, args, timeoutMs);
  }

  send<N extends MessageName>(name: N, args: ArgsOf<N>): number {
    const session = this.#session;
    if (!session || !this.#connected) throw new CstaError('linkDown', 'notConnected', name, `${name}: the CSTA link is down`);
    return session.send(name, args);
  }

  async listDevices(): Promise<SwitchDevice[]> {
    const devices: SwitchDevice[] = [];
    let timer: TimerHandle | undefined;
    const done = new Promise<void>((resolve, reject) => {
      timer = this.#options.clock.setTimeout(() => {
        this.#deviceSegments = undefined;
        reject(new CstaError('timeout', 'noLastSegment', 'GetSwitchingFunctionDevices', 'the switch did not send the last device segment'));
      }, this.#options.profile.responseTimeoutMs * 2);
      this.#deviceSegments = (message) => {
        if (message.type !== 'SwitchingFunctionDevices') return;
        devices.push(...(message.deviceList ?? []));
        if (message.lastSegment !== false) {
          this.#options.clock.clearTimeout(timer);
          this.#deviceSegments = undefined;
          resolve();
        }
      };
    });
    try {
      await this.request('GetSwitchingFunctionDevices', {});
    } catch (error) {
      this.#options.clock.clearTimeout(timer);
      this.#deviceSegments = undefined;
      throw error;
    }
    await done;
    return devices;
  }

  async #startMonitor(device: string): Promise<string> {
    const response = await this.request('MonitorStart', { monitorObject: { deviceObject: device }, monitorType: 'device' });
    const previous = this.#monitors.get(device);
    if (previous !== undefined) this.#devicesByRef.delete(previous);
    this.#monitors.set(device, response.monitorCrossRefID);
    this.#devicesByRef.set(response.monitorCrossRefID, device);
    return response.monitorCrossRefID;
  }

  /** One connection attempt. Returns the error when it failed (a retry is then scheduled). */
  async #connect(): Promise<Error | undefined> {
    const { url, profile, clock } = this.#options;
    let session: CstaSession | undefined;
    try {
      const stream = await (this.#options.connect ?? openStream)(url);
      const wire = new CstaWire(stream, { framing: framingByName(profile.framing), edition: profile.edition, logger: this.#log });
      wire.on('protocolError', (error) => this.emit('protocolError', error));
      session = new CstaSession(wire, profile, clock, this.#log);
      session.on('unsolicited', (message) => this.#dispatch(message));
      session.on('serviceError', (info) => this.emit('serviceError', info));
      this.#session = session;
      await session.open(this.#options.credentials);
      if (!this.#running) {
        await session.close();
        return new CstaError('linkDown', 'stopped', 'start', 'stopped while connecting');
      }
      session.once('ended', (info) => this.#onSessionEnded(session as CstaSession, info));
      this.#connected = true;
      const remonitored = await this.#restoreMonitors();
      // Ended while monitors were restored: #onSessionEnded has reported it and scheduled a retry.
      if (this.#session !== session) return new CstaError('linkDown', 'sessionEnded', 'start', 'the session ended while monitors were restored');
      const reason = this.#everUp ? 'reconnected' : 'connected';
      this.#everUp = true;
      this.#attempt = 0;
      this.#log.info({ url, profile: profile.name, reason, remonitored }, 'CSTA link up');
      this.#notify('linkUp', { reason, url, remonitored, ...(session.sessionId ? { sessionID: session.sessionId } : {}) });
      this.#firstUp?.resolve();
      this.#firstUp = undefined;
      return undefined;
    } catch (error) {
      const err = error as Error;
      if (session && session.isOpen) session.end({ reason: 'sessionRefused', detail: err.message });
      if (this.#session === session) this.#session = undefined;
      this.#connected = false;
      const refused = err instanceof CstaError && err.group === 'session';
      this.#log.warn({ url, err: err.message }, refused ? 'CSTA session refused' : 'CSTA link: connect failed');
      this.#scheduleRetry();
      return err;
    }
  }

  async #restoreMonitors(): Promise<string[]> {
    const devices = [...this.#monitors.keys()];
    const restored: string[] = [];
    for (const device of devices) {
      try {
        await this.#startMonitor(device);
        restored.push(device);
        const snapshot = await this.snapshotDevice(device);
        const calls: DeviceCallSnapshot[] = (snapshot.crossRefIDorSnapshotData?.snapshotData ?? []).flatMap((item) =>
          item.connectionIdentifier
            ? [{ connection: item.connectionIdentifier, state: item.localCallState?.compoundCallState?.localConnectionState ?? item.localCallState?.simpleCallState ?? 'unknown' }]
            : [],
        );
        this.#notify('snapshot', { device, calls });
      } catch (error) {
        this.#log.warn({ device, err: (error as Error).message }, 'monitor could not be restored');
        this.#notify('monitorLost', { device, error: error as Error });
      }
    }
    return restored;
  }

  #onSessionEnded(session: CstaSession, info: LinkDownInfo): void {
    if (this.#session !== session) return;
    this.#session = undefined;
    this.#connected = false;
    this.#devicesByRef.clear();
    this.#log.warn({ reason: info.reason, detail: info.detail }, 'CSTA link down');
    if (this.#running) this.#scheduleRetry();
    this.#notify('linkDown', info);
  }

  #scheduleRetry(): void {
    if (!this.#running || this.#retryTimer) return;
    const { initialDelayMs, maxDelayMs } = this.#options.profile.reconnect;
    const delay = Math.min(maxDelayMs, initialDelayMs * 2 ** Math.min(this.#attempt, 16));
    this.#attempt++;
    this.#retryTimer = this.#options.clock.setTimeout(() => {
      this.#retryTimer = undefined;
      if (this.#running) void this.#connect();
    }, delay);
  }

  #clearRetry(): void {
    this.#options.clock.clearTimeout(this.#retryTimer);
    this.#retryTimer = undefined;
  }

  /** Emits to the services listening; one that throws is logged and does not stop the link's own work. */
  #notify<K extends keyof PbxLinkEvents>(name: K, ...args: PbxLinkEvents[K]): void {
    try {
      (this.emit as (name: K, ...args: PbxLinkEvents[K]) => boolean)(name, ...args);
    } catch (error) {
      this.#log.error({ err: error, event: name }, 'a PbxLink listener threw: ignored');
    }
  }

  #dispatch(message: CstaMessage): void {
    if (isMonitorEvent(message)) {
      this.#notify(message.type, ...([message, this.#devicesByRef.get(message.monitorCrossRefID)] as never));
      return;
    }
    switch (message.type) {
      case 'RouteRequest':
      case 'RouteUsed':
      case 'RouteEnd':
        this.#notify(message.type, ...([message] as never));
        return;
      case 'SwitchingFunctionDevices':
        if (this.#deviceSegments) {
          this.#deviceSegments(message);
          return;
        }
        break;
      default:
    }
    this.#log.info({ type: message.type === 'Unknown' ? message.name : message.type }, 'unsolicited message with no handler');
    this.#notify('unknownMessage', message);
  }
}
