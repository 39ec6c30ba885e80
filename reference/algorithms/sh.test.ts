import { describe, expect, it } from 'vitest';
import { dh } from './dh.ts';
import { hash32 } from './hash-key.ts';
import { sh } from './sh.ts';
import { backend, context, shuffled } from './testkit.ts';
import type { Scheduler } from './types.ts';
import type { HashBuckets } from './hash-buckets.ts';

type WithBuckets = Scheduler & { buckets: HashBuckets };

describe('sh (IPVS source hashing)', () => {
  it('fills buckets by weight in id order, whatever the list order', () => {
    const s = sh.create({ tableBits: 3 }) as WithBuckets;
    s.update([backend('y', 1), backend('x', 2)]);
    expect(s.buckets.owners()).toEqual(['x', 'x', 'y', 'x', 'x', 'y', 'x', 'x']);
    const big = sh.create() as WithBuckets;
    const list = Array.from({ length: 20 }, (_, i) => backend(`n${i}`, 1 + (i % 3)));
    big.update(list);
    const again = sh.create() as WithBuckets;
    again.update(shuffled(list, 3));
    expect(again.buckets.owners()).toEqual(big.buckets.owners());
  });

  it('maps a key to bucket hash_32(key) and sticks', () => {
    const s = sh.create({ tableBits: 3 }) as WithBuckets;
    s.update([backend('x', 2), backend('y', 1)]);
    const owners = s.buckets.owners();
    for (const key of [0, 1, 2, 3, 12345, 0xdeadbeef]) {
      expect(s.pick(context({ key }))?.id).toBe(owners[hash32(key, 3)]);
    }
  });

  it('a down backend sends its keys elsewhere; other keys stay put', () => {
    const list = [backend('a'), backend('b'), backend('c'), backend('d')];
    const s = sh.create() as WithBuckets;
    s.update(list);
    const before = Array.from({ length: 4000 }, (_, key) => s.pick(context({ key }))!.id);
    list[1]!.usable = false;
    s.update(list);
    const after = Array.from({ length: 4000 }, (_, key) => s.pick(context({ key }))!.id);
    const moved = new Map<string, number>();
    before.forEach((id, key) => {
      if (id !== 'b') expect(after[key]).toBe(id);
      else moved.set(after[key]!, (moved.get(after[key]!) ?? 0) + 1);
    });
    // b's keys spread over a, c and d rather than all landing on one neighbour.
    expect([...moved.keys()].sort()).toEqual(['a', 'c', 'd']);
    for (const n of moved.values()) expect(n).toBeGreaterThan(150);
  });
});

describe('dh (IPVS destination hashing)', () => {
  it('ignores weights (one bucket each, in turn)', () => {
    const s = dh.create({ tableBits: 2 }) as WithBuckets;
    s.update([backend('p', 5), backend('q', 1)]);
    expect(s.buckets.owners()).toEqual(['p', 'q', 'p', 'q']);
  });

  it('validates tableBits', () => {
    expect(() => dh.create({ tableBits: 0 })).toThrow(/option "tableBits" must be between 1 and 20/);
    expect(() => sh.create({ tableBits: 2.5 })).toThrow(/must be an integer/);
  });
});
