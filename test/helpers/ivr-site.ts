/**
 * The whole simulated site for IVR tests, in the test process over loopback TCP: the switch
 * simulator (demo dial plan) with its line server, the card simulator on ports 301–304, and the
 * appliance's IVR runtime (card link driver, flows, SQLite journal) — all under sinon fake time.
 * `advance(ms)` moves fake time in small steps and lets socket I/O run between them.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import sinon from 'sinon';
import type { Test } from 'tap';
import { cardsConfigSchema, loadBoardProfile } from '../../appliance/cards/index.js';
import { ivrConfigSchema, type AcdPort, type AgentDeskPort, type IvrConfig } from '../../appliance/ivr/index.js';
import { systemClock } from '../../appliance/runtime/clock.js';
import { createIvrRuntime, type IvrRuntime } from '../../appliance/runtime/ivr-runtime.js';
import { createAcdRuntime, type AcdRuntime } from '../../appliance/runtime/acd-runtime.js';
import { acdConfigSchema, type AcdConfigInput } from '../../appliance/acd/index.js';
import { apiConfigSchema, type ApiConfigInput } from '../../appliance/api/index.js';
import { createLogger, silentLogger } from '../../appliance/runtime/logger.js';
import { RecordsStore } from '../../appliance/store/records/index.js';
import { startCardSimulator, type CardSimulator } from '../../simulators/cards/index.js';
import { CstaLink } from '../../appliance/csta/link.js';
import { loadPbxProfile, type PbxProfile } from '../../appliance/csta/profile.js';
import { CallMediaBook, createSwitch, demoDialPlan, startLineServer, startSwitchServer, type FarEndMedia } from '../../simulators/switch/index.js';
import { advanceWithIo } from './real-time.js';

/** Wednesday 2026-11-25 10:00 in Shanghai: the office calendar is open. */
export const OFFICE_HOURS = Date.parse('2026-11-25T10:00:00+08:00');
export const IVR_DID = '0301234502';
const CARD_PORTS = ['301', '302', '303', '304'];

export interface IvrSiteOptions {
  flows: Record<string, unknown>[];
  ivr?: Partial<Record<keyof IvrConfig, unknown>>;
  now?: number;
  customersCsv?: string;
  /** An ACD port of the test's own (the real ACD: `acdConfig`). */
  acd?: AcdPort;
  /** An agent desk port of the test's own (the real ACD's: `acdConfig`). */
  agentDesk?: AgentDeskPort;
  /** The real ACD with its MQTT API on an embedded broker (needs csta). */
  acdConfig?: { acd: AcdConfigInput; api?: ApiConfigInput };
  /** Also serve CSTA from the switch and give the IVR a CstaLink (transfers by SingleStepTransfer). */
  csta?: boolean;
  /** Changes to the generic-ed4 PBX profile the link and the switch use (with csta). */
  pbxProfile?: Partial<PbxProfile>;
}

export async function startIvrSite(t: Test, options: IvrSiteOptions) {
  const clock = sinon.useFakeTimers({ now: options.now ?? OFFICE_HOURS, toFake: ['setTimeout', 'clearTimeout', 'setInterval', 'clearInterval', 'Date'] });
  // IVR_SITE_LOG=debug shows what the site's parts log, for a failing test.
  const logger = process.env.IVR_SITE_LOG ? createLogger({ level: process.env.IVR_SITE_LOG }) : silentLogger();
  const dataDir = t.testdir();
  mkdirSync(join(dataDir, 'flows'));
  for (const flow of options.flows) writeFileSync(join(dataDir, 'flows', `${(flow as { id: string }).id}.json`), JSON.stringify(flow));

  const sw = createSwitch(demoDialPlan(), { clock: systemClock, logger });
  const media = new CallMediaBook();
  const lines = await startLineServer({ model: sw, listen: ['tcp://127.0.0.1:0'], media, clock: systemClock, logger });
  const sim: CardSimulator = await startCardSimulator({
    board: loadBoardProfile('ccbox-sim-4'),
    listen: ['tcp://127.0.0.1:0'],
    switchUrl: lines.addresses[0] as string,
    clock: systemClock,
    logger,
  });
  await sim.whenLineUp();
  let link: CstaLink | undefined;
  let cstaServer: Awaited<ReturnType<typeof startSwitchServer>> | undefined;
  const profile = { ...loadPbxProfile('generic-ed4'), ...options.pbxProfile };
  if (options.csta) {
    cstaServer = await startSwitchServer({ model: sw, listen: ['tcp://127.0.0.1:0'], profile, clock: systemClock, logger });
    link = new CstaLink({ url: cstaServer.addresses[0] as string, profile, credentials: { applicationId: 'ccbox-ivr-test' }, clock: systemClock, logger });
    await link.start();
  }
  const records = new RecordsStore({ dir: dataDir, logger });
  records.open();
  let acdRuntime: AcdRuntime | undefined;
  if (options.acdConfig) {
    if (!link) throw new Error('the ACD in the IVR site needs csta: true');
    acdRuntime = createAcdRuntime({
      site: 'test',
      acd: acdConfigSchema.parse({ enabled: true, ...options.acdConfig.acd }),
      api: apiConfigSchema.parse(options.acdConfig.api ?? {}),
      link,
      cardPorts: CARD_PORTS,
      records,
      clock: systemClock,
      logger,
      brokerListen: 'tcp://127.0.0.1:0',
    });
    await acdRuntime.start();
  }
  const ivr = ivrConfigSchema.parse({ enabled: true, bindings: [{ did: IVR_DID, flow: (options.flows[0] as { id: string }).id }], ...options.ivr });
  const runtime: IvrRuntime = createIvrRuntime({
    dataDir,
    cards: cardsConfigSchema.parse({ enabled: true, url: sim.addresses[0], ports: CARD_PORTS }),
    ivr,
    records,
    acd: options.acd ?? acdRuntime?.port,
    agentDesk: options.agentDesk ?? acdRuntime?.agentDesk,
    link,
    clock: systemClock,
    logger,
  });
  if (options.customersCsv) runtime.customers.importCsv(options.customersCsv);
  runtime.start();
  await runtime.boardUp;

  t.teardown(async () => {
    clock.restore();
    await runtime.stop();
    await acdRuntime?.stop();
    await link?.stop();
    await cstaServer?.close();
    await sim.close();
    await lines.close();
    records.close();
  });

  /** Moves fake time forward in steps, letting socket I/O through between steps. */
  const advance = (ms: number, step = 20) => advanceWithIo(clock, ms, step);

  /** The switch's CSTA server goes away (the link drops) until `up()`, which brings it back on the same address. */
  const dropCsta = async () => {
    const address = cstaServer?.addresses[0];
    if (!address) throw new Error('the IVR site has no CSTA server (csta: true)');
    await cstaServer?.close();
    return {
      up: async () => {
        cstaServer = await startSwitchServer({ model: sw, listen: [address], profile, clock: systemClock, logger });
      },
    };
  };

  /** A caller on the trunk dials the IVR's number; `media` is what they say or fax. */
  const call = (from: string, media: FarEndMedia = {}) => {
    const callID = sw.placeInboundCall({ from, to: IVR_DID });
    media && Object.keys(media).length > 0 && mediaBook.set(callID, media);
    return {
      callID,
      press: (digits: string) => sw.sendExternalDigits(callID, digits),
      hangUp: () => sw.hangUpExternal(callID),
    };
  };
  const mediaBook = media;

  const ended = new Map<string, { outcome: string; path: string[]; channel: number }>();
  const started: string[] = [];
  runtime.engine.on('callStarted', (info) => started.push(info.callId));
  runtime.engine.on('callEnded', (info) => ended.set(info.callId, info));

  return { clock, advance, dropCsta, call, sw, sim, lines, runtime, records, dataDir, ended, started, journal: runtime.journal, link, acd: acdRuntime };
}
