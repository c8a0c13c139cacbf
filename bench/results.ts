/** Shared by the benches: percentiles and the append to bench/RESULTS.md (date, commit, machine). */
import { execSync } from 'node:child_process';
import { appendFileSync, existsSync, writeFileSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';

export function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return 0;
  const index = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[index] as number;
}

function commit(): string {
  try {
    const head = execSync('git rev-parse --short HEAD', { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
    const changes = execSync('git status --porcelain', { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] });
    const dirty = changes.split('\n').some((line) => line.trim() !== '' && !line.endsWith('bench/RESULTS.md'));
    return dirty ? `${head}+uncommitted` : head;
  } catch {
    return 'unknown';
  }
}

export function machine(): string {
  const cpu = cpus()[0]?.model ?? 'unknown CPU';
  return `${cpus().length} × ${cpu}, ${Math.round(totalmem() / 2 ** 30)} GiB, Node ${process.version}`;
}

export function recordResults(bench: string, headline: string, table: string): void {
  const file = new URL('./RESULTS.md', import.meta.url);
  if (!existsSync(file)) writeFileSync(file, '# Bench results\n\nEach run appends a section: date, commit, machine, then its figures.\n');
  const date = new Date().toISOString().slice(0, 16).replace('T', ' ');
  appendFileSync(file, `\n## ${bench} — ${date} UTC, commit ${commit()}\n\nMachine: ${machine()}\n\n${headline}\n\n${table}\n`);
  console.log(`recorded in bench/RESULTS.md`);
}
