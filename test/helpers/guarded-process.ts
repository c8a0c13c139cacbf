/** A process guarded by guardProcess that fails the way argv[2] says, for test/appliance/runtime/process-guard.test.ts. */
import { guardProcess } from '../../appliance/runtime/process-guard.js';
import { createLogger } from '../../appliance/runtime/logger.js';

guardProcess(createLogger({ level: 'error' }));
if (process.argv[2] === 'rejection') {
  void Promise.reject(new Error('nobody catches this rejection'));
  setTimeout(() => process.stdout.write('still running\n'), 100);
} else {
  setTimeout(() => {
    throw new Error('nobody catches this exception');
  }, 10);
  setTimeout(() => process.stdout.write('should not be printed\n'), 500);
}
