import { describe, expect, it } from 'vitest';
import { seededRng } from '../rng.ts';
import { startBenchBackend } from './server.ts';
import { describeModel, meanServiceTimeMs, serviceTimeMs } from './service-time.ts';

describe('service-time models', () => {
  it('fixed and degrading are exact', () => {
    const rng = seededRng(1);
    expect(serviceTimeMs({ kind: 'fixed', ms: 3 }, rng, 0)).toBe(3);
    const degrading = { kind: 'degrading', beforeMs: 1, degradedMs: 40, afterS: 2 } as const;
    expect(serviceTimeMs(degrading, rng, 1.99)).toBe(1);
    expect(serviceTimeMs(degrading, rng, 2)).toBe(40);
  });

  it('uniform stays in range with the right mean', () => {
    const rng = seededRng(2);
    const xs = Array.from({ length: 20_000 }, () => serviceTimeMs({ kind: 'uniform', minMs: 1, maxMs: 5 }, rng, 0));
    expect(Math.min(...xs)).toBeGreaterThanOrEqual(1);
    expect(Math.max(...xs)).toBeLessThan(5);
    // mean 3, sd of the mean 1.155/√20000 ≈ 0.008: ±0.05 is more than 6 sd.
    expect(xs.reduce((a, b) => a + b, 0) / xs.length).toBeCloseTo(3, 1);
  });

  it('lognormal has its median at the scale; pareto never goes below its minimum and has a heavy tail', () => {
    const rng = seededRng(3);
    const ln = Array.from({ length: 20_001 }, () => serviceTimeMs({ kind: 'lognormal', medianMs: 2, sigma: 0.8 }, rng, 0)).sort((a, b) => a - b);
    expect(ln[10_000]!).toBeGreaterThan(1.9);
    expect(ln[10_000]!).toBeLessThan(2.1);
    const pa = Array.from({ length: 20_000 }, () => serviceTimeMs({ kind: 'pareto', minMs: 1, alpha: 1.5 }, rng, 0)).sort((a, b) => a - b);
    expect(pa[0]!).toBeGreaterThanOrEqual(1);
    // P(X > x) = x^-1.5: the 99th percentile is 100^(1/1.5) ≈ 21.5.
    expect(pa[19_800]!).toBeGreaterThan(18);
    expect(pa[19_800]!).toBeLessThan(26);
  });

  it('the same seed draws the same times', () => {
    const a = seededRng(9);
    const b = seededRng(9);
    const m = { kind: 'lognormal', medianMs: 1, sigma: 1 } as const;
    expect(Array.from({ length: 5 }, () => serviceTimeMs(m, a, 0))).toEqual(Array.from({ length: 5 }, () => serviceTimeMs(m, b, 0)));
  });

  it('describes each model in words', () => {
    expect(describeModel({ kind: 'pareto', minMs: 1, alpha: 1.5 })).toBe('pareto min 1 ms α 1.5');
  });

  it('exponential and bimodal have their means, and meanServiceTimeMs agrees with every model drawn', () => {
    const rng = seededRng(4);
    const models = [
      { kind: 'exponential', meanMs: 10 },
      { kind: 'bimodal', fastMs: 1, slowMs: 50, slowFraction: 0.1 },
      { kind: 'lognormal', medianMs: 2, sigma: 0.5 },
      { kind: 'uniform', minMs: 1, maxMs: 5 },
      { kind: 'fixed', ms: 3 },
      { kind: 'pareto', minMs: 1, alpha: 3 },
    ] as const;
    for (const m of models) {
      const n = 100_000;
      let sum = 0;
      let sq = 0;
      for (let i = 0; i < n; i++) {
        const x = serviceTimeMs(m, rng, 0);
        sum += x;
        sq += x * x;
      }
      const mean = sum / n;
      const sdOfMean = Math.sqrt(Math.max(0, sq / n - mean * mean) / n);
      // 5 standard errors (false failure < 1e-6 per model; pareto α 3 has a finite variance).
      expect(Math.abs(mean - meanServiceTimeMs(m))).toBeLessThanOrEqual(5 * sdOfMean + 1e-9);
    }
    expect(meanServiceTimeMs({ kind: 'exponential', meanMs: 10 })).toBe(10);
    expect(meanServiceTimeMs({ kind: 'bimodal', fastMs: 1, slowMs: 50, slowFraction: 0.1 })).toBeCloseTo(5.9, 12);
    expect(describeModel({ kind: 'exponential', meanMs: 10 })).toBe('exponential mean 10 ms');
    expect(describeModel({ kind: 'bimodal', fastMs: 1, slowMs: 50, slowFraction: 0.1 })).toBe('bimodal 1 ms, 50 ms for 10 %');
  });
});

describe('bench backend server', () => {
  it('answers after its service time and counts what it served', async () => {
    await using backend = await startBenchBackend({ id: 'b1', model: { kind: 'fixed', ms: 30 }, host: '127.0.0.1' });
    const t0 = performance.now();
    const res = await fetch(`http://${backend.host}:${backend.port}/`);
    expect(await res.text()).toBe('ok\n');
    expect(res.headers.get('x-backend')).toBe('b1');
    expect(performance.now() - t0).toBeGreaterThanOrEqual(29);
    await fetch(`http://${backend.host}:${backend.port}/`).then((r) => r.text());
    expect(backend.served()).toBe(2);
    backend.resetCount();
    expect(backend.served()).toBe(0);
  });
});
