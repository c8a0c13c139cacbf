/** Settings never shown back: passwords, password hashes and PINs, wherever they sit in the configuration. */
import { getAt } from './paths.js';

/** Dotted paths of secrets; `*` stands for any array index. */
export const SECRET_PATHS: readonly string[] = [
  'pbx.password',
  'api.broker.password',
  'api.users.*.passwordHash',
  'acd.agents.*.pin',
  'acd.agents.*.pbxAgent.password',
];

export const SECRET_MASK = '********';

function isSecret(segments: readonly string[]): boolean {
  return SECRET_PATHS.some((pattern) => {
    const parts = pattern.split('.');
    return parts.length === segments.length && parts.every((part, i) => part === '*' ? /^[0-9]+$/.test(segments[i] ?? '') : part === segments[i]);
  });
}

/** A copy of `value` (found at dotted path `at`, '' for the whole configuration) with every secret masked. */
export function maskSecrets(value: unknown, at = ''): unknown {
  return mask(value, at === '' ? [] : at.split('.'));
}

function mask(value: unknown, segments: string[]): unknown {
  if (value === undefined) return value;
  if (isSecret(segments)) return SECRET_MASK;
  if (Array.isArray(value)) return value.map((child, i) => mask(child, [...segments, String(i)]));
  if (typeof value !== 'object' || value === null) return value;
  return Object.fromEntries(Object.entries(value).map(([key, child]) => [key, mask(child, [...segments, key])]));
}

/**
 * A value about to be stored at dotted path `at`, with every secret that is still the mask (a
 * client sending back what it was shown) replaced by the secret `current` holds there. A list item
 * with an identity (an agent's `id`, a user's `username`) takes the secret of the current item with
 * the same identity, wherever it sits now: a list sent back with an item removed or moved must not
 * hand one agent's PIN or one user's password hash to another.
 */
export function keepMaskedSecrets(value: unknown, at: string, current: unknown): unknown {
  const segments = at === '' ? [] : at.split('.');
  return keep(value, segments, getAt(current, segments));
}

/** The keys that tell list items apart, wherever a list holds secrets. */
const IDENTITY_KEYS = ['id', 'username'] as const;

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** The current item `item` (at `index` of the list sent) stands for. */
function counterpart(currentList: unknown, item: unknown, index: number): unknown {
  if (!Array.isArray(currentList)) return undefined;
  const key = isRecord(item) ? IDENTITY_KEYS.find((k) => typeof item[k] === 'string') : undefined;
  if (key === undefined) return currentList[index];
  return currentList.find((candidate) => isRecord(candidate) && candidate[key] === (item as Record<string, unknown>)[key]);
}

function keep(value: unknown, segments: string[], current: unknown): unknown {
  if (value === SECRET_MASK && isSecret(segments)) return current;
  if (Array.isArray(value)) return value.map((child, i) => keep(child, [...segments, String(i)], counterpart(current, child, i)));
  if (!isRecord(value)) return value;
  return Object.fromEntries(Object.entries(value).map(([key, child]) => [key, keep(child, [...segments, key], isRecord(current) ? current[key] : undefined)]));
}
