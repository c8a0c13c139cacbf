/**
 * One channel of the board as the host sees it: typed operations, its state, the events the board
 * reports on it, and its service state. A channel leaves service when a command goes unanswered
 * (it is then probed with `status` until it answers), when the board reports a fault (until
 * `recovered`), or when the link goes down (until the board's next hello).
 */
import { EventEmitter } from 'node:events';
import type { Clock, TimerHandle } from '../runtime/clock.js';
import type { Logger } from '../runtime/logger.js';
import {
  CardError,
  type CardAlarm,
  type CardChannel,
  type CardChannelEvents,
  type DialResult,
  type DigitsResult,
  type FaxResult,
  type PlayResult,
  type RecordResult,
  type RingInfo,
} from './api.js';
import type { CommandBody, CommandOutcome, CompletionName } from './command-book.js';
import type { CardEvent, CardEventOf, ChannelState, ChannelStatus, GetDigitsArgs, PlayArgs, RecordArgs } from './protocol.js';

/** What a channel needs from the set that owns it. */
export interface ChannelHost {
  readonly clock: Clock;
  readonly log: Logger;
  readonly probeIntervalMs: number;
  readonly isUp: boolean;
  /** Registers and sends a command; see CommandBook. */
  submit(ch: number, body: CommandBody): Promise<CommandOutcome>;
  rejectPending(ch: number, error: CardError): void;
  alarm(raised: boolean, code: ChannelAlarmCode, channel: number, message: string): void;
  ringing(channel: CardChannelDriver, info: RingInfo): void;
}

export type ChannelAlarmCode = Extract<CardAlarm['code'], 'channelOutOfService' | 'channelFault'>;
/** Why a channel is out of service. `board`: the board's hello or status says so. */
export type OutOfServiceCause = 'noAnswer' | 'fault' | 'board' | 'linkDown' | 'retired';
type LiveState = Exclude<ChannelState, 'outOfService'>;
type ResultOf<N extends CompletionName> = Omit<CardEventOf<N>, 'type' | 'ch' | 'cmd' | 'event'>;

const ALARM_OF: Partial<Record<OutOfServiceCause, ChannelAlarmCode>> = { noAnswer: 'channelOutOfService', fault: 'channelFault', board: 'channelFault' };

export class CardChannelDriver extends EventEmitter<CardChannelEvents> implements CardChannel {
  readonly index: number;
  readonly #host: ChannelHost;
  #isTap = false;
  /** What the line is doing, kept while the channel is out of service. */
  #live: LiveState = 'idle';
  #cause: OutOfServiceCause | undefined = 'linkDown';
  #reason = 'the card link is not up yet';
  #alarm: { code: ChannelAlarmCode; message: string } | undefined;
  #probeTimer: TimerHandle | undefined;

  constructor(index: number, host: ChannelHost) {
    super();
    this.index = index;
    this.#host = host;
  }

  get state(): ChannelState {
    return this.#cause === undefined ? this.#live : 'outOfService';
  }

  get isTap(): boolean {
    return this.#isTap;
  }

  /** Why the channel is out of service, or undefined when it is in service. */
  get outOfServiceReason(): string | undefined {
    return this.#cause === undefined ? undefined : this.#reason;
  }

  async offhook(): Promise<void> {
    await this.#short({ op: 'offhook' }, 'offhook');
  }

  async onhook(): Promise<void> {
    await this.#short({ op: 'onhook' }, 'idle');
  }

  async flash(): Promise<void> {
    await this.#short({ op: 'flash' });
  }

  dial(digits: string): Promise<DialResult> {
    return this.#long({ op: 'dial', digits }, 'dialDone');
  }

  play(args: PlayArgs): Promise<PlayResult> {
    return this.#long({ op: 'play', args: args as Extract<CommandBody, { op: 'play' }>['args'] }, 'playDone');
  }

  record(args: RecordArgs): Promise<RecordResult> {
    return this.#long({ op: 'record', args: args as Extract<CommandBody, { op: 'record' }>['args'] }, 'recordDone');
  }

  getDigits(args: GetDigitsArgs): Promise<DigitsResult> {
    return this.#long({ op: 'getDigits', args: args as Extract<CommandBody, { op: 'getDigits' }>['args'] }, 'digitsDone');
  }

  async flushDigits(): Promise<void> {
    await this.#short({ op: 'flushDigits' });
  }

  async stop(): Promise<void> {
    await this.#short({ op: 'stop' });
  }

  sendFax(file: string): Promise<FaxResult> {
    return this.#long({ op: 'sendFax', file }, 'faxDone');
  }

  receiveFax(file: string): Promise<FaxResult> {
    return this.#long({ op: 'receiveFax', file }, 'faxDone');
  }

  tapStart(file: string): Promise<RecordResult> {
    return this.#long({ op: 'tapStart', file }, 'recordDone');
  }

  async tapStop(): Promise<void> {
    await this.#short({ op: 'tapStop' });
  }

  // ---- driven by the set

  /**
   * The board's hello (first connect or reconnect): its view of the channel replaces ours. Returns
   * the ring to announce (once the set is up) when the channel rings and did not before.
   */
  restore(status: ChannelStatus | undefined, isTap: boolean): RingInfo | undefined {
    this.#isTap = isTap;
    if (!status) {
      this.#takeOut('retired', 'the board no longer reports this channel');
      return undefined;
    }
    if (status.state === 'outOfService') {
      this.#takeOut('board', 'the board reports the channel out of service');
      return undefined;
    }
    const wasRinging = this.#live === 'ringing';
    const before = this.state;
    this.#live = status.state;
    this.#bringBack();
    if (before !== 'outOfService' && before !== this.#live) this.#emit('state', this.#live);
    return status.state === 'ringing' && !wasRinging ? ringInfo(status) : undefined;
  }

  /** Emits a ring the board reported in its hello (see restore). */
  announceRing(info: RingInfo): void {
    if (this.#cause === undefined && this.#live === 'ringing') this.#ring(info);
  }

  linkDown(reason: string): void {
    this.#takeOut('linkDown', reason);
  }

  /** Stops probing (the set is stopping). */
  close(): void {
    this.#stopProbe();
  }

  event(event: CardEvent): void {
    switch (event.event) {
      case 'fault':
        this.#takeOut('fault', `board fault: ${event.reason}`);
        return;
      case 'recovered':
        if (this.#cause !== 'linkDown' && this.#cause !== 'retired') {
          if (this.#cause !== undefined) this.#live = 'idle';
          this.#bringBack();
        }
        return;
      case 'ring': {
        const was = this.#live;
        this.#live = 'ringing';
        if (this.#cause !== undefined) return;
        if (was !== 'ringing') this.#emit('state', 'ringing');
        this.#ring(ringInfo(event));
        return;
      }
      case 'ringStop': {
        const was = this.#live;
        if (was === 'ringing') this.#live = 'idle';
        if (this.#cause !== undefined) return;
        this.#emit('ringStop');
        if (was !== this.#live) this.#emit('state', this.#live);
        return;
      }
      case 'hangup':
        if (this.#cause === undefined) this.#emit('hangup', { cause: event.cause });
        return;
      case 'dtmf':
        if (this.#cause === undefined) this.#emit('dtmf', { digit: event.digit });
        return;
      case 'faxProgress':
        this.#emit('faxProgress', { direction: event.direction, page: event.page });
        return;
      default:
        // Completion events are settled by the set's command book.
        return;
    }
  }

  // ---- commands

  async #short(body: CommandBody, becomes?: LiveState): Promise<void> {
    const before = this.#live;
    const outcome = await this.#command(body);
    // An event handled in the same read as the ack (a new call ringing right after our on-hook) is newer than the ack.
    if (this.#live !== before) return;
    const status = outcome.kind === 'ack' ? outcome.ack.status : undefined;
    const next = status && status.state !== 'outOfService' ? status.state : becomes;
    if (next !== undefined && this.#cause === undefined && next !== this.#live) {
      this.#live = next;
      this.#emit('state', next);
    }
  }

  async #long<N extends CompletionName>(body: CommandBody, completion: N): Promise<ResultOf<N>> {
    const outcome = await this.#command(body);
    if (outcome.kind !== 'done') throw new CardError('internal', `${body.op} on channel ${this.index}: acked without completion`, this.index);
    // The command book checked that the event is the one that ends this operation.
    const { type: _type, ch: _ch, cmd: _cmd, event: _event, ...result } = outcome.event;
    return result as unknown as ResultOf<N>;
  }

  /** Synchronous up to the send, so a timeout error's stack still shows the caller. */
  #command(body: CommandBody): Promise<CommandOutcome> {
    if (!this.#host.isUp) return Promise.reject(new CardError('linkDown', `${body.op} on channel ${this.index}: the card link is down`, this.index));
    if (this.#cause !== undefined) {
      return Promise.reject(new CardError('outOfService', `${body.op} on channel ${this.index}: the channel is out of service (${this.#reason})`, this.index));
    }
    let sent: Promise<CommandOutcome>;
    try {
      sent = this.#host.submit(this.index, body);
    } catch (error) {
      return Promise.reject(error as Error);
    }
    return sent.catch((error: unknown) => {
      if (error instanceof CardError && error.code === 'timeout' && this.#cause === undefined) this.#takeOut('noAnswer', error.message);
      throw error;
    });
  }

  // ---- service state

  #takeOut(cause: OutOfServiceCause, reason: string): void {
    const wasInService = this.#cause === undefined;
    this.#cause = cause;
    this.#reason = reason;
    if (cause === 'linkDown') this.#host.log.debug({ channel: this.index }, `card channel ${this.index} out of service: ${reason}`);
    else this.#host.log.warn({ channel: this.index, cause }, `card channel ${this.index} out of service: ${reason}`);
    this.#host.rejectPending(this.index, new CardError('outOfService', `channel ${this.index} went out of service: ${reason}`, this.index));
    const alarm = ALARM_OF[cause];
    // A link that is down raises its own alarm; the channels' alarms stand until the board's hello.
    if (cause !== 'linkDown') this.#setAlarm(alarm === undefined ? undefined : { code: alarm, message: `channel ${this.index}: ${reason}` });
    if (cause === 'noAnswer') this.#scheduleProbe();
    else this.#stopProbe();
    if (wasInService) {
      this.#emit('outOfService', { reason });
      this.#emit('state', 'outOfService');
    }
  }

  #bringBack(): void {
    const wasOut = this.#cause !== undefined;
    this.#cause = undefined;
    this.#stopProbe();
    this.#setAlarm(undefined);
    if (wasOut) {
      this.#host.log.info({ channel: this.index, state: this.#live }, `card channel ${this.index} back in service`);
      this.#emit('inService');
      this.#emit('state', this.#live);
    }
  }

  #setAlarm(next: { code: ChannelAlarmCode; message: string } | undefined): void {
    const current = this.#alarm;
    if (current?.code === next?.code) return;
    this.#alarm = next;
    if (current) this.#host.alarm(false, current.code, this.index, next ? `channel ${this.index}: superseded by ${next.code}` : `channel ${this.index} back in service`);
    if (next) this.#host.alarm(true, next.code, this.index, next.message);
  }

  #scheduleProbe(): void {
    if (this.#probeTimer !== undefined) return;
    this.#probeTimer = this.#host.clock.setTimeout(() => {
      this.#probeTimer = undefined;
      this.#probe();
    }, this.#host.probeIntervalMs);
    this.#probeTimer.unref?.();
  }

  #stopProbe(): void {
    this.#host.clock.clearTimeout(this.#probeTimer);
    this.#probeTimer = undefined;
  }

  #probe(): void {
    if (this.#cause !== 'noAnswer' || !this.#host.isUp) return;
    this.#host.submit(this.index, { op: 'status' }).then(
      (outcome) => {
        if (this.#cause !== 'noAnswer') return;
        const status = outcome.kind === 'ack' ? outcome.ack.status : undefined;
        if (status?.state === 'outOfService') {
          this.#takeOut('board', 'the board reports the channel out of service');
          return;
        }
        if (status) this.#live = status.state;
        this.#bringBack();
      },
      (error: unknown) => {
        this.#host.log.debug({ channel: this.index, err: (error as Error).message }, 'card channel probe unanswered');
        if (this.#cause === 'noAnswer') this.#scheduleProbe();
      },
    );
  }

  #ring(info: RingInfo): void {
    this.#emit('ring', info);
    this.#host.ringing(this, info);
  }

  /** One listener that throws must not stop the driver's own work. */
  #emit<K extends keyof CardChannelEvents>(name: K, ...args: CardChannelEvents[K]): void {
    try {
      (this.emit as (name: K, ...args: CardChannelEvents[K]) => boolean)(name, ...args);
    } catch (error) {
      this.#host.log.error({ err: error, channel: this.index, event: name }, 'a card channel listener threw; ignored');
    }
  }
}

function ringInfo(source: { callerId?: string | undefined; dnis?: string | undefined }): RingInfo {
  return { ...(source.callerId === undefined ? {} : { callerId: source.callerId }), ...(source.dnis === undefined ? {} : { dnis: source.dnis }) };
}
