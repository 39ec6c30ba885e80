import { describe, expect, it } from 'vitest';
import { lblc } from './lblc.ts';
import { lblcr } from './lblcr.ts';
import { backend, context } from './testkit.ts';
import type { Scheduler } from './types.ts';

describe('lblc', () => {
  it('a destination sticks to its backend while it is not overloaded', () => {
    const list = [backend('a', 2), backend('b', 2)];
    const s = lblc.create();
    s.update(list);
    const first = s.pick(context({ key: 7 }))!;
    expect(first.id).toBe('a');
    list[0]!.active = 2; // at its weight: not overloaded (needs active > weight)
    expect(s.pick(context({ key: 7 }))?.id).toBe('a');
    expect(s.pick(context({ key: 8 }))?.id).toBe('b'); // a new destination → wlc
  });

  it('moves when active > weight and another backend is under half its weight', () => {
    const list = [backend('a', 2, 0), backend('b', 4, 0)];
    const s = lblc.create();
    s.update(list);
    expect(s.pick(context({ key: 1 }))?.id).toBe('a');
    list[0]!.active = 3;
    list[1]!.active = 2; // 2 × 2 < 4 fails: nobody under half → a stays despite overload
    expect(s.pick(context({ key: 1 }))?.id).toBe('a');
    list[1]!.active = 1; // 1 × 2 < 4 → a is overloaded; wlc picks b and the key moves
    expect(s.pick(context({ key: 1 }))?.id).toBe('b');
    list[1]!.active = 9;
    list[0]!.active = 0;
    // Now b is overloaded (9 > 4) while a is under half its weight (0 × 2 < 2): back to a.
    expect(s.pick(context({ key: 1 }))?.id).toBe('a');
  });

  it('moves when its backend goes down, and forgets after expirationMs', () => {
    const list = [backend('a'), backend('b')];
    const s = lblc.create({ expirationMs: 1000 });
    s.update(list);
    let now = 0;
    const at = (key: number) => s.pick(context({ key, now: () => now }))?.id;
    expect(at(5)).toBe('a');
    list[0]!.usable = false;
    expect(at(5)).toBe('b');
    list[0]!.usable = true;
    expect(at(5)).toBe('b');
    now = 2000;
    list[1]!.active = 1;
    expect(at(5)).toBe('a'); // forgotten: wlc picks the idle one
  });

  it('follows its backend by id across updates that reorder, drop and re-create backends', () => {
    const s = lblc.create();
    s.update([backend('a'), backend('b'), backend('c')]);
    const keys = [1, 2, 3, 4, 5, 6];
    const before = keys.map((key) => s.pick(context({ key }))!.id);
    expect(new Set(before).size).toBe(3);
    const c2 = backend('c'); // a new object under an old id
    s.update([c2, backend('z'), backend('b'), backend('a')].map((b) => ({ ...b }))); // reordered, plus z
    expect(keys.map((key) => s.pick(context({ key }))!.id)).toEqual(before);
    s.update([backend('b'), c2]); // a gone: its keys move, the others stay
    const after = keys.map((key) => s.pick(context({ key }))!.id);
    keys.forEach((_, i) => expect(after[i]).toBe(before[i] === 'a' ? after[i] : before[i]));
    expect(after).not.toContain('a');
  });

  it('keeps at most maxEntries destinations', () => {
    const s = lblc.create({ maxEntries: 2 }) as Scheduler & { table: { size: number } };
    s.update([backend('a'), backend('b')]);
    for (const key of [1, 2, 3, 4]) s.pick(context({ key }));
    expect(s.table.size).toBe(2);
  });
});

describe('lblcr', () => {
  type Replicated = Scheduler & { members(key: number): readonly string[] };

  it('grows the set of a hot destination when its least-loaded member is overloaded', () => {
    const list = [backend('a', 2), backend('b', 2), backend('c', 2)];
    const s = lblcr.create() as Replicated;
    s.update(list);
    expect(s.pick(context({ key: 9 }))?.id).toBe('a');
    list[0]!.active = 3; // > weight, and b/c are under half their weight
    expect(s.pick(context({ key: 9 }))?.id).toBe('b');
    expect(s.members(9)).toEqual(['b', 'a']);
    list[1]!.active = 1;
    // Least loaded in the set: b (1/2) beats a (3/2); not overloaded → stays in the set.
    expect(s.pick(context({ key: 9 }))?.id).toBe('b');
    expect(s.members(9)).toEqual(['b', 'a']);
  });

  it('drops the busiest member when the set has not changed for expirationMs', () => {
    const list = [backend('a', 2, 3), backend('b', 2, 0), backend('c', 2, 0)];
    const s = lblcr.create({ expirationMs: 1000 }) as Replicated;
    s.update(list);
    let now = 0;
    const at = (key: number) => s.pick(context({ key, now: () => now }))?.id;
    list[0]!.active = 0;
    expect(at(4)).toBe('a');
    list[0]!.active = 3;
    expect(at(4)).toBe('b');
    expect(s.members(4)).toEqual(['b', 'a']);
    now = 900;
    expect(at(4)).toBe('b');
    now = 1600; // used 700 ms ago, set unchanged for 1600 ms → drop the busiest (a)
    expect(at(4)).toBe('b');
    expect(s.members(4)).toEqual(['b']);
  });
});
