import { describe, expect, it } from 'vitest';
import { growth, percentile, statistics, targets } from './summarize.ts';
import type { MicroBenchmark } from '../../reports/schema/index.ts';

const bench = (scheduler: string, n: number, meanNs: number, kind: 'pick' | 'build' = 'pick'): MicroBenchmark => ({
  name: `${kind} ${scheduler} N=${n}`,
  kind,
  scheduler,
  n,
  opsPerSample: 1,
  samplesNs: [meanNs],
  meanNs,
  p50Ns: meanNs,
  p99Ns: meanNs,
  opsPerSec: 1e9 / meanNs,
});

describe('summaries', () => {
  it('statistics and interpolated percentiles', () => {
    expect(percentile([1, 2, 3, 4], 0.5)).toBe(2.5);
    const s = statistics([40, 10, 20, 30]);
    expect(s).toMatchObject({ meanNs: 25, p50Ns: 25, opsPerSec: 4e7 });
    expect(s.p99Ns).toBeCloseTo(39.7, 10); // 30 + 0.97 × (40 − 30)
  });

  it('growth per scheduler and targets with verdicts', () => {
    const list = [bench('maglev', 10, 20), bench('maglev', 1000, 21), bench('lc', 10, 30), bench('lc', 1000, 3000), bench('ring', 1000, 250), bench('maglev', 1000, 15e6, 'build')];
    const g = growth(list);
    expect(g.find((x) => x.scheduler === 'maglev')).toMatchObject({ design: 'O(1)', fitted: 'O(1)', nsByN: { '10': 20, '1000': 21 } });
    expect(g.find((x) => x.scheduler === 'lc')?.fitted).toBe('O(N)');
    const t = targets(list);
    expect(t.find((x) => x.what.startsWith('maglev pick'))).toMatchObject({ limitNs: 50, measuredNs: 21, pass: true });
    expect(t.find((x) => x.what.startsWith('ring pick'))).toMatchObject({ limitNs: 50, measuredNs: 250, pass: false });
    expect(t.find((x) => x.what.startsWith('rr pick'))).toEqual({ what: 'rr pick at N=1000 (O(1))', limitNs: 50 });
    expect(t.find((x) => x.what.startsWith('maglev build'))).toMatchObject({ measuredNs: 15e6, pass: true });
  });
});
