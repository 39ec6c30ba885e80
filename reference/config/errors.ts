// Config errors name the file, the field and what is wrong, so a user can fix it without reading code.
import type { z } from 'zod';

export class ConfigError extends Error {
  readonly code = 'FULCRUM_ERR_CONFIG';
  constructor(
    readonly source: string,
    readonly problems: readonly string[],
  ) {
    super(`${source}: invalid config\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

/** "listeners[0].backends[1].address: "x" is not host:port" for each issue. */
export function describeIssues(error: z.ZodError): string[] {
  return error.issues.map((issue) => {
    const field = issue.path.reduce<string>(
      (acc, key) => (typeof key === 'number' ? `${acc}[${key}]` : acc ? `${acc}.${String(key)}` : String(key)),
      '',
    );
    return `${field || '(top level)'}: ${issue.message}`;
  });
}
