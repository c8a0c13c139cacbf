/**
 * Composition of the ACD side: the engine, the agents' phones and call control over the CSTA link,
 * queues that wait on card channels (the IVR's AcdPort), the ACD journal in records.sqlite, and the
 * MQTT API on the embedded broker or an external one, with health and link status retained.
 */
import { AcdEngine, type AcdConfig } from '../acd/index.js';
import { unsupportedOnPbx } from '../acd/config.js';
import { AgentPhones } from '../acd/telephony/agent-phones.js';
import { CardQueuePort } from '../acd/telephony/card-queue.js';
import { IvrHandoffs } from '../acd/telephony/ivr-handoffs.js';
import { CallbackDialer } from '../acd/telephony/callback-dialer.js';
import { RoutingPointQueues } from '../acd/telephony/routing-point.js';
import { PbxGroupQueues } from '../acd/telephony/pbx-group.js';
import { PbxAgentStates } from '../acd/telephony/pbx-agent-states.js';
import { ChannelStatusPublisher } from '../api/channel-status.js';
import type { CardSet } from '../cards/api.js';
import { CstaCallControl } from '../acd/telephony/call-control.js';
import { PhoneLogin } from '../acd/telephony/phone-login.js';
import { AcdApi, type ConfigPort } from '../api/acd-api.js';
import { OFFLINE_PAYLOAD, startEmbeddedBroker, type EmbeddedBroker } from '../api/broker.js';
import { EmbeddedBus, connectExternalBus, type MessageBus } from '../api/bus.js';
import type { ApiConfig } from '../api/config.js';
import type { PbxLink } from '../csta/pbx-link.js';
import { CustomerStore, RevisitStore, SqliteAcdJournal, type RecordsStore } from '../store/records/index.js';
import { RevisitList } from '../acd/revisit.js';
import type { AgentStateChange } from '../acd/index.js';
import type { Clock } from './clock.js';
import type { Logger } from './logger.js';

export interface AcdRuntimeOptions {
  site: string;
  acd: AcdConfig;
  api: ApiConfig;
  link?: PbxLink | undefined;
  /** The PBX port of each card channel (cards.ports): where waiting callers are. */
  cardPorts: readonly string[];
  records: RecordsStore;
  config?: ConfigPort;
  clock: Clock;
  logger: Logger;
  /** Overrides api.broker.listen of an embedded broker (tests: port 0). */
  brokerListen?: string;
  random?: () => number;
}

export interface AcdRuntime {
  engine: AcdEngine;
  /** The IVR's way into the queues (calls wait on the card channel); undefined without a PBX link. */
  port: CardQueuePort | undefined;
  /** The IVR's way for agents to log in, out, ready and not ready from a phone (agentDesk nodes). */
  agentDesk: PhoneLogin;
  phones: AgentPhones | undefined;
  journal: SqliteAcdJournal;
  revisits: RevisitList;
  api: AcdApi | undefined;
  /** The embedded broker's address once started. */
  readonly brokerAddress: { host: string; port: number } | undefined;
  /**
   * Applies a changed ACD configuration and API user list to the running ACD: queues, agents and
   * rules at once (agents keep their states, calls stay where they are), users at their next
   * login. Throws, changing nothing, when the PBX cannot carry out the new ACD configuration.
   */
  reconfigure(config: { acd: AcdConfig; api: ApiConfig }): void;
  /** The voice/fax cards whose channels `status/channels` reports (the IVR runtime, made after this one, owns them). */
  reportChannels(cards: CardSet): void;
  start(): Promise<void>;
  stop(): Promise<void>;
}

export function createAcdRuntime(options: AcdRuntimeOptions): AcdRuntime {
  const { link, clock, logger } = options;
  const refuseUnsupported = (acd: AcdConfig) => {
    const unsupported = link ? unsupportedOnPbx(acd, link.profile) : [];
    if (unsupported.length > 0) throw new RangeError(`the ACD configuration asks for what the PBX cannot do:\n${unsupported.join('\n')}`);
  };
  refuseUnsupported(options.acd);
  let users = options.api.users;
  const engine = new AcdEngine({ config: options.acd, clock, ...(options.random ? { random: options.random } : {}) });
  const journal = new SqliteAcdJournal(options.records.database, (error) => logger.error({ err: error }, 'the ACD journal cannot write to records.sqlite'));
  const phones = link ? new AgentPhones({ link, engine, logger: logger.child({ module: 'acd.phones' }) }) : undefined;
  const calls = link && phones ? new CstaCallControl(link, phones.tracker) : undefined;
  const revisits = new RevisitList({ store: new RevisitStore(options.records.database), clock, customers: new CustomerStore(options.records.database) });
  const releaseRevisits = (change: AgentStateChange) => {
    if (change.state === 'loggedOut') revisits.release(change.agentId);
  };
  const handoffs = calls ? new IvrHandoffs(engine, calls, clock) : undefined;
  const routing = link && phones ? new RoutingPointQueues({ engine, link, tracker: phones.tracker, logger: logger.child({ module: 'acd.routing' }) }) : undefined;
  const agentStates = link ? new PbxAgentStates({ engine, link, logger: logger.child({ module: 'acd.pbxAgents' }) }) : undefined;
  const groups = link ? new PbxGroupQueues({ engine, link, logger: logger.child({ module: 'acd.groups' }), ...(agentStates ? { agentStates } : {}) }) : undefined;
  const dialer = link && calls ? new CallbackDialer({ engine, link, calls, clock, logger: logger.child({ module: 'acd.callbacks' }) }) : undefined;
  const port = link ? new CardQueuePort({ engine, link, ports: options.cardPorts, clock, logger: logger.child({ module: 'acd.cards' }), ...(handoffs ? { handoffs } : {}) }) : undefined;
  let broker: EmbeddedBroker | undefined;
  let bus: MessageBus | undefined;
  let api: AcdApi | undefined;
  let cards: CardSet | undefined;
  let channelStatus: ChannelStatusPublisher | undefined;
  const startChannelStatus = () => {
    if (!cards || !bus || !api || channelStatus) return;
    channelStatus = new ChannelStatusPublisher({ bus, topic: api.topics.statusChannels(), cards, ports: options.cardPorts, clock, logger: logger.child({ module: 'api.channels' }) });
    channelStatus.start();
  };
  let detachJournal: (() => void) | undefined;
  const detachLink: (() => void)[] = [];

  const connectBus = async (): Promise<MessageBus> => {
    const { broker: brokerConfig } = options.api;
    const health = `ccbox/${options.site}/status/health`;
    if (brokerConfig.mode === 'external') {
      return connectExternalBus({
        url: brokerConfig.url,
        clientId: brokerConfig.clientId,
        ...(brokerConfig.username !== undefined ? { username: brokerConfig.username } : {}),
        ...(brokerConfig.password !== undefined ? { password: brokerConfig.password } : {}),
        willTopic: health,
        willPayload: OFFLINE_PAYLOAD,
        logger: logger.child({ module: 'api.bus' }),
      });
    }
    broker = await startEmbeddedBroker({
      listen: options.brokerListen ?? brokerConfig.listen,
      site: options.site,
      users: () => users,
      access: { servedQueues: (agentId) => [...(engine.agents.get(agentId)?.queues ?? [])] },
      logger: logger.child({ module: 'api.broker' }),
    });
    return new EmbeddedBus(broker);
  };

  const publishLink = (up: boolean, detail: Record<string, unknown>) => {
    void bus?.publish(`ccbox/${options.site}/status/link`, JSON.stringify({ up, ...detail, at: clock.now() }), { retain: true }).catch(() => undefined);
  };

  const agentDesk = new PhoneLogin(engine, logger.child({ module: 'acd.phoneLogin' }), clock);
  return {
    engine,
    port,
    agentDesk,
    phones,
    journal,
    revisits,
    get api() {
      return api;
    },
    get brokerAddress() {
      return broker?.address;
    },
    reconfigure(config) {
      refuseUnsupported(config.acd);
      engine.configure(config.acd);
      users = config.api.users;
      routing?.syncRegistrations();
      groups?.syncMonitors();
    },
    reportChannels(set) {
      cards = set;
      startChannelStatus();
    },
    async start() {
      detachJournal = journal.attach(engine);
      engine.on('agentState', releaseRevisits);
      phones?.start();
      port?.start();
      agentStates?.start();
      dialer?.start();
      routing?.start();
      groups?.start();
      bus = await connectBus();
      const online = () => void bus?.publish(`ccbox/${options.site}/status/health`, JSON.stringify({ state: 'online', since: clock.now() }), { retain: true }).catch(() => undefined);
      online();
      bus.onReconnect(online);
      api = new AcdApi({ bus, site: options.site, engine, ...(calls ? { calls } : {}), ...(handoffs ? { handoffs } : {}), ...(options.config ? { config: options.config } : {}), revisits, clock, logger: logger.child({ module: 'api' }) });
      await api.start();
      startChannelStatus();
      if (link) {
        const up = (info: { url: string }) => publishLink(true, { url: info.url });
        const down = (info: { reason: string; detail: string }) => publishLink(false, { reason: `${info.reason}: ${info.detail}` });
        link.on('linkUp', up);
        link.on('linkDown', down);
        detachLink.push(() => link.off('linkUp', up), () => link.off('linkDown', down));
        publishLink(link.isUp, {});
      }
    },
    async stop() {
      for (const detach of detachLink.splice(0)) detach();
      channelStatus?.stop();
      channelStatus = undefined;
      await api?.stop();
      phones?.stop();
      port?.stop();
      agentStates?.stop();
      dialer?.stop();
      routing?.stop();
      groups?.stop();
      detachJournal?.();
      engine.off('agentState', releaseRevisits);
      if (!broker) await bus?.publish(`ccbox/${options.site}/status/health`, OFFLINE_PAYLOAD, { retain: true }).catch(() => undefined);
      await bus?.close().catch(() => undefined);
      await broker?.close();
      bus = undefined;
      broker = undefined;
    },
  };
}
