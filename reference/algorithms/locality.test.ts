import { describe, expect, it } from 'vitest';
import { LocalityTable } from './locality.ts';
import { seededRng } from './testkit.ts';

/** The semantics the typed table keeps: a Map in creation order, expired entries dropped when met,
 *  the oldest-created one dropped when a new key overfills it. */
class MapModel<T extends { lastUse: number }> {
  readonly entries = new Map<number, T>();
  constructor(
    private readonly maxEntries: number,
    private readonly expirationMs: number,
  ) {}
  get(key: number, now: number): T | undefined {
    const e = this.entries.get(key);
    if (!e) return undefined;
    if (now - e.lastUse > this.expirationMs) {
      this.entries.delete(key);
      return undefined;
    }
    e.lastUse = now;
    return e;
  }
  set(key: number, entry: T): void {
    this.entries.set(key, entry);
    if (this.entries.size > this.maxEntries) this.entries.delete(this.entries.keys().next().value!);
  }
}

interface Entry {
  lastUse: number;
  tag: number;
}

describe('LocalityTable', () => {
  it('behaves as the Map it replaced: gets, sets, expiry, eviction of the oldest, growth, colliding keys', () => {
    for (const [maxEntries, keySpace, seed] of [
      [1, 4, 1],
      [3, 10, 2],
      [50, 80, 3],
      [200, 1000, 4],
      [5000, 9000, 5],
    ] as const) {
      const rng = seededRng(seed);
      const table = new LocalityTable<Entry>(maxEntries, 100);
      const model = new MapModel<Entry>(maxEntries, 100);
      // Keys from a small space, spread over all 32 bits (above 2^31 too); some share a home slot.
      const keys = Array.from({ length: keySpace }, (_, i) => (i % 3 === 0 ? i << 20 : Math.floor(rng() * 4294967296)) >>> 0);
      let now = 0;
      for (let step = 0; step < 40_000; step++) {
        now += Math.floor(rng() * 3);
        const key = keys[Math.floor(rng() * keys.length)]!;
        if (rng() < 0.6) {
          const got = table.get(key, now);
          const want = model.get(key, now);
          expect(got?.tag, `get ${key} at step ${step}`).toBe(want?.tag);
        } else {
          const tag = step;
          table.set(key, { lastUse: now, tag });
          model.set(key, { lastUse: now, tag });
        }
        expect(table.size).toBe(model.entries.size);
      }
      for (const key of keys) expect(table.peek(key)?.tag).toBe(model.entries.get(key)?.tag);
    }
  });

  it('a present key keeps its place in creation order when set again', () => {
    const table = new LocalityTable<Entry>(2, 1000);
    table.set(1, { lastUse: 0, tag: 1 });
    table.set(2, { lastUse: 0, tag: 2 });
    table.set(1, { lastUse: 0, tag: 11 }); // still the oldest
    table.set(3, { lastUse: 0, tag: 3 });
    expect([table.peek(1), table.peek(2)?.tag, table.peek(3)?.tag]).toEqual([undefined, 2, 3]);
  });
});
