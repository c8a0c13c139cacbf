/**
 * One caller's walk through a flow on one card channel: the call's data (language, variables, keys,
 * path, customer) and the channel operations the nodes use. A caller hang-up or a channel fault
 * surfaces as CallOver, which ends the walk wherever it is.
 */
import { CardError } from '../../cards/api.js';
import type { CardChannel, DigitsResult, GetDigitsArgs, PlayResult, RecordArgs, RecordResult } from '../../cards/api.js';
import type { Logger } from '../../runtime/logger.js';
import type { CompiledFlow } from '../flow/validate.js';
import { isPromptFile } from '../flow/validate.js';
import type { CustomerRecord, Language } from '../ports.js';
import type { EngineContext } from './context.js';

/** What the journal, the call's keys and the keyPress event show for secret digits (not DTMF, so no report mistakes it for keys). */
export const MASKED_DIGITS = 'hidden';

/** Thrown through the nodes when the call cannot go on; `outcome` is what the journal records. */
export class CallOver extends Error {
  constructor(readonly outcome: 'hangup' | 'channelFault', detail: string) {
    super(detail);
  }
}

export interface CallInfo {
  callId: string;
  channel: CardChannel;
  callerId: string | undefined;
  dnis: string | undefined;
  language: Language;
  vip: boolean;
  priority: number;
}

export class IvrCall {
  readonly callId: string;
  readonly channel: CardChannel;
  readonly callerId: string | undefined;
  readonly dnis: string | undefined;
  language: Language;
  vip: boolean;
  priority: number;
  customer: CustomerRecord | undefined;
  /** Whether the last lookup found a customer. */
  found = false;
  /** The caller is back from an agent's phone to wait on in their queue: the queue node does not greet them again. */
  resumesQueue = false;
  readonly variables: Record<string, string> = {};
  readonly keys: string[] = [];
  readonly path: string[] = [];
  flow: CompiledFlow;
  node = '';
  #hungUp = false;
  readonly log: Logger;

  constructor(
    info: CallInfo,
    flow: CompiledFlow,
    readonly ctx: EngineContext,
  ) {
    this.callId = info.callId;
    this.channel = info.channel;
    this.callerId = info.callerId;
    this.dnis = info.dnis;
    this.language = info.language;
    this.vip = info.vip;
    this.priority = info.priority;
    this.flow = flow;
    this.log = ctx.logger.child({ call: info.callId, channel: info.channel.index });
    if (info.callerId) this.variables.callerId = info.callerId;
    if (info.dnis) this.variables.dnis = info.dnis;
  }

  get hungUp(): boolean {
    return this.#hungUp;
  }

  markHungUp(): void {
    this.#hungUp = true;
  }

  ensureLive(): void {
    if (this.#hungUp) throw new CallOver('hangup', 'the caller hung up');
  }

  /** Replaces ${name} with the call's variables (empty when unset). */
  substitute(text: string): string {
    return text.replace(/\$\{([A-Za-z_][A-Za-z0-9_.]*)\}/g, (_, name: string) => this.variables[name] ?? '');
  }

  /** Prompt names (in the call's language) or paths → files; a prompt missing from the set is logged and skipped. */
  files(refs: readonly string[]): string[] {
    const out: string[] = [];
    for (const ref of refs) {
      if (isPromptFile(ref)) out.push(ref);
      else {
        const file = this.ctx.prompts.resolve(ref, this.language);
        if (file) out.push(file);
        else this.log.warn({ node: this.node }, `no prompt "${ref}" in ${this.language}; skipped`);
      }
    }
    return out;
  }

  async play(refs: readonly string[], bargeIn = false): Promise<PlayResult | undefined> {
    return this.playFiles(this.files(refs), bargeIn);
  }

  async playFiles(files: string[], bargeIn = false): Promise<PlayResult | undefined> {
    if (files.length === 0) return undefined;
    const result = await this.#op(() => this.channel.play({ files, bargeIn }));
    if (result.reason === 'error') this.log.warn({ node: this.node, error: result.error }, 'a prompt could not be played');
    return result;
  }

  /** `secret` (a PIN): the digits reach the node only; the keys, the journal and the events get MASKED_DIGITS. */
  async getDigits(args: GetDigitsArgs, secret = false): Promise<DigitsResult> {
    const result = await this.#op(() => this.channel.getDigits(args));
    if (result.digits !== '') {
      const digits = secret ? MASKED_DIGITS : result.digits;
      this.keys.push(digits);
      this.ctx.journal.keyPress({ callId: this.callId, at: this.ctx.clock.now(), channel: this.channel.index, flow: this.flow.id, node: this.node, digits });
      this.ctx.events.emit('keyPress', { callId: this.callId, flow: this.flow.id, node: this.node, digits });
    }
    return result;
  }

  /** Records; a hang-up during recording still returns what was recorded (voicemail keeps it). */
  async record(args: RecordArgs): Promise<RecordResult> {
    this.ensureLive();
    try {
      const result = await this.channel.record(args);
      if (result.reason === 'hangup') this.#hungUp = true;
      return result;
    } catch (error) {
      throw this.#fault(error);
    }
  }

  async fax(direction: 'send' | 'receive', file: string) {
    return this.#op(() => (direction === 'send' ? this.channel.sendFax(file) : this.channel.receiveFax(file)));
  }

  async #op<R extends { reason: string }>(run: () => Promise<R>): Promise<R> {
    this.ensureLive();
    let result: R;
    try {
      result = await run();
    } catch (error) {
      throw this.#fault(error);
    }
    if (result.reason === 'hangup') {
      this.#hungUp = true;
      throw new CallOver('hangup', 'the caller hung up');
    }
    return result;
  }

  #fault(error: unknown): Error {
    if (error instanceof CardError) {
      if (this.#hungUp) return new CallOver('hangup', 'the caller hung up');
      return new CallOver('channelFault', `${error.code}: ${error.message}`);
    }
    return error as Error;
  }
}
