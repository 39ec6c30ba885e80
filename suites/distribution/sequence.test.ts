import { describe, expect, it } from 'vitest';
import { countBy, isRotation, longestRuns, windowDiscrepancy } from './sequence.ts';
import { chiSquareTest } from './chi-square.ts';
import { RANDOM_ALPHA, RANDOM_SAMPLES } from './random.ts';
import { WRR_BOUND, WRR_WEIGHTS } from './wrr.ts';

/** nginx's smooth weighted round robin (ngx_http_upstream_get_peer), as a model to test the bound. */
function nginxSmooth(weights: readonly number[], n: number): string[] {
  const current = weights.map(() => 0);
  const total = weights.reduce((a, b) => a + b, 0);
  const out: string[] = [];
  for (let k = 0; k < n; k++) {
    let best = 0;
    weights.forEach((w, i) => {
      current[i] = (current[i] as number) + w;
      if ((current[i] as number) > (current[best] as number)) best = i;
    });
    current[best] = (current[best] as number) - total;
    out.push(`b${best + 1}`);
  }
  return out;
}

const sharesOf = (weights: readonly number[]) => {
  const total = weights.reduce((a, b) => a + b, 0);
  return Object.fromEntries(weights.map((w, i) => [`b${i + 1}`, w / total]));
};

/** Deterministic PRNG (mulberry32) so the power estimate is reproducible. */
function mulberry32(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

describe('sequence measures', () => {
  it('counts, rotations and runs', () => {
    const seq = ['b2', 'b3', 'b1', 'b2', 'b3', 'b1', 'b2'];
    expect(countBy(seq, ['b1', 'b2', 'b3'])).toEqual({ b1: 2, b2: 3, b3: 2 });
    expect(isRotation(seq, 3)).toBe(true);
    expect(isRotation(['b1', 'b2', 'b1', 'b2', 'b3'], 3)).toBe(false);
    expect(isRotation(['b1', 'b1', 'b1'], 3)).toBe(false);
    expect(longestRuns(['b1', 'b1', 'b2', 'b1', 'b1', 'b1'], ['b1', 'b2', 'b3'])).toEqual({ b1: 3, b2: 1, b3: 0 });
  });

  it('the wrr bound holds for nginx smooth WRR on every weight vector of 3 backends up to 12', () => {
    let worst = 0;
    for (let a = 1; a <= 12; a++)
      for (let b = 1; b <= 12; b++)
        for (let c = 1; c <= 12; c++) {
          const w = [a, b, c];
          const seq = nginxSmooth(w, 3 * (a + b + c));
          worst = Math.max(worst, windowDiscrepancy(seq, sharesOf(w)).value);
        }
    expect(worst).toBeLessThan(WRR_BOUND);
  });

  it('the wrr bound rejects a block schedule and a first-only one for the check weights', () => {
    const block = Array.from({ length: 3 }, () => WRR_WEIGHTS.flatMap((w, i) => Array.from({ length: w }, () => `b${i + 1}`))).flat();
    expect(windowDiscrepancy(block, sharesOf(WRR_WEIGHTS)).value).toBeGreaterThanOrEqual(WRR_BOUND);
    expect(windowDiscrepancy(nginxSmooth(WRR_WEIGHTS, 30), sharesOf(WRR_WEIGHTS)).value).toBeLessThan(WRR_BOUND);
    const worst = windowDiscrepancy(Array.from({ length: 30 }, () => 'b1'), sharesOf(WRR_WEIGHTS));
    expect(worst).toMatchObject({ id: 'b1', start: 0, length: 30, count: 30 });
  });
});

describe('chi-square', () => {
  it('matches textbook critical values (df 2, α 1e-4: 18.42; df 1, α 0.05: 3.84)', () => {
    expect(chiSquareTest([10, 10, 10], [1 / 3, 1 / 3, 1 / 3], 1e-4).critical).toBeCloseTo(18.4207, 3);
    expect(chiSquareTest([5, 5], [0.5, 0.5], 0.05).critical).toBeCloseTo(3.8415, 3);
    const even = chiSquareTest([200, 200, 200], [1 / 3, 1 / 3, 1 / 3], 1e-4);
    expect(even).toMatchObject({ statistic: 0, degreesOfFreedom: 2, reject: false });
    expect(even.pValue).toBeCloseTo(1, 10);
  });

  it('a first-only scheduler gives χ² = 2N and always fails', () => {
    const t = chiSquareTest([RANDOM_SAMPLES, 0, 0], [1 / 3, 1 / 3, 1 / 3], RANDOM_ALPHA);
    expect(t.statistic).toBeCloseTo(2 * RANDOM_SAMPLES, 6);
    expect(t.reject).toBe(true);
  });

  it('stated power and false-failure rate hold by simulation (seeded)', () => {
    const rng = mulberry32(42);
    const draw = (p: number[]) => {
      const counts = [0, 0, 0];
      for (let i = 0; i < RANDOM_SAMPLES; i++) {
        const u = rng();
        const k = u < (p[0] as number) ? 0 : u < (p[0] as number) + (p[1] as number) ? 1 : 2;
        counts[k] = (counts[k] as number) + 1;
      }
      return chiSquareTest(counts, [1 / 3, 1 / 3, 1 / 3], RANDOM_ALPHA).reject;
    };
    const trials = 2000;
    let biasedRejected = 0;
    let uniformRejected = 0;
    for (let t = 0; t < trials; t++) {
      if (draw([0.5, 0.25, 0.25])) biasedRejected++;
      if (draw([1 / 3, 1 / 3, 1 / 3])) uniformRejected++;
    }
    expect(biasedRejected / trials).toBeGreaterThan(0.995);
    // With α = 1e-4 the expected number of rejections in 2000 uniform trials is 0.2.
    expect(uniformRejected).toBeLessThanOrEqual(2);
  });
});
