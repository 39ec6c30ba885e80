// A bench scenario as data: the backends (with service-time models), the variants to compare
// (target × algorithm × mode), the load, and how often to repeat. Presets are lists of these.
import type { ServiceTimeModel } from '../schema.ts';

export type BenchMode = 'http' | 'tcp' | 'lvs-nat' | 'lvs-dr' | 'lvs-tun';

export interface BenchVariant {
  target: string;
  algorithm: string;
  mode: BenchMode;
}

export type LoadSpec =
  | { kind: 'closed'; connections: number; durationMs: number }
  | { kind: 'open'; connections: number; durationMs: number; rate: number };

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
