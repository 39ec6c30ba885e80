import { describe, expect, it } from 'vitest';
import { fitGrowth } from './fit.ts';

const ns = [10, 100, 1000, 10_000];

describe('fitGrowth', () => {
  it('recognises constant, logarithmic and linear growth, with noise', () => {
    const noise = [1.05, 0.97, 1.02, 0.99];
    expect(fitGrowth(ns.map((n, i) => ({ n, cost: 20 * noise[i]! })))?.model).toBe('O(1)');
    expect(fitGrowth(ns.map((n, i) => ({ n, cost: 15 * Math.log2(n) * noise[i]! })))?.model).toBe('O(log N)');
    const linear = fitGrowth(ns.map((n, i) => ({ n, cost: 3 * n * noise[i]! })))!;
    expect(linear.model).toBe('O(N)');
    expect(linear.exponent).toBeCloseTo(1, 1);
    expect(linear.ratio).toBeCloseTo((3 * 10_000 * 0.99) / (3 * 10 * 1.05), 6);
  });

  it('needs two points', () => {
    expect(fitGrowth([{ n: 10, cost: 1 }])).toBeUndefined();
  });
});
