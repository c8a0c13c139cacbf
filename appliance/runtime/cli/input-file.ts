/** Files named on the command line: read whole, or a clear error on stderr and exit code 1. */
import { readFileSync } from 'node:fs';

export function failCommand(line: string): void {
  process.stderr.write(`${line}\n`);
  process.exitCode = 1;
}

/** The file's text, or undefined after telling the user why it cannot be read. */
export function readInputFile(file: string): string | undefined {
  try {
    return readFileSync(file, 'utf8');
  } catch (error) {
    failCommand(`cannot read ${file}: ${(error as Error).message}`);
    return undefined;
  }
}
