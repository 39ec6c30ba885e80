import { describe, expect, it } from 'vitest';
import { buildRing, ring, ringIndex } from './ring.ts';
import { backend, backends, context, seededRng, shuffled } from './testkit.ts';
import { SchedulerOptionError } from './types.ts';

const three = () => [backend('a'), backend('b'), backend('c')];

describe('ring placements', () => {
  it('pins murmur3 points for a, b, c with 2 points each', () => {
    const r = buildRing(three(), { pointsPerWeight: 2, hash: 'murmur3' });
    expect(Array.from(r.points)).toEqual([38792857, 1121949192, 1904476795, 2242724227, 2727548292, 4024254110]);
    expect(Array.from(r.owner, (i) => r.backends[i]!.id)).toEqual(['b', 'b', 'a', 'c', 'a', 'c']);
  });

  it('pins ketama md5 points (4 per digest of "id-0")', () => {
    const r = buildRing([backend('a'), backend('b')], { pointsPerWeight: 2, hash: 'md5' });
    expect(Array.from(r.points, (p) => p.toString(16))).toEqual(['4a0e6e59', '6f5ff234', 'a17be196', 'd1ef65a1']);
    expect(Array.from(r.owner, (i) => r.backends[i]!.id)).toEqual(['b', 'b', 'a', 'a']);
  });

  it('a key goes to the first point at or after it, wrapping', () => {
    const s = ring.create({ pointsPerWeight: 2 });
    s.update(three());
    const at = (key: number) => s.pick(context({ key }))?.id;
    expect([0, 38792857, 38792858, 1121949193, 1904476795, 2242724228, 4024254110, 4024254111, 0xffffffff].map(at)).toEqual([
      'b', 'b', 'b', 'a', 'a', 'a', 'c', 'b', 'b',
    ]);
    expect(ringIndex(Uint32Array.of(10, 20), 25)).toBe(0);
  });

  it('the prefix index finds the same point as a full binary search', () => {
    const s = ring.create({ pointsPerWeight: 50 }) as ReturnType<typeof ring.create> & { ring: ReturnType<typeof buildRing> };
    s.update(backends([1, 2, 3, 4, 5, 6, 7]));
    const { points, owner, backends: list } = s.ring;
    const rng = seededRng(11);
    const edge = [0, 1, points[0]!, points[0]! + 1, points[points.length - 1]!, points[points.length - 1]! + 1, 0xffffffff];
    for (const key of [...edge, ...Array.from({ length: 5000 }, () => Math.floor(rng() * 4294967296))]) {
      expect(s.pick(context({ key }))!.id).toBe(list[owner[ringIndex(points, key >>> 0)]!]!.id);
    }
  });

  it('packs owners in 16 bits up to 65 536 backends, and searches the plain arrays beyond', () => {
    const rng = seededRng(12);
    for (const n of [65_536, 65_537]) {
      const s = ring.create({ pointsPerWeight: 1 }) as ReturnType<typeof ring.create> & { ring: ReturnType<typeof buildRing> };
      s.update(Array.from({ length: n }, (_, i) => backend(`n${i}`)));
      const { points, owner, backends: list } = s.ring;
      expect(list.length).toBe(n);
      const keys = [0, points[0]!, points[points.length - 1]!, points[points.length - 1]! + 1, ...Array.from({ length: 3000 }, () => Math.floor(rng() * 4294967296))];
      for (const key of keys) expect(s.pick(context({ key }))!.id).toBe(list[owner[ringIndex(points, key >>> 0)]!]!.id);
    }
  });

  it('points follow weight, or share ringSize by weight', () => {
    const w = buildRing([backend('a', 1), backend('b', 3)], { pointsPerWeight: 10, hash: 'murmur3' });
    expect(Array.from(w.owner).filter((i) => i === 1).length).toBe(30);
    const sized = buildRing([backend('a', 1), backend('b', 3)], { pointsPerWeight: 160, ringSize: 100, hash: 'murmur3' });
    expect(sized.points.length).toBe(100);
    expect(Array.from(sized.owner).filter((i) => i === 0).length).toBe(25);
  });

  it('same ring whatever the list order (really shuffled)', () => {
    const list = backends(Array.from({ length: 30 }, (_, i) => 1 + (i % 4)));
    const want = buildRing(list, { pointsPerWeight: 40, hash: 'murmur3' });
    for (const seed of [5, 6]) {
      const input = shuffled(list, seed);
      expect(input.map((b) => b.id)).not.toEqual(list.map((b) => b.id));
      const got = buildRing(input, { pointsPerWeight: 40, hash: 'murmur3' });
      expect(Array.from(got.points)).toEqual(Array.from(want.points));
      expect(Array.from(got.owner, (i) => got.backends[i]!.id)).toEqual(Array.from(want.owner, (i) => want.backends[i]!.id));
    }
  });

  it('removing a backend moves only its keys', () => {
    const before = ring.create();
    before.update(backends([1, 1, 1, 1, 1]));
    const after = ring.create();
    after.update(backends([1, 1, 1, 1, 1]).filter((b) => b.id !== 's3'));
    for (let key = 0; key < 0xffffffff; key += 0x1000_0001 / 64) {
      const was = before.pick(context({ key }))!.id;
      const now = after.pick(context({ key }))!.id;
      if (was !== 's3') expect(now).toBe(was);
    }
  });

  it('an empty ring picks nothing; one backend takes every key, both ends of the circle included', () => {
    const s = ring.create({ pointsPerWeight: 3 });
    s.update([]);
    expect(s.pick(context({ key: 0 }))).toBeUndefined();
    s.update([backend('a', 0), backend('b', 1, 0, false)]); // quiesced and down: no points
    expect(s.pick(context({ key: 123 }))).toBeUndefined();
    s.update([backend('solo')]);
    for (const key of [0, 1, 0x7fffffff, 0x80000000, 0xfffffffe, 0xffffffff]) expect(s.pick(context({ key }))?.id).toBe('solo');
  });

  it('a backend that goes down without an update is walked past exactly as if removed; back up, its keys return', () => {
    const list = backends([1, 2, 1, 3, 1]);
    const live = ring.create({ pointsPerWeight: 20 });
    live.update(list);
    const without = ring.create({ pointsPerWeight: 20 });
    without.update(list.filter((b) => b.id !== 's4'));
    const keys = Array.from({ length: 3000 }, (_, i) => Math.floor(((i + 0.5) / 3000) * 4294967296));
    const first = keys.map((key) => live.pick(context({ key }))!.id);
    list[3]!.usable = false;
    expect(keys.map((key) => live.pick(context({ key }))!.id)).toEqual(keys.map((key) => without.pick(context({ key }))!.id));
    list[3]!.usable = true;
    live.update(list);
    expect(keys.map((key) => live.pick(context({ key }))!.id)).toEqual(first);
  });

  it('validates options by name', () => {
    expect(() => ring.create({ hash: 'sha1' })).toThrow(SchedulerOptionError);
    expect(() => ring.create({ ringSize: 0 })).toThrow(/option "ringSize"/);
    expect(() => ring.create({ pointsPerWeight: 'many' })).toThrow(/option "pointsPerWeight" must be a number/);
  });
});
