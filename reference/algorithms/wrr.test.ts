import { describe, expect, it } from 'vitest';
import { wrr } from './wrr.ts';
import { backends, context, sequence } from './testkit.ts';
import { SchedulerOptionError } from './types.ts';

// The shared table: the same weights, both variants, exact sequences.
const cases: Array<{ weights: number[]; smooth: string; interleaved: string }> = [
  { weights: [5, 1, 1], smooth: 's1 s1 s2 s1 s3 s1 s1', interleaved: 's1 s1 s1 s1 s1 s2 s3' },
  { weights: [1, 1, 1], smooth: 's1 s2 s3', interleaved: 's1 s2 s3' },
  { weights: [4, 3, 2], smooth: 's1 s2 s3 s1 s2 s1 s3 s2 s1', interleaved: 's1 s1 s2 s1 s2 s3 s1 s2 s3' },
  { weights: [2, 4], smooth: 's2 s1 s2', interleaved: 's2 s1 s2' },
];

describe('wrr', () => {
  for (const c of cases) {
    for (const variant of ['smooth', 'interleaved'] as const) {
      it(`${variant} ${c.weights.join(':')} → ${c[variant]} (and repeats)`, () => {
        const s = wrr.create({ variant });
        s.update(backends(c.weights));
        const one = c[variant].split(' ');
        expect(sequence(s, one.length * 2)).toEqual([...one, ...one]);
      });
    }
  }

  it('defaults to smooth', () => {
    const s = wrr.create();
    s.update(backends([5, 1, 1]));
    expect(sequence(s, 7).join(' ')).toBe('s1 s1 s2 s1 s3 s1 s1');
  });

  it('runs live (no table) when the period is huge, with the same shares', () => {
    for (const variant of ['smooth', 'interleaved'] as const) {
      const s = wrr.create({ variant });
      s.update(backends([100_003, 99_991, 2]));
      const counts = new Map<string, number>();
      // One whole period (sum of weights, gcd 1) gives each backend exactly its weight.
      for (const id of sequence(s, 199_996)) counts.set(id, (counts.get(id) ?? 0) + 1);
      expect(Object.fromEntries(counts)).toEqual({ s1: 100_003, s2: 99_991, s3: 2 });
    }
  });

  it('smooth handles fractional weights (slow start) live', () => {
    const s = wrr.create();
    s.update(backends([1, 0.5]));
    expect(sequence(s, 6).join(' ')).toBe('s1 s2 s1 s1 s2 s1');
  });

  it('skips ineligible backends', () => {
    const list = backends([5, 1, 1]);
    const s = wrr.create({ variant: 'interleaved' });
    s.update(list);
    list[0]!.usable = false;
    expect(sequence(s, 4)).toEqual(['s2', 's3', 's2', 's3']);
    s.update(list);
    expect(sequence(s, 4)).toEqual(['s2', 's3', 's2', 's3']);
    expect(sequence(s, 2, context({ avoid: new Set(['s2']) }))).toEqual(['s3', 's3']);
    list.forEach((b) => (b.weight = 0));
    s.update(list);
    expect(s.pick(context())).toBeUndefined();
  });

  it('rejects a bad variant naming the option', () => {
    expect(() => wrr.create({ variant: 'fast' })).toThrow(SchedulerOptionError);
    expect(() => wrr.create({ variant: 'fast' })).toThrow(/option "variant" must be one of smooth, interleaved/);
  });
});
