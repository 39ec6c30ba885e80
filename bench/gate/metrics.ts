// What the gate compares: named series of raw samples, each with a kind that fixes its
// direction (is bigger better?) and its noise band (changes smaller than this are not news).
import type { BenchRun } from '../../reports/schema/index.ts';

export type MetricKind = 'throughput' | 'latency-p50' | 'latency-p99' | 'micro-ns';

export interface MetricKindInfo {
  /** Relative change that counts as noise on this machine class; the CI must lie wholly outside ±band. */
  band: number;
  higherIsBetter: boolean;
  unit: string;
}

/** Defaults, stated once (README repeats them): throughput 5 %, latency 10 %, micro-benchmark ns 10 %. */
export const METRIC_KINDS: Record<MetricKind, MetricKindInfo> = {
  throughput: { band: 0.05, higherIsBetter: true, unit: 'req/s' },
  'latency-p50': { band: 0.1, higherIsBetter: false, unit: 'ms' },
  'latency-p99': { band: 0.1, higherIsBetter: false, unit: 'ms' },
  'micro-ns': { band: 0.1, higherIsBetter: false, unit: 'ns' },
};

export interface Series {
  /** Stable key matched between baseline and current, e.g. "slow-one/reference/lc/http rps". */
  key: string;
  kind: MetricKind;
  samples: number[];
}

export function seriesFromBench(run: BenchRun): Series[] {
  const out: Series[] = [];
  for (const r of run.results) {
    if (r.unavailable || r.samples.length === 0) continue;
    out.push({ key: `${r.id} rps`, kind: 'throughput', samples: r.samples.map((s) => s.rps) });
    out.push({ key: `${r.id} p50`, kind: 'latency-p50', samples: r.samples.map((s) => s.latencyMs.p50) });
    out.push({ key: `${r.id} p99`, kind: 'latency-p99', samples: r.samples.map((s) => s.latencyMs.p99) });
  }
  return out;
}
