import { describe, expect, it } from 'vitest';
import { ipHashKey } from '../keys/index.ts';
import { iphash } from './iphash.ts';
import { backend, backends, context, seededRng, sequence, type TestBackend } from './testkit.ts';
import type { BackendView, PickContext } from './types.ts';

/** nginx's ip_hash as first written here: the weight walk on every try (the O(N) pick the table replaced). */
function walkPick(list: readonly BackendView[], ctx: PickContext): string {
  const key = ctx.key! >>> 0;
  const total = list.reduce((sum, b) => sum + Math.max(0, b.weight), 0);
  let hash = 89;
  for (let tries = 0; tries < 20 && total > 0; tries++) {
    for (const byte of [(key >>> 16) & 0xff, (key >>> 8) & 0xff, key & 0xff]) hash = (hash * 113 + byte) % 6271;
    let w = hash % total;
    let i = 0;
    while (i < list.length && w >= list[i]!.weight) w -= list[i++]!.weight;
    const b = list[i];
    if (b && b.usable && b.weight > 0 && !ctx.avoid?.has(b.id)) return b.id;
  }
  return 'rr';
}

describe('iphash (nginx ip_hash)', () => {
  const key = ipHashKey('10.1.2.77')!;

  it('mixes 10.1.2 the nginx way: hash 2680, 2680 mod 3 = 1 → the second backend', () => {
    const s = iphash.create();
    s.update(backends([1, 1, 1]));
    expect(s.pick(context({ key }))?.id).toBe('s2');
    expect(s.pick(context({ key: ipHashKey('10.1.2.200')! }))?.id).toBe('s2'); // same /24
    // Weights 1:2:3 walk: 2680 mod 6 = 4; 4 − 1 − 2 = 1 < 3 → the third.
    const weighted = iphash.create();
    weighted.update(backends([1, 2, 3]));
    expect(weighted.pick(context({ key }))?.id).toBe('s3');
  });

  it('re-mixes when the backend is down: 4363 mod 3 = 1 (down again), 5432 mod 3 = 2', () => {
    const list = backends([1, 1, 1]);
    list[1]!.usable = false;
    const s = iphash.create();
    s.update(list);
    expect(s.pick(context({ key }))?.id).toBe('s3');
  });

  it('falls back to round robin after 20 tries', () => {
    // nginx's hash is below 6271, so with weights 10000:1 every try lands on s1.
    const s = iphash.create();
    s.update(backends([10_000, 1]));
    expect(s.pick(context({ key }))?.id).toBe('s1');
    expect(sequence(s, 2, context({ key, avoid: new Set(['s1']) }))).toEqual(['s2', 's2']);
    expect(sequence(s, 2, context({ key, avoid: new Set(['s1', 's2']) }))).toEqual(['-', '-']);
  });

  it('the precomputed walk picks exactly what the weight walk picks (zero, large and fractional weights, down, avoided)', () => {
    const rng = seededRng(15);
    for (let round = 0; round < 300; round++) {
      const n = 1 + Math.floor(rng() * 12);
      const fractional = round % 5 === 4;
      const big = round % 7 === 0; // totals above 6271: the table stops at the hash's range
      const list: TestBackend[] = Array.from({ length: n }, (_, i) => {
        const w = rng() < 0.15 ? 0 : big ? Math.floor(rng() * 3000) : 1 + Math.floor(rng() * 6);
        return backend(`b${i}`, fractional && w > 0 ? w - 0.5 : w, 0, rng() > 0.25);
      });
      const s = iphash.create();
      s.update(list);
      const avoid = new Set(list.filter(() => rng() < 0.2).map((b) => b.id));
      for (let k = 0; k < 40; k++) {
        const ctx = context({ key: Math.floor(rng() * 4294967296), ...(k % 2 ? { avoid } : {}) });
        const want = walkPick(list, ctx);
        const got = s.pick(ctx)?.id ?? '-';
        // After 20 misses both fall back to round robin; only the walk's answers are compared.
        if (want !== 'rr') expect(got, `round ${round} key ${ctx.key}`).toBe(want);
      }
    }
  });
});

