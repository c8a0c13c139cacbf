/** `ccbox revisit import|show`: the revisit (回访) lists agents work through, in records.sqlite. */
import type { Command } from 'commander';
import { RevisitError, RevisitList } from '../../acd/revisit.js';
import { CustomerStore, RecordsStore, RevisitStore } from '../../store/records/index.js';
import { systemClock } from '../clock.js';
import { ensureDataDir, resolveDataDir } from '../data-dir.js';
import { silentLogger } from '../logger.js';
import { failCommand, readInputFile } from './input-file.js';

function withRevisits<T>(data: string | undefined, use: (list: RevisitList) => T): T {
  const records = new RecordsStore({ dir: ensureDataDir(resolveDataDir(data)), logger: silentLogger() });
  records.open();
  try {
    return use(new RevisitList({ store: new RevisitStore(records.database), clock: systemClock, customers: new CustomerStore(records.database) }));
  } finally {
    records.close();
  }
}

const fail = failCommand;

export function registerRevisitCommand(program: Command): void {
  const revisit = program.command('revisit').description('revisit (回访) lists: outbound follow-up calls agents take one by one');
  revisit
    .command('import <list> <file>')
    .description('add tasks to a list from CSV: number,name,customer_id,note,priority,due (all or nothing)')
    .option('--data <dir>', 'data directory (default: $CCBOX_DATA or /var/lib/ccbox)')
    .action((list: string, file: string, options: { data?: string }) => {
      const text = readInputFile(file);
      if (text === undefined) return;
      try {
        const added = withRevisits(options.data, (revisits) => revisits.importCsv(list, text));
        process.stdout.write(`${file}: ${added.length} tasks added to ${list}\n`);
      } catch (error) {
        if (!(error instanceof RevisitError)) throw error;
        fail(`${file}: ${error.message}`);
        for (const row of error.rows) fail(`${file}:${row.line}: ${row.message}`);
      }
    });
  revisit
    .command('show <list>')
    .description('the tasks of a list by state and outcome')
    .option('--data <dir>', 'data directory (default: $CCBOX_DATA or /var/lib/ccbox)')
    .action((list: string, options: { data?: string }) => {
      process.stdout.write(`${JSON.stringify(withRevisits(options.data, (revisits) => revisits.summary(list)), null, 2)}\n`);
    });
}
