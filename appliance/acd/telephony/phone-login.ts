/**
 * Agents at a phone without a desktop, through the IVR's agentDesk nodes: login with the agent ID
 * and PIN at the extension they call from (hot desking), logout and ready / not ready there. The
 * calling number is the extension; a number longer than acd.dialing.internalMaxLength is an
 * outside caller. Only agents with a PIN configured may log in from a phone. After
 * PIN_TRIES_BEFORE_LOCK wrong PINs in a row an agent's phone login is locked for PIN_LOCK_MS: every
 * attempt then hears "wrong PIN", the right one too, so trying all 10,000 four-digit PINs takes years.
 */
import { timingSafeEqual } from 'node:crypto';
import type { AgentDeskPort, AgentDeskRefusal, AgentDeskResult, AgentDeskState } from '../../ivr/ports.js';
import type { Clock } from '../../runtime/clock.js';
import type { Logger } from '../../runtime/logger.js';
import type { AcdEngine } from '../engine.js';
import { AcdError, type Agent, type RequestedState } from '../model.js';

const REFUSAL_OF: Record<AcdError['code'], AgentDeskRefusal> = {
  unknownAgent: 'unknownAgent',
  badPin: 'badPin',
  deviceInUse: 'deviceInUse',
  badState: 'notLoggedIn',
  onCall: 'onCall',
  unknownReason: 'unknownReason',
  unknownQueue: 'unavailable',
  unknownCall: 'unavailable',
};

const refuse = (refusal: AgentDeskRefusal): AgentDeskResult => ({ ok: false, refusal });

export const PIN_TRIES_BEFORE_LOCK = 5;
export const PIN_LOCK_MS = 15 * 60_000;

function samePin(typed: string, configured: string): boolean {
  const a = Buffer.from(typed);
  const b = Buffer.from(configured);
  return a.length === b.length && timingSafeEqual(a, b);
}

/** The agent's state as a phone user sees it: an offer ringing is still ready; wrap-up and calls are not ready. */
function deskState(agent: Agent): AgentDeskState {
  if (agent.state === 'loggedOut') return 'loggedOut';
  return agent.state === 'ready' || agent.state === 'offered' ? 'ready' : 'notReady';
}

export class PhoneLogin implements AgentDeskPort {
  /** Per agent: wrong PINs in a row, and until when phone logins are refused after too many. */
  readonly #wrongPins = new Map<string, { inRow: number; lockedUntil: number }>();

  constructor(
    private readonly engine: AcdEngine,
    private readonly logger: Logger,
    private readonly clock: Clock,
  ) {}

  login(agentId: string, pin: string, device: string, options: { ready: boolean }): AgentDeskResult {
    if (!this.#isExtension(device)) return refuse('notAnExtension');
    const agent = this.engine.agents.get(agentId);
    if (!agent) return refuse('unknownAgent');
    if (agent.config.pin === undefined) return refuse('noPin');
    const tries = this.#wrongPins.get(agentId) ?? { inRow: 0, lockedUntil: 0 };
    const now = this.clock.now();
    if (tries.lockedUntil > now) {
      this.logger.warn({ agent: agentId, device, lockedUntil: new Date(tries.lockedUntil).toISOString() }, 'phone login refused: too many wrong PINs');
      return refuse('badPin');
    }
    if (!samePin(pin, agent.config.pin)) {
      tries.inRow++;
      if (tries.inRow >= PIN_TRIES_BEFORE_LOCK) {
        tries.inRow = 0;
        tries.lockedUntil = now + PIN_LOCK_MS;
      }
      this.#wrongPins.set(agentId, tries);
      this.logger.warn({ agent: agentId, device, locked: tries.lockedUntil > now }, 'phone login with a wrong PIN');
      return refuse('badPin');
    }
    this.#wrongPins.delete(agentId);
    if (agent.state !== 'loggedOut') return agent.device === device ? { ok: true, agentId, state: deskState(agent) } : refuse('loggedInElsewhere');
    const result = this.#run(agent, options.ready ? 'ready' : 'notReady', () => this.engine.login(agentId, device, { pin, ready: options.ready }));
    if (result.ok) this.logger.info({ agent: agentId, device }, 'agent logged in from the phone');
    return result;
  }

  logout(device: string): AgentDeskResult {
    const agent = this.engine.agents.atDevice(device);
    if (!agent) return refuse(this.#isExtension(device) ? 'notLoggedIn' : 'notAnExtension');
    return this.#run(agent, 'loggedOut', () => this.engine.logout(agent.id));
  }

  setReady(device: string, ready: boolean | 'toggle', reason?: string): AgentDeskResult {
    const agent = this.engine.agents.atDevice(device);
    if (!agent) return refuse(this.#isExtension(device) ? 'notLoggedIn' : 'notAnExtension');
    const goReady = ready === 'toggle' ? deskState(agent) !== 'ready' : ready;
    let want: RequestedState;
    if (goReady) want = { state: 'ready' };
    else if (reason === undefined) return refuse('unknownReason');
    else want = { state: 'notReady', reason };
    return this.#run(agent, want.state, () => this.engine.request(agent.id, want));
  }

  #isExtension(device: string): boolean {
    return /^[0-9]+$/.test(device) && device.length <= this.engine.config.dialing.internalMaxLength;
  }

  /** The state asked for is the agent's now, or after the call they are on. */
  #run(agent: Agent, state: AgentDeskState, change: () => void): AgentDeskResult {
    try {
      change();
    } catch (error) {
      if (error instanceof AcdError) return refuse(REFUSAL_OF[error.code]);
      throw error;
    }
    return { ok: true, agentId: agent.id, state };
  }
}
