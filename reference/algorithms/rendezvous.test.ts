import { describe, expect, it } from 'vitest';
import { rendezvous } from './rendezvous.ts';
import { backends, context, shuffled } from './testkit.ts';

describe('rendezvous', () => {
  it('is sticky per key and independent of list order', () => {
    const list = backends([1, 2, 3, 1, 2]);
    const a = rendezvous.create();
    a.update(list);
    const b = rendezvous.create();
    b.update(shuffled(list, 9));
    for (let key = 0; key < 2000; key += 7) {
      const id = a.pick(context({ key }))!.id;
      expect(a.pick(context({ key }))!.id).toBe(id);
      expect(b.pick(context({ key }))!.id).toBe(id);
    }
  });

  it('removing or adding a backend moves only the keys it loses or wins', () => {
    const five = backends([1, 1, 1, 1, 1]);
    const s5 = rendezvous.create();
    s5.update(five);
    const s4 = rendezvous.create();
    s4.update(five.filter((b) => b.id !== 's2'));
    let moved = 0;
    const keys = 20_000;
    for (let key = 0; key < keys; key++) {
      const was = s5.pick(context({ key }))!.id;
      const now = s4.pick(context({ key }))!.id;
      if (was !== 's2') expect(now).toBe(was);
      else moved++;
    }
    // s2 owned about a fifth of the keys: binomial sd ≈ 57, so ±500 is far outside chance.
    expect(Math.abs(moved - keys / 5)).toBeLessThan(500);
  });

  it('a weight-0 backend never wins, however high its hash', () => {
    const list = backends([1, 0, 1]);
    const s = rendezvous.create();
    s.update(list);
    for (let key = 0; key < 3000; key++) expect(s.pick(context({ key }))!.id).not.toBe('s2');
  });
});
