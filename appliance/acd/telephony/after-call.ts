/**
 * Ending an agent's call from the desktop: for a queue with an after-call survey the caller is
 * transferred to the survey number instead of cleared, and the IVR learns which agent they talked
 * to when the call rings there (matched by the caller's number, for a minute).
 */
import type { ReturningCall } from '../../ivr/ports.js';
import type { Clock } from '../../runtime/clock.js';
import type { AcdEngine } from '../engine.js';
import type { Agent } from '../model.js';
import type { CallControl } from '../ports.js';

const MATCH_WITHIN_MS = 60_000;

interface Pending {
  flow: string;
  agentId: string;
  queue: string;
  callId: string;
  at: number;
}

export class AfterCall {
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
    this.#pending.set(callerId, { flow: survey.flow, agentId: agent.id, queue: call.queue, callId: call.id, at: this.clock.now() });
    await this.calls.transfer(device, survey.number);
  }

  /** The survey flow and its variables, when the ringing call is a caller sent to the survey. */
  returningCall(ring: { callerId?: string | undefined }): ReturningCall | undefined {
    const now = this.clock.now();
    for (const [key, pending] of this.#pending) if (now - pending.at > MATCH_WITHIN_MS) this.#pending.delete(key);
    const pending = ring.callerId === undefined ? undefined : this.#pending.get(ring.callerId);
    if (!pending) return undefined;
    this.#pending.delete(ring.callerId as string);
    return { flow: pending.flow, variables: { agent: pending.agentId, queue: pending.queue, acdCallId: pending.callId } };
  }
}
