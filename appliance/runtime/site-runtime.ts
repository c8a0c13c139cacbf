/**
 * The appliance at a real site, composed from config.json: the CSTA link to the PBX (every event
 * stored), the IVR on the voice/fax cards, and the ACD with its MQTT API. The configuration is
 * followed while it runs: a change made over MQTT, by `ccbox config set` or in an editor reaches the
 * ACD and the API users at once; other settings are reported as needing a restart.
 */
import { CstaLink } from '../csta/link.js';
import { loadPbxProfile } from '../csta/profile.js';
import type { ConfigChange, ConfigStore } from '../store/config/index.js';
import { watchConfigFile } from '../store/config/index.js';
import type { RecordsStore } from '../store/records/index.js';
import { createAcdRuntime, type AcdRuntime } from './acd-runtime.js';
import { recordCallEvents } from './call-events.js';
import type { Clock } from './clock.js';
import { StoreConfigPort, appliesLive } from './config-port.js';
import { createIvrRuntime, type IvrRuntime } from './ivr-runtime.js';
import type { Logger } from './logger.js';

export interface SiteRuntimeOptions {
  dataDir: string;
  store: ConfigStore;
  records: RecordsStore;
  clock: Clock;
  logger: Logger;
  /** A line for the person running the appliance (what started, what needs a restart, what was refused). */
  notice: (line: string) => void;
  /** Overrides api.broker.listen of an embedded broker (tests: port 0). */
  brokerListen?: string;
  /** Reads config.json again when another program changes it. Default true. */
  followConfigFile?: boolean;
}

export interface SiteRuntime {
  link: CstaLink;
  ivr: IvrRuntime | undefined;
  acd: AcdRuntime | undefined;
  start(): Promise<void>;
  stop(): Promise<void>;
}

export function createSiteRuntime(options: SiteRuntimeOptions): SiteRuntime {
  const { store, records, clock, logger, notice } = options;
  const config = store.get();
  const link = new CstaLink({
    url: config.pbx.url,
    profile: loadPbxProfile(config.pbx.profile),
    credentials: {
      applicationId: config.pbx.applicationId,
      ...(config.pbx.username !== undefined ? { username: config.pbx.username } : {}),
      ...(config.pbx.password !== undefined ? { password: config.pbx.password } : {}),
    },
    clock,
    logger: logger.child({ module: 'csta.link' }),
  });
  if (config.ivr.enabled && !config.cards.enabled) notice('the IVR is enabled but the cards are not (cards.enabled false): the IVR does not run');
  const acd = config.acd.enabled
    ? createAcdRuntime({ site: config.site.name, acd: config.acd, api: config.api, link, cardPorts: config.cards.ports, records, config: new StoreConfigPort(store), clock, logger: logger.child({ module: 'acd' }), ...(options.brokerListen ? { brokerListen: options.brokerListen } : {}) })
    : undefined;
  const ivr = config.ivr.enabled && config.cards.enabled
    ? createIvrRuntime({ dataDir: options.dataDir, cards: config.cards, ivr: config.ivr, records, link, acd: acd?.port, agentDesk: acd?.agentDesk, clock, logger, notice })
    : undefined;
  if (ivr) acd?.reportChannels(ivr.cards);

  const detach: (() => void)[] = [];
  const monitorConfigured = () => {
    if (!link.isUp) return;
    for (const device of store.get().pbx.monitoredDevices) {
      link.monitor(device).catch((error: Error) => logger.warn({ device, err: error.message }, 'cannot monitor a configured device'));
    }
  };
  const apply = (change: ConfigChange) => {
    const later = change.paths.filter((path) => !appliesLive(path));
    const forAcd = change.paths.filter((path) => appliesLive(path) && (path.startsWith('acd') || path.startsWith('api')));
    if (change.paths.includes('pbx.monitoredDevices')) {
      monitorConfigured();
      notice('configuration applied: pbx.monitoredDevices (devices added are monitored now; removed ones until the restart)');
    }
    if (acd && forAcd.length > 0) {
      try {
        acd.reconfigure({ acd: change.config.acd, api: change.config.api });
        notice(`configuration applied: ${forAcd.join(', ')}`);
      } catch (error) {
        notice(`configuration not applied to the running ACD: ${(error as Error).message}`);
      }
    }
    if (later.length > 0) notice(`restart ccbox to apply: ${later.join(', ')}`);
    void acd?.api?.publishConfig();
  };

  return {
    link,
    ivr,
    acd,
    async start() {
      detach.push(recordCallEvents({ link, records, clock, logger }));
      const up = (info: { url: string }) => {
        notice(`CSTA link up to ${info.url}`);
        monitorConfigured();
      };
      const down = (info: { reason: string; detail: string }) => notice(`CSTA link down (${info.reason}): ${info.detail}; reconnecting`);
      link.on('linkUp', up);
      link.on('linkDown', down);
      detach.push(() => link.off('linkUp', up), () => link.off('linkDown', down));
      link.start().catch((error: Error) => logger.debug({ err: error.message }, 'the CSTA link stopped before it came up'));
      ivr?.start();
      await acd?.start();
      store.on('changed', apply);
      detach.push(() => store.off('changed', apply));
      if (options.followConfigFile ?? true) {
        const watcher = watchConfigFile(store, { clock, logger, onRefused: (error) => notice(`config.json changed on disk but was refused, the running configuration is kept: ${error.message}`) });
        detach.push(() => watcher.close());
      }
    },
    async stop() {
      for (const undo of detach.splice(0).reverse()) undo();
      await acd?.stop();
      await ivr?.stop();
      await link.stop();
    },
  };
}
