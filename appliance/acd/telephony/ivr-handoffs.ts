/**
 * Callers the ACD sends to the IVR, matched by their number when they ring there (for a minute):
 * - the after-call survey: when the agent ends a call from the desktop in a queue with a survey,
 *   the caller is transferred to the survey number instead of cleared, and the survey learns who
 *   they talked to;
 * - an IVR flow the agent sends them to (a PIN check, a payment) that ends in a queue node: the
 *   caller comes back to the same agent, who waits for them not ready (awaitingCaller).
 */
import type { ReturningCall } from '../../ivr/ports.js';
import type { Clock } from '../../runtime/clock.js';
import { AWAITING_CALLER } from '../agent-book.js';
import type { AcdEngine } from '../engine.js';
import { AcdError, type Agent } from '../model.js';
import type { CallControl } from '../ports.js';

const MATCH_WITHIN_MS = 60_000;
/** The variable that tells the IVR's queue node to bring the caller back to this agent. */
export const RETURN_TO_AGENT = 'returnToAgent';

interface Pending extends ReturningCall {
  at: number;
}

export class IvrHandoffs {
  readonly #pending = new Map<string, Pending>();

  constructor(
    private readonly engine: AcdEngine,
    private readonly calls: CallControl,
    private readonly clock: Clock,
  ) {}

  async hangup(agent: Agent, device: string): Promise<void> {
    const call = agent.call;
    const survey = call && call.kind === 'inbound' ? this.engine.queue(call.queue)?.config.afterCallSurvey : undefined;
    const callerId = call?.data.callerId;
    if (!call || survey === undefined || callerId === undefined) return this.calls.hangup(device);
    this.#pending.set(callerId, { flow: survey.flow, variables: { agent: agent.id, queue: call.queue, acdCallId: call.id }, at: this.clock.now() });
    await this.calls.transfer(device, survey.number);
  }

  /** Sends the agent's caller to `flow` (at `node`); the flow's queue node brings them back to this agent. */
  async sendToIvr(agent: Agent, device: string, flow: string, node: string | undefined): Promise<void> {
    const call = agent.call;
    const callerId = call?.data.callerId;
    const number = this.engine.config.ivrNumber;
    if (number === undefined) throw new AcdError('badState', 'acd.ivrNumber is not set: ccbox does not know how to reach the IVR ports');
    if (!call || callerId === undefined) throw new AcdError('badState', `agent ${agent.id} has no call with a caller number to send to the IVR`);
    this.#pending.set(callerId, {
      flow,
      ...(node !== undefined ? { node } : {}),
      variables: { ...call.data.variables, agent: agent.id, queue: call.queue, [RETURN_TO_AGENT]: agent.id, acdCallId: call.id },
      at: this.clock.now(),
    });
    this.engine.request(agent.id, { state: 'notReady', reason: AWAITING_CALLER });
    await this.calls.transfer(device, number);
    this.clock.setTimeout(() => {
      const now = this.engine.agents.get(agent.id);
      if (now?.state === 'notReady' && now.reason === AWAITING_CALLER) this.engine.request(agent.id, { state: 'ready' });
    }, this.engine.config.returnWaitSeconds * 1000);
  }

  /** The flow and variables of a caller the ACD sent to the IVR, when they ring there. */
  returningCall(ring: { callerId?: string | undefined }): ReturningCall | undefined {
    const now = this.clock.now();
    for (const [key, pending] of this.#pending) if (now - pending.at > MATCH_WITHIN_MS) this.#pending.delete(key);
    const pending = ring.callerId === undefined ? undefined : this.#pending.get(ring.callerId);
    if (!pending) return undefined;
    this.#pending.delete(ring.callerId as string);
    const { at: _at, ...returning } = pending;
    return returning;
  }

  /** A caller back from the IVR for their agent: the agent stops waiting (ready), so the call can reach them. */
  welcomeBack(agentId: string): void {
    const agent = this.engine.agents.get(agentId);
    const pending = agent?.pending;
    const waiting = (agent?.state === 'notReady' && agent.reason === AWAITING_CALLER) || (pending?.state === 'notReady' && pending.reason === AWAITING_CALLER);
    if (waiting) this.engine.request(agentId, { state: 'ready' });
  }
}
