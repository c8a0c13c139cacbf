/**
 * The configuration as the MQTT API's installer role reads and changes it: the ConfigStore with
 * its secrets masked, and each change said to take effect at once or after a restart.
 */
import type { ConfigPort } from '../api/acd-api.js';
import { changedPaths, type ConfigStore, keepMaskedSecrets, maskSecrets } from '../store/config/index.js';

/** Settings the running appliance applies without a restart (see SiteRuntime's reconfigure). */
const LIVE_SECTIONS = ['acd', 'api.users', 'pbx.monitoredDevices'];
/** Inside those, settings that start or stop a whole part of the appliance. */
const RESTART_SETTINGS = ['acd.enabled'];

export function appliesLive(path: string): boolean {
  const within = (section: string) => path === section || path.startsWith(`${section}.`);
  return LIVE_SECTIONS.some(within) && !RESTART_SETTINGS.some(within);
}

export class StoreConfigPort implements ConfigPort {
  constructor(private readonly store: ConfigStore) {}

  view(): Record<string, unknown> {
    return maskSecrets(this.store.get()) as Record<string, unknown>;
  }

  async set(path: string, value: unknown): Promise<{ restartNeeded: boolean }> {
    const before = this.store.get();
    // A section sent back as it was shown keeps its secrets: "********" is never stored.
    const after = await this.store.set(path, keepMaskedSecrets(value, path, before));
    return { restartNeeded: changedPaths(before, after).some((changed) => !appliesLive(changed)) };
  }
}
