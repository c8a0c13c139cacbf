/**
 * The IVR flows ccbox ships (firmware-config/flows): a new data directory starts with all of them;
 * one that exists gets each flow a later ccbox version adds, once. `<flows>/.shipped` lists the
 * flows already offered, so a flow the installer deleted is not brought back.
 */
import { copyFileSync, cpSync, existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const SHIPPED_MARKER = '.shipped';

/** Flows shipped with ccbox (demo hotline, survey, agent desk) that a new data directory starts with. */
export function shippedFlowsDir(): string {
  return fileURLToPath(new URL('../../firmware-config/flows/', import.meta.url));
}

/** Copies the shipped flows not offered before into `flowsDir`; returns the file names added. */
export function installShippedFlows(flowsDir: string, shippedDir: string = shippedFlowsDir()): string[] {
  const shipped = readdirSync(shippedDir).filter((name) => name.endsWith('.json')).sort();
  const markerFile = join(flowsDir, SHIPPED_MARKER);
  if (!existsSync(flowsDir) || readdirSync(flowsDir).length === 0) {
    cpSync(shippedDir, flowsDir, { recursive: true });
    writeFileSync(markerFile, `${JSON.stringify(shipped, null, 2)}\n`);
    return shipped;
  }
  const offered = new Set(readMarker(markerFile));
  const added: string[] = [];
  for (const name of shipped) {
    if (offered.has(name)) continue;
    offered.add(name);
    if (existsSync(join(flowsDir, name))) continue;
    copyFileSync(join(shippedDir, name), join(flowsDir, name));
    added.push(name);
  }
  writeFileSync(markerFile, `${JSON.stringify([...offered].sort(), null, 2)}\n`);
  return added;
}

function readMarker(file: string): string[] {
  if (!existsSync(file)) return [];
  try {
    const names: unknown = JSON.parse(readFileSync(file, 'utf8'));
    return Array.isArray(names) ? names.filter((name): name is string => typeof name === 'string') : [];
  } catch {
    return [];
  }
}
