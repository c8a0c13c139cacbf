/**
 * The IVR half of `ccbox demo`: the switch simulator's line link, the card simulator on the analog
 * ports 301–304 (in this process, over loopback TCP), and the appliance's IVR runtime on the demo
 * hotline flow, with the demo customers imported. Prints one line per IVR step worth seeing.
 */
import { fileURLToPath } from 'node:url';
import { readFileSync } from 'node:fs';
import { cardsConfigSchema, loadBoardProfile } from '../../cards/index.js';
import type { PbxLink } from '../../csta/pbx-link.js';
import { ivrConfigSchema, type AcdPort, type AgentDeskPort } from '../../ivr/index.js';
import type { RecordsStore } from '../../store/records/index.js';
import { startCardSimulator, type CardSimulator } from '../../../simulators/cards/index.js';
import { startLineServer, type CallMediaBook, type LineServer, type LineSwitch } from '../../../simulators/switch/index.js';
import type { Clock } from '../clock.js';
import { createIvrRuntime, type IvrRuntime } from '../ivr-runtime.js';
import type { Logger } from '../logger.js';

const DEMO_CUSTOMERS = fileURLToPath(new URL('../../../simulators/site/demo-customers.csv', import.meta.url));
export const DEMO_IVR_DID = '0301234502';
/** The demo dial plan's hunt group on the card ports that agents dial to log in by phone. */
export const DEMO_AGENT_DESK_NUMBER = '620';
const ALL_DAY = [['00:00', '24:00']];

export interface DemoIvr {
  lines: LineServer;
  cards: CardSimulator;
  runtime: IvrRuntime;
  stop(): Promise<void>;
}

export async function startDemoIvr(options: {
  model: LineSwitch;
  media: CallMediaBook;
  link: PbxLink;
  records: RecordsStore;
  dataDir: string;
  linesListen: string;
  cardsListen: string;
  /** The ACD the hotline's queue node hands callers to. */
  acd?: AcdPort | undefined;
  /** The ACD's phone login, for the agent-desk flow. */
  agentDesk?: AgentDeskPort | undefined;
  clock: Clock;
  logger: Logger;
  out: (line: string) => void;
}): Promise<DemoIvr> {
  const { clock, logger, out } = options;
  const lines = await startLineServer({ model: options.model, listen: [options.linesListen], media: options.media, clock, logger: logger.child({ module: 'sim.lines' }) });
  const cards = await startCardSimulator({ board: loadBoardProfile('ccbox-sim-4'), listen: [options.cardsListen], switchUrl: lines.addresses[0], clock, logger: logger.child({ module: 'sim.cards' }) });
  const ports = await cards.whenLineUp();
  out(`# card simulator on ${cards.addresses[0]}: channels 0-${ports.length - 1} on analog ports ${ports.join(', ')} (line link ${lines.addresses[0]})`);

  const ivr = ivrConfigSchema.parse({
    enabled: true,
    bindings: [{ did: DEMO_IVR_DID, flow: 'demo-hotline' }, { did: DEMO_AGENT_DESK_NUMBER, flow: 'agent-desk' }],
    defaultFlow: 'demo-hotline',
    // The demo runs at any hour: its office calendar is open all day, every day.
    calendars: { office: { weekly: { mon: ALL_DAY, tue: ALL_DAY, wed: ALL_DAY, thu: ALL_DAY, fri: ALL_DAY, sat: ALL_DAY, sun: ALL_DAY } } },
    vip: { numbers: ['13800001111'] },
  });
  const runtime = createIvrRuntime({
    dataDir: options.dataDir,
    cards: cardsConfigSchema.parse({ enabled: true, url: cards.addresses[0], ports }),
    ivr,
    records: options.records,
    link: options.link,
    acd: options.acd,
    agentDesk: options.agentDesk,
    clock,
    logger,
    notice: (line) => out(`# ${line}`),
  });
  const imported = runtime.customers.importCsv(readFileSync(DEMO_CUSTOMERS, 'utf8'), clock.now());
  out(`# IVR: flows in ${runtime.flows.dir}, ${imported.imported + imported.updated} demo customers; DID ${DEMO_IVR_DID} → demo-hotline, ${DEMO_AGENT_DESK_NUMBER} → agent-desk (agent login by phone)`);
  const { engine } = runtime;
  engine.on('callStarted', (i) => out(`  IVR ${i.callId} ch${i.channel}: ${i.callerId ?? 'unknown caller'} → ${i.dnis ?? '?'} answered by flow ${i.flow} (${i.version})`));
  engine.on('keyPress', (i) => out(`  IVR ${i.callId}: pressed ${i.digits} at ${i.node}`));
  engine.on('voicemail', (i) => out(`  IVR ${i.callId}: voicemail for ${i.mailbox}, ${(i.durationMs / 1000).toFixed(1)} s → ${i.file}`));
  engine.on('survey', (i) => out(`  IVR ${i.callId}: survey ${i.question} = ${i.score}`));
  engine.on('callEnded', (i) => out(`  IVR ${i.callId} ch${i.channel}: ${i.outcome} after ${i.path.join(' → ') || '(no flow)'}`));
  engine.on('callError', (i) => out(`  IVR ${i.callId ?? ''}: ${i.message}`));
  runtime.start();
  await runtime.boardUp;
  return {
    lines,
    cards,
    runtime,
    async stop() {
      await runtime.stop();
      await cards.close();
      await lines.close();
    },
  };
}
