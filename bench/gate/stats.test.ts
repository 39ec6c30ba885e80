import { describe, expect, it } from 'vitest';
import { bootstrapRelativeChange, median, medianInPlace, quantileSorted, trimmedMean } from './bootstrap.ts';
import { compareSeries, gate, minSamplesFor, thin } from './compare.ts';
import { exactUCounts, mannWhitneyU, midRanks } from './mann-whitney.ts';
import { erfc } from './normal-dist.ts';
import { gateMarkdown } from './markdown.ts';
import { normal, seededRng } from '../rng.ts';

// Reference values from scipy 1.17 (scipy.special.erfc, scipy.stats.mannwhitneyu).
describe('erfc', () => {
  it('matches scipy to 1e-7 relative', () => {
    expect(erfc(0.5)).toBeCloseTo(0.4795001221869535, 7);
    expect(erfc(-1.3)).toBeCloseTo(1.9340079449406524, 7);
    expect(erfc(3) / 2.2090496998585445e-5).toBeCloseTo(1, 6);
  });
});

describe('Mann–Whitney U', () => {
  it('gives mid-ranks to ties', () => {
    expect(midRanks([3, 1, 2, 2])).toEqual({ ranks: [4, 1, 2.5, 2.5], tieSizes: [1, 2, 1] });
  });

  it('counts the exact null distribution (n1 = n2 = 2: U = 0,1,2,2,3,4 → 1,1,2,1,1)', () => {
    expect(exactUCounts(2, 2)).toEqual([1, 1, 2, 1, 1]);
    expect(exactUCounts(3, 3).reduce((a, b) => a + b, 0)).toBe(20); // C(6,3)
  });

  it('complete separation of 3 vs 3: U = 0, exact p = 2/20', () => {
    const r = mannWhitneyU([1, 2, 3], [4, 5, 6]);
    expect(r.u1).toBe(0);
    expect(r.u2).toBe(9);
    expect(r.method).toBe('exact');
    expect(r.p).toBeCloseTo(0.1, 12);
  });

  it("scipy's documented example: U1 = 17, exact p = 0.1111", () => {
    const r = mannWhitneyU([19, 22, 16, 29, 24], [20, 11, 17, 12]);
    expect(r.u1).toBe(17);
    expect(r.p).toBeCloseTo(0.1111111111111111, 12);
  });

  it('8 vs 8 separated: exact p = 0.0001554', () => {
    const x = [10.1, 9.8, 10.3, 10.0, 9.9, 10.2, 10.4, 9.7];
    const y = [9.1, 9.3, 8.9, 9.4, 9.0, 9.2, 9.5, 8.8];
    const r = mannWhitneyU(x, y);
    expect(r.u1).toBe(64);
    expect(r.p).toBeCloseTo(0.0001554001554001554, 12);
  });

  it('with ties uses the tie-corrected normal approximation (scipy asymptotic p = 0.0793437)', () => {
    const r = mannWhitneyU([1, 2, 2, 3, 5], [2, 4, 4, 6, 7, 8]);
    expect(r.method).toBe('asymptotic');
    expect(r.u1).toBe(5);
    expect(r.p).toBeCloseTo(0.07934368319771502, 6);
  });

  it('identical constant samples give p = 1', () => {
    expect(mannWhitneyU([5, 5, 5], [5, 5, 5]).p).toBe(1);
  });

  it('rejects an empty sample', () => {
    expect(() => mannWhitneyU([], [1])).toThrow(RangeError);
  });
});

describe('bootstrap relative change', () => {
  it('interpolates quantiles like numpy', () => {
    expect(quantileSorted([1, 2, 3, 4], 0.5)).toBe(2.5);
    expect(quantileSorted([1, 2, 3, 4], 0.25)).toBe(1.75);
    expect(median([3, 1, 2])).toBe(2);
  });

  it('the trimmed mean drops 20 % from each end, so one wild value cannot move it', () => {
    expect(trimmedMean([1, 2, 3, 4, 5])).toBe(3); // n=5: cut 1 each end
    expect(trimmedMean([10, 10, 10, 10, 10, 10, 10, 10, 10, 1e9])).toBe(10);
    expect(trimmedMean([4])).toBe(4);
  });

  it('the quickselect median agrees with a sorted median, ties and even lengths included', () => {
    const rng = seededRng(5);
    for (let trial = 0; trial < 500; trial++) {
      const n = 1 + (trial % 41);
      const xs = Array.from({ length: n }, () => Math.round(rng() * 10));
      expect(medianInPlace(Float64Array.from(xs))).toBe(median(xs));
    }
  });

  it('a constant shift of constant samples has a degenerate interval at the shift', () => {
    const ci = bootstrapRelativeChange([100, 100, 100], [90, 90, 90]);
    expect(ci.estimate).toBeCloseTo(-0.1, 12);
    expect(ci.low).toBeCloseTo(-0.1, 12);
    expect(ci.high).toBeCloseTo(-0.1, 12);
  });

  it('is reproducible for a seed and brackets the estimate', () => {
    const a = [100, 103, 98, 101, 99, 102, 97];
    const b = [91, 94, 89, 92, 90, 93, 88];
    const one = bootstrapRelativeChange(a, b, { seed: 7 });
    const two = bootstrapRelativeChange(a, b, { seed: 7 });
    expect(one).toEqual(two);
    expect(one.low).toBeLessThanOrEqual(one.estimate);
    expect(one.high).toBeGreaterThanOrEqual(one.estimate);
    // medians 100 → 91: −9 %; the interval can only hold ratios of sample values.
    expect(one.estimate).toBeCloseTo(-0.09, 12);
    expect(one.low).toBeGreaterThanOrEqual(88 / 103 - 1);
    expect(one.high).toBeLessThanOrEqual(94 / 97 - 1);
  });
});

describe('gate verdicts', () => {
  const base = [1000, 1010, 990, 1005, 995, 1002, 998];
  it('needs 4 samples per side before p can fall under 0.05 (2/C(8,4) = 0.029), 5 under the default 0.01', () => {
    expect(minSamplesFor(0.05)).toBe(4);
    expect(minSamplesFor(0.01)).toBe(5);
  });

  it('flags a 10 % throughput loss as a regression', () => {
    const v = compareSeries({ key: 'x rps', kind: 'throughput', samples: base }, { key: 'x rps', kind: 'throughput', samples: base.map((x) => x * 0.9) });
    expect(v.verdict).toBe('regression');
    expect(v.p).toBeLessThan(0.05);
    expect(v.change!.high).toBeLessThan(-0.05);
  });

  it('a significant 2 % loss stays inside the 5 % band: unchanged', () => {
    const v = compareSeries({ key: 'x rps', kind: 'throughput', samples: base }, { key: 'x rps', kind: 'throughput', samples: base.map((x) => x * 0.98) });
    expect(v.p).toBeLessThan(0.05);
    expect(v.verdict).toBe('unchanged');
  });

  it('for latency, higher is worse', () => {
    const v = compareSeries({ key: 'x p99', kind: 'latency-p99', samples: base }, { key: 'x p99', kind: 'latency-p99', samples: base.map((x) => x * 1.2) });
    expect(v.verdict).toBe('regression');
    const w = compareSeries({ key: 'x p99', kind: 'latency-p99', samples: base }, { key: 'x p99', kind: 'latency-p99', samples: base.map((x) => x * 0.8) });
    expect(w.verdict).toBe('improvement');
  });

  it('too few samples is said, never judged', () => {
    const v = compareSeries({ key: 'k', kind: 'throughput', samples: [1, 2, 3] }, { key: 'k', kind: 'throughput', samples: [0.1, 0.2, 0.3] });
    expect(v.verdict).toBe('insufficient');
  });

  it('thins large samples to evenly spaced quantiles', () => {
    const xs = Array.from({ length: 10_000 }, (_, i) => 10_000 - i);
    const t = thin(xs, 100);
    expect(t).toHaveLength(100);
    expect(t[0]).toBe(51); // sorted ascending, midpoint of the first 1 % (value at index 50)
    expect(t[99]).toBe(9951);
    expect(thin([3, 1, 2], 100)).toEqual([3, 1, 2]);
  });

  it('compares 20 000-sample micro-benchmarks quickly and catches a 15 % slowdown', () => {
    const rng = seededRng(11);
    const base = Array.from({ length: 20_000 }, () => 100 * Math.exp(0.3 * normal(rng)));
    const slow = Array.from({ length: 20_000 }, () => 115 * Math.exp(0.3 * normal(rng)));
    const t0 = performance.now();
    const v = compareSeries({ key: 'pick', kind: 'micro-ns', samples: base }, { key: 'pick', kind: 'micro-ns', samples: slow });
    expect(performance.now() - t0).toBeLessThan(5000);
    expect(v.verdict).toBe('regression');
    const same = compareSeries({ key: 'pick', kind: 'micro-ns', samples: base }, { key: 'pick', kind: 'micro-ns', samples: base.map((x) => x * 1.02) });
    expect(same.verdict).toBe('unchanged');
  });

  it('lists missing and new series and renders Markdown', () => {
    const report = gate(
      [{ key: 'a rps', kind: 'throughput', samples: base }, { key: 'gone', kind: 'throughput', samples: base }],
      [{ key: 'a rps', kind: 'throughput', samples: base.map((x) => x * 0.8) }, { key: 'fresh|x', kind: 'micro-ns', samples: base }],
    );
    expect(report.verdicts.map((v) => v.verdict)).toEqual(['regression', 'missing', 'new']);
    expect(report.regressions).toBe(1);
    const md = gateMarkdown(report);
    expect(md).toMatch(/^## fulcrum gate: \*\*1 regression\*\*/);
    expect(md).toContain('| a rps | ❌ regression |');
    expect(md).toContain('fresh\\|x'); // pipes escaped in cells
  });
});
