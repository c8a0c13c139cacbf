import { accessSync, constants, mkdirSync } from 'node:fs';
import { resolve } from 'node:path';

/** Where the appliance keeps config.json and records.sqlite unless told otherwise. */
export const DEFAULT_DATA_DIR = '/var/lib/ccbox';

export class DataDirError extends Error {
  override readonly name = 'DataDirError';
  constructor(
    readonly code: 'unusable',
    message: string,
    readonly dir: string,
  ) {
    super(message);
  }
}

/** The data directory: `--data DIR` wins, then the CCBOX_DATA environment variable, else /var/lib/ccbox. Returned absolute. */
export function resolveDataDir(option?: string, env: NodeJS.ProcessEnv = process.env): string {
  const chosen = nonEmpty(option) ?? nonEmpty(env.CCBOX_DATA) ?? DEFAULT_DATA_DIR;
  return resolve(chosen);
}

/** Creates the directory (and its parents) if missing and checks that it is writable. Returns it. */
export function ensureDataDir(dir: string): string {
  try {
    mkdirSync(dir, { recursive: true, mode: 0o750 });
    accessSync(dir, constants.R_OK | constants.W_OK | constants.X_OK);
  } catch (cause) {
    const reason = cause instanceof Error ? cause.message : String(cause);
    throw new DataDirError(
      'unusable',
      `cannot use data directory ${dir}: ${reason} (choose another with --data DIR or CCBOX_DATA)`,
      dir,
    );
  }
  return dir;
}

function nonEmpty(value: string | undefined): string | undefined {
  return value !== undefined && value.trim() !== '' ? value : undefined;
}
