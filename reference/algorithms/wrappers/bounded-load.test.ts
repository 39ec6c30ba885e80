import { describe, expect, it } from 'vitest';
import { schedulerFactory } from '../registry.ts';
import { backend, backends, context, type TestBackend } from '../testkit.ts';
import { boundedLoad } from './bounded-load.ts';

describe('boundedLoad', () => {
  it('lets the hash choice through while it is under ceil((active+1) × factor/100 / N)', () => {
    const list = [backend('a', 1, 1), backend('b', 1, 1), backend('c', 1, 0)];
    const inner = schedulerFactory('ring')!.create();
    const s = boundedLoad(inner, 150);
    s.update(list);
    inner.update(list);
    // total 2 → bound ceil(3 × 1.5 / 3) = 2: a and b (1 active) may take one more.
    for (let key = 0; key < 200; key++) expect(s.pick(context({ key }))!.id).toBe(inner.pick(context({ key }))!.id);
  });

  it('walks to the next candidate when the hash choice is full', () => {
    const list = [backend('a', 1, 4), backend('b', 1, 0), backend('c', 1, 0)];
    const inner = schedulerFactory('ring')!.create();
    const s = boundedLoad(inner, 125);
    s.update(list);
    inner.update(list);
    // total 4 → bound ceil(5 × 1.25 / 3) = 3: a (4 active) is full.
    const keyOnA = Array.from({ length: 500 }, (_, k) => k).find((key) => inner.pick(context({ key }))!.id === 'a')!;
    const walked = s.pick(context({ key: keyOnA }))!.id;
    expect(walked).not.toBe('a');
    // …to the ring's next candidate for that key.
    expect(walked).toBe(inner.pick(context({ key: keyOnA, avoid: new Set(['a']) }))!.id);
  });

  it('keeps every backend within the bound under sustained hot-key load', () => {
    const list = backends([1, 1, 1, 1, 1]);
    const s = boundedLoad(schedulerFactory('maglev')!.create({ tableSize: 1009 }), 125);
    s.update(list);
    for (let i = 0; i < 500; i++) {
      const b = s.pick(context({ key: 7 })) as TestBackend; // one hot key
      b.active++;
      const total = list.reduce((n, x) => n + x.active, 0);
      for (const x of list) expect(x.active).toBeLessThanOrEqual(Math.ceil((total * 1.25) / 5));
    }
  });

  it('respects weights in the bound', () => {
    const list = [backend('big', 3, 5), backend('small', 1, 0)];
    const s = boundedLoad(schedulerFactory('fo')!.create(), 100);
    s.update(list);
    // total 5 → big may hold ceil(6 × 3/4) = 5: full → small.
    expect(s.pick(context())?.id).toBe('small');
    list[0]!.active = 3; // total 3 → ceil(4 × 3/4) = 3: still full
    expect(s.pick(context())?.id).toBe('small');
    list[0]!.active = 2; // total 2 → ceil(3 × 3/4) = 3: room for one more
    expect(s.pick(context())?.id).toBe('big');
  });
});
