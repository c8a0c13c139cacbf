/**
 * Follows config.json on disk so a change made by another program (`ccbox config set` in a second
 * terminal, an editor) reaches the running appliance. The directory is watched, not the file: ccbox
 * and most editors replace the file by rename, which ends a watch on the old file.
 */
import { watch, type FSWatcher } from 'node:fs';
import { basename, dirname } from 'node:path';
import type { Clock, TimerHandle } from '../../runtime/clock.js';
import type { Logger } from '../../runtime/logger.js';
import type { ConfigStore } from './store.js';

export interface ConfigWatchOptions {
  clock: Clock;
  logger: Logger;
  /** Changes within this window are read once (an editor writes in several steps). Default 300. */
  settleMs?: number;
  /** Told when the file on disk was refused, with the reason (the running configuration is kept). */
  onRefused?: (error: Error) => void;
}

export function watchConfigFile(store: ConfigStore, options: ConfigWatchOptions): { close(): void } {
  const { clock, logger } = options;
  const file = basename(store.path);
  let timer: TimerHandle | undefined;
  let closed = false;
  const reload = () => {
    timer = undefined;
    store.reload().catch((error: Error) => {
      if (closed) return;
      logger.error({ file: store.path, err: error.message }, 'config.json was changed on disk but cannot be used; the running configuration is kept');
      options.onRefused?.(error);
    });
  };
  let watcher: FSWatcher | undefined;
  try {
    watcher = watch(dirname(store.path), (_event, name) => {
      if (closed || (name !== null && name !== file)) return;
      clock.clearTimeout(timer);
      timer = clock.setTimeout(reload, options.settleMs ?? 300);
    });
    watcher.on('error', (error) => logger.warn({ err: error.message }, 'stopped following config.json on disk'));
  } catch (error) {
    logger.warn({ err: (error as Error).message }, 'cannot follow config.json on disk: changes by other programs need a restart');
  }
  return {
    close() {
      closed = true;
      clock.clearTimeout(timer);
      watcher?.close();
    },
  };
}
