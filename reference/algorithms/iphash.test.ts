import { describe, expect, it } from 'vitest';
import { ipHashKey } from '../keys/index.ts';
import { iphash } from './iphash.ts';
import { backends, context, sequence } from './testkit.ts';

describe('iphash (nginx ip_hash)', () => {
  const key = ipHashKey('10.1.2.77')!;

  it('mixes 10.1.2 the nginx way: hash 2680, 2680 mod 3 = 1 → the second backend', () => {
    const s = iphash.create();
    s.update(backends([1, 1, 1]));
    expect(s.pick(context({ key }))?.id).toBe('s2');
    expect(s.pick(context({ key: ipHashKey('10.1.2.200')! }))?.id).toBe('s2'); // same /24
    // Weights 1:2:3 walk: 2680 mod 6 = 4; 4 − 1 − 2 = 1 < 3 → the third.
    const weighted = iphash.create();
    weighted.update(backends([1, 2, 3]));
    expect(weighted.pick(context({ key }))?.id).toBe('s3');
  });

  it('re-mixes when the backend is down: 4363 mod 3 = 1 (down again), 5432 mod 3 = 2', () => {
    const list = backends([1, 1, 1]);
    list[1]!.usable = false;
    const s = iphash.create();
    s.update(list);
    expect(s.pick(context({ key }))?.id).toBe('s3');
  });

  it('falls back to round robin after 20 tries', () => {
    // nginx's hash is below 6271, so with weights 10000:1 every try lands on s1.
    const s = iphash.create();
    s.update(backends([10_000, 1]));
    expect(s.pick(context({ key }))?.id).toBe('s1');
    expect(sequence(s, 2, context({ key, avoid: new Set(['s1']) }))).toEqual(['s2', 's2']);
    expect(sequence(s, 2, context({ key, avoid: new Set(['s1', 's2']) }))).toEqual(['-', '-']);
  });
});
