import { describe, expect, it } from 'vitest';
import { random } from './random.ts';
import { backend, backends, context } from './testkit.ts';

function fixedRng(values: number[]) {
  let i = 0;
  return () => values[i++ % values.length]!;
}

describe('random', () => {
  it('maps rng() onto the eligible list', () => {
    const s = random.create();
    s.update(backends([1, 9, 1, 1]));
    const rng = fixedRng([0, 0.249, 0.25, 0.5, 0.99999]);
    const ctx = { now: () => 0, rng };
    expect(Array.from({ length: 5 }, () => s.pick(ctx)?.id)).toEqual(['s1', 's1', 's2', 's3', 's4']);
  });

  it('leaves unusable and quiesced backends out of the draw', () => {
    const s = random.create();
    s.update([backend('a', 1, 0, false), backend('b'), backend('c', 0), backend('d')]);
    const ctx = { now: () => 0, rng: fixedRng([0, 0.49, 0.5, 0.99]) };
    expect(Array.from({ length: 4 }, () => s.pick(ctx)?.id)).toEqual(['b', 'b', 'd', 'd']);
  });

  it('moves on from an avoided draw, and spreads evenly over a long run', () => {
    const s = random.create();
    s.update(backends([1, 1, 1, 1]));
    const avoid = { now: () => 0, rng: () => 0, avoid: new Set(['s1']) };
    expect(s.pick(avoid)?.id).toBe('s2');
    const ctx = context({ seed: 7 });
    const counts = new Map<string, number>();
    for (let i = 0; i < 40_000; i++) {
      const id = s.pick(ctx)!.id;
      counts.set(id, (counts.get(id) ?? 0) + 1);
    }
    // Binomial sd ≈ 87 per backend; ±600 is about 7 sd (seeded, so exact anyway).
    for (const c of counts.values()) expect(Math.abs(c - 10_000)).toBeLessThan(600);
  });
});
