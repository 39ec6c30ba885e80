import { describe, expect, it } from 'vitest';
import { rr } from './rr.ts';
import { backend, backends, context, sequence } from './testkit.ts';

describe('rr', () => {
  it('cycles in list order, ignoring weights', () => {
    const s = rr.create();
    s.update(backends([5, 1, 1]));
    expect(sequence(s, 7)).toEqual(['s1', 's2', 's3', 's1', 's2', 's3', 's1']);
  });

  it('skips unusable, quiesced and avoided backends, and resumes them when they return', () => {
    const list = backends([1, 1, 1, 1]);
    const s = rr.create();
    s.update(list);
    list[1]!.usable = false;
    list[2]!.weight = 0;
    expect(sequence(s, 4)).toEqual(['s1', 's4', 's1', 's4']);
    list[1]!.usable = true;
    s.update(list);
    expect(sequence(s, 3)).toEqual(['s1', 's2', 's4']);
    expect(sequence(s, 3, context({ avoid: new Set(['s2']) }))).toEqual(['s1', 's4', 's1']);
  });

  it('returns undefined when nothing is eligible, and for an empty pool', () => {
    const s = rr.create();
    s.update([]);
    expect(s.pick(context())).toBeUndefined();
    s.update([backend('a', 1, 0, false), backend('b', 0)]);
    expect(s.pick(context())).toBeUndefined();
  });

  it('rejects unknown options by name', () => {
    expect(() => rr.create({ variant: 'x' })).toThrow(/option "variant"/);
  });
});
