// Pure reductions over measured samples: statistics, growth with N, targets. No timing here.
import { fitGrowth } from './fit.ts';
import { DESIGN_COMPLEXITY } from './cases.ts';
import type { MicroBenchmark, MicroResults } from '../../reports/schema/index.ts';

export function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return 0;
  const at = (sorted.length - 1) * p;
  const lo = Math.floor(at);
  const hi = Math.ceil(at);
  return sorted[lo]! + (sorted[hi]! - sorted[lo]!) * (at - lo);
}

export function statistics(samplesNs: readonly number[]): Pick<MicroBenchmark, 'meanNs' | 'p50Ns' | 'p99Ns' | 'opsPerSec'> {
  const sorted = [...samplesNs].sort((a, b) => a - b);
  const mean = sorted.reduce((s, v) => s + v, 0) / sorted.length;
  return { meanNs: mean, p50Ns: percentile(sorted, 0.5), p99Ns: percentile(sorted, 0.99), opsPerSec: mean > 0 ? 1e9 / mean : 0 };
}

export function growth(benchmarks: readonly MicroBenchmark[]): MicroResults['growth'] {
  const names = [...new Set(benchmarks.filter((b) => b.kind === 'pick').map((b) => b.scheduler))];
  return names.flatMap((scheduler) => {
    const points = benchmarks.filter((b) => b.kind === 'pick' && b.scheduler === scheduler).map((b) => ({ n: b.n, cost: b.meanNs }));
    const fit = fitGrowth(points);
    const design = DESIGN_COMPLEXITY[scheduler];
    if (!fit || !design) return [];
    return [{ scheduler, design, fitted: fit.model, exponent: fit.exponent, ratio: fit.ratio, nsByN: Object.fromEntries(points.map((p) => [String(p.n), p.cost])) }];
  });
}

/** The issues' targets on this machine: every pick that is not O(N) by design ≤ 50 ns at N = 1000
 *  (issue 15; O(log N) was allowed 200 ns before); maglev table build (M = 65537, N = 1000) ≤ 20 ms. */
export function targets(benchmarks: readonly MicroBenchmark[]): MicroResults['targets'] {
  const out: MicroResults['targets'] = [];
  const limits = { 'O(1)': 50, 'O(log N)': 50 } as const;
  for (const [scheduler, design] of Object.entries(DESIGN_COMPLEXITY)) {
    if (design === 'O(N)') continue;
    const limitNs = limits[design];
    const b = benchmarks.find((x) => x.kind === 'pick' && x.scheduler === scheduler && x.n === 1000);
    out.push({ what: `${scheduler} pick at N=1000 (${design})`, limitNs, ...(b ? { measuredNs: b.meanNs, pass: b.meanNs <= limitNs } : {}) });
  }
  const build = benchmarks.find((x) => x.kind === 'build' && x.scheduler === 'maglev' && x.n === 1000);
  out.push({ what: 'maglev build M=65537 N=1000', limitNs: 20e6, ...(build ? { measuredNs: build.meanNs, pass: build.meanNs <= 20e6 } : {}) });
  return out;
}
