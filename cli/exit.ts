// Exit codes for every command: 0 nothing failed, 1 a check/gate failed, 2 bad usage or config.
import { ConfigError } from '../reference/index.ts';

export const EXIT_OK = 0;
export const EXIT_FAILED = 1;
export const EXIT_USAGE = 2;

/** Bad command-line usage or input the user must fix (unknown target, missing file). */
export class UsageError extends Error {
  readonly code = 'FULCRUM_ERR_USAGE';
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}

export function exitCodeFor(err: unknown): number {
  return err instanceof UsageError || err instanceof ConfigError ? EXIT_USAGE : EXIT_FAILED;
}
