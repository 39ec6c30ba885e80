import { describe, expect, it } from 'vitest';
import { maxOverMean, qualityFigure } from './quality.ts';

describe('consistent-hash quality figures', () => {
  it('max/mean of counts', () => {
    expect(maxOverMean([1, 1, 1, 1])).toBe(1);
    expect(maxOverMean([3, 1, 1, 3])).toBe(1.5);
    expect(maxOverMean([])).toBe(0);
  });

  it('ring and rendezvous move only the removed backend’s keys (about 1/N); maglev a little more', () => {
    const keys = 4000;
    for (const name of ['ring', 'rendezvous'] as const) {
      const f = qualityFigure(name, 10, keys);
      // Minimal disruption: what moved is exactly what the removed backend held, so the moved
      // fraction is that backend's sampled share — within its imbalance of 1/N.
      expect(f.disruption.remove).toBeGreaterThan(0);
      expect(f.disruption.remove).toBeLessThanOrEqual((f.imbalance.sampled * 1) / 10 + 1e-12);
      expect(f.disruption.add).toBeLessThanOrEqual(0.2);
    }
    const m = qualityFigure('maglev', 10, keys);
    expect(m.imbalance.exact!).toBeLessThan(1.001); // 65537 slots over 10 backends: 6553 or 6554 each
    expect(m.disruption.removeSlots!).toBeGreaterThanOrEqual(0.1 - 1 / 65_537);
    expect(m.disruption.idealRemove).toBe(0.1);
    expect(m.disruption.idealAdd).toBeCloseTo(1 / 11, 12);
  });

  it('reports exact shares for ring (arcs) and maglev (slots), none for rendezvous', () => {
    expect(qualityFigure('ring', 5, 500).imbalance.exact).toBeGreaterThan(1);
    expect(qualityFigure('rendezvous', 5, 500).imbalance.exact).toBeUndefined();
  });
});
