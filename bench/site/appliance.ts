/**
 * The appliance as the site bench runs it, in the bench process: the CSTA link to the switch
 * simulator, the ACD runtime (queue "service" waiting on the card channels, the MQTT API on an
 * embedded broker, one login per agent), and the IVR runtime (card link, the bench flow and the
 * survey flow, SQLite journal), on the same scaled clock as the simulated site.
 */
import { copyFileSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { acdConfigSchema } from '../../appliance/acd/index.js';
import { apiConfigSchema, hashPassword } from '../../appliance/api/index.js';
import { cardsConfigSchema } from '../../appliance/cards/index.js';
import { CstaLink } from '../../appliance/csta/link.js';
import { ivrConfigSchema } from '../../appliance/ivr/index.js';
import { seededRandom } from '../../appliance/media/signals.js';
import { createAcdRuntime, type AcdRuntime } from '../../appliance/runtime/acd-runtime.js';
import type { Clock } from '../../appliance/runtime/clock.js';
import { createIvrRuntime, shippedFlowsDir, type IvrRuntime } from '../../appliance/runtime/ivr-runtime.js';
import type { Logger } from '../../appliance/runtime/logger.js';
import { RecordsStore } from '../../appliance/store/records/index.js';
import { DESK_PASSWORD, QUEUE, QUEUE_KEY, SITE, SURVEY_NUMBER, agentDevice, agentId, scaledCstaProfile } from './protocol.js';

const FLOW = {
  id: 'site-bench',
  start: 'welcome',
  nodes: {
    welcome: { type: 'play', prompts: ['welcome'], bargeIn: true, next: 'menu' },
    menu: { type: 'menu', greeting: ['main-menu-short'], entries: { [QUEUE_KEY]: 'queue' }, onFailure: 'bye', timeoutMs: 5000 },
    queue: { type: 'queue', queue: QUEUE, prompt: ['please-hold'], next: 'bye', noAcd: 'bye' },
    bye: { type: 'hangup', prompt: ['goodbye'] },
  },
};

export interface ApplianceOptions {
  dataDir: string;
  cstaUrl: string;
  cardsUrl: string;
  /** The PBX port of each card channel. */
  ports: string[];
  agents: number;
  survey: boolean;
  scale: number;
  clock: Clock;
  logger: Logger;
  seed: number;
  /** Called with the ACD runtime before it starts, so listeners can go first. */
  beforeStart(acd: AcdRuntime, ivr: IvrRuntime): void;
}

export interface BenchAppliance {
  acd: AcdRuntime;
  ivr: IvrRuntime;
  brokerUrl: string;
  stop(): Promise<void>;
}

export async function startAppliance(options: ApplianceOptions): Promise<BenchAppliance> {
  const { dataDir, clock, logger, scale } = options;
  mkdirSync(join(dataDir, 'flows'));
  writeFileSync(join(dataDir, 'flows', `${FLOW.id}.json`), JSON.stringify(FLOW));
  copyFileSync(join(shippedFlowsDir(), 'survey.json'), join(dataDir, 'flows', 'survey.json'));
  const records = new RecordsStore({ dir: dataDir, logger });
  records.open();
  const link = new CstaLink({ url: options.cstaUrl, profile: scaledCstaProfile(scale), credentials: { applicationId: 'ccbox-bench-site' }, clock, logger: logger.child({ module: 'csta.link' }) });
  await link.start();

  const passwordHash = await hashPassword(DESK_PASSWORD);
  const agentIds = Array.from({ length: options.agents }, (_, i) => agentId(i));
  const acd = createAcdRuntime({
    site: SITE,
    acd: acdConfigSchema.parse({
      enabled: true,
      queues: [
        {
          name: QUEUE,
          strategy: 'longestIdle',
          ringTimeoutSeconds: 15,
          retrySeconds: 2,
          wrapUpSeconds: 30,
          maxWaitSeconds: 300,
          overflow: { kind: 'hangup' },
          announce: { positionEverySeconds: 30 },
          ...(options.survey ? { afterCallSurvey: { number: SURVEY_NUMBER, flow: 'survey' } } : {}),
        },
      ],
      agents: agentIds.map((id, i) => ({ id, name: `Bench agent ${agentDevice(i)}`, skills: { [QUEUE]: 1 } })),
    }),
    api: apiConfigSchema.parse({ users: agentIds.map((id) => ({ username: id, passwordHash, role: 'agent', agentId: id })) }),
    link,
    cardPorts: options.ports,
    records,
    clock,
    logger: logger.child({ module: 'acd' }),
    brokerListen: 'tcp://127.0.0.1:0',
    random: seededRandom(options.seed),
  });
  const ivr = createIvrRuntime({
    dataDir,
    // Link timeouts are about real latency, not call time: on a clock running `scale` times fast they are stretched by `scale`.
    cards: { ...cardsConfigSchema.parse({ enabled: true, url: options.cardsUrl, ports: options.ports }), ackTimeoutMs: 2000 * scale, probeIntervalMs: 5000 * scale },
    cardsHeartbeatMs: 10_000 * scale,
    ivr: ivrConfigSchema.parse({ enabled: true, defaultFlow: FLOW.id }),
    records,
    link,
    acd: acd.port,
    clock,
    logger,
  });
  options.beforeStart(acd, ivr);
  await acd.start();
  ivr.start();
  await ivr.boardUp;
  const port = acd.brokerAddress?.port;
  if (port === undefined) throw new Error('the embedded broker did not start');
  return {
    acd,
    ivr,
    brokerUrl: `mqtt://127.0.0.1:${port}`,
    async stop() {
      await ivr.stop();
      await acd.stop();
      await link.stop();
      records.close();
    },
  };
}
