// A bench scenario as data: the backends (with service-time models), the variants to compare
// (target × algorithm × mode), the load, and how often to repeat. Presets are lists of these.
import type { ServiceTimeModel } from '../../reports/schema/index.ts';

export type BenchMode = 'http' | 'tcp' | 'lvs-nat' | 'lvs-dr' | 'lvs-tun';

export interface BenchVariant {
  target: string;
  algorithm: string;
  /** The algorithm's options (the reference's config vocabulary), e.g. { draws: 'distinct' } for p2c. */
  options?: Record<string, string | number | boolean>;
  mode: BenchMode;
}

/** The algorithm as results name it: "p2c", or "p2c(draws=distinct)" with options (keys sorted, so stable). */
export function algorithmLabel(variant: Pick<BenchVariant, 'algorithm' | 'options'>): string {
  const entries = Object.entries(variant.options ?? {}).sort(([a], [b]) => a.localeCompare(b));
  return entries.length ? `${variant.algorithm}(${entries.map(([k, v]) => `${k}=${v}`).join(',')})` : variant.algorithm;
}

export type LoadSpec =
  | { kind: 'closed'; connections: number; durationMs: number; closeConnections?: boolean }
  | { kind: 'open'; connections: number; durationMs: number; rate: number; closeConnections?: boolean };

export interface BenchScenario {
  /** Short id used in result ids, e.g. "slow-one". */
  name: string;
  /** The question the scenario answers, for the report. */
  question: string;
  backends: { id: string; model: ServiceTimeModel; weight?: number }[];
  variants: BenchVariant[];
  load: LoadSpec;
  /** Measured repetitions per variant (interleaved across variants). */
  repetitions: number;
  /** One unrecorded run per variant before the first measured round. */
  warmupMs: number;
}

export interface BenchPreset {
  name: string;
  description: string;
  scenarios: BenchScenario[];
}
