import { describe, expect, it } from 'vitest';
import { maglev, permutationFor, populate, isPrime } from './maglev.ts';
import { backend, backends, context, shuffled } from './testkit.ts';
import { SchedulerOptionError, type Scheduler } from './types.ts';

const names = (table: Int32Array, ids: string[]) => Array.from(table, (i) => ids[i]);

describe('maglev population (paper, NSDI 2016 Table 1)', () => {
  // The paper's example: M = 7, B0 (offset 3, skip 4), B1 (offset 0, skip 2), B2 (offset 3, skip 1).
  const B0 = { offset: 3, skip: 4, weight: 1 };
  const B1 = { offset: 0, skip: 2, weight: 1 };
  const B2 = { offset: 3, skip: 1, weight: 1 };

  it('builds the published table before and after removing B1', () => {
    expect(names(populate([B0, B1, B2], 7), ['B0', 'B1', 'B2'])).toEqual(['B1', 'B0', 'B1', 'B0', 'B2', 'B2', 'B0']);
    // After removal B1's slots (0, 2) go to B0, and slot 6 moves B0 → B2: Maglev accepts a little
    // extra disruption for balance (§3.4).
    expect(names(populate([B0, B2], 7), ['B0', 'B2'])).toEqual(['B0', 'B0', 'B0', 'B0', 'B2', 'B2', 'B2']);
  });

  it('weights: a backend of weight 2 fills twice the slots of weight 1', () => {
    // Weight 1 claims in rounds 1, 3, 5 …, weight 2 in every round: 3 + 4 slots of 7.
    const table = populate([{ ...B0, weight: 1 }, { ...B2, weight: 2 }], 7);
    expect(names(table, ['B0', 'B2'])).toEqual(['B0', 'B2', 'B0', 'B0', 'B2', 'B2', 'B2']);
    const big = populate([{ offset: 1, skip: 5, weight: 1 }, { offset: 100, skip: 77, weight: 3 }], 65_537);
    const shares = [0, 1].map((i) => Array.from(big).filter((x) => x === i).length);
    expect(shares[0]! + shares[1]!).toBe(65_537);
    expect(Math.abs(shares[1]! / 65_537 - 0.75)).toBeLessThan(0.001);
  });
});

describe('maglev scheduler', () => {
  const build = (ids: string[], size = 7): Scheduler & { table: Int32Array; backends: { id: string }[] } => {
    const s = maglev.create({ tableSize: size }) as Scheduler & { table: Int32Array; backends: { id: string }[] };
    s.update(ids.map((id) => backend(id)));
    return s;
  };
  const ids = (s: ReturnType<typeof build>) => Array.from(s.table, (i) => s.backends[i]!.id);

  it('pins the size-7 table for 3 backends, before and after removing one', () => {
    expect(ids(build(['b0', 'b1', 'b2']))).toEqual(['b2', 'b2', 'b0', 'b1', 'b0', 'b0', 'b1']);
    // b1's slots (3, 6) go to b0, and slot 5 moves b0 → b2: 3 of 7 slots change where 2 had to.
    expect(ids(build(['b0', 'b2']))).toEqual(['b2', 'b2', 'b0', 'b0', 'b0', 'b2', 'b0']);
    expect(permutationFor('b1', 1, 7)).toEqual({ offset: 6, skip: 2, weight: 1 });
  });

  it('picks table[key mod M]', () => {
    const s = build(['b0', 'b1', 'b2']);
    expect([0, 1, 2, 3, 4, 5, 6, 7, 10].map((key) => s.pick(context({ key }))?.id)).toEqual(['b2', 'b2', 'b0', 'b1', 'b0', 'b0', 'b1', 'b2', 'b1']);
  });

  it('builds the same table whatever the list order (really shuffled)', () => {
    const list = backends(Array.from({ length: 40 }, (_, i) => 1 + (i % 3)));
    const reference = maglev.create({ tableSize: 4099 }) as Scheduler & { table: Int32Array; backends: { id: string }[] };
    reference.update(list);
    const want = Array.from(reference.table, (i) => reference.backends[i]!.id);
    for (const seed of [1, 2, 3]) {
      const s = maglev.create({ tableSize: 4099 }) as typeof reference;
      const input = shuffled(list, seed);
      expect(input.map((b) => b.id)).not.toEqual(list.map((b) => b.id));
      s.update(input);
      expect(Array.from(s.table, (i) => s.backends[i]!.id)).toEqual(want);
    }
  });

  it('moves an avoided key to another backend, and back when not avoided', () => {
    const s = build(['b0', 'b1', 'b2']);
    expect(s.pick(context({ key: 3 }))?.id).toBe('b1');
    expect(s.pick(context({ key: 3, avoid: new Set(['b1']) }))?.id).toBe('b0');
    expect(s.pick(context({ key: 3 }))?.id).toBe('b1');
  });

  it('wants a prime table size', () => {
    expect(isPrime(65_537)).toBe(true);
    expect(isPrime(65_535)).toBe(false);
    expect(() => maglev.create({ tableSize: 100 })).toThrow(SchedulerOptionError);
    expect(() => maglev.create({ tableSize: 100 })).toThrow(/option "tableSize" must be a prime/);
  });
});
