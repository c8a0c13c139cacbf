/** Nodes that read keys: menu, collect (with confirmation), survey. */
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

export const collect: NodeHandler<'collect'> = async (call, node) => {
  for (let attempt = 1; attempt <= node.maxAttempts; attempt++) {
    await call.play(node.prompt, true);
    const result = await call.getDigits({ max: node.maxDigits, firstDigitMs: node.timeoutMs, interDigitMs: node.interDigitMs, terminators: node.terminator });
    const ok = result.digits.length >= node.minDigits;
    if (ok && (!node.confirm || (await confirmed(call, result.digits, node.confirm)))) {
      call.variables[node.variable] = result.digits;
      return go(node.next, 'collected');
    }
    if (!ok && node.invalidPrompt && attempt < node.maxAttempts) await call.play(node.invalidPrompt);
  }
  return go(node.onFailure, 'maxAttempts');
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
