/**
 * The face of the voice/fax boards as the IVR (and later the recorder) sees them: a CardSet of typed
 * channels. Every operation resolves when the board reports it complete (with the reason) and
 * rejects with CardError when the board refuses it, does not answer in time, or the channel or
 * link is out of service. A hang-up ends a running operation with reason 'hangup' (it resolves).
 */
import type { EventEmitter } from 'node:events';
import type {
  BoardInfo,
  CardErrorCode,
  CardEventOf,
  ChannelState,
  GetDigitsArgs,
  PlayArgs,
  RecordArgs,
} from './protocol.js';

export type { BoardInfo, ChannelState, GetDigitsArgs, Law, PlayArgs, RecordArgs } from './protocol.js';

export type PlayResult = Omit<CardEventOf<'playDone'>, 'type' | 'ch' | 'cmd' | 'event'>;
export type RecordResult = Omit<CardEventOf<'recordDone'>, 'type' | 'ch' | 'cmd' | 'event'>;
export type DigitsResult = Omit<CardEventOf<'digitsDone'>, 'type' | 'ch' | 'cmd' | 'event'>;
export type DialResult = Omit<CardEventOf<'dialDone'>, 'type' | 'ch' | 'cmd' | 'event'>;
export type FaxResult = Omit<CardEventOf<'faxDone'>, 'type' | 'ch' | 'cmd' | 'event'>;

/** Why an operation failed. Board refusals carry the board's code; the driver adds its own. */
export type CardFailure = CardErrorCode | 'timeout' | 'linkDown' | 'outOfService' | 'closed';

export class CardError extends Error {
  override readonly name = 'CardError';
  constructor(
    readonly code: CardFailure,
    message: string,
    readonly channel?: number,
  ) {
    super(message);
  }
}

export interface RingInfo {
  callerId?: string;
  /** The number the caller dialled, when the board or PBX passes it on. */
  dnis?: string;
}

export interface CardChannelEvents {
  ring: [info: RingInfo];
  /** The caller hung up before the channel answered. */
  ringStop: [];
  hangup: [info: { cause: 'loopDrop' | 'disconnectTone' }];
  dtmf: [info: { digit: string }];
  faxProgress: [info: { direction: 'send' | 'receive'; page: number }];
  /** The channel left service: a board fault, a command the board did not answer, or the link went down. */
  outOfService: [info: { reason: string }];
  inService: [];
  /** Any change of `state`. */
  state: [state: ChannelState];
}

export interface CardChannel extends EventEmitter<CardChannelEvents> {
  /** Index on the board, 0-based. */
  readonly index: number;
  readonly state: ChannelState;
  /** Why the channel is out of service; undefined while it is in service. */
  readonly outOfServiceReason: string | undefined;
  readonly isTap: boolean;
  offhook(): Promise<void>;
  onhook(): Promise<void>;
  flash(): Promise<void>;
  dial(digits: string): Promise<DialResult>;
  play(args: PlayArgs): Promise<PlayResult>;
  record(args: RecordArgs): Promise<RecordResult>;
  getDigits(args: GetDigitsArgs): Promise<DigitsResult>;
  /** Drops DTMF the caller typed ahead. */
  flushDigits(): Promise<void>;
  /** Ends whatever play, record, getDigits, dial or fax runs; that operation resolves with 'stopped'. */
  stop(): Promise<void>;
  sendFax(file: string): Promise<FaxResult>;
  receiveFax(file: string): Promise<FaxResult>;
  tapStart(file: string): Promise<RecordResult>;
  tapStop(): Promise<void>;
}

export interface CardAlarm {
  /** true when raised, false when cleared. */
  raised: boolean;
  code: 'linkDown' | 'channelOutOfService' | 'channelFault' | 'protocol';
  channel?: number;
  message: string;
  at: number;
}

export interface CardSetEvents {
  /** The board answered hello (first connect and every reconnect). */
  up: [board: BoardInfo];
  down: [info: { reason: string }];
  ring: [channel: CardChannel, info: RingInfo];
  alarm: [alarm: CardAlarm];
  /** A frame from the board that could not be used (it was dropped; the link carries on). */
  protocolError: [info: { code: string; message: string; frame?: string }];
}

export interface CardSet extends EventEmitter<CardSetEvents> {
  readonly board: BoardInfo | undefined;
  readonly isUp: boolean;
  channels(): readonly CardChannel[];
  channel(index: number): CardChannel;
  /** Connects and keeps reconnecting until stop(). Resolves once the first hello is answered. */
  start(): Promise<void>;
  stop(): Promise<void>;
}
