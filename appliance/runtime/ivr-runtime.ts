/**
 * Composition of the IVR side of the appliance from the configuration: the card link, the flows
 * (hot-reloaded), prompts, TTS, customer records and the journal in records.sqlite, transfers over
 * the CSTA link when one is given (hook-flash otherwise), and the engine. The only place these
 * concrete classes meet.
 */
import { existsSync, readdirSync } from 'node:fs';
import { isAbsolute, join } from 'node:path';
import { CardSetDriver, loadBoardProfile, type CardsConfig } from '../cards/index.js';
import type { PbxLink } from '../csta/pbx-link.js';
import {
  ConfiguredCalendars, ConfiguredCallerLists, CstaTransfer, FlashTransfer, FlowRegistry, IvrEngine, PromptDirectory,
  SayFragments, defaultPromptDir, type AcdPort, type AgentDeskPort, type IvrConfig,
} from '../ivr/index.js';
import { EspeakTts, checkTtsTools } from '../media/tts.js';
import { CustomerStore, SqliteIvrJournal, type RecordsStore } from '../store/records/index.js';
import type { Clock } from './clock.js';
import type { Logger } from './logger.js';
import { installShippedFlows } from './shipped-flows.js';

export { shippedFlowsDir } from './shipped-flows.js';

export interface IvrRuntimeOptions {
  dataDir: string;
  cards: CardsConfig;
  ivr: IvrConfig;
  records: RecordsStore;
  link?: PbxLink | undefined;
  acd?: AcdPort | undefined;
  /** Agents log in from a phone (agentDesk nodes): the ACD's PhoneLogin. */
  agentDesk?: AgentDeskPort | undefined;
  clock: Clock;
  logger: Logger;
  /** Keep-alive period of the card link (benches on scaled time stretch it like the ack timeout). */
  cardsHeartbeatMs?: number;
  /** Print a line for the person starting the appliance (TTS missing, flows rejected). */
  notice?: (line: string) => void;
}

export interface IvrRuntime {
  cards: CardSetDriver;
  flows: FlowRegistry;
  engine: IvrEngine;
  journal: SqliteIvrJournal;
  customers: CustomerStore;
  /** Starts everything; the card link keeps connecting in the background (see `boardUp`). */
  start(): void;
  /** Resolves when the board first answers hello (rejects if stopped before). */
  readonly boardUp: Promise<void>;
  stop(): Promise<void>;
}

const inData = (dataDir: string, path: string) => (isAbsolute(path) ? path : join(dataDir, path));

export function createIvrRuntime(options: IvrRuntimeOptions): IvrRuntime {
  const { dataDir, cards: cardsConfig, ivr, clock, logger } = options;
  const notice = options.notice ?? ((line: string) => logger.warn(line));
  const board = loadBoardProfile(cardsConfig.board);
  const cards = new CardSetDriver({
    url: cardsConfig.url,
    clock,
    logger: logger.child({ module: 'cards' }),
    ackTimeoutMs: cardsConfig.ackTimeoutMs,
    probeIntervalMs: cardsConfig.probeIntervalMs,
    ...(options.cardsHeartbeatMs ? { heartbeatMs: options.cardsHeartbeatMs } : {}),
  });
  const prompts = new PromptDirectory([inData(dataDir, ivr.promptsDir), defaultPromptDir()]);
  const flowsDir = inData(dataDir, ivr.flowsDir);
  const fresh = !existsSync(flowsDir) || readdirSync(flowsDir).length === 0;
  const added = installShippedFlows(flowsDir);
  if (!fresh && added.length > 0) notice(`IVR flows added by this ccbox version: ${added.join(', ')} (in ${flowsDir}; bind them in ivr.bindings to use them)`);
  const flows = new FlowRegistry({ dir: flowsDir, prompts, clock, logger });
  const journal = new SqliteIvrJournal(options.records.database);
  const customers = new CustomerStore(options.records.database);
  const tts = new EspeakTts({ cacheDir: inData(dataDir, ivr.ttsCacheDir), law: board.law, logger: logger.child({ module: 'tts' }) });
  const transfer = options.link && cardsConfig.ports.length > 0 ? new CstaTransfer({ link: options.link, ports: cardsConfig.ports }) : new FlashTransfer({ cards });
  const engine = new IvrEngine({
    cards,
    flows,
    settings: {
      bindings: ivr.bindings,
      defaultFlow: ivr.defaultFlow,
      blacklist: ivr.blacklist,
      vip: ivr.vip,
      defaultLanguage: ivr.defaultLanguage,
      mailboxDir: inData(dataDir, ivr.mailboxDir),
      documentsDir: flowsDir,
      timezone: ivr.timezone,
    },
    prompts,
    say: new SayFragments(),
    tts,
    customers,
    calendars: new ConfiguredCalendars(ivr.calendars, ivr.timezone),
    lists: new ConfiguredCallerLists({ blacklist: ivr.blacklist.numbers, vip: ivr.vip.numbers }),
    journal,
    acd: options.acd,
    agentDesk: options.agentDesk,
    transfer,
    clock,
    logger,
  });
  let boardUp: Promise<void> = new Promise(() => undefined);
  return {
    cards,
    flows,
    engine,
    journal,
    customers,
    get boardUp() {
      return boardUp;
    },
    start() {
      for (const error of flows.load()) notice(`IVR flow rejected: ${error}`);
      if (flows.usesTts()) {
        const tools = checkTtsTools();
        if (!tools.ok) notice(`a flow uses TTS (say nodes) but ${tools.missing.join(' and ')} ${tools.missing.length > 1 ? 'are' : 'is'} not installed: run ${tools.install}`);
      }
      const bound = [...ivr.bindings.map((binding) => binding.flow), ...(ivr.defaultFlow !== undefined ? [ivr.defaultFlow] : [])];
      if (!options.agentDesk && flows.usesNode('agentDesk', bound)) notice('a bound flow has agentDesk nodes (agent login by phone) but there is no ACD on this box: those nodes refuse every caller');
      flows.watch();
      engine.start();
      boardUp = cards.start();
      boardUp.catch((error: unknown) => logger.warn({ err: error }, 'the card link did not come up'));
    },
    async stop() {
      await engine.stop();
      flows.close();
      await cards.stop();
    },
  };
}
