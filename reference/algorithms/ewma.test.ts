import { describe, expect, it } from 'vitest';
import { ewma } from './ewma.ts';
import { canTake } from './eligible.ts';
import { backend, context, seededRng, type TestBackend } from './testkit.ts';
import type { BackendView, PickContext, Scheduler, WorkResult } from './types.ts';

/** Peak EWMA as first written here: estimates looked up by id in a Map for every backend of a pick. */
class ReferenceEwma {
  private list: readonly BackendView[] = [];
  private readonly estimates = new Map<string, { latencyMs: number; stamp: number }>();
  private last = -1;
  constructor(private readonly decayMs: number) {}
  update(backends: readonly BackendView[]): void {
    this.list = [...backends];
    const ids = new Set(backends.map((b) => b.id));
    for (const id of this.estimates.keys()) if (!ids.has(id)) this.estimates.delete(id);
    if (this.last >= this.list.length) this.last = -1;
  }
  cost(b: BackendView, now: number): number {
    const e = this.estimates.get(b.id);
    if (!e) return b.active === 0 ? 0 : 1e12 * b.active;
    return e.latencyMs * Math.exp(-Math.max(0, now - e.stamp) / this.decayMs) * (b.active + 1);
  }
  pick(ctx: PickContext): BackendView | undefined {
    const now = ctx.now();
    const n = this.list.length;
    let best = -1;
    let bestCost = Infinity;
    for (let step = 1; step <= n; step++) {
      const i = (this.last + step) % n;
      const b = this.list[i]!;
      if (!canTake(b, ctx)) continue;
      const c = this.cost(b, now);
      if (best < 0 || c < bestCost) {
        best = i;
        bestCost = c;
      }
    }
    if (best < 0) return undefined;
    this.last = best;
    return this.list[best];
  }
  done(backend: BackendView, result: WorkResult): void {
    const e = this.estimates.get(backend.id);
    if (!e) {
      this.estimates.set(backend.id, { latencyMs: result.latencyMs, stamp: result.now });
      return;
    }
    const w = Math.exp(-Math.max(0, result.now - e.stamp) / this.decayMs);
    e.latencyMs = result.latencyMs > e.latencyMs ? result.latencyMs : e.latencyMs * w + result.latencyMs * (1 - w);
    e.stamp = Math.max(e.stamp, result.now);
  }
}

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

  it('picks exactly what the id-keyed scan picks, through samples, removals, re-adds and a late sample of a removed backend', () => {
    const rng = seededRng(42);
    for (let round = 0; round < 60; round++) {
      const all: TestBackend[] = Array.from({ length: 1 + Math.floor(rng() * 8) }, (_, i) => backend(`b${i}`, 1 + Math.floor(rng() * 3)));
      const s = ewma.create({ decayMs: 50 });
      const reference = new ReferenceEwma(50);
      let list = all;
      s.update(list);
      reference.update(list);
      let now = 0;
      const inFlight: TestBackend[] = [];
      for (let k = 0; k < 80; k++) {
        now += Math.floor(rng() * 20);
        const r = rng();
        if (r < 0.08) {
          list = all.filter(() => rng() < 0.7); // a new set: some removed, removed ones back
          s.update(list);
          reference.update(list);
        } else if (r < 0.5 && inFlight.length) {
          const b = inFlight.splice(Math.floor(rng() * inFlight.length), 1)[0]!;
          b.active--;
          const result = { latencyMs: 1 + Math.floor(rng() * 40), ok: true, now };
          s.done!(b, result); // b may have left the list meanwhile
          reference.done(b, result);
        } else {
          const ctx = context({ now: () => now });
          const want = reference.pick(ctx);
          expect(s.pick(ctx)?.id, `round ${round} step ${k}`).toBe(want?.id);
          if (want) {
            (want as TestBackend).active++;
            inFlight.push(want as TestBackend);
          }
        }
      }
    }
  });
});

