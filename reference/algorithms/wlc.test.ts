import { describe, expect, it } from 'vitest';
import { nq } from './nq.ts';
import { sed } from './sed.ts';
import { backend, context, sequence } from './testkit.ts';
import { wlc } from './wlc.ts';

// Decisions against given active counts, for the weighted least-loaded family.
describe('wlc', () => {
  it('lowest active/weight: 4/2 = 2 beats 3/1 = 3 and 9/3 = 3', () => {
    const s = wlc.create();
    s.update([backend('a', 1, 3), backend('b', 2, 4), backend('c', 3, 9)]);
    expect(s.pick(context())?.id).toBe('b');
  });

  it('idle backends tie at 0 and share round robin, whatever their weight', () => {
    const s = wlc.create();
    s.update([backend('a', 1, 0), backend('b', 5, 0), backend('c', 1, 1)]);
    expect(sequence(s, 4)).toEqual(['a', 'b', 'a', 'b']);
  });

  it('ties at equal ratio (2/1 = 4/2) go round robin', () => {
    const s = wlc.create();
    s.update([backend('a', 1, 2), backend('b', 2, 4)]);
    expect(sequence(s, 3)).toEqual(['a', 'b', 'a']);
  });
});

describe('sed', () => {
  it('(active+1)/weight: an idle heavy backend beats an idle light one', () => {
    const s = sed.create();
    s.update([backend('a', 1, 0), backend('b', 5, 0)]);
    expect(sequence(s, 3)).toEqual(['b', 'b', 'b']);
  });

  it('(3+1)/4 ties (0+1)/1 → round robin; (4+1)/4 loses to 1', () => {
    const s = sed.create();
    const list = [backend('a', 1, 0), backend('b', 4, 3)];
    s.update(list);
    expect(sequence(s, 2)).toEqual(['a', 'b']);
    list[1]!.active = 4;
    expect(sequence(s, 2)).toEqual(['a', 'a']);
  });
});

describe('nq', () => {
  it('an idle backend first, even a light one, in round robin among idle ones', () => {
    const s = nq.create();
    s.update([backend('heavy', 10, 1), backend('x', 1, 0), backend('y', 1, 0)]);
    expect(sequence(s, 3)).toEqual(['x', 'y', 'x']);
  });

  it('without idle backends it is sed: (1+1)/10 = 0.2 beats (1+1)/1', () => {
    const s = nq.create();
    s.update([backend('heavy', 10, 1), backend('x', 1, 1), backend('y', 1, 1)]);
    expect(s.pick(context())?.id).toBe('heavy');
  });
});
