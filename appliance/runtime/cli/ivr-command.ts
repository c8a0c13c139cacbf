/**
 * `ccbox customers import|show` (the IVR's customer records in records.sqlite) and
 * `ccbox flow check` (validate flow files as the running IVR would, before installing them).
 */
import { readFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import type { Command } from 'commander';
import { FlowError, PromptDirectory, compileFlow, defaultPromptDir } from '../../ivr/index.js';
import { CsvImportError, CustomerStore, RecordsStore } from '../../store/records/index.js';
import { ensureDataDir, resolveDataDir } from '../data-dir.js';
import { silentLogger } from '../logger.js';
import { failCommand, readInputFile } from './input-file.js';

const out = (line: string) => process.stdout.write(`${line}\n`);
const fail = failCommand;

function withCustomers<T>(data: string | undefined, use: (customers: CustomerStore) => T): T {
  const records = new RecordsStore({ dir: ensureDataDir(resolveDataDir(data)), logger: silentLogger() });
  records.open();
  try {
    return use(new CustomerStore(records.database));
  } finally {
    records.close();
  }
}

export function registerIvrCommands(program: Command): void {
  const customers = program.command('customers').description('customer records the IVR looks up (caller ID, account number)');
  customers
    .command('import <file>')
    .description('import or update customers from CSV: id,name,phones,level,vip,language, then any account columns')
    .option('--data <dir>', 'data directory (default: $CCBOX_DATA or /var/lib/ccbox)')
    .action((file: string, options: { data?: string }) => {
      const text = readInputFile(file);
      if (text === undefined) return;
      try {
        const result = withCustomers(options.data, (store) => store.importCsv(text));
        out(`${file}: ${result.imported} imported, ${result.updated} updated, ${result.errors.length} rows skipped`);
        for (const error of result.errors) fail(`${file}:${error.line}: ${error.message}`);
      } catch (error) {
        if (error instanceof CsvImportError) return fail(`${file}: ${error.message}; nothing was imported`);
        throw error;
      }
    });
  customers
    .command('show <number-or-id>')
    .description('show the customer the IVR finds for a caller ID or customer number')
    .option('--data <dir>', 'data directory (default: $CCBOX_DATA or /var/lib/ccbox)')
    .action((key: string, options: { data?: string }) => {
      const found = withCustomers(options.data, (store) => store.byId(key) ?? store.byPhone(key));
      if (!found) return fail(`no customer with the number or id ${key}`);
      out(JSON.stringify(found, null, 2));
    });

  program
    .command('flow')
    .description('IVR flows')
    .command('check <files...>')
    .description('validate flow files (schema, node links, sub-flows among the files given, prompt names)')
    .option('--prompts <dir>', 'site prompt directory checked before the shipped set')
    .action((files: string[], options: { prompts?: string }) => {
      const prompts = new PromptDirectory([...(options.prompts ? [options.prompts] : []), defaultPromptDir()]);
      const docs = new Map<string, unknown>();
      for (const file of files) {
        try {
          docs.set(file, JSON.parse(readFileSync(file, 'utf8')));
        } catch (error) {
          fail(`${file}: ${(error as Error).message}`);
        }
      }
      const knownFlows = new Set([...docs.values()].map((d) => (d as { id?: string }).id).filter((id): id is string => typeof id === 'string'));
      for (const [file, doc] of docs) {
        try {
          const flow = compileFlow(doc, { source: basename(file, '.json'), prompts, knownFlows });
          out(`${file}: flow "${flow.id}" ok (version ${flow.version}, ${Object.keys(flow.document.nodes).length} nodes)`);
          for (const warning of flow.warnings) out(`${file}: warning: ${warning}`);
        } catch (error) {
          if (!(error instanceof FlowError)) throw error;
          fail(`${join(dirname(file), basename(file))}: ${error.message}`);
        }
      }
    });
}
