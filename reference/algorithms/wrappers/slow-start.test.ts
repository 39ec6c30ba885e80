import { describe, expect, it } from 'vitest';
import { schedulerFactory } from '../registry.ts';
import { backend, context } from '../testkit.ts';
import { slowStart, slowStartFactor } from './slow-start.ts';

describe('slowStartFactor (Envoy formula)', () => {
  it('max(min%, (t/window)^(1/aggression)), 1 after the window', () => {
    expect(slowStartFactor(0, 10_000)).toBe(0.1); // 1 ms / 10 s < 10 % → the minimum
    expect(slowStartFactor(5_000, 10_000)).toBe(0.5);
    expect(slowStartFactor(2_500, 10_000, 2)).toBeCloseTo(0.5, 12); // √0.25
    expect(slowStartFactor(1_000, 10_000, 1, 0)).toBeCloseTo(0.1, 12);
    expect(slowStartFactor(10_000, 10_000)).toBe(1);
    expect(slowStartFactor(99_999, 10_000)).toBe(1);
  });
});

describe('slowStart wrapper', () => {
  it('ramps a new backend from min weight to full over the window', () => {
    let now = 0;
    const old = backend('old', 1);
    const s = slowStart(schedulerFactory('wrr')!.create(), { windowMs: 10_000, refreshMs: 100, now: () => now });
    s.update([old]);
    now = 20_000; // old is warm
    s.pick(context());
    const fresh = backend('fresh', 1);
    s.update([old, fresh]);
    const share = () => {
      let n = 0;
      for (let i = 0; i < 1000; i++) if (s.pick(context())!.id === 'fresh') n++;
      return n / 1000;
    };
    // weight 0.1 vs 1 → 0.1/1.1 ≈ 0.091
    expect(share()).toBeCloseTo(0.1 / 1.1, 2);
    now += 5_000; // factor 0.5 → 0.5/1.5
    expect(share()).toBeCloseTo(0.5 / 1.5, 2);
    now += 5_000;
    expect(share()).toBeCloseTo(0.5, 2);
  });

  it('restarts the ramp when a backend comes back from unusable', () => {
    let now = 0;
    const a = backend('a');
    const b = backend('b');
    const s = slowStart(schedulerFactory('wrandom')!.create(), { windowMs: 1000, minWeightPercent: 0, now: () => now });
    s.update([a, b]);
    now = 5000;
    b.usable = false;
    s.update([a, b]);
    now = 6000;
    b.usable = true;
    s.update([a, b]);
    now = 6250; // b at 25 %: u in [0, 1/1.25) → a, the rest → b
    expect(s.pick({ now: () => now, rng: () => 0.79 })?.id).toBe('a');
    expect(s.pick({ now: () => now, rng: () => 0.81 })?.id).toBe('b');
  });

  it('keeps weight 0 at 0 and hands back the pool’s own objects', () => {
    const a = backend('a', 0);
    const b = backend('b', 2);
    const s = slowStart(schedulerFactory('rr')!.create(), { windowMs: 1000, now: () => 0 });
    s.update([a, b]);
    const got = s.pick(context());
    expect(got).toBe(b);
    expect(s.pick(context())).toBe(b);
  });
});
