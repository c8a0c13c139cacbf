/** Blacklist and VIP list: exact numbers, prefixes ending in *, and "anonymous" for a caller without caller ID. */
import type { CallerLists } from './ports.js';

function matcher(patterns: readonly string[]): (number: string | undefined) => boolean {
  const exact = new Set(patterns.filter((p) => !p.endsWith('*')));
  const prefixes = patterns.filter((p) => p.endsWith('*')).map((p) => p.slice(0, -1));
  return (number) => {
    if (number === undefined || number === '') return exact.has('anonymous');
    const clean = number.replace(/[\s-]/g, '');
    return exact.has(clean) || prefixes.some((prefix) => clean.startsWith(prefix));
  };
}

export class ConfiguredCallerLists implements CallerLists {
  readonly isBlacklisted: (number: string | undefined) => boolean;
  readonly isVip: (number: string | undefined) => boolean;

  constructor(lists: { blacklist: readonly string[]; vip: readonly string[] }) {
    this.isBlacklisted = matcher(lists.blacklist);
    this.isVip = matcher(lists.vip);
  }
}
