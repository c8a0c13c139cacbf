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
 * client sending back what it was shown) replaced by the secret `current` holds there.
 */
export function keepMaskedSecrets(value: unknown, at: string, current: unknown): unknown {
  return keep(value, at === '' ? [] : at.split('.'), current);
}

function keep(value: unknown, segments: string[], current: unknown): unknown {
  if (value === SECRET_MASK && isSecret(segments)) return getAt(current, segments);
  if (Array.isArray(value)) return value.map((child, i) => keep(child, [...segments, String(i)], current));
  if (typeof value !== 'object' || value === null) return value;
  return Object.fromEntries(Object.entries(value).map(([key, child]) => [key, keep(child, [...segments, key], current)]));
}
