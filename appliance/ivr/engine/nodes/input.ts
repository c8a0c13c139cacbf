/** Nodes that read keys: menu, collect (with confirmation), survey; readEntry for every entry of digits. */
import type { IvrCall } from '../call.js';
import { type NodeHandler, go } from './step.js';

export const menu: NodeHandler<'menu'> = async (call, node) => {
  let failures = 0;
  let timeouts = 0;
  let repeat = false;
  for (;;) {
    await call.play(repeat && node.shortGreeting ? node.shortGreeting : node.greeting, true);
    const result = await call.getDigits({ max: node.digits, firstDigitMs: node.timeoutMs, interDigitMs: node.interDigitMs, terminators: node.digits > 1 ? '#' : '' });
    repeat = true;
    if (result.digits === '') {
      timeouts++;
      if (timeouts >= node.maxTimeouts) return go(node.onFailure, 'maxTimeouts');
      if (node.timeoutPrompt) await call.play(node.timeoutPrompt);
      continue;
    }
    const target = node.entries[result.digits];
    if (target !== undefined) return go(target, `key:${result.digits}`);
    failures++;
    if (failures >= node.maxFailures) return go(node.onFailure, 'maxFailures');
    if (node.invalidPrompt) await call.play(node.invalidPrompt);
  }
};

async function confirmed(call: IvrCall, digits: string, confirm: NonNullable<Parameters<NodeHandler<'collect'>>[1]['confirm']>): Promise<boolean> {
  const fragments = call.ctx.say.fragments('digits', digits, call.language);
  await call.play([...(confirm.readBack ?? ['you-entered']), ...fragments, ...confirm.prompt], true);
  const answer = await call.getDigits({ max: 1, firstDigitMs: 5000, interDigitMs: 1000, terminators: '' });
  return answer.digits === confirm.confirmKey;
}

/** Digits a node asks for: collect's entry, agentDesk's agent ID and PIN. */
export interface DigitEntry {
  prompt: readonly string[];
  minDigits: number;
  maxDigits: number;
  terminator: string;
  timeoutMs: number;
  interDigitMs: number;
  maxAttempts: number;
  invalidPrompt?: readonly string[] | undefined;
}

/**
 * Plays the prompt (a key cuts it short) and reads the entry, up to maxAttempts times; a timeout or
 * a short entry plays invalidPrompt before the next try. `accept` may still refuse an entry (the
 * confirmation). Undefined when no try gave an entry. `secret`: see IvrCall.getDigits.
 */
export async function readEntry(call: IvrCall, entry: DigitEntry, options: { secret?: boolean; accept?: (digits: string) => Promise<boolean> } = {}): Promise<string | undefined> {
  for (let attempt = 1; attempt <= entry.maxAttempts; attempt++) {
    await call.play(entry.prompt, true);
    const result = await call.getDigits({ max: entry.maxDigits, firstDigitMs: entry.timeoutMs, interDigitMs: entry.interDigitMs, terminators: entry.terminator }, options.secret);
    const ok = result.digits.length >= entry.minDigits;
    if (ok && (!options.accept || (await options.accept(result.digits)))) return result.digits;
    if (!ok && entry.invalidPrompt && attempt < entry.maxAttempts) await call.play(entry.invalidPrompt);
  }
  return undefined;
}

export const collect: NodeHandler<'collect'> = async (call, node) => {
  const { confirm } = node;
  const digits = await readEntry(call, node, confirm ? { accept: (entered) => confirmed(call, entered, confirm) } : {});
  if (digits === undefined) return go(node.onFailure, 'maxAttempts');
  call.variables[node.variable] = digits;
  return go(node.next, 'collected');
};

export const survey: NodeHandler<'survey'> = async (call, node) => {
  for (let attempt = 1; attempt <= node.maxAttempts; attempt++) {
    await call.play(node.prompt, true);
    const result = await call.getDigits({ max: 1, firstDigitMs: node.timeoutMs, interDigitMs: 1000, terminators: '' });
    const score = Number(result.digits);
    if (/^[1-5]$/.test(result.digits)) {
      call.ctx.journal.survey({ callId: call.callId, at: call.ctx.clock.now(), flow: call.flow.id, question: node.question, score, ...(call.variables.agent ? { agent: call.variables.agent } : {}) });
      call.ctx.events.emit('survey', { callId: call.callId, question: node.question, score });
      if (node.thanksPrompt) await call.play(node.thanksPrompt);
      return go(node.next, `score:${score}`);
    }
    if (node.invalidPrompt && attempt < node.maxAttempts) await call.play(node.invalidPrompt);
  }
  return go(node.next, 'noScore');
};
