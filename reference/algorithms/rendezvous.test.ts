import { describe, expect, it } from 'vitest';
import { fmix32, murmur3 } from '../keys/index.ts';
import { canTake, sortedById } from './eligible.ts';
import { rendezvous } from './rendezvous.ts';
import { backend, backends, context, seededRng, shuffled, type TestBackend } from './testkit.ts';
import type { BackendView, PickContext } from './types.ts';

/** Weighted rendezvous as first written here: every eligible backend's score −w/ln h, the highest wins. */
function everyScore(list: readonly BackendView[], ctx: PickContext, seeds = new Map(list.map((b) => [b.id, murmur3(b.id, 0x48525700)]))): string | undefined {
  const key = fmix32(ctx.key! >>> 0);
  let best: BackendView | undefined;
  let bestScore = -Infinity;
  for (const b of sortedById(list)) {
    if (!canTake(b, ctx)) continue;
    const h = fmix32((key ^ seeds.get(b.id)!) >>> 0);
    const score = -b.weight / Math.log((h + 0.5) / 4294967296);
    if (score > bestScore) {
      best = b;
      bestScore = score;
    }
  }
  return best?.id;
}

describe('rendezvous', () => {
  it('is sticky per key and independent of list order', () => {
    const list = backends([1, 2, 3, 1, 2]);
    const a = rendezvous.create();
    a.update(list);
    const b = rendezvous.create();
    b.update(shuffled(list, 9));
    for (let key = 0; key < 2000; key += 7) {
      const id = a.pick(context({ key }))!.id;
      expect(a.pick(context({ key }))!.id).toBe(id);
      expect(b.pick(context({ key }))!.id).toBe(id);
    }
  });

  it('removing or adding a backend moves only the keys it loses or wins', () => {
    const five = backends([1, 1, 1, 1, 1]);
    const s5 = rendezvous.create();
    s5.update(five);
    const s4 = rendezvous.create();
    s4.update(five.filter((b) => b.id !== 's2'));
    let moved = 0;
    const keys = 20_000;
    for (let key = 0; key < keys; key++) {
      const was = s5.pick(context({ key }))!.id;
      const now = s4.pick(context({ key }))!.id;
      if (was !== 's2') expect(now).toBe(was);
      else moved++;
    }
    // s2 owned about a fifth of the keys: binomial sd ≈ 57, so ±500 is far outside chance.
    expect(Math.abs(moved - keys / 5)).toBeLessThan(500);
  });

  it('a weight-0 backend never wins, however high its hash', () => {
    const list = backends([1, 0, 1]);
    const s = rendezvous.create();
    s.update(list);
    for (let key = 0; key < 3000; key++) expect(s.pick(context({ key }))!.id).not.toBe('s2');
  });

  it('the bound that spares logs keeps every choice of scoring every backend (weights 1:1000, fractional, avoided)', () => {
    const rng = seededRng(7);
    for (let round = 0; round < 40; round++) {
      const list: TestBackend[] = Array.from({ length: 1 + Math.floor(rng() * 40) }, (_, i) => {
        const r = rng();
        return backend(`r${i}`, r < 0.1 ? 1000 : r < 0.4 ? 0.05 + rng() * 4 : 1 + Math.floor(rng() * 5), 0, rng() > 0.1);
      });
      list.push(backend('same-weight-a', 2), backend('same-weight-b', 2));
      const s = rendezvous.create();
      s.update(list);
      const avoid = new Set(list.filter(() => rng() < 0.2).map((b) => b.id));
      const seeds = new Map(list.map((b) => [b.id, murmur3(b.id, 0x48525700)]));
      for (let k = 0; k < 200; k++) {
        const ctx = context({ key: Math.floor(rng() * 4294967296), ...(k % 4 === 0 ? { avoid } : {}) });
        expect(s.pick(ctx)?.id, `round ${round} key ${ctx.key}`).toBe(everyScore(list, ctx, seeds));
      }
    }
  });
});

