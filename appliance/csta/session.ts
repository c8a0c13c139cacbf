/**
 * One CSTA session over one connected wire: invoke IDs and responses, the session handshake of the
 * profile's style (ECMA-354 StartApplicationSession, or the OpenScape Voice SystemStatus +
 * SystemRegister), the session timer, and supervision by SystemStatus. It ends once, with a reason;
 * reconnecting is the link's business.
 */
import { EventEmitter } from 'node:events';
import type { Clock, TimerHandle } from '../runtime/clock.js';
import type { Logger } from '../runtime/logger.js';
import { CstaError } from './errors.js';
import type { LinkDownInfo } from './events.js';
import type { ArgsOf, CstaMessage, MessageName, RequestName, ResponseOf } from './messages.js';
import { CSTA_NAMESPACES } from './namespaces.js';
import type { PbxProfile } from './profile.js';
import { escapeXml } from './xml/writer.js';
import { InvokeIdCounter, ResponseWaiter } from './waiter.js';
import type { CstaWire } from './wire.js';

export interface SessionCredentials {
  applicationId: string;
  username?: string;
  password?: string;
}

export interface CstaSessionEvents {
  /** An event, routing message, or any other message that is not an answer to our request. */
  unsolicited: [message: CstaMessage];
  serviceError: [info: { group: string; value: string; invokeId: number | undefined }];
  ended: [info: LinkDownInfo];
}

const RESPONSE_SUFFIXES = ['Response', 'PosResponse', 'NegResponse'];
const isAnswer = (message: CstaMessage) =>
  message.type === 'CSTAErrorCode' || RESPONSE_SUFFIXES.some((suffix) => message.type.endsWith(suffix));

function applicationSpecificInfo(profile: PbxProfile, credentials: SessionCredentials): string | undefined {
  const { username, password } = credentials;
  if (profile.loginStyle === 'none' || username === undefined) return undefined;
  const login = `<userName>${escapeXml(username)}</userName><password>${escapeXml(password ?? '')}</password>`;
  if (profile.loginStyle === 'avaya') {
    return `<SessionLoginInfo xmlns="http://www.avaya.com/csta">${login}<sessionCleanupDelay>60</sessionCleanupDelay><sessionID></sessionID></SessionLoginInfo>`;
  }
  return login;
}

export class CstaSession extends EventEmitter<CstaSessionEvents> {
  readonly #wire: CstaWire;
  readonly #profile: PbxProfile;
  readonly #clock: Clock;
  readonly #log: Logger;
  readonly #waiter: ResponseWaiter;
  readonly #ids = new InvokeIdCounter();
  #sessionId: string | undefined;
  #ended = false;
  #lastReceived: number;
  #heartbeatOutstanding = false;
  #missedHeartbeats = 0;
  #heartbeatTimer: TimerHandle | undefined;
  #sessionTimer: TimerHandle | undefined;
  #switchStatusSeen: (() => void) | undefined;

  constructor(wire: CstaWire, profile: PbxProfile, clock: Clock, logger: Logger) {
    super();
    this.#wire = wire;
    this.#profile = profile;
    this.#clock = clock;
    this.#log = logger;
    this.#waiter = new ResponseWaiter(clock);
    this.#lastReceived = clock.now();
    wire.on('message', (message, invokeId) => this.#onMessage(message, invokeId));
    wire.once('close', (reason) => this.end({ reason: 'closed', detail: reason ? reason.message : 'the switch closed the connection' }));
  }

  get sessionId(): string | undefined {
    return this.#sessionId;
  }

  get isOpen(): boolean {
    return !this.#ended;
  }

  /** Runs the handshake of the profile's session style and starts supervision. Rejects if refused. */
  async open(credentials: SessionCredentials): Promise<void> {
    if (this.#profile.sessionStyle === 'ecma354') await this.#startApplicationSession(credentials);
    else if (this.#profile.sessionStyle === 'system-register') await this.#systemRegister();
    // The switch may end the session in the very chunk that accepted it.
    if (this.#ended) throw new CstaError('linkDown', 'sessionEnded', 'open', 'the session ended during its handshake');
    this.#startHeartbeat();
  }

  async request<N extends RequestName>(name: N, args: ArgsOf<N>, timeoutMs = this.#profile.responseTimeoutMs): Promise<ResponseOf<N>> {
    if (this.#ended) throw new CstaError('linkDown', 'sessionEnded', name, `${name}: the CSTA link is down`);
    if (this.#profile.unsupportedServices.includes(name)) {
      throw new CstaError('operation', 'serviceNotSupported', name, `${name}: not supported by ${this.#profile.name} (profile)`);
    }
    const invokeId = this.#ids.next((id) => this.#waiter.has(id));
    const answer = this.#waiter.wait(invokeId, name, timeoutMs);
    try {
      this.#write({ type: name, ...args } as CstaMessage, invokeId);
    } catch (error) {
      this.#waiter.cancel(invokeId);
      throw error;
    }
    const message = await answer;
    if (message.type === 'CSTAErrorCode') throw new CstaError(message.group, message.value, name);
    if (message.type.endsWith('NegResponse')) {
      const detail = (message as { errorCode?: { definedError?: string } }).errorCode?.definedError ?? 'refused';
      throw new CstaError('session', detail, name);
    }
    return message as ResponseOf<N>;
  }

  /** Sends a message that gets no positive response; returns its invoke ID, which a CSTA error refusing it carries. */
  send<N extends MessageName>(name: N, args: ArgsOf<N>): number {
    if (this.#ended) throw new CstaError('linkDown', 'sessionEnded', name, `${name}: the CSTA link is down`);
    const invokeId = this.#ids.next((id) => this.#waiter.has(id));
    this.#write({ type: name, ...args } as CstaMessage, invokeId);
    return invokeId;
  }

  /** Ends the session: StopApplicationSession when one was started, then closes the wire. */
  async close(): Promise<void> {
    if (this.#ended) return;
    if (this.#sessionId !== undefined) {
      try {
        await this.request('StopApplicationSession', { sessionID: this.#sessionId, sessionEndReason: { definedEndReason: 'normal' } }, 2000);
      } catch (error) {
        this.#log.debug({ err: (error as Error).message }, 'StopApplicationSession not confirmed');
      }
    }
    this.end({ reason: 'stopped', detail: 'stopped by the appliance' });
    await this.#wire.close();
  }

  /** Marks the session ended (once), fails what is pending and stops the timers. */
  end(info: LinkDownInfo): void {
    if (this.#ended) return;
    this.#ended = true;
    this.#clock.clearInterval(this.#heartbeatTimer);
    this.#clock.clearTimeout(this.#sessionTimer);
    this.#waiter.rejectAll((service) => new CstaError('linkDown', info.reason, service, `${service}: CSTA link down (${info.detail})`));
    this.emit('ended', info);
    if (this.#wire.isOpen) void this.#wire.close();
  }

  #write(message: CstaMessage, invokeId: number): void {
    try {
      this.#wire.send(message, invokeId);
    } catch (error) {
      // A message that does not encode fails alone; a stream that cannot be written ends the session.
      if (!this.#wire.isOpen) this.end({ reason: 'closed', detail: `write failed: ${(error as Error).message}` });
      throw error;
    }
  }

  #onMessage(message: CstaMessage, invokeId: number | undefined): void {
    this.#lastReceived = this.#clock.now();
    this.#missedHeartbeats = 0;
    this.#heartbeatOutstanding = false;
    if (isAnswer(message)) {
      if (this.#waiter.settle(message, invokeId)) return;
      if (message.type === 'CSTAErrorCode') {
        this.emit('serviceError', { group: message.group, value: message.value, invokeId });
        return;
      }
      this.#log.debug({ type: message.type, invokeId }, 'answer to no pending request (late or stray): ignored');
      return;
    }
    if (message.type === 'SystemStatus') {
      this.#wire.send({ type: 'SystemStatusResponse' }, invokeId);
      this.#switchStatusSeen?.();
      return;
    }
    if (message.type === 'SessionEndedEvent') {
      this.end({ reason: 'sessionEnded', detail: `the switch ended the session (${message.sessionEndReason?.definedEndReason ?? 'no reason given'})` });
      return;
    }
    this.emit('unsolicited', message);
  }

  async #startApplicationSession(credentials: SessionCredentials): Promise<void> {
    const specific = applicationSpecificInfo(this.#profile, credentials);
    const response = await this.request('StartApplicationSession', {
      applicationInfo: { applicationID: credentials.applicationId, ...(specific ? { applicationSpecificInfo: specific } : {}) },
      requestedProtocolVersions: [CSTA_NAMESPACES[this.#profile.edition]],
      requestedSessionDuration: this.#profile.sessionDurationSeconds,
    });
    this.#sessionId = response.sessionID;
    const granted = response.actualSessionDuration ?? this.#profile.sessionDurationSeconds;
    this.#log.info({ sessionID: response.sessionID, version: response.actualProtocolVersion, duration: granted }, 'CSTA application session started');
    if (granted > 0) this.#scheduleSessionReset(granted);
  }

  #scheduleSessionReset(grantedSeconds: number): void {
    this.#sessionTimer = this.#clock.setTimeout(() => {
      const sessionID = this.#sessionId;
      if (this.#ended || sessionID === undefined) return;
      this.request('ResetApplicationSessionTimer', { sessionID, requestedSessionDuration: this.#profile.sessionDurationSeconds }).then(
        (answer) => this.#scheduleSessionReset(answer.actualSessionDuration ?? grantedSeconds),
        (error: Error) => this.end({ reason: 'sessionTimer', detail: `ResetApplicationSessionTimer failed: ${error.message}` }),
      );
    }, (grantedSeconds * 1000) / 2);
  }

  /** OpenScape Voice style: the switch speaks first with SystemStatus; we answer, then register. */
  async #systemRegister(): Promise<void> {
    await new Promise<void>((resolve) => {
      const timer = this.#clock.setTimeout(() => {
        this.#log.warn('switch sent no SystemStatus at connect; registering anyway');
        resolve();
      }, this.#profile.responseTimeoutMs);
      this.#switchStatusSeen = () => {
        this.#clock.clearTimeout(timer);
        this.#switchStatusSeen = undefined;
        resolve();
      };
    });
    await this.request('SystemRegister', {});
  }

  #startHeartbeat(): void {
    const intervalMs = this.#profile.heartbeatIntervalSeconds * 1000;
    if (intervalMs <= 0) return;
    this.#heartbeatTimer = this.#clock.setInterval(() => this.#heartbeatTick(intervalMs), intervalMs);
    this.#heartbeatTimer.unref?.();
  }

  #heartbeatTick(intervalMs: number): void {
    if (this.#ended) return;
    if (this.#heartbeatOutstanding) {
      this.#missedHeartbeats++;
      if (this.#missedHeartbeats >= this.#profile.heartbeatMissedLimit) {
        this.end({ reason: 'heartbeat', detail: `${this.#missedHeartbeats} SystemStatus requests unanswered` });
        return;
      }
    }
    if (this.#heartbeatOutstanding || this.#clock.now() - this.#lastReceived >= intervalMs) {
      this.#heartbeatOutstanding = true;
      this.request('SystemStatus', { systemStatus: 'normal' }, intervalMs * (this.#profile.heartbeatMissedLimit + 1)).catch(() => {
        // Unanswered heartbeats are counted by the tick; the session ends there.
      });
    }
  }
}
