import { describe, expect, it } from 'vitest';
import { lc } from './lc.ts';
import { backend, context, sequence } from './testkit.ts';

describe('lc', () => {
  it('picks the fewest active, ignoring weight', () => {
    const list = [backend('a', 10, 5), backend('b', 1, 2), backend('c', 1, 3)];
    const s = lc.create();
    s.update(list);
    expect(s.pick(context())?.id).toBe('b');
    list[1]!.active = 4;
    expect(s.pick(context())?.id).toBe('c');
  });

  it('breaks ties round robin', () => {
    const s = lc.create();
    s.update([backend('a', 1, 1), backend('b', 1, 1), backend('c', 1, 1), backend('d', 1, 9)]);
    expect(sequence(s, 6)).toEqual(['a', 'b', 'c', 'a', 'b', 'c']);
  });

  it('follows active counts as work starts (a pool would increment them)', () => {
    const list = [backend('a', 1, 3), backend('b', 1, 0), backend('c', 1, 1)];
    const s = lc.create();
    s.update(list);
    const picks: string[] = [];
    for (let i = 0; i < 5; i++) {
      const b = s.pick(context()) as (typeof list)[number];
      b.active++;
      picks.push(b.id);
    }
    // b:0 → b:1 ties c:1 (round robin after b → c) → b,c at 2 → b → a,b,c at 3.
    expect(picks).toEqual(['b', 'c', 'b', 'c', 'b']);
  });

  it('never picks ineligible backends even when they are idle', () => {
    const s = lc.create();
    s.update([backend('a', 1, 0, false), backend('b', 0, 0), backend('c', 1, 100)]);
    expect(sequence(s, 2)).toEqual(['c', 'c']);
    expect(s.pick(context({ avoid: new Set(['c']) }))).toBeUndefined();
  });
});
