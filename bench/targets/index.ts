// Bench targets by name. Each implements harness/types.ts Target; bench only needs render().
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
