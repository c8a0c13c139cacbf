/**
 * The ACD over MQTT: agent, supervisor and installer commands in, replies and events out. The
 * broker's access rules make sure a command on `agent/<id>/cmd` came from agent <id>; here every
 * payload is validated and a bad one is answered with an error naming the field, changing nothing.
 */
import type { z } from 'zod';
import { type AcdEngine, AcdError, type Agent, type CallControl } from '../acd/index.js';
import { type RevisitList, RevisitError } from '../acd/revisit.js';
import { dialable } from '../acd/telephony/callback-dialer.js';
import type { IvrHandoffs } from '../acd/telephony/ivr-handoffs.js';
import type { Clock } from '../runtime/clock.js';
import type { Logger } from '../runtime/logger.js';
import { AcdPublisher, agentStatePayload } from './acd-publisher.js';
import type { MessageBus } from './bus.js';
import { type AgentCommand, type CommandError, type InstallerCommand, type Reply, type SupervisorCommand, agentCommandSchema, installerCommandSchema, parseCommand, supervisorCommandSchema } from './commands.js';
import { isTopicSegment, parseTopic, type SiteTopics, siteTopics } from './topics.js';

/**
 * The configuration as the installer role sees and changes it. Whoever owns the store calls
 * `AcdApi.publishConfig` after every change, wherever it came from (SiteRuntime does).
 */
export interface ConfigPort {
  /** The configuration with secrets (passwords, hashes, PINs) masked. */
  view(): Record<string, unknown>;
  /** Changes one setting; says whether the running appliance applies it only after a restart. */
  set(path: string, value: unknown): Promise<{ restartNeeded: boolean }>;
}

export interface AcdApiOptions {
  bus: MessageBus;
  site: string;
  engine: AcdEngine;
  calls?: CallControl;
  /** Callers sent to the IVR: the after-call survey (a desktop hang-up transfers instead of clearing) and sendToIvr. */
  handoffs?: Pick<IvrHandoffs, 'hangup' | 'sendToIvr'>;
  config?: ConfigPort;
  /** The revisit (回访) lists agents work through. */
  revisits?: RevisitList;
  clock: Clock;
  logger: Logger;
  /** How often changed statistics are republished; at most 1000. */
  statsFlushMs?: number;
}

class CommandRefused extends Error {
  constructor(readonly code: string, message: string) {
    super(message);
  }
}

export class AcdApi {
  readonly topics: SiteTopics;
  readonly #publisher: AcdPublisher;
  readonly #unsubscribe: (() => Promise<void>)[] = [];
  /** The revisit call each agent placed last, to link its result to the call. */
  readonly #revisitCalls = new Map<string, { taskId: number; callId: string; at: number }>();

  constructor(private readonly options: AcdApiOptions) {
    this.topics = siteTopics(options.site);
    this.#publisher = new AcdPublisher({ bus: options.bus, topics: this.topics, engine: options.engine, clock: options.clock, logger: options.logger, flushMs: Math.min(1000, options.statsFlushMs ?? 500) });
  }

  async start(): Promise<void> {
    const { bus, site } = this.options;
    const root = this.topics.root;
    this.#unsubscribe.push(await bus.subscribe(`${root}/agent/+/cmd`, (topic, payload) => {
      const parsed = parseTopic(site, topic);
      if (parsed?.kind === 'agent') void this.#handle(this.topics.agentReply(parsed.agentId), agentCommandSchema, payload, (c) => this.#agentCommand(parsed.agentId, c));
    }));
    this.#unsubscribe.push(await bus.subscribe(`${root}/supervisor/+/cmd`, (topic, payload) => {
      const parsed = parseTopic(site, topic);
      if (parsed?.kind === 'supervisor') void this.#handle(this.topics.supervisorReply(parsed.username), supervisorCommandSchema, payload, (c) => this.#supervisorCommand(parsed.username, c));
    }));
    this.#unsubscribe.push(await bus.subscribe(`${root}/installer/+/cmd`, (topic, payload) => {
      const parsed = parseTopic(site, topic);
      if (parsed?.kind === 'installer') void this.#handle(this.topics.installerReply(parsed.username), installerCommandSchema, payload, (c) => this.#installerCommand(c));
    }));
    this.#publisher.start();
    await this.publishConfig();
    for (const list of this.options.revisits?.lists() ?? []) this.#publishRevisitSummary(list);
  }

  /** Publishes the configuration (secrets masked) retained on `config`, e.g. after it changed on disk. */
  async publishConfig(): Promise<void> {
    if (!this.options.config) return;
    await this.options.bus.publish(this.topics.config(), JSON.stringify(this.options.config.view()), { retain: true }).catch((error: Error) => this.options.logger.warn({ err: error }, 'config not published'));
  }

  async stop(): Promise<void> {
    this.#publisher.stop();
    for (const unsubscribe of this.#unsubscribe.splice(0)) await unsubscribe().catch(() => undefined);
  }

  /** Publishes changed statistics now instead of at the next tick. */
  flush(): void {
    this.#publisher.flush();
  }

  async #handle<S extends z.ZodType<{ id: string }>>(replyTopic: string, schema: S, payload: Buffer, run: (command: z.infer<S>) => Promise<unknown> | unknown): Promise<void> {
    const parsed = parseCommand(schema, payload);
    let reply: Reply;
    if (!parsed.ok) {
      reply = { id: parsed.id, ok: false, error: parsed.error };
    } else {
      const command = parsed.command;
      try {
        const result = await run(command);
        reply = { id: command.id, ok: true, ...(result !== undefined ? { result } : {}) };
      } catch (error) {
        reply = { id: command.id, ok: false, error: describe(error) };
        this.options.logger.info({ topic: replyTopic, command, err: error }, 'command refused');
      }
    }
    await this.options.bus.publish(replyTopic, JSON.stringify(reply)).catch((error: Error) => this.options.logger.warn({ err: error }, 'reply not published'));
  }

  #calls(): CallControl {
    if (!this.options.calls) throw new CommandRefused('noCallControl', 'call control needs the PBX link, which is not configured');
    return this.options.calls;
  }

  #revisits(): RevisitList {
    if (!this.options.revisits) throw new CommandRefused('noRevisits', 'this appliance has no revisit lists');
    return this.options.revisits;
  }

  /**
   * Republishes a revisit list's counts (retained) after something changed them. A list imported
   * before names were checked may not fit in a topic: it has no summary topic, and the command
   * that changed it still succeeds.
   */
  #publishRevisitSummary(list: string): void {
    const revisits = this.options.revisits;
    if (!revisits || !isTopicSegment(list)) return;
    this.options.bus.publish(this.topics.revisitSummary(list), JSON.stringify(revisits.summary(list)), { retain: true }).catch((error: Error) => this.options.logger.warn({ err: error, list }, 'revisit summary not published'));
  }

  #device(agent: Agent): string {
    if (agent.device === undefined) throw new CommandRefused('notLoggedIn', `agent ${agent.id} is not logged in`);
    return agent.device;
  }

  async #agentCommand(agentId: string, command: AgentCommand): Promise<unknown> {
    const { engine } = this.options;
    const agent = engine.agents.require(agentId);
    if (isPlainCallControl(command.cmd)) {
      const device = this.#device(agent);
      return this.#calls()[command.cmd](device);
    }
    switch (command.cmd) {
      case 'login':
        engine.login(agentId, command.device, { ...(command.pin !== undefined ? { pin: command.pin } : {}), ready: command.ready });
        return agentStatePayload(agent);
      case 'logout':
        engine.logout(agentId);
        return agentStatePayload(agent);
      case 'ready':
        engine.request(agentId, { state: 'ready' });
        return agentStatePayload(agent);
      case 'notReady':
        engine.request(agentId, { state: 'notReady', reason: command.reason });
        return agentStatePayload(agent);
      case 'wrapUpDone':
        engine.wrapUpDone(agentId);
        return agentStatePayload(agent);
      case 'hangup': {
        const device = this.#device(agent);
        return this.options.handoffs ? this.options.handoffs.hangup(agent, device) : this.#calls().hangup(device);
      }
      case 'transfer': {
        const device = this.#device(agent);
        return this.#calls().transfer(device, command.target);
      }
      case 'consult': {
        const device = this.#device(agent);
        return this.#calls().consult(device, command.target);
      }
      case 'makeCall': {
        const device = this.#device(agent);
        if (agent.call || agent.offer) throw new CommandRefused('onCall', `agent ${agentId} is on a call`);
        const callId = await this.#calls().makeCall(device, command.number);
        engine.startOutbound(agentId, callId, command.number);
        return { callId };
      }
      case 'revisitNext': {
        const assignment = this.#revisits().nextFor(agentId, command.list);
        if (assignment) this.#publishRevisitSummary(assignment.task.list);
        return assignment ?? null;
      }
      case 'revisitCall': {
        const device = this.#device(agent);
        if (agent.call || agent.offer) throw new CommandRefused('onCall', `agent ${agentId} is on a call`);
        const task = this.#revisits().assignedTo(agentId, command.taskId);
        const callId = await this.#calls().makeCall(device, dialable(task.number, engine.config.dialing));
        engine.startOutbound(agentId, callId, task.number);
        this.#revisitCalls.set(agentId, { taskId: task.id, callId, at: this.options.clock.now() });
        return { callId };
      }
      case 'revisitResult': {
        const call = this.#revisitCalls.get(agentId);
        const linked = call?.taskId === command.taskId ? call : undefined;
        this.#revisitCalls.delete(agentId);
        const completion = this.#revisits().complete(agentId, command.taskId, command.outcome, {
          ...(linked ? { callId: linked.callId, durationMs: this.options.clock.now() - linked.at } : {}),
          ...(command.note !== undefined ? { note: command.note } : {}),
          ...(command.retryAt !== undefined ? { retryAt: command.retryAt } : {}),
        });
        this.#publishRevisitSummary(completion.task.list);
        return completion;
      }
      case 'sendToIvr': {
        if (!this.options.handoffs) throw new CommandRefused('noCallControl', 'sending callers to the IVR needs the PBX link, which is not configured');
        return this.options.handoffs.sendToIvr(agent, this.#device(agent), command.flow, command.node);
      }
      case 'callbacks':
        return [...engine.calls()]
          .filter((call) => call.kind === 'callback' && call.phase === 'waiting' && agent.queues.has(call.queue))
          .map((call) => ({ callId: call.id, queue: call.queue, number: call.callbackNumber, since: call.placeAt, attempts: call.callbackAttempts }));
    }
  }

  async #supervisorCommand(username: string, command: SupervisorCommand): Promise<unknown> {
    const { engine, bus, clock } = this.options;
    switch (command.cmd) {
      case 'monitor':
        return this.#calls().monitor(command.device, this.#device(engine.agents.require(command.agentId)), command.mode);
      case 'forceRelease':
        return this.#calls().hangup(this.#device(engine.agents.require(command.agentId)));
      case 'takeOver':
        return this.#calls().takeOver(this.#device(engine.agents.require(command.agentId)), command.device);
      case 'forceNotReady':
        return engine.request(command.agentId, { state: 'notReady', reason: command.reason });
      case 'forceReady':
        return engine.request(command.agentId, { state: 'ready' });
      case 'forceLogout':
        return engine.logout(command.agentId);
      case 'bulletin': {
        const event = { type: 'bulletin' as const, text: command.text, from: username, at: clock.now() };
        if (!command.agents) return bus.publish(this.topics.bulletin(), JSON.stringify(event));
        for (const agentId of command.agents) engine.agents.require(agentId);
        await Promise.all(command.agents.map((agentId) => bus.publish(this.topics.agentEvent(agentId), JSON.stringify(event))));
        return { sent: command.agents.length };
      }
      case 'snapshot':
        return { agents: [...engine.agents.all()].map(agentStatePayload), queues: engine.queueNames().map((queue) => engine.stats(queue)) };
      case 'revisitImport': {
        const added = this.#revisits().importCsv(command.list, command.csv, { ...(command.priority !== undefined ? { priority: command.priority } : {}), ...(command.dueAt !== undefined ? { dueAt: command.dueAt } : {}) });
        this.#publishRevisitSummary(command.list);
        return { list: command.list, added: added.length };
      }
      case 'revisitSummary':
        return this.#revisits().summary(command.list);
      case 'revisitCancel': {
        const task = this.#revisits().cancel(command.taskId);
        this.#publishRevisitSummary(task.list);
        return task;
      }
    }
  }

  async #installerCommand(command: InstallerCommand): Promise<unknown> {
    const config = this.options.config;
    if (!config) throw new CommandRefused('noConfig', 'this appliance has no configuration store attached');
    if (command.cmd === 'getConfig') return config.view();
    const { restartNeeded } = await config.set(command.path, command.value);
    return { path: command.path, restartNeeded };
  }
}

/** Agent commands that are one call-control request at the agent's extension. */
const PLAIN_CALL_CONTROL = ['answer', 'hold', 'retrieve', 'completeTransfer', 'conference', 'cancelConsult'] as const;
function isPlainCallControl(cmd: string): cmd is (typeof PLAIN_CALL_CONTROL)[number] {
  return (PLAIN_CALL_CONTROL as readonly string[]).includes(cmd);
}

function describe(error: unknown): CommandError {
  if (error instanceof RevisitError && error.rows.length > 0) return { code: error.code, message: error.message, rows: error.rows.map(({ line, message }) => ({ line, message })) };
  if (error instanceof AcdError || error instanceof CommandRefused || error instanceof RevisitError) return { code: error.code, message: error.message };
  // A ConfigError names the setting in its first issue's path.
  const coded = error as { code?: unknown; issues?: { path?: unknown }[]; message?: string };
  const path = coded.issues?.[0]?.path;
  const field = typeof path === 'string' ? path : Array.isArray(path) ? path.join('.') : undefined;
  return { code: typeof coded.code === 'string' ? coded.code : 'failed', message: coded.message ?? String(error), ...(field ? { field } : {}) };
}
