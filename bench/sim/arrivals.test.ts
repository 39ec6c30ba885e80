import { describe, expect, it } from 'vitest';
import { seededRng } from '../rng.ts';
import { ArrivalProcess, expectedArrivals, ratePieces } from './arrivals.ts';

function count(p: ArrivalProcess, untilMs: number, from = 0, to = untilMs): number {
  let n = 0;
  for (let t = p.next(0); t < untilMs; t = p.next(t)) if (t >= from && t < to) n++;
  return n;
}

describe('arrival processes', () => {
  it('Poisson arrivals come at the asked rate: 1000/s over 100 s within 4.5 sd', () => {
    const n = count(new ArrivalProcess({ kind: 'poisson', rate: 1000 }, 1, seededRng(1)), 100_000);
    // Poisson(100000): sd 316; 4.5 sd ≈ 1423 (false failure about 7e-6).
    expect(Math.abs(n - 100_000)).toBeLessThan(1423);
  });

  it('constant arrivals are exactly 1/rate apart, a balancer share starting at its phase', () => {
    const p = new ArrivalProcess({ kind: 'constant', rate: 100 }, 0.5, seededRng(1), 0.25);
    const ts = [p.next(0)];
    for (let i = 0; i < 4; i++) ts.push(p.next(ts[ts.length - 1] as number));
    expect(ts.map((t) => Math.round(t * 1e6) / 1e6)).toEqual([5, 25, 45, 65, 85]);
  });

  it('a burst multiplies the rate only while it lasts', () => {
    const spec = { kind: 'poisson', rate: 1000, bursts: [{ atMs: 10_000, durationMs: 10_000, factor: 3 }] } as const;
    const inBurst = count(new ArrivalProcess(spec, 1, seededRng(2)), 40_000, 10_000, 20_000);
    const after = count(new ArrivalProcess(spec, 1, seededRng(3)), 40_000, 20_000, 30_000);
    // Poisson(30000) and Poisson(10000): 5 sd bounds.
    expect(Math.abs(inBurst - 30_000)).toBeLessThan(5 * Math.sqrt(30_000));
    expect(Math.abs(after - 10_000)).toBeLessThan(5 * Math.sqrt(10_000));
    expect(expectedArrivals(spec, 40_000)).toBeCloseTo(60_000, 6);
    // A burst with factor 0 is a pause; constant arrivals skip it and resume after it.
    const pause = new ArrivalProcess({ kind: 'constant', rate: 1000, bursts: [{ atMs: 5, durationMs: 10, factor: 0 }] }, 1, seededRng(1));
    const ts = [pause.next(0)];
    for (let i = 0; i < 6; i++) ts.push(pause.next(ts[ts.length - 1] as number));
    expect(ts.map((t) => Math.round(t * 1e6) / 1e6)).toEqual([1, 2, 3, 4, 5, 16, 17]);
  });

  it('overlapping bursts multiply', () => {
    const { edges, factor } = ratePieces([{ atMs: 0, durationMs: 10, factor: 2 }, { atMs: 5, durationMs: 10, factor: 3 }]);
    expect([...edges]).toEqual([0, 5, 10, 15]);
    expect([...factor]).toEqual([2, 6, 3, 1]);
  });
});
