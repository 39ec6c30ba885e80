import { describe, expect, it } from 'vitest';
import { schedulerFactory } from '../registry.ts';
import { backends, context } from '../testkit.ts';
import { avoidOnRetry } from './avoid.ts';

describe('avoidOnRetry', () => {
  it('skips avoided backends, and falls back to them when nothing else is left', () => {
    const list = backends([1, 1]);
    const s = avoidOnRetry(schedulerFactory('maglev')!.create({ tableSize: 101 }));
    s.update(list);
    const home = s.pick(context({ key: 42 }))!.id;
    const other = home === 's1' ? 's2' : 's1';
    expect(s.pick(context({ key: 42, avoid: new Set([home]) }))?.id).toBe(other);
    expect(s.pick(context({ key: 42, avoid: new Set(['s1', 's2']) }))?.id).toBe(home);
  });

  it('still returns undefined when nothing is usable, and passes done() through', () => {
    const list = backends([1]);
    list[0]!.usable = false;
    const s = avoidOnRetry(schedulerFactory('ewma')!.create());
    s.update(list);
    expect(s.pick(context({ avoid: new Set(['s1']) }))).toBeUndefined();
    expect(typeof s.done).toBe('function');
    expect(avoidOnRetry(schedulerFactory('rr')!.create()).done).toBeUndefined();
  });
});
