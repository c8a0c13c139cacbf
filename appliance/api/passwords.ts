/**
 * Password hashes for MQTT API users, kept in the config file:
 * `scrypt$<N>$<r>$<p>$<saltBase64>$<hashBase64>`. The cost parameters travel with the hash so
 * they can be raised later without invalidating stored passwords.
 */
import { randomBytes, scrypt, type ScryptOptions, timingSafeEqual } from 'node:crypto';
import { z } from 'zod';

const COST = { N: 16384, r: 8, p: 1 } as const;
const SALT_BYTES = 16;
const KEY_BYTES = 32;
const BASE64 = /^[A-Za-z0-9+/]+={0,2}$/;
/** Upper bounds so a hand-edited hash cannot make one login take minutes or gigabytes. */
const MAX_N = 1 << 20;
const MAX_RP = 64;

interface ParsedHash {
  cost: { N: number; r: number; p: number };
  salt: Buffer;
  key: Buffer;
}

function deriveKey(plain: string, salt: Buffer, keyBytes: number, cost: ParsedHash['cost']): Promise<Buffer> {
  const options: ScryptOptions = { ...cost, maxmem: 256 * cost.N * cost.r + 1024 * 1024 };
  return new Promise((resolve, reject) => {
    scrypt(plain, salt, keyBytes, options, (error, key) => (error ? reject(error) : resolve(key)));
  });
}

/** Why `stored` is not a password hash, or undefined when it is one. */
function hashFormatProblem(stored: string): string | undefined {
  const parts = stored.split('$');
  if (parts.length !== 6 || parts[0] !== 'scrypt') return 'expected scrypt$<N>$<r>$<p>$<salt base64>$<hash base64>';
  const [, n, r, p, salt, key] = parts as [string, string, string, string, string, string];
  const N = Number(n);
  if (!/^[0-9]+$/.test(n) || N < 2 || N > MAX_N || (N & (N - 1)) !== 0) return `N must be a power of two from 2 to ${MAX_N}, got '${n}'`;
  for (const [name, value] of [['r', r], ['p', p]] as const) {
    if (!/^[0-9]+$/.test(value) || Number(value) < 1 || Number(value) > MAX_RP) return `${name} must be a number from 1 to ${MAX_RP}, got '${value}'`;
  }
  if (!BASE64.test(salt)) return 'the salt is not base64';
  if (!BASE64.test(key) || Buffer.from(key, 'base64').length < 16) return 'the hash is not base64 of at least 16 bytes';
  return undefined;
}

function parseHash(stored: string): ParsedHash | undefined {
  if (typeof stored !== 'string' || hashFormatProblem(stored) !== undefined) return undefined;
  const [, n, r, p, salt, key] = stored.split('$') as [string, string, string, string, string, string];
  return { cost: { N: Number(n), r: Number(r), p: Number(p) }, salt: Buffer.from(salt, 'base64'), key: Buffer.from(key, 'base64') };
}

export async function hashPassword(plain: string): Promise<string> {
  const salt = randomBytes(SALT_BYTES);
  const key = await deriveKey(plain, salt, KEY_BYTES, COST);
  return ['scrypt', COST.N, COST.r, COST.p, salt.toString('base64'), key.toString('base64')].join('$');
}

/** True when `plain` matches `stored`; false for a wrong password and for a malformed `stored` (never throws). */
export async function verifyPassword(plain: string, stored: string): Promise<boolean> {
  const parsed = parseHash(stored);
  if (parsed === undefined || typeof plain !== 'string') return false;
  try {
    const key = await deriveKey(plain, parsed.salt, parsed.key.length, parsed.cost);
    return timingSafeEqual(key, parsed.key);
  } catch {
    return false;
  }
}

export const passwordHashSchema = z
  .string()
  .superRefine((stored, ctx) => {
    const problem = hashFormatProblem(stored);
    if (problem !== undefined) ctx.addIssue({ code: 'custom', message: `not a password hash: ${problem}` });
  })
  .describe('scrypt password hash: scrypt$<N>$<r>$<p>$<salt base64>$<hash base64>');
