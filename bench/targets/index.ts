// Bench targets by name. Each implements harness/types.ts Target; bench only needs render().
// reference, haproxy and nginx are tuned for benchmarking (no health checks, no logging, every
// scheduler in the registry); any other name or a target file goes to the harness's resolver,
// so users bench their own balancer with the same target file they use for conformance.
import { resolveTarget } from '../../harness/targets/registry.ts';
import type { Target } from '../../harness/types.ts';
import { haproxyTarget } from './haproxy.ts';
import { nginxTarget } from './nginx.ts';
import { referenceTarget } from './reference.ts';

export interface BenchTarget extends Target {
  /** Why this target cannot run `mode` here, if it cannot. */
  modeUnavailable?(mode: string): string | undefined;
}

const targets: readonly BenchTarget[] = [referenceTarget, haproxyTarget, nginxTarget];

export function benchTarget(name: string): BenchTarget | undefined {
  return targets.find((t) => t.name === name);
}

export function benchTargetNames(): string[] {
  return targets.map((t) => t.name);
}

/** A bench-tuned built-in, else whatever the harness resolves (built-in target file or a path). */
export async function resolveBenchTarget(spec: string): Promise<BenchTarget> {
  return benchTarget(spec) ?? (await resolveTarget(spec));
}
