/**
 * One simulated channel of the board: its hook, the call ringing or connected on its analog port,
 * the digit buffer, the one long operation it may run, and its service state (fault, mute). It
 * answers commands (ack/nak to the host that sent them, completions to that host too) and turns
 * what the line reports into events every host hears.
 */
import type { BoardProfile } from '../../appliance/cards/board-profile.js';
import type { BoardFrame, CardCommand, CardErrorCode, ChannelStatus } from '../../appliance/cards/protocol.js';
import { readWavFile } from '../../appliance/media/index.js';
import type { Clock, TimerHandle } from '../../appliance/runtime/clock.js';
import type { Logger } from '../../appliance/runtime/logger.js';
import type { FarEndMedia, LineToSwitch } from '../switch/lines/protocol.js';
import { LineAudio, seedOf } from './line-audio.js';
import { DialOperation } from './operations/dial.js';
import { GetDigitsOperation } from './operations/digits.js';
import { FaxOperation } from './operations/fax.js';
import { type ChannelContext, DigitBuffer, type EndReason, type EventBody, type FarEnd, type Operation, type OperationSink, messageOf } from './operations/operation.js';
import { PlayOperation } from './operations/play.js';
import { RecordOperation } from './operations/record.js';
import { TapOperation } from './operations/tap.js';
import { HOOK_FLASH_MS } from './timing.js';

/** The host a command came from: its answers and its operations' events go back there. */
export interface CommandOrigin {
  send(frame: BoardFrame): void;
}

export interface ChannelWiring {
  profile: BoardProfile;
  clock: Clock;
  logger: Logger;
  /** An event every connected host hears. */
  broadcast(ch: number, body: EventBody): void;
  /** A message to the switch on the channel's port (dropped while the line is down). */
  toLine(message: LineToSwitch): void;
}

type CallInfo = { callerId?: string; dnis?: string };
const DTMF = /^[0-9*#A-D]$/;

export class SimulatedChannel {
  readonly index: number;
  readonly isTap: boolean;
  /** Prompts played on the channel so far (files; `text:…` for tts). */
  readonly played: string[] = [];
  readonly #wiring: ChannelWiring;
  readonly #log: Logger;
  readonly #digits = new DigitBuffer();
  #port: string | undefined;
  #offHook = false;
  /** The far end went away and the host was told (hangup); cleared by the next hook change. */
  #hungUp = false;
  #ringing: (CallInfo & { callID: string }) | undefined;
  /** The caller of the call the channel answered, for its status. */
  #answered: CallInfo | undefined;
  /** `audio` is made when something first listens (a recording starts): the caller speaks when asked to. */
  #farEnd: (FarEnd & { audio: LineAudio | undefined }) | undefined;
  #fault: string | undefined;
  #muted = false;
  #running: { operation: Operation; origin: CommandOrigin | undefined } | undefined;
  #disconnectTimer: TimerHandle | undefined;
  readonly #flashTimers = new Set<TimerHandle>();
  readonly #context: ChannelContext;
  readonly #sink: OperationSink;

  constructor(index: number, wiring: ChannelWiring) {
    this.index = index;
    this.isTap = wiring.profile.tapChannels.includes(index);
    this.#wiring = wiring;
    this.#log = wiring.logger;
    this.#context = this.#makeContext();
    this.#sink = {
      progress: (operation, body) => this.#toOrigin(operation, body),
      done: (operation, body) => {
        const origin = this.#running?.operation === operation ? this.#running.origin : undefined;
        if (this.#running?.operation === operation) this.#running = undefined;
        if (origin && !this.#muted) origin.send({ type: 'event', ch: this.index, ...body } as BoardFrame);
      },
    };
  }

  get port(): string | undefined {
    return this.#port;
  }

  status(): ChannelStatus {
    const state = this.#fault !== undefined ? 'outOfService' : this.#offHook ? 'offhook' : this.#ringing ? 'ringing' : 'idle';
    const call = state === 'ringing' ? this.#ringing : state === 'offhook' ? this.#answered : undefined;
    return {
      ch: this.index,
      state,
      ...(call?.callerId !== undefined ? { callerId: call.callerId } : {}),
      ...(call?.dnis !== undefined ? { dnis: call.dnis } : {}),
      ...(this.#running ? { busyWith: this.#running.operation.op } : {}),
    };
  }

  // ---- the host's commands

  command(cmd: CardCommand, origin: CommandOrigin): void {
    if (this.#muted) {
      this.#log.debug({ ch: this.index, id: cmd.id, op: cmd.op }, 'muted channel ignores a command');
      return;
    }
    const ack = () => origin.send({ type: 'ack', id: cmd.id, status: this.status() });
    const nak = (code: CardErrorCode, message: string) => origin.send({ type: 'nak', id: cmd.id, code, message: `channel ${this.index}: ${message}` });
    if (cmd.op === 'status') return ack();
    if (this.#fault !== undefined) return nak('invalidState', `out of service (${this.#fault})`);
    switch (cmd.op) {
      case 'offhook':
        this.#goOffHook();
        return ack();
      case 'onhook':
        this.#end('stopped');
        this.#goOnHook();
        return ack();
      case 'flash':
        if (!this.#offHook) return nak('invalidState', 'a flash needs the channel off hook');
        return this.#flash(ack);
      case 'flushDigits':
        this.#digits.clear();
        return ack();
      case 'stop':
        this.#end('stopped');
        return ack();
      case 'tapStop':
        if (this.#running?.operation.op === 'tapStart') this.#end('stopped');
        return ack();
      default:
        break;
    }
    const refusal = this.#refusal(cmd);
    if (refusal) return nak(refusal[0], refusal[1]);
    const operation = this.#operationFor(cmd);
    this.#running = { operation, origin };
    ack();
    // The far end is already gone (the host had not heard the hangup when it sent this): over at once.
    if (this.#hungUp && !this.isTap) operation.end('hangup');
    else operation.start();
  }

  /** Why a long command cannot start now, or undefined. */
  #refusal(cmd: Exclude<CardCommand, { op: 'status' | 'offhook' | 'onhook' | 'flash' | 'flushDigits' | 'stop' | 'tapStop' }>): [CardErrorCode, string] | undefined {
    const { profile } = this.#wiring;
    if (this.#running) return ['busy', `already busy with ${this.#running.operation.op} (command ${this.#running.operation.cmd})`];
    if (cmd.op === 'tapStart') return this.isTap ? undefined : ['notCapable', 'is not a tap channel'];
    if (cmd.op === 'play' && cmd.args.text !== undefined && !profile.tts) return ['notCapable', `board ${profile.model} has no text-to-speech`];
    if ((cmd.op === 'sendFax' || cmd.op === 'receiveFax') && !profile.fax) return ['notCapable', `board ${profile.model} has no fax`];
    if (!this.#offHook) return ['invalidState', `${cmd.op} needs the channel off hook`];
    return undefined;
  }

  #operationFor(cmd: Exclude<CardCommand, { op: 'status' | 'offhook' | 'onhook' | 'flash' | 'flushDigits' | 'stop' | 'tapStop' }>): Operation {
    const args = [cmd.id, this.#context, this.#sink] as const;
    switch (cmd.op) {
      case 'play':
        return new PlayOperation(...args, cmd.args);
      case 'record':
        return new RecordOperation(...args, cmd.args);
      case 'getDigits':
        return new GetDigitsOperation(...args, cmd.args);
      case 'dial':
        return new DialOperation(...args, cmd.digits);
      case 'sendFax':
        return new FaxOperation(...args, 'send', cmd.file);
      case 'receiveFax':
        return new FaxOperation(...args, 'receive', cmd.file);
      case 'tapStart':
        return new TapOperation(...args, cmd.file);
    }
  }

  #goOffHook(): void {
    if (this.#offHook) return;
    this.#offHook = true;
    this.#hungUp = false;
    this.#digits.clear();
    this.#answered = this.#ringing ? { ...this.#ringing } : undefined;
    this.#ringing = undefined;
    this.#sendLine('offhook');
  }

  #goOnHook(): void {
    this.#clearDisconnect();
    this.#digits.clear();
    this.#farEnd = undefined;
    this.#answered = undefined;
    this.#hungUp = false;
    if (!this.#offHook) return;
    this.#offHook = false;
    this.#sendLine('onhook');
  }

  #flash(ack: () => void): void {
    this.#sendLine('flash');
    const timer = this.#wiring.clock.setTimeout(() => {
      this.#flashTimers.delete(timer);
      if (!this.#muted) ack();
    }, HOOK_FLASH_MS);
    this.#flashTimers.add(timer);
  }

  // ---- what the line reports

  setPort(port: string | undefined): void {
    this.#port = port;
  }

  lineRing(call: { callID: string; callerId?: string | undefined; dnis?: string | undefined }): void {
    this.#ringing = { callID: call.callID, ...(call.callerId !== undefined ? { callerId: call.callerId } : {}), ...(call.dnis !== undefined ? { dnis: call.dnis } : {}) };
    if (this.#offHook || this.#fault !== undefined) return;
    const { callID: _callID, ...info } = this.#ringing;
    this.#broadcast({ event: 'ring', ...info });
  }

  lineRingStop(): void {
    const was = this.#ringing;
    this.#ringing = undefined;
    if (was && !this.#offHook && this.#fault === undefined) this.#broadcast({ event: 'ringStop' });
  }

  lineConnected(callID: string, media: FarEndMedia): void {
    this.#clearDisconnect();
    this.#hungUp = false;
    this.#farEnd = { callID, media, audio: undefined };
  }

  lineDigits(digits: string): void {
    if (!this.#offHook || this.#fault !== undefined) return;
    for (const digit of digits) {
      if (!DTMF.test(digit)) continue;
      this.#digits.push(digit);
      this.#broadcast({ event: 'dtmf', digit });
      this.#running?.operation.digit(digit);
    }
  }

  /** The far end cleared: the board notices by the loop current or by counting busy-tone cycles (tone plan). */
  lineDisconnect(): void {
    this.#farEnd = undefined;
    if (!this.#offHook || this.#hungUp || this.#disconnectTimer !== undefined) return;
    const { busyTone, disconnect } = this.#wiring.profile.tonePlan;
    if (disconnect.method !== 'tone') return this.#hangup('loopDrop');
    const cycleMs = busyTone.cadenceMs.reduce((sum, ms) => sum + ms, 0);
    this.#disconnectTimer = this.#wiring.clock.setTimeout(() => {
      this.#disconnectTimer = undefined;
      this.#hangup('disconnectTone');
    }, disconnect.toneCycles * cycleMs);
  }

  /** The line link to the switch went away: the loop is dead. */
  lineLost(): void {
    this.#port = undefined;
    this.lineRingStop();
    this.#farEnd = undefined;
    if (this.#offHook && !this.#hungUp) this.#hangup('loopDrop');
  }

  #hangup(cause: 'loopDrop' | 'disconnectTone'): void {
    this.#clearDisconnect();
    this.#farEnd = undefined;
    if (this.#fault !== undefined) return;
    this.#hungUp = true;
    this.#broadcast({ event: 'hangup', cause });
    this.#end('hangup');
  }

  // ---- service state and hosts

  fault(reason: string): void {
    if (this.#fault !== undefined) return;
    this.#fault = reason;
    this.#broadcast({ event: 'fault', reason });
    this.#end('error', reason);
    this.#goOnHook();
  }

  recover(): void {
    if (this.#fault === undefined) return;
    this.#fault = undefined;
    this.#broadcast({ event: 'recovered' });
    if (this.#ringing) {
      const { callID: _callID, ...info } = this.#ringing;
      this.#broadcast({ event: 'ring', ...info });
    }
  }

  mute(muted: boolean): void {
    this.#muted = muted;
  }

  /** A host went away: its operation stops (its completion has nowhere to go); hook state stays. */
  hostGone(origin: CommandOrigin): void {
    if (this.#running?.origin !== origin) return;
    this.#running.origin = undefined;
    this.#end('stopped');
  }

  close(): void {
    if (this.#running) this.#running.origin = undefined;
    this.#end('stopped');
    this.#clearDisconnect();
    for (const timer of this.#flashTimers) this.#wiring.clock.clearTimeout(timer);
    this.#flashTimers.clear();
  }

  // ---- helpers

  #end(reason: EndReason, error?: string): void {
    this.#running?.operation.end(reason, error);
  }

  #clearDisconnect(): void {
    this.#wiring.clock.clearTimeout(this.#disconnectTimer);
    this.#disconnectTimer = undefined;
  }

  #broadcast(body: EventBody): void {
    if (!this.#muted) this.#wiring.broadcast(this.index, body);
  }

  #toOrigin(operation: Operation, body: EventBody): void {
    const origin = this.#running?.operation === operation ? this.#running.origin : undefined;
    if (origin && !this.#muted) origin.send({ type: 'event', ch: this.index, ...body } as BoardFrame);
  }

  #sendLine(t: 'offhook' | 'onhook' | 'flash'): void {
    if (this.#port !== undefined) this.#wiring.toLine({ t, port: this.#port });
  }

  #audioOf(callID: string, media: FarEndMedia): LineAudio {
    const now = this.#wiring.clock.now();
    if (media.audio !== undefined) {
      try {
        return LineAudio.clip(readWavFile(media.audio), now);
      } catch (error) {
        this.#log.warn({ ch: this.index, file: media.audio, err: messageOf(error) }, "the caller's audio cannot be read; the line carries a generated signal");
      }
    }
    return LineAudio.generated(seedOf(callID), now);
  }

  #makeContext(): ChannelContext {
    return {
      ch: this.index,
      clock: this.#wiring.clock,
      law: this.#wiring.profile.law,
      log: this.#log,
      digits: this.#digits,
      farEnd: () => (this.#farEnd ? { callID: this.#farEnd.callID, media: this.#farEnd.media } : undefined),
      lineAudio: () => {
        const farEnd = this.#farEnd;
        if (!farEnd) return LineAudio.silence();
        farEnd.audio ??= this.#audioOf(farEnd.callID, farEnd.media);
        return farEnd.audio;
      },
      lineDial: (digits) => {
        if (this.#port !== undefined) this.#wiring.toLine({ t: 'dial', port: this.#port, digits });
      },
      lineFax: (file, pages) => {
        if (this.#port !== undefined) this.#wiring.toLine({ t: 'fax', port: this.#port, file, pages });
      },
      notePlayed: (file) => this.played.push(file),
    };
  }
}
