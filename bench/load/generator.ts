// The closed-loop load generator a bench run drives its keep-alive load with: one small interface,
// one file per generator (autocannon in-process, wrk and h2load as external programs). Each takes the
// same options and returns the same LoadOutcome, so samples, the null-target ceiling and the
// generator-bound flag mean the same whichever generator made them. Open-loop load always runs the
// built-in constant-rate generator (open-loop.ts): none of these three paces requests correctly.
import type { LoadOutcome, LoadTarget } from './types.ts';

export const GENERATOR_NAMES = ['autocannon', 'wrk', 'h2load'] as const;
export type GeneratorName = (typeof GENERATOR_NAMES)[number];
export const DEFAULT_GENERATOR: GeneratorName = 'autocannon';

export interface GeneratorRunOptions extends LoadTarget {
  connections: number;
  durationMs: number;
  /** Per-request timeout; the whole run is also killed at duration + timeout + a grace period. */
  timeoutMs?: number;
  /** Run the generator on this CPU only (taskset -c); external generators only. */
  cpu?: number;
}

export interface LoadGenerator {
  readonly name: GeneratorName;
  /** Whether `cpu` is honoured (an external process can be pinned; an in-process one cannot). */
  readonly pinnable: boolean;
  /** Why this generator cannot drive a new connection per request, if it cannot. */
  readonly closeConnectionsUnsupported?: string;
  /** The version string, e.g. "wrk debian/4.1.0-3+b2"; throws GeneratorMissingError when absent. */
  version(): Promise<string>;
  run(opts: GeneratorRunOptions): Promise<LoadOutcome>;
}
