/**
 * One simulated agent desktop on the MQTT API: it logs in at an extension and takes calls the way
 * its profile says. Behaviour runs on the injected clock; the MQTT connection is real I/O.
 * Nothing it receives can crash it: bad payloads, refused commands and a lost broker become
 * AgentDeskErrors, counted, kept as `lastError` and emitted as 'error' when someone listens.
 */
import { randomUUID } from 'node:crypto';
import { EventEmitter } from 'node:events';
import { connectAsync, type MqttClient } from 'mqtt';
import type { AgentCommand } from '../../appliance/api/commands.js';
import type { AgentStatePayload } from '../../appliance/api/payloads.js';
import { siteTopics } from '../../appliance/api/topics.js';
import { type Clock, systemClock, type TimerHandle } from '../../appliance/runtime/clock.js';
import { asAgentEvent, asStatePayload, type ClearedEvent, type EstablishedEvent, type OfferedEvent, type RetractedEvent, type StateEvent } from './agent-events.js';
import { AgentDeskError } from './errors.js';
import { type AgentProfile, type AgentProfileInput, agentProfileSchema, drawMs } from './profile.js';
import { ReplyWaiter } from './replies.js';

export type AgentState = AgentStatePayload['state'];

type WithoutId<C> = C extends unknown ? Omit<C, 'id'> : never;
/** An agent command; the desk adds the correlation ID. */
export type DeskCommand = WithoutId<AgentCommand>;

export interface DeskCounters {
  offered: number;
  answered: number;
  /** Offers left ringing on purpose (noAnswerChance). */
  ignored: number;
  retracted: number;
  transferred: number;
  /** Calls that ended at this desk, whoever hung up. */
  cleared: number;
  breaks: number;
  errors: number;
}

export function zeroCounters(): DeskCounters {
  return { offered: 0, answered: 0, ignored: 0, retracted: 0, transferred: 0, cleared: 0, breaks: 0, errors: 0 };
}

export interface DeskEvents {
  offered: [offer: OfferedEvent];
  established: [event: EstablishedEvent];
  cleared: [event: ClearedEvent];
  state: [event: StateEvent];
  error: [error: AgentDeskError];
}

export interface AgentDeskOptions {
  /** mqtt://host:port of the appliance's broker. */
  url: string;
  site: string;
  agentId: string;
  /** MQTT user name; default the agent ID. */
  username?: string;
  password: string;
  /** The extension the agent logs in at. */
  device: string;
  profile?: AgentProfileInput;
  clock?: Clock;
  /** Numbers in [0, 1) for the profile's chances and ranges. */
  random?: () => number;
  /** Real time a command may wait for its reply, and the first connection for its CONNACK; default 5000. */
  commandTimeoutMs?: number;
  /** Real time between reconnection attempts after losing the broker; default 1000. */
  reconnectPeriodMs?: number;
}

export class SimulatedAgentDesk extends EventEmitter<DeskEvents> {
  readonly agentId: string;
  readonly device: string;
  readonly profile: AgentProfile;
  readonly counters = zeroCounters();
  /** The last screen pop. */
  lastOffer: OfferedEvent | undefined;
  lastError: AgentDeskError | undefined;

  readonly #url: string;
  readonly #username: string;
  readonly #password: string;
  readonly #topics: { cmd: string; reply: string; event: string };
  readonly #clock: Clock;
  readonly #random: () => number;
  readonly #commandTimeoutMs: number;
  readonly #reconnectPeriodMs: number;
  readonly #replies: ReplyWaiter;
  /** Tells this desk's correlation IDs from those of an earlier desk of the same agent. */
  readonly #session = randomUUID().slice(0, 8);
  #nextId = 0;
  #client: MqttClient | undefined;
  #state: AgentState = 'loggedOut';
  #stopped = false;
  #brokerLost = false;
  #breakAfterCall = false;
  readonly #timers = new Set<TimerHandle>();
  readonly #answerTimers = new Map<string, TimerHandle | undefined>();
  #talkTimer: TimerHandle | undefined;
  #wrapUpTimer: TimerHandle | undefined;
  #breakTimer: TimerHandle | undefined;

  constructor(options: AgentDeskOptions) {
    super();
    const topics = siteTopics(options.site);
    this.agentId = options.agentId;
    this.device = options.device;
    this.profile = agentProfileSchema.parse(options.profile ?? {});
    this.#url = options.url;
    this.#username = options.username ?? options.agentId;
    this.#password = options.password;
    this.#topics = { cmd: topics.agentCmd(options.agentId), reply: topics.agentReply(options.agentId), event: topics.agentEvent(options.agentId) };
    this.#clock = options.clock ?? systemClock;
    this.#random = options.random ?? Math.random;
    this.#commandTimeoutMs = options.commandTimeoutMs ?? 5000;
    this.#reconnectPeriodMs = options.reconnectPeriodMs ?? 1000;
    this.#replies = new ReplyWaiter(options.agentId, this.#commandTimeoutMs);
  }

  /** The agent's state as the appliance last reported it. */
  get state(): AgentState {
    return this.#state;
  }

  get connected(): boolean {
    return this.#client?.connected ?? false;
  }

  /** Connects, subscribes and logs in ready; rejects with an AgentDeskError (and leaves no connection) when any step fails. */
  async start(): Promise<void> {
    if (this.#client !== undefined || this.#stopped) throw new Error(`agent ${this.agentId}: the desk is already started or stopped`);
    const client = await this.#connect();
    this.#client = client;
    client.on('message', (topic, payload) => this.#receive(topic, payload));
    client.on('error', (error) => {
      if (!this.#brokerLost) this.#report(new AgentDeskError(this.agentId, 'mqttError', error.message, undefined, { cause: error }));
    });
    client.on('offline', () => this.#lostBroker());
    client.on('connect', () => this.#reconnected());
    try {
      await client.subscribeAsync([this.#topics.event, this.#topics.reply], { qos: 0 }).catch((error: unknown) => {
        throw new AgentDeskError(this.agentId, 'subscriptionRefused', `the broker refused '${this.#username}' the topics ${this.#topics.event} and ${this.#topics.reply}`, undefined, { cause: error });
      });
      await this.#login();
    } catch (error) {
      this.#client = undefined;
      this.#replies.failAll('stopped', 'the desk could not start');
      await client.endAsync(true).catch(() => {});
      throw error;
    }
  }

  /** Hangs up a call in progress, logs out and disconnects. Never rejects: failures are reported as errors. */
  async stop(): Promise<void> {
    if (this.#stopped) return;
    this.#stopped = true;
    this.#cancelAll();
    const client = this.#client;
    if (client === undefined) return;
    if (client.connected && this.#state !== 'loggedOut') await this.#signOff();
    this.#replies.failAll('stopped', 'the desk was stopped');
    await client.endAsync(!client.connected).catch(() => {});
  }

  /** Sends a command; resolves with its result, rejects with an AgentDeskError naming the command and why. */
  command(command: DeskCommand): Promise<unknown> {
    const client = this.#client;
    if (client === undefined || !client.connected) {
      return Promise.reject(new AgentDeskError(this.agentId, 'notConnected', `not connected to the broker at ${this.#url}`, command.cmd));
    }
    const id = `${this.#session}-${++this.#nextId}`;
    const reply = this.#replies.expect(id, command.cmd);
    client.publish(this.#topics.cmd, JSON.stringify({ ...command, id }), { qos: 0 }, (error) => {
      if (error) this.#replies.fail(id, new AgentDeskError(this.agentId, 'notConnected', error.message, command.cmd, { cause: error }));
    });
    return reply;
  }

  async #connect(): Promise<MqttClient> {
    try {
      return await connectAsync(this.#url, {
        clientId: `ccbox-desk-${this.agentId}-${this.#session}`,
        username: this.#username,
        password: this.#password,
        clean: true,
        reconnectPeriod: this.#reconnectPeriodMs,
        connectTimeout: this.#commandTimeoutMs,
        // A command sent while offline fails at once instead of arriving late.
        queueQoSZero: false,
      });
    } catch (error) {
      const { code, message } = error as { code?: unknown; message?: string };
      const detail = typeof code === 'number' ? `the broker at ${this.#url} refused the login of '${this.#username}': ${message} (return code ${code})` : `cannot reach the broker at ${this.#url}: ${message}`;
      throw new AgentDeskError(this.agentId, 'connectFailed', detail, undefined, { cause: error });
    }
  }

  async #login(): Promise<void> {
    this.#adopt(await this.command({ cmd: 'login', device: this.device, ready: true }));
    if (this.#state === 'notReady') this.#adopt(await this.command({ cmd: 'ready' }));
  }

  async #signOff(): Promise<void> {
    this.#adopt(await this.#attempt({ cmd: 'logout' }));
    // On a call the ACD keeps the logout for after the call (and its wrap-up): end it, then log out again.
    if (this.#state === 'talking' || this.#state === 'held') {
      await this.#attempt({ cmd: 'hangup' });
      this.#adopt(await this.#attempt({ cmd: 'logout' }));
    }
  }

  /** Takes the state a command result reports, and resumes what that state needs (after a reconnection). */
  #adopt(result: unknown): void {
    const payload = asStatePayload(result);
    if (payload === undefined) return;
    this.#state = payload.state;
    if (this.#stopped) return;
    if ((payload.state === 'talking' || payload.state === 'held') && this.#talkTimer === undefined) this.#startTalking();
    if (payload.state === 'wrapUp' && this.#wrapUpTimer === undefined) this.#startWrapUp();
  }

  #receive(topic: string, payload: Buffer): void {
    const isReply = topic === this.#topics.reply;
    try {
      let json: unknown;
      try {
        json = JSON.parse(payload.toString());
      } catch {
        throw new AgentDeskError(this.agentId, isReply ? 'badReply' : 'badEvent', `not JSON on ${topic}: ${payload.toString().slice(0, 200)}`);
      }
      if (isReply) this.#replies.settle(json);
      else if (topic === this.#topics.event) this.#onEvent(json);
    } catch (error) {
      this.#report(error instanceof AgentDeskError ? error : new AgentDeskError(this.agentId, 'internal', `handling a message on ${topic} failed: ${String(error)}`, undefined, { cause: error }));
    }
  }

  #onEvent(json: unknown): void {
    const event = asAgentEvent(json);
    if (event === undefined) throw new AgentDeskError(this.agentId, 'badEvent', `not an agent event: ${JSON.stringify(json).slice(0, 200)}`);
    if (event.type === 'state') this.#state = event.state;
    if (this.#stopped) return;
    switch (event.type) {
      case 'state':
        return this.#onState(event);
      case 'offered':
        return this.#onOffered(event);
      case 'retracted':
        return this.#onRetracted(event);
      case 'established':
        return this.#onEstablished(event);
      case 'cleared':
        return this.#onCleared(event);
      default:
        return; // held, retrieved, bulletins: nothing a simulated agent acts on
    }
  }

  #onState(event: StateEvent): void {
    if (event.state !== 'wrapUp') this.#wrapUpTimer = this.#cancel(this.#wrapUpTimer);
    if (event.state !== 'notReady') this.#breakTimer = this.#cancel(this.#breakTimer);
    if (event.state === 'wrapUp') this.#startWrapUp();
    // Ready without the desk ending wrap-up: the ACD's own wrap-up timer, or a queue without wrap-up.
    if (event.state === 'ready' && this.#breakAfterCall) void this.#takeBreak();
    if (event.state === 'loggedOut') this.#cancelAll();
    // Put not-ready by the ACD for missing offers: the agent notices after a while and comes back.
    if (event.state === 'notReady' && event.reason === 'missed' && this.#breakTimer === undefined) this.#backAfterBreak();
    this.emit('state', event);
  }

  #onOffered(offer: OfferedEvent): void {
    this.counters.offered++;
    this.lastOffer = offer;
    const { callId } = offer;
    this.#cancel(this.#answerTimers.get(callId));
    if (this.#chance(this.profile.noAnswerChance)) {
      this.counters.ignored++;
    } else {
      const timer = this.#after(this.profile.answerDelayMs, () => {
        this.#answerTimers.delete(callId);
        void this.#attempt({ cmd: 'answer' }).then((result) => {
          if (result !== FAILED) this.counters.answered++;
        });
      });
      this.#answerTimers.set(callId, timer);
    }
    this.emit('offered', offer);
  }

  #onRetracted(retract: RetractedEvent): void {
    this.counters.retracted++;
    this.#cancel(this.#answerTimers.get(retract.callId));
    this.#answerTimers.delete(retract.callId);
  }

  #onEstablished(event: EstablishedEvent): void {
    // Connected without our answer (a callback's MakeCall takes the phone off hook): nothing to answer.
    this.#cancel(this.#answerTimers.get(event.callId));
    this.#answerTimers.delete(event.callId);
    this.#startTalking();
    this.emit('established', event);
  }

  #onCleared(event: ClearedEvent): void {
    this.#talkTimer = this.#cancel(this.#talkTimer);
    this.counters.cleared++;
    this.#breakAfterCall = this.#chance(this.profile.notReadyChance);
    this.emit('cleared', event);
  }

  #startTalking(): void {
    this.#cancel(this.#talkTimer);
    this.#talkTimer = this.#after(drawMs(this.profile.talkMs, this.#random), () => {
      this.#talkTimer = undefined;
      void this.#endCall();
    });
  }

  async #endCall(): Promise<void> {
    const { transferChance, transferTarget } = this.profile;
    if (transferTarget !== undefined && this.#chance(transferChance)) {
      if ((await this.#attempt({ cmd: 'transfer', target: transferTarget })) !== FAILED) {
        this.counters.transferred++;
        return;
      }
    }
    await this.#attempt({ cmd: 'hangup' });
  }

  #startWrapUp(): void {
    this.#cancel(this.#wrapUpTimer);
    this.#wrapUpTimer = this.#after(this.profile.wrapUpMs, () => {
      this.#wrapUpTimer = undefined;
      if (this.#state !== 'wrapUp') return;
      if (this.#breakAfterCall) void this.#takeBreak();
      else void this.#attempt({ cmd: 'wrapUpDone' });
    });
  }

  async #takeBreak(): Promise<void> {
    this.#breakAfterCall = false;
    const reasons = this.profile.notReadyReasons;
    const reason = reasons[Math.floor(this.#random() * reasons.length)] ?? 'break';
    if ((await this.#attempt({ cmd: 'notReady', reason })) === FAILED) return;
    this.counters.breaks++;
    this.#backAfterBreak();
  }

  #backAfterBreak(): void {
    this.#cancel(this.#breakTimer);
    this.#breakTimer = this.#after(drawMs(this.profile.notReadyMs, this.#random), () => {
      this.#breakTimer = undefined;
      if (this.#state === 'notReady') void this.#attempt({ cmd: 'ready' });
    });
  }

  #lostBroker(): void {
    if (this.#stopped || this.#brokerLost) return;
    this.#brokerLost = true;
    this.#cancelAll();
    this.#replies.failAll('brokerLost', `lost the broker at ${this.#url}`);
    this.#report(new AgentDeskError(this.agentId, 'brokerLost', `lost the broker at ${this.#url}; reconnecting every ${this.#reconnectPeriodMs} ms`));
  }

  /** mqtt.js has subscribed again by now; logging in again learns the state the appliance kept. */
  #reconnected(): void {
    if (this.#stopped) return;
    this.#brokerLost = false;
    this.#login().catch((error: unknown) => this.#report(asDeskError(this.agentId, error)));
  }

  /** The command's result, or FAILED after reporting why. */
  async #attempt(command: DeskCommand): Promise<unknown> {
    try {
      return await this.command(command);
    } catch (error) {
      this.#report(asDeskError(this.agentId, error));
      return FAILED;
    }
  }

  #report(error: AgentDeskError): void {
    this.counters.errors++;
    this.lastError = error;
    if (this.listenerCount('error') > 0) this.emit('error', error);
  }

  #chance(probability: number): boolean {
    return probability > 0 && this.#random() < probability;
  }

  #after(ms: number, action: () => void): TimerHandle | undefined {
    if (this.#stopped) return undefined;
    const handle = this.#clock.setTimeout(() => {
      this.#timers.delete(handle);
      action();
    }, ms);
    this.#timers.add(handle);
    return handle;
  }

  #cancel(handle: TimerHandle | undefined): undefined {
    if (handle === undefined) return undefined;
    this.#clock.clearTimeout(handle);
    this.#timers.delete(handle);
    return undefined;
  }

  #cancelAll(): void {
    for (const handle of this.#timers) this.#clock.clearTimeout(handle);
    this.#timers.clear();
    this.#answerTimers.clear();
    this.#talkTimer = this.#wrapUpTimer = this.#breakTimer = undefined;
    this.#breakAfterCall = false;
  }
}

const FAILED = Symbol('failed');

function asDeskError(agentId: string, error: unknown): AgentDeskError {
  return error instanceof AgentDeskError ? error : new AgentDeskError(agentId, 'internal', String(error), undefined, { cause: error });
}
