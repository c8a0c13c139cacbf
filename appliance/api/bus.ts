/**
 * How the rest of the appliance talks MQTT without knowing where the broker is: the same
 * MessageBus over the embedded broker (in-process) or over an external broker (mqtt.js).
 *
 * Publishing `{"state":"online"}` retained to status/health once the bus is up, and again after
 * each reconnection, is the caller's job. The external bus leaves a retained last will on the
 * health topic for the broker to publish when the connection dies without a clean close.
 */
import { connect, type IClientOptions, type MqttClient } from 'mqtt';
import { type Logger, silentLogger } from '../runtime/logger.js';
import type { EmbeddedBroker, MessageHandler } from './broker.js';
import { isConcreteTopic, isValidFilter, topicMatches } from './filters.js';

export interface MessageBus {
  publish(topic: string, payload: string, options?: { retain?: boolean }): Promise<void>;
  /** Resolves once the subscription is in place, to the function that removes it. */
  subscribe(filter: string, handler: MessageHandler): Promise<() => Promise<void>>;
  /** Calls `listener` after each reconnection, once subscriptions are back; returns the function that stops it. */
  onReconnect(listener: () => void): () => void;
  close(): Promise<void>;
  readonly connected: boolean;
}

function checkPublishTopic(topic: string): void {
  if (!isConcreteTopic(topic)) throw new RangeError(`cannot publish to '${topic}': expected a topic without '+' or '#'`);
}

function checkFilter(filter: string): void {
  if (!isValidFilter(filter)) throw new RangeError(`cannot subscribe to '${filter}': '+' and '#' must fill a whole level, '#' only the last`);
}

/** The bus over the broker running in this process: it never disconnects, so it never reconnects. */
export class EmbeddedBus implements MessageBus {
  readonly #broker: EmbeddedBroker;
  #closed = false;

  constructor(broker: EmbeddedBroker) {
    this.#broker = broker;
  }

  get connected(): boolean {
    return !this.#closed;
  }

  async publish(topic: string, payload: string, options: { retain?: boolean } = {}): Promise<void> {
    checkPublishTopic(topic);
    await this.#broker.publish(topic, payload, { retain: options.retain ?? false });
  }

  async subscribe(filter: string, handler: MessageHandler): Promise<() => Promise<void>> {
    checkFilter(filter);
    return this.#broker.subscribe(filter, handler);
  }

  onReconnect(): () => void {
    return () => {};
  }

  /** Stops using the broker; closing the broker itself belongs to whoever started it. */
  async close(): Promise<void> {
    this.#closed = true;
  }
}

export interface ExternalBusOptions {
  /** mqtt://host:port or mqtts://host:port */
  url: string;
  username?: string;
  password?: string;
  clientId: string;
  willTopic: string;
  willPayload: string;
  logger?: Logger;
  /** Wait between reconnection attempts; default 5 s. */
  reconnectPeriodMs?: number;
  /** How long the first connection may take before connectExternalBus gives up; default 10 s. */
  connectTimeoutMs?: number;
}

export class ExternalBusError extends Error {
  override readonly name = 'ExternalBusError';
  /** The CONNACK return code when the broker refused the login (4: bad user name or password, 5: not authorized). */
  readonly returnCode: number | undefined;

  constructor(message: string, returnCode?: number, options?: ErrorOptions) {
    super(message, options);
    this.returnCode = returnCode;
  }
}

/** The bus over an external broker; resolves once connected, rejects with an ExternalBusError when the first connection fails. */
export async function connectExternalBus(options: ExternalBusOptions): Promise<MessageBus> {
  const logger = (options.logger ?? silentLogger()).child({ module: 'api.bus', url: options.url });
  const connectTimeoutMs = options.connectTimeoutMs ?? 10_000;
  const clientOptions: IClientOptions = {
    clientId: options.clientId,
    clean: true,
    resubscribe: true,
    reconnectPeriod: options.reconnectPeriodMs ?? 5000,
    connectTimeout: connectTimeoutMs,
    will: { topic: options.willTopic, payload: Buffer.from(options.willPayload), qos: 1, retain: true },
    ...(options.username === undefined ? {} : { username: options.username }),
    ...(options.password === undefined ? {} : { password: options.password }),
  };
  const client = connect(options.url, clientOptions);
  try {
    await firstConnection(client, options, connectTimeoutMs);
  } catch (error) {
    await client.endAsync(true).catch(() => {});
    throw error;
  }
  logger.info({ clientId: options.clientId }, 'connected to the MQTT broker');
  return new ExternalBus(client, logger);
}

function firstConnection(client: MqttClient, options: ExternalBusOptions, timeoutMs: number): Promise<void> {
  const where = `MQTT broker ${options.url}`;
  return new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => fail(new ExternalBusError(`${where} did not accept a connection within ${timeoutMs} ms`)), timeoutMs);
    const onError = (error: Error & { code?: unknown }) => {
      if (typeof error.code === 'number') {
        fail(new ExternalBusError(`${where} refused the login of '${options.username ?? '(no user name)'}': ${error.message} (return code ${error.code})`, error.code, { cause: error }));
      } else {
        fail(new ExternalBusError(`cannot reach ${where}: ${error.message}`, undefined, { cause: error }));
      }
    };
    const onConnect = () => {
      cleanUp();
      resolve();
    };
    function fail(error: ExternalBusError) {
      cleanUp();
      reject(error);
    }
    function cleanUp() {
      clearTimeout(timer);
      client.off('error', onError);
      client.off('connect', onConnect);
    }
    client.on('error', onError);
    client.on('connect', onConnect);
  });
}

class ExternalBus implements MessageBus {
  readonly #client: MqttClient;
  readonly #handlers = new Map<string, Set<MessageHandler>>();
  readonly #reconnectListeners = new Set<() => void>();
  readonly #logger: Logger;

  constructor(client: MqttClient, logger: Logger) {
    this.#client = client;
    this.#logger = logger;
    client.on('message', (topic, payload) => this.#dispatch(topic, payload));
    client.on('connect', () => {
      logger.info('reconnected to the MQTT broker');
      for (const listener of this.#reconnectListeners) this.#callSafely(() => listener(), 'reconnect listener');
    });
    client.on('offline', () => logger.warn('lost the MQTT broker; reconnecting'));
    client.on('error', (error) => logger.warn({ err: error }, 'MQTT client error'));
  }

  get connected(): boolean {
    return this.#client.connected;
  }

  async publish(topic: string, payload: string, options: { retain?: boolean } = {}): Promise<void> {
    checkPublishTopic(topic);
    await this.#client.publishAsync(topic, payload, { qos: 0, retain: options.retain ?? false });
  }

  async subscribe(filter: string, handler: MessageHandler): Promise<() => Promise<void>> {
    checkFilter(filter);
    let handlers = this.#handlers.get(filter);
    if (handlers === undefined) {
      handlers = new Set([handler]);
      this.#handlers.set(filter, handlers);
      try {
        await this.#client.subscribeAsync(filter, { qos: 0 });
      } catch (error) {
        this.#handlers.delete(filter);
        // mqtt.js rejects when the SUBACK grants QoS 128 (refused), attaching the packet.
        const refused = (error as { packet?: { granted?: number[] } }).packet?.granted?.includes(128) === true;
        throw new ExternalBusError(refused ? `the MQTT broker refused the subscription to '${filter}'` : `cannot subscribe to '${filter}': ${String(error)}`, undefined, { cause: error });
      }
    }
    handlers.add(handler);
    return async () => {
      if (!handlers.delete(handler) || handlers.size > 0 || this.#handlers.get(filter) !== handlers) return;
      this.#handlers.delete(filter);
      if (this.#client.connected) await this.#client.unsubscribeAsync(filter);
    };
  }

  onReconnect(listener: () => void): () => void {
    this.#reconnectListeners.add(listener);
    return () => this.#reconnectListeners.delete(listener);
  }

  /** A clean disconnect: the broker drops the last will. */
  async close(): Promise<void> {
    await this.#client.endAsync();
  }

  #dispatch(topic: string, payload: Buffer): void {
    for (const [filter, handlers] of this.#handlers) {
      if (!topicMatches(filter, topic)) continue;
      for (const handler of handlers) this.#callSafely(() => handler(topic, payload), `handler of ${filter}`);
    }
  }

  #callSafely(call: () => void, what: string): void {
    try {
      call();
    } catch (error) {
      this.#logger.error({ err: error }, `${what} failed`);
    }
  }
}
