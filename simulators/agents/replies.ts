/** Matches replies on `agent/<id>/reply` to the commands sent, by correlation ID, with a timeout. */
import type { CommandError, Reply } from '../../appliance/api/commands.js';
import { AgentDeskError } from './errors.js';

// Captured at load so sinon fake timers installed later leave it alone: this bounds network I/O,
// which runs in real time whatever clock the desk's behaviour uses.
const realSetTimeout = globalThis.setTimeout;
const realClearTimeout = globalThis.clearTimeout;

interface Pending {
  command: string;
  resolve(result: unknown): void;
  reject(error: AgentDeskError): void;
  timer: ReturnType<typeof setTimeout>;
}

export class ReplyWaiter {
  readonly #pending = new Map<string, Pending>();

  constructor(
    private readonly agentId: string,
    private readonly timeoutMs: number,
  ) {}

  get size(): number {
    return this.#pending.size;
  }

  /** Call before publishing the command, so a fast reply cannot arrive unexpected. */
  expect(id: string, command: string): Promise<unknown> {
    return new Promise((resolve, reject) => {
      const timer = realSetTimeout(() => this.fail(id, new AgentDeskError(this.agentId, 'timeout', `no reply within ${this.timeoutMs} ms`, command)), this.timeoutMs);
      timer.unref();
      this.#pending.set(id, { command, resolve, reject, timer });
    });
  }

  /** Settles the command a reply answers; throws an AgentDeskError for a reply that is not one. */
  settle(payload: unknown): void {
    if (!isReply(payload)) throw new AgentDeskError(this.agentId, 'badReply', `not a reply: ${JSON.stringify(payload)}`);
    if (payload.id === null) {
      const error = payload.ok ? undefined : payload.error;
      throw new AgentDeskError(this.agentId, 'badReply', `the appliance could not read a command: ${error?.code}: ${error?.message}`);
    }
    const pending = this.#take(payload.id);
    if (pending === undefined) return; // an answer to a command that already timed out
    if (payload.ok) pending.resolve(payload.result);
    else pending.reject(refusal(this.agentId, pending.command, payload.error));
  }

  fail(id: string, error: AgentDeskError): void {
    this.#take(id)?.reject(error);
  }

  failAll(code: string, detail: string): void {
    for (const id of [...this.#pending.keys()]) {
      const command = this.#pending.get(id)?.command;
      this.fail(id, new AgentDeskError(this.agentId, code, detail, command));
    }
  }

  #take(id: string): Pending | undefined {
    const pending = this.#pending.get(id);
    if (pending === undefined) return undefined;
    this.#pending.delete(id);
    realClearTimeout(pending.timer);
    return pending;
  }
}

function refusal(agentId: string, command: string, error: CommandError): AgentDeskError {
  const field = error.field === undefined ? '' : ` (field ${error.field})`;
  return new AgentDeskError(agentId, error.code, `${error.message}${field}`, command);
}

function isReply(payload: unknown): payload is Reply {
  if (typeof payload !== 'object' || payload === null) return false;
  const { id, ok, error } = payload as { id?: unknown; ok?: unknown; error?: { code?: unknown; message?: unknown } };
  if (typeof id !== 'string' && id !== null) return false;
  if (ok === true) return true;
  return ok === false && typeof error === 'object' && error !== null && typeof error.code === 'string' && typeof error.message === 'string';
}
