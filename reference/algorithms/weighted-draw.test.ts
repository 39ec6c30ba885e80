import { describe, expect, it } from 'vitest';
import { backend, seededRng } from './testkit.ts';
import { WeightedDraw } from './weighted-draw.ts';

const draw = (weights: readonly number[]) => new WeightedDraw(weights.map((w, i) => backend(`b${i}`, w)));

describe('WeightedDraw', () => {
  it('the guide table finds exactly the slice a binary search finds, at random u and at every cell edge', () => {
    const rng = seededRng(3);
    const pools = [
      [1, 2, 5],
      [1, 1, 1, 2],
      Array.from({ length: 1000 }, (_, i) => 1 + (i % 5)),
      Array.from({ length: 333 }, () => 0.01 + rng() * 3), // fractional (slow start)
      [1e6, ...Array.from({ length: 50 }, () => 1e-9), 1, 1e6], // tiny slices bunched in one cell
      [0.1, 0.2, 0.3, 0.7, 1e-300, 5],
    ];
    for (const weights of pools) {
      const d = draw(weights);
      const total = weights.reduce((s, w) => s + w, 0);
      const cells = 2 ** Math.ceil(Math.log2(weights.length));
      const us = [0, 1 - 2 ** -53, ...Array.from({ length: 20_000 }, () => rng())];
      for (let j = 0; j < cells; j++) us.push(j / cells, Math.max(0, j / cells - 2 ** -53), j / cells + 2 ** -53);
      for (const u of us) if (u < 1) expect(d.index(u), `u = ${u}`).toBe(d.search(u * total));
    }
  });

  it('maps 1:3 onto [0, 0.25) and [0.25, 1), and u outside [0, 1) as the search does', () => {
    const d = draw([1, 3]);
    expect([0, 0.2499, 0.25, 0.999, 1, 7, -1].map((u) => d.index(u))).toEqual([0, 0, 1, 1, 1, 1, 0]);
    expect(d.index(Number.NaN)).toBe(1);
  });

  it('equal weights take no table; an empty list gives −1', () => {
    expect([0, 0.33, 0.34, 0.99].map((u) => draw([2, 2, 2]).index(u))).toEqual([0, 0, 1, 2]);
    expect(draw([]).index(0.5)).toBe(-1);
  });
});
