import { describe, expect, it } from 'vitest';
import { qualityFigure } from './quality.ts';
import { qualityCheck } from './quality-check.ts';
import { algorithmChecks } from './index.ts';

describe('quality figures (pure, from reference/algorithms)', () => {
  it('ring and rendezvous move exactly the removed backend’s keys; maglev is near-perfectly balanced', () => {
    for (const n of [10, 100]) {
      const ring = qualityFigure('ring', n);
      const rv = qualityFigure('rendezvous', n);
      const mg = qualityFigure('maglev', n);
      expect(ring.excessDisruption).toBe(0);
      expect(rv.excessDisruption).toBe(0);
      expect(mg.imbalance).toBeLessThanOrEqual(Math.ceil(65537 / n) / (65537 / n) + 1e-9);
      // Removing one of N moves about 1/N: within a factor 2 either way for the exact ones.
      expect(ring.disruption / ring.idealDisruption).toBeGreaterThan(0.5);
      expect(ring.disruption / ring.idealDisruption).toBeLessThan(2);
      expect(rv.disruption / rv.idealDisruption).toBeGreaterThan(0.8);
      expect(rv.disruption / rv.idealDisruption).toBeLessThan(1.2);
      // Maglev moves at least its own slots, and some more.
      expect(mg.disruption).toBeGreaterThanOrEqual(mg.idealDisruption * 0.99);
      expect(mg.excessDisruption).toBeGreaterThan(0);
      // A ring with 160 points per backend is less even than Maglev.
      expect(ring.imbalance).toBeGreaterThan(mg.imbalance);
    }
  });

  it('the check writes every figure at N = 10, 100, 1000 into its metrics', async () => {
    const v = await qualityCheck.run({} as never);
    expect(v.status, JSON.stringify(v).slice(0, 500)).toBe('pass');
    if (v.status === 'skip') return;
    for (const a of ['ring', 'maglev', 'rendezvous']) {
      for (const n of [10, 100, 1000]) {
        expect(v.metrics?.[`${a}.n${n}.imbalance`]).toBeGreaterThanOrEqual(1);
        expect(v.metrics?.[`${a}.n${n}.disruption`]).toBeGreaterThan(0);
      }
    }
    console.log(JSON.stringify(v.metrics));
  });
});

describe('the algorithms catalogue of checks', () => {
  it('has unique ids, a statistical bound on every statistical check, and notes everywhere', () => {
    const ids = algorithmChecks.map((c) => c.id);
    expect(new Set(ids).size).toBe(ids.length);
    for (const c of algorithmChecks) {
      expect(c.id).toMatch(/^algorithms\./);
      expect(c.notes?.length).toBeGreaterThan(40);
      if (c.falseFailureProbability !== undefined) expect(c.falseFailureProbability).toBeLessThanOrEqual(1e-4);
    }
  });
});
