// How a cost grows with N, read off measured points: fit cost ≈ a·f(N) for f = 1, log N, N and
// keep the model with the smallest squared error in log space; the log-log slope is given too
// (0 for constant, 1 for linear). Pure.
import type { Complexity } from './cases.ts';

export interface GrowthFit {
  readonly model: Complexity;
  /** Slope of ln(cost) against ln(N). */
  readonly exponent: number;
  /** cost at the largest N / cost at the smallest. */
  readonly ratio: number;
}

const MODELS: ReadonlyArray<[Complexity, (n: number) => number]> = [
  ['O(1)', () => 1],
  ['O(log N)', (n) => Math.log2(n)],
  ['O(N)', (n) => n],
];

export function fitGrowth(points: ReadonlyArray<{ n: number; cost: number }>): GrowthFit | undefined {
  const usable = points.filter((p) => p.n > 1 && p.cost > 0).sort((a, b) => a.n - b.n);
  if (usable.length < 2) return undefined;
  const lx = usable.map((p) => Math.log(p.n));
  const ly = usable.map((p) => Math.log(p.cost));
  const mx = lx.reduce((s, v) => s + v, 0) / lx.length;
  const my = ly.reduce((s, v) => s + v, 0) / ly.length;
  const sxx = lx.reduce((s, v) => s + (v - mx) ** 2, 0);
  const exponent = lx.reduce((s, v, i) => s + (v - mx) * (ly[i]! - my), 0) / sxx;
  let best: Complexity = 'O(1)';
  let bestError = Infinity;
  for (const [model, f] of MODELS) {
    const logA = usable.reduce((s, p) => s + Math.log(p.cost / f(p.n)), 0) / usable.length;
    const error = usable.reduce((s, p) => s + (Math.log(p.cost) - logA - Math.log(f(p.n))) ** 2, 0);
    if (error < bestError) {
      best = model;
      bestError = error;
    }
  }
  return { model: best, exponent, ratio: usable[usable.length - 1]!.cost / usable[0]!.cost };
}
