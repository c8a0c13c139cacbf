/**
 * The last line of defence of a long-running ccbox: a promise that fails with nobody to handle it
 * is logged and the appliance carries on (each such place is a bug to fix, not a reason to drop
 * every call); an exception nobody caught is logged and ends the process with code 1, for the
 * service manager to restart it with its records intact.
 */
import type { Logger } from './logger.js';

export function guardProcess(logger: Logger): () => void {
  const onRejection = (reason: unknown) => logger.error({ err: reason }, 'a promise failed with nobody to handle it; ccbox carries on');
  const onException = (error: Error) => {
    logger.fatal({ err: error }, 'an exception nobody caught; ccbox stops (its service manager restarts it)');
    process.exitCode = 1;
    setImmediate(() => process.exit(1));
  };
  process.on('unhandledRejection', onRejection);
  process.on('uncaughtException', onException);
  return () => {
    process.off('unhandledRejection', onRejection);
    process.off('uncaughtException', onException);
  };
}
