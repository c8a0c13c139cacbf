/**
 * The switch's side of one client's session: the handshake of the profile's style (ECMA-354
 * StartApplicationSession with an optional login check, or the OpenScape Voice style where the
 * switch speaks first with SystemStatus and the client registers), the session timer, and
 * supervision by SystemStatus in both directions.
 */
import type { CstaMessage, MessageOf } from '../../../appliance/csta/messages.js';
import { CSTA_NAMESPACES } from '../../../appliance/csta/namespaces.js';
import type { PbxProfile } from '../../../appliance/csta/profile.js';
import type { Clock, TimerHandle } from '../../../appliance/runtime/clock.js';
import type { Logger } from '../../../appliance/runtime/logger.js';
import { type SwitchCredentials, loginProblem } from './credentials.js';

/** What of a PBX profile the switch side uses. */
export type SwitchProfile = Pick<
  PbxProfile,
  'edition' | 'framing' | 'sessionStyle' | 'heartbeatIntervalSeconds' | 'heartbeatMissedLimit' | 'sessionDurationSeconds'
>;

export interface SessionHost {
  send(message: CstaMessage, invokeId: number | undefined): void;
  /** Closes the connection; `reason` is logged (as a warning unless `normal`). */
  drop(reason: string, normal?: boolean): void;
}

export interface ClientSessionOptions {
  profile: SwitchProfile;
  credentials: SwitchCredentials | undefined;
  clock: Clock;
  logger: Logger;
  /** A session ID no other client has. */
  newSessionId: () => string;
}

type State = 'waiting' | 'open' | 'ended';

export class ClientSession {
  readonly #host: SessionHost;
  readonly #options: ClientSessionOptions;
  readonly #log: Logger;
  #state: State;
  #sessionId: string | undefined;
  #sessionTimer: TimerHandle | undefined;
  #heartbeatTimer: TimerHandle | undefined;
  #lastReceived: number;
  #lastInvokeId = 0;
  /** Invoke ID of our SystemStatus still waiting for its answer (null when the framing carries none). */
  #outstanding: number | null | undefined;
  #missed = 0;

  constructor(host: SessionHost, options: ClientSessionOptions) {
    this.#host = host;
    this.#options = options;
    this.#log = options.logger;
    this.#state = options.profile.sessionStyle === 'none' ? 'open' : 'waiting';
    this.#lastReceived = options.clock.now();
  }

  /** Whether service requests are accepted (the session is started or registered). */
  get isOpen(): boolean {
    return this.#state === 'open';
  }

  get sessionId(): string | undefined {
    return this.#sessionId;
  }

  /** Starts supervision; in the system-register style the switch greets the client with SystemStatus. */
  start(): void {
    const intervalMs = this.#options.profile.heartbeatIntervalSeconds * 1000;
    if (this.#options.profile.sessionStyle === 'system-register') this.#sendSystemStatus();
    if (intervalMs > 0) this.#heartbeatTimer = this.#options.clock.setInterval(() => this.#heartbeatTick(intervalMs), intervalMs);
  }

  stop(): void {
    this.#state = 'ended';
    this.#options.clock.clearInterval(this.#heartbeatTimer);
    this.#options.clock.clearTimeout(this.#sessionTimer);
  }

  /** Handles session and supervision messages; returns false for everything else. */
  handle(message: CstaMessage, invokeId: number | undefined): boolean {
    this.#lastReceived = this.#options.clock.now();
    switch (message.type) {
      case 'SystemStatus':
        this.#host.send({ type: 'SystemStatusResponse' }, invokeId);
        return true;
      case 'SystemStatusResponse':
        if (this.#outstanding !== undefined && (invokeId === undefined || this.#outstanding === null || invokeId === this.#outstanding)) {
          this.#outstanding = undefined;
          this.#missed = 0;
        }
        return true;
      case 'SystemRegister':
        if (this.#state === 'waiting' && this.#options.profile.sessionStyle === 'system-register') this.#state = 'open';
        this.#host.send({ type: 'SystemRegisterResponse', sysStatRegisterID: this.#options.newSessionId() }, invokeId);
        return true;
      case 'StartApplicationSession':
        this.#startSession(message, invokeId);
        return true;
      case 'ResetApplicationSessionTimer':
        this.#resetTimer(message, invokeId);
        return true;
      case 'StopApplicationSession':
        this.#stopSession(message, invokeId);
        return true;
      default:
        return false;
    }
  }

  #startSession(message: MessageOf<'StartApplicationSession'>, invokeId: number | undefined): void {
    const refuse = (definedError: string, detail: string) => {
      this.#log.warn({ applicationID: message.applicationInfo.applicationID, detail }, 'StartApplicationSession refused');
      this.#host.send({ type: 'StartApplicationSessionNegResponse', errorCode: { definedError, privateError: detail } }, invokeId);
    };
    if (this.#options.profile.sessionStyle !== 'ecma354') return refuse('nonSupportedApplicationContext', 'this switch has no application sessions');
    if (this.#state !== 'waiting') return refuse('invalidSessionID', `a session (${this.#sessionId ?? '?'}) is already started on this connection`);
    if (message.applicationInfo.applicationID.trim() === '') return refuse('invalidApplicationInfo', 'applicationID is empty');
    const { credentials } = this.#options;
    if (credentials) {
      const problem = loginProblem(message.applicationInfo.applicationSpecificInfo, credentials);
      if (problem) return refuse('invalidApplicationInfo', problem);
    }
    const requested = message.requestedSessionDuration;
    const duration = requested !== undefined && requested > 0 ? requested : this.#options.profile.sessionDurationSeconds;
    this.#sessionId = this.#options.newSessionId();
    this.#state = 'open';
    this.#armSessionTimer(duration);
    this.#log.info({ sessionID: this.#sessionId, applicationID: message.applicationInfo.applicationID, duration }, 'application session started');
    this.#host.send(
      {
        type: 'StartApplicationSessionPosResponse',
        sessionID: this.#sessionId,
        actualProtocolVersion: CSTA_NAMESPACES[this.#options.profile.edition],
        actualSessionDuration: duration,
      },
      invokeId,
    );
  }

  #resetTimer(message: MessageOf<'ResetApplicationSessionTimer'>, invokeId: number | undefined): void {
    if (this.#sessionId === undefined || message.sessionID !== this.#sessionId || this.#state !== 'open') {
      this.#host.send({ type: 'ResetApplicationSessionTimerNegResponse', errorCode: { definedError: 'invalidSessionID' } }, invokeId);
      return;
    }
    const requested = message.requestedSessionDuration;
    const duration = requested !== undefined && requested > 0 ? requested : this.#options.profile.sessionDurationSeconds;
    this.#armSessionTimer(duration);
    this.#host.send({ type: 'ResetApplicationSessionTimerPosResponse', actualSessionDuration: duration }, invokeId);
  }

  #stopSession(message: MessageOf<'StopApplicationSession'>, invokeId: number | undefined): void {
    if (this.#sessionId === undefined || message.sessionID !== this.#sessionId) {
      this.#host.send({ type: 'StopApplicationSessionNegResponse', errorCode: { definedError: 'invalidSessionID' } }, invokeId);
      return;
    }
    this.#host.send({ type: 'StopApplicationSessionPosResponse' }, invokeId);
    this.stop();
    this.#host.drop('the client stopped its application session', true);
  }

  #armSessionTimer(seconds: number): void {
    this.#options.clock.clearTimeout(this.#sessionTimer);
    this.#sessionTimer = this.#options.clock.setTimeout(() => {
      if (this.#state !== 'open') return;
      this.#host.send({ type: 'SessionEndedEvent', sessionID: this.#sessionId ?? '', sessionEndReason: { definedEndReason: 'sessionTimerExpired' } }, undefined);
      this.stop();
      this.#host.drop(`session ${this.#sessionId ?? '?'} expired: no ResetApplicationSessionTimer within ${seconds} s`);
    }, seconds * 1000);
  }

  #heartbeatTick(intervalMs: number): void {
    if (this.#state === 'ended') return;
    if (this.#outstanding !== undefined) {
      this.#missed++;
      if (this.#missed >= this.#options.profile.heartbeatMissedLimit) {
        this.stop();
        this.#host.drop(`${this.#missed} SystemStatus requests in a row unanswered`);
        return;
      }
    }
    if (this.#outstanding !== undefined || this.#options.clock.now() - this.#lastReceived >= intervalMs) this.#sendSystemStatus();
  }

  #sendSystemStatus(): void {
    this.#lastInvokeId = this.#lastInvokeId >= 8999 ? 1 : this.#lastInvokeId + 1;
    this.#outstanding = this.#options.profile.framing === 'nul-terminated' ? null : this.#lastInvokeId;
    this.#host.send({ type: 'SystemStatus', systemStatus: 'normal' }, this.#lastInvokeId);
  }
}
