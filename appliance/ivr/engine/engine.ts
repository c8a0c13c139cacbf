/**
 * The IVR engine: answers the card channels that ring, picks the flow by the dialled number,
 * turns blacklisted callers away before they hold a channel, gives VIPs their path and priority,
 * and walks each call through its flow. Nothing a caller, a board or a flow does can throw out of it.
 */
import { EventEmitter } from 'node:events';
import type { CardChannel, CardSet, RingInfo } from '../../cards/api.js';
import type { Clock } from '../../runtime/clock.js';
import type { Logger } from '../../runtime/logger.js';
import type { FlowRegistry } from '../flow/registry.js';
import type { CompiledFlow } from '../flow/validate.js';
import type {
  AcdPort, AgentDeskPort, CalendarBook, CallerLists, CustomerDirectory, IvrJournal, PromptLibrary, SayVariable, TransferPort, TtsRenderer,
} from '../ports.js';
import { CallOver, IvrCall } from './call.js';
import type { EngineContext, IvrSettings } from './context.js';
import type { IvrEngineEvents } from './events.js';
import { walk } from './walk.js';

export interface IvrEngineOptions {
  cards: CardSet;
  flows: FlowRegistry;
  settings: IvrSettings;
  prompts: PromptLibrary;
  say: SayVariable;
  tts?: TtsRenderer | undefined;
  customers: CustomerDirectory;
  calendars: CalendarBook;
  lists: CallerLists;
  journal: IvrJournal;
  acd?: AcdPort | undefined;
  /** Agents log in and change state from a phone (agentDesk nodes); without it those nodes fail. */
  agentDesk?: AgentDeskPort | undefined;
  transfer?: TransferPort | undefined;
  clock: Clock;
  logger: Logger;
  newCallId?: () => string;
}

export class IvrEngine extends EventEmitter<IvrEngineEvents> {
  readonly #options: IvrEngineOptions;
  readonly #ctx: EngineContext;
  readonly #active = new Map<number, { call: IvrCall | undefined; done: Promise<void> }>();
  #sequence = 0;
  #started = false;
  readonly #onRing = (channel: CardChannel, info: RingInfo) => this.#answer(channel, info);

  constructor(options: IvrEngineOptions) {
    super();
    this.#options = options;
    this.#ctx = {
      settings: options.settings,
      prompts: options.prompts,
      say: options.say,
      tts: options.tts,
      customers: options.customers,
      calendars: options.calendars,
      lists: options.lists,
      journal: options.journal,
      acd: options.acd,
      agentDesk: options.agentDesk,
      transfer: options.transfer,
      clock: options.clock,
      logger: options.logger.child({ module: 'ivr' }),
      events: this,
      flow: (id) => options.flows.get(id),
    };
  }

  /** Calls in progress, by channel. */
  get activeCalls(): number {
    return this.#active.size;
  }

  start(): void {
    if (this.#started) return;
    this.#started = true;
    this.#options.cards.on('ring', this.#onRing);
  }

  /** Stops answering; running calls are stopped and put on hook. */
  async stop(): Promise<void> {
    this.#options.cards.off('ring', this.#onRing);
    this.#started = false;
    for (const { call } of this.#active.values()) {
      call?.markHungUp();
      await call?.channel.stop().catch(() => undefined);
    }
    await Promise.all([...this.#active.values()].map((entry) => entry.done));
  }

  /** Resolves when every call in progress has ended (tests and benches). */
  async idle(): Promise<void> {
    while (this.#active.size > 0) await Promise.all([...this.#active.values()].map((entry) => entry.done));
  }

  #flowFor(info: RingInfo): CompiledFlow | undefined {
    const { settings } = this.#ctx;
    const bound = settings.bindings.find((b) => b.did === info.dnis)?.flow;
    const id = bound ?? settings.defaultFlow;
    return id === undefined ? undefined : this.#options.flows.get(id);
  }

  #answer(channel: CardChannel, info: RingInfo): void {
    const busy = this.#active.get(channel.index);
    if (busy) {
      // The next call can ring in the same frame batch as the ack of our on-hook: answer it once this one is wound up.
      void busy.done.then(() => {
        if (this.#started && channel.state === 'ringing' && !this.#active.has(channel.index)) this.#answer(channel, info);
      });
      return;
    }
    const callId = this.#options.newCallId?.() ?? `ivr-${this.#ctx.clock.now().toString(36)}-${(++this.#sequence).toString(36)}`;
    const entry: { call: IvrCall | undefined; done: Promise<void> } = { call: undefined, done: Promise.resolve() };
    this.#active.set(channel.index, entry);
    entry.done = this.#serve(callId, channel, info, entry)
      .catch((error: unknown) => {
        this.#ctx.logger.error({ err: error, call: callId }, 'IVR call failed');
        this.emit('callError', { callId, channel: channel.index, message: (error as Error).message });
      })
      .finally(() => this.#active.delete(channel.index));
  }

  async #serve(callId: string, channel: CardChannel, info: RingInfo, entry: { call: IvrCall | undefined }): Promise<void> {
    const { settings, lists, journal, clock } = this.#ctx;
    const log = this.#ctx.logger.child({ call: callId, channel: channel.index });
    if (lists.isBlacklisted(info.callerId)) {
      log.info({ callerId: info.callerId, action: settings.blacklist.action }, 'blacklisted caller turned away');
      await this.#turnAway(channel, settings.blacklist.action === 'message' ? [settings.blacklist.prompt] : []);
      this.emit('callEnded', { callId, channel: channel.index, outcome: 'blacklisted', path: [] });
      return;
    }
    const vip = lists.isVip(info.callerId);
    const returning = this.#options.acd?.returningCall?.({ ...info, channel: channel.index });
    const flow =
      (returning ? this.#options.flows.get(returning.flow) : undefined) ??
      (vip && settings.vip.flow ? this.#options.flows.get(settings.vip.flow) : undefined) ??
      this.#flowFor(info);
    if (!flow) {
      const message = `no flow for the number ${info.dnis ?? '(unknown)'} and no default flow`;
      log.warn(message);
      this.emit('callError', { callId, channel: channel.index, message });
      await this.#turnAway(channel, ['error']);
      return;
    }
    const call = new IvrCall(
      { callId, channel, callerId: info.callerId, dnis: info.dnis, language: returning?.language ?? flow.language ?? settings.defaultLanguage, vip, priority: vip ? settings.vip.priority : 0 },
      flow,
      this.#ctx,
    );
    entry.call = call;
    Object.assign(call.variables, returning?.variables);
    call.resumesQueue = returning?.resumesQueue === true;
    const onHangup = () => call.markHungUp();
    channel.on('hangup', onHangup);
    journal.callStarted({ callId, at: clock.now(), channel: channel.index, ...(info.callerId ? { callerId: info.callerId } : {}), ...(info.dnis ? { dnis: info.dnis } : {}), flow: flow.id, flowVersion: flow.version });
    this.emit('callStarted', { callId, channel: channel.index, ...(info.callerId ? { callerId: info.callerId } : {}), ...(info.dnis ? { dnis: info.dnis } : {}), flow: flow.id, version: flow.version });
    let outcome: string;
    try {
      await channel.offhook();
      await channel.flushDigits();
      const start = returning?.node !== undefined && returning.node in flow.document.nodes ? returning.node : undefined;
      if (returning?.node !== undefined && start === undefined) log.warn({ flow: flow.id, node: returning.node }, 'no such node to send the caller to; the flow starts at its start');
      outcome = await walk(call, (id) => this.#options.flows.get(id), start);
    } catch (error) {
      if (error instanceof CallOver) outcome = error.outcome;
      else if ((error as { name?: string }).name === 'CardError') outcome = call.hungUp ? 'hangup' : 'channelFault';
      else {
        log.error({ err: error, node: call.node }, 'the IVR failed on a node; the call ends');
        this.emit('callError', { callId, channel: channel.index, message: (error as Error).message });
        outcome = 'error';
      }
      if (outcome === 'channelFault') log.warn({ node: call.node, detail: (error as Error).message }, 'the channel failed mid-call');
    } finally {
      channel.off('hangup', onHangup);
    }
    if (channel.state === 'offhook') await channel.onhook().catch((error: unknown) => log.warn({ err: error }, 'could not put the channel on hook'));
    journal.callEnded({ callId, at: clock.now(), outcome });
    this.emit('callEnded', { callId, channel: channel.index, outcome, path: [...call.path] });
  }

  /** Answers, plays the prompts (if any) and hangs up at once: the caller is released, the channel freed. */
  async #turnAway(channel: CardChannel, prompts: string[]): Promise<void> {
    try {
      await channel.offhook();
      const files = prompts.map((p) => this.#ctx.prompts.resolve(p, this.#ctx.settings.defaultLanguage)).filter((f): f is string => f !== undefined);
      if (files.length > 0) await channel.play({ files });
    } catch (error) {
      this.#ctx.logger.warn({ err: error, channel: channel.index }, 'turning a caller away failed');
    } finally {
      if (channel.state === 'offhook') await channel.onhook().catch(() => undefined);
    }
  }
}
