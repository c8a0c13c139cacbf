/**
 * The agentDesk node: an agent without a desktop logs in at the phone they call from (agent ID,
 * then PIN, each ended by #), logs out, or goes ready / not ready there, through the ACD's
 * AgentDeskPort. The PIN never reaches the journal, the call's keys, the events or the log.
 */
import type { NodeOf } from '../../flow/schema.js';
import type { AgentDeskPort, AgentDeskRefusal, AgentDeskResult } from '../../ports.js';
import type { IvrCall } from '../call.js';
import { type DigitEntry, readEntry } from './input.js';
import { type NodeHandler, go } from './step.js';

type AgentDeskNode = NodeOf<'agentDesk'>;

/** The shortest PIN the ACD configuration allows (acd.agents[].pin). */
const PIN_MIN_DIGITS = 4;

function entry(node: AgentDeskNode, prompt: readonly string[], minDigits: number, maxDigits: number): DigitEntry {
  const { timeoutMs, interDigitMs, maxAttempts } = node;
  return { prompt, minDigits, maxDigits, terminator: '#', timeoutMs, interDigitMs, maxAttempts, invalidPrompt: node.prompts.invalid };
}

/** The port's answer; a port that throws is a refusal ('unavailable'), logged. */
function request(call: IvrCall, run: () => AgentDeskResult): AgentDeskResult {
  try {
    return run();
  } catch (error) {
    call.log.error({ node: call.node, err: error }, 'the agent desk port failed');
    return { ok: false, refusal: 'unavailable' };
  }
}

/** What the agent asked for, or 'noEntry' when they did not key an agent ID or a PIN in time. */
async function ask(call: IvrCall, node: AgentDeskNode, port: AgentDeskPort, device: string): Promise<AgentDeskResult | 'noEntry'> {
  switch (node.action) {
    case 'login': {
      const agentId = await readEntry(call, entry(node, node.prompts.enterAgentId, 1, node.agentIdMaxDigits));
      if (agentId === undefined) return 'noEntry';
      const pin = await readEntry(call, entry(node, node.prompts.enterPin, PIN_MIN_DIGITS, node.pinMaxDigits), { secret: true });
      if (pin === undefined) return 'noEntry';
      return request(call, () => port.login(agentId, pin, device, { ready: node.ready }));
    }
    case 'logout':
      return request(call, () => port.logout(device));
    case 'ready':
      return request(call, () => port.setReady(device, true));
    case 'notReady':
      return request(call, () => port.setReady(device, false, node.reason));
    case 'toggleReady':
      return request(call, () => port.setReady(device, 'toggle', node.reason));
  }
}

async function refused(call: IvrCall, node: AgentDeskNode, refusal: AgentDeskRefusal) {
  call.log.info({ node: call.node, action: node.action, device: call.callerId, refusal }, 'agent desk request refused');
  await call.play(node.prompts[refusal]);
  return go(node.onFailure, refusal);
}

export const agentDesk: NodeHandler<'agentDesk'> = async (call, node) => {
  const port = call.ctx.agentDesk;
  if (!port) {
    call.log.error({ node: call.node }, 'an agentDesk node needs the ACD on this box (no agent desk port); the node fails');
    await call.play(node.prompts.unavailable);
    return go(node.onFailure, 'noAcd');
  }
  if (call.callerId === undefined) return refused(call, node, 'notAnExtension');
  const result = await ask(call, node, port, call.callerId);
  if (result === 'noEntry') {
    await call.play(node.prompts.noEntry);
    return go(node.onFailure, 'noEntry');
  }
  if (!result.ok) return refused(call, node, result.refusal);
  call.log.info({ node: call.node, action: node.action, device: call.callerId, agent: result.agentId, state: result.state }, 'agent desk request done');
  const { prompts } = node;
  const state = result.state === 'loggedOut' ? prompts.loggedOut : result.state === 'ready' ? prompts.ready : prompts.notReady;
  await call.play(node.action === 'login' ? [...prompts.loggedIn, ...state] : state);
  return go(node.next, node.action === 'login' ? `loggedIn:${result.state}` : result.state);
};
