/** A JSON document (text or parsed) checked against a zod schema; errors list every wrong field as `path: message`. */
import type { z } from 'zod';

export function parseJsonDocument<T>(json: unknown, schema: z.ZodType<T>, sourceName: string, fail: (code: 'badJson' | 'invalid', message: string) => Error): T {
  let value = json;
  if (typeof json === 'string') {
    try {
      value = JSON.parse(json);
    } catch (cause) {
      throw fail('badJson', `${sourceName}: not valid JSON: ${(cause as Error).message}`);
    }
  }
  const result = schema.safeParse(value);
  if (!result.success) {
    const problems = result.error.issues.map((issue) => {
      const path = issue.path.join('.') || '(root)';
      return issue.code === 'unrecognized_keys' ? `${path}: unknown field(s) ${issue.keys.join(', ')}` : `${path}: ${issue.message}`;
    });
    throw fail('invalid', `${sourceName}: ${problems.join('; ')}`);
  }
  return result.data;
}
