/**
 * The MQTT broker embedded in ccbox (aedes on a TCP port). It logs users in from the API config,
 * applies the access rules to every publish, subscription and delivery, and gives the appliance
 * an in-process publish/subscribe that bypasses those rules.
 *
 * Behaviour worth knowing:
 * - A refused subscription is granted QoS 128 in the SUBACK; the connection stays up.
 * - A refused publish closes the client's connection: aedes has no way to drop a single
 *   publish silently, and MQTT 3.1.1 allows closing (MQTT-3.3.5-2).
 * - Roles are taken at login; changes to the user list apply to the next connection.
 * - close() publishes `{"state":"offline"}` retained to status/health first, so clients still
 *   connected see the appliance go away (the embedded broker needs no last will of its own).
 */
import { once } from 'node:events';
import { type AddressInfo, createServer } from 'node:net';
import { Aedes, type AedesPublishPacket, type AuthenticateError, type Client } from 'aedes';
import { type Logger, silentLogger } from '../runtime/logger.js';
import { TransportError } from '../transport/errors.js';
import { parseTransportUrl } from '../transport/url.js';
import { type AccessContext, canPublish, canRead, canSubscribe, type Principal } from './access.js';
import type { ApiUser } from './config.js';
import { verifyPassword } from './passwords.js';
import { siteTopics } from './topics.js';

export const OFFLINE_PAYLOAD = '{"state":"offline"}';
export const ONLINE_PAYLOAD = '{"state":"online"}';

/** Checked when the user name is unknown, so a login takes as long whether or not the user exists. */
const DUMMY_HASH = 'scrypt$16384$8$1$AAAAAAAAAAAAAAAAAAAAAA==$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=';

export interface PublishOptions {
  retain?: boolean;
  qos?: 0 | 1;
}

export type MessageHandler = (topic: string, payload: Buffer) => void;

export interface EmbeddedBrokerOptions {
  /** tcp://host:port; port 0 picks a free port (see `address`). */
  listen: string;
  site: string;
  /** The current user list, read at every login. */
  users: () => readonly ApiUser[];
  access: AccessContext;
  logger?: Logger;
}

export interface EmbeddedBroker {
  readonly address: { host: string; port: number };
  /** Publish as the appliance: no access rules apply. */
  publish(topic: string, payload: string | Buffer, options?: PublishOptions): Promise<void>;
  /** Receive every message matching `filter` (no retained messages); resolves to the unsubscribe function. */
  subscribe(filter: string, handler: MessageHandler): Promise<() => Promise<void>>;
  close(): Promise<void>;
}

function badCredentials(): AuthenticateError {
  return Object.assign(new Error('bad username or password'), { returnCode: 4 as AuthenticateError['returnCode'] });
}

function principalOf(user: ApiUser): Principal {
  return user.agentId === undefined ? { username: user.username, role: user.role } : { username: user.username, role: user.role, agentId: user.agentId };
}

function listenAddress(listen: string): { host: string; port: number } {
  const parsed = parseTransportUrl(listen);
  if (parsed.kind !== 'tcp') throw new TransportError('badUrl', `the embedded broker listens on tcp://host:port, not '${listen}'`);
  return { host: parsed.host, port: parsed.port };
}

export async function startEmbeddedBroker(options: EmbeddedBrokerOptions): Promise<EmbeddedBroker> {
  const { site, access } = options;
  const logger = (options.logger ?? silentLogger()).child({ module: 'api.broker' });
  const wanted = listenAddress(options.listen);
  const healthTopic = siteTopics(site).statusHealth();
  const principals = new WeakMap<Client, Principal>();

  const aedes = await Aedes.createBroker({
    authenticate(client, username, password, done) {
      const user = username === undefined ? undefined : options.users().find((candidate) => candidate.username === username);
      verifyPassword(password?.toString('utf8') ?? '', user?.passwordHash ?? DUMMY_HASH).then(
        (ok) => {
          if (!ok || user === undefined || password === undefined) {
            logger.warn({ clientId: client.id, username }, 'login refused: bad username or password');
            return done(badCredentials(), false);
          }
          principals.set(client, principalOf(user));
          done(null, true);
        },
        (error: unknown) => done(Object.assign(error instanceof Error ? error : new Error(String(error)), { returnCode: 3 as AuthenticateError['returnCode'] }), false),
      );
    },
    authorizePublish(client, packet, done) {
      if (client === null) return done(null);
      const principal = principals.get(client);
      if (principal !== undefined && canPublish(site, principal, packet.topic, access)) return done(null);
      logger.warn({ clientId: client.id, username: principal?.username, topic: packet.topic }, 'publish refused; closing the connection');
      done(new Error(`${principal?.username ?? client.id} may not publish to ${packet.topic}`));
    },
    authorizeSubscribe(client, subscription, done) {
      const principal = principals.get(client);
      if (principal !== undefined && canSubscribe(site, principal, subscription.topic, access)) return done(null, subscription);
      logger.warn({ clientId: client.id, username: principal?.username, filter: subscription.topic }, 'subscription refused');
      done(null, null);
    },
    authorizeForward(client, packet) {
      const principal = principals.get(client);
      return principal !== undefined && canRead(site, principal, packet.topic, access) ? packet : null;
    },
  });
  aedes.on('clientError', (client, error) => logger.debug({ clientId: client.id, err: error }, 'client error'));

  const server = createServer(aedes.handle);
  try {
    server.listen(wanted.port, wanted.host);
    await once(server, 'listening');
  } catch (error) {
    await new Promise<void>((resolve) => aedes.close(() => resolve()));
    throw error;
  }
  const bound = server.address() as AddressInfo;
  logger.info({ host: bound.address, port: bound.port }, 'MQTT broker listening');

  const publish = (topic: string, payload: string | Buffer, publishOptions: PublishOptions = {}) =>
    new Promise<void>((resolve, reject) => {
      const packet = { cmd: 'publish', topic, payload: typeof payload === 'string' ? Buffer.from(payload) : payload, qos: publishOptions.qos ?? 0, retain: publishOptions.retain ?? false, dup: false } as const;
      aedes.publish(packet, (error) => (error ? reject(error) : resolve()));
    });

  let closing: Promise<void> | undefined;
  return {
    address: { host: bound.address, port: bound.port },
    publish,
    async subscribe(filter, handler) {
      const deliver = (packet: AedesPublishPacket, done: () => void) => {
        try {
          handler(packet.topic, Buffer.isBuffer(packet.payload) ? packet.payload : Buffer.from(packet.payload));
        } catch (error) {
          logger.error({ err: error, topic: packet.topic }, 'in-process subscriber failed');
        }
        done();
      };
      await new Promise<void>((resolve) => aedes.subscribe(filter, deliver, resolve));
      return () => new Promise<void>((resolve) => aedes.unsubscribe(filter, deliver, resolve));
    },
    close() {
      closing ??= (async () => {
        await publish(healthTopic, OFFLINE_PAYLOAD, { retain: true }).catch((error: unknown) => logger.warn({ err: error }, 'could not publish offline health'));
        const serverClosed = new Promise<void>((resolve) => server.close(() => resolve()));
        await new Promise<void>((resolve) => aedes.close(() => resolve()));
        await serverClosed;
        logger.info('MQTT broker closed');
      })();
      return closing;
    },
  };
}
