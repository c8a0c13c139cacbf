import type { z } from 'zod';

/** One problem with a configuration, at a dotted field path ('' for the whole document). */
export interface ConfigIssue {
  path: string;
  message: string;
}

export type ConfigErrorCode =
  | 'invalidValue' // a field fails the schema or a registered validator
  | 'unknownPath' // a setting that does not exist
  | 'badJson' // a file that is not JSON
  | 'badVersion' // a version this code has no migration for, or newer than it knows
  | 'io' // the file could not be read or written
  | 'notOpen';

export class ConfigError extends Error {
  override readonly name = 'ConfigError';
  constructor(
    readonly code: ConfigErrorCode,
    message: string,
    readonly issues: readonly ConfigIssue[] = [],
    /** The file the problem is in, when it came from one. */
    readonly file?: string,
  ) {
    super(message);
  }

  /** An invalidValue error whose message lists every issue as `path: message`. */
  static invalid(issues: readonly ConfigIssue[], file?: string): ConfigError {
    const listed = issues.map(formatIssue).join('; ');
    return new ConfigError('invalidValue', file ? `${file}: ${listed}` : listed, issues, file);
  }
}

export function formatIssue(issue: ConfigIssue): string {
  return `${issue.path || '(root)'}: ${issue.message}`;
}

/** zod issues as config issues; an unknown key becomes an issue at that key's own path. */
export function issuesFromZod(error: z.ZodError): ConfigIssue[] {
  return error.issues.flatMap((issue) => {
    const path = issue.path.map(String).join('.');
    if (issue.code === 'unrecognized_keys') {
      return issue.keys.map((key) => ({ path: path ? `${path}.${key}` : key, message: 'unknown setting' }));
    }
    return [{ path, message: issue.message }];
  });
}
