import { describe, expect, it } from 'vitest';
import { ewma } from './ewma.ts';
import { backend, context } from './testkit.ts';
import type { Scheduler } from './types.ts';

type WithLatency = Scheduler & { latency(id: string, now: number): number | undefined };

describe('ewma (peak EWMA)', () => {
  it('takes a slower sample at once (peak) and blends a faster one with 1 − e^(−Δt/τ)', () => {
    const s = ewma.create({ decayMs: 1000 }) as WithLatency;
    const a = backend('a');
    s.update([a]);
    s.done!(a, { latencyMs: 10, ok: true, now: 0 });
    s.done!(a, { latencyMs: 50, ok: true, now: 100 });
    expect(s.latency('a', 100)).toBe(50);
    s.done!(a, { latencyMs: 20, ok: true, now: 1100 });
    const w = Math.exp(-1);
    expect(s.latency('a', 1100)).toBeCloseTo(50 * w + 20 * (1 - w), 10);
    // Between samples the estimate decays toward 0 with the same τ.
    expect(s.latency('a', 2100)).toBeCloseTo((50 * w + 20 * (1 - w)) * w, 10);
  });

  it('cost = latency × (active + 1): 10 ms with 4 active (50) loses to 20 ms with 1 active (40)', () => {
    const s = ewma.create();
    const a = backend('a', 1, 4);
    const b = backend('b', 1, 1);
    s.update([a, b]);
    s.done!(a, { latencyMs: 10, ok: true, now: 0 });
    s.done!(b, { latencyMs: 20, ok: true, now: 0 });
    expect(s.pick(context())?.id).toBe('b');
    b.active = 2; // 60 > 50
    expect(s.pick(context())?.id).toBe('a');
  });

  it('probes a new backend while it is idle, then penalises it until its first sample', () => {
    const s = ewma.create();
    const known = backend('known', 1, 3);
    const fresh = backend('fresh');
    s.update([known, fresh]);
    s.done!(known, { latencyMs: 5, ok: true, now: 0 });
    expect(s.pick(context())?.id).toBe('fresh');
    fresh.active = 1;
    expect(s.pick(context())?.id).toBe('known');
    s.done!(fresh, { latencyMs: 1, ok: true, now: 1 });
    expect(s.pick(context({ now: () => 1 }))?.id).toBe('fresh'); // 1 × 2 < 5 × 4
  });

  it('forgets removed backends and validates decayMs', () => {
    const s = ewma.create() as WithLatency;
    const a = backend('a');
    s.update([a]);
    s.done!(a, { latencyMs: 5, ok: true, now: 0 });
    s.update([]);
    expect(s.latency('a', 0)).toBeUndefined();
    expect(() => ewma.create({ decayMs: 0 })).toThrow(/option "decayMs"/);
  });
});
