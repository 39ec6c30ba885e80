import { describe, expect, it } from 'vitest';
import { first } from './first.ts';
import { fo } from './fo.ts';
import { ovf } from './ovf.ts';
import { backend, context, sequence } from './testkit.ts';
import { SchedulerOptionError } from './types.ts';

describe('fo (weighted failover)', () => {
  it('all new work to the highest weight; the next takes over when it goes down', () => {
    const list = [backend('low', 1), backend('high', 5), backend('mid', 3), backend('mid2', 3)];
    const s = fo.create();
    s.update(list);
    expect(sequence(s, 3)).toEqual(['high', 'high', 'high']);
    list[1]!.usable = false;
    expect(s.pick(context())?.id).toBe('mid'); // tie at 3: config order
    list[1]!.weight = 0;
    list[1]!.usable = true;
    s.update(list);
    expect(s.pick(context())?.id).toBe('mid');
  });
});

describe('ovf (overflow)', () => {
  it('fills the heaviest up to its weight, then the next', () => {
    const list = [backend('b', 2), backend('a', 3), backend('c', 1)];
    const s = ovf.create();
    s.update(list);
    const picks: string[] = [];
    for (let i = 0; i < 8; i++) {
      const b = list.find((x) => x.id === s.pick(context())!.id)!;
      b.active++;
      picks.push(b.id);
    }
    // a to 3, b to 2, c to 1; then all full → lowest active/weight (ties round robin by rank).
    expect(picks.slice(0, 6)).toEqual(['a', 'a', 'a', 'b', 'b', 'c']);
    expect(picks.slice(6)).toEqual(['a', 'b']);
  });
});

describe('first (HAProxy)', () => {
  it('fills backends in config order up to maxconn', () => {
    const list = [backend('s1'), backend('s2'), backend('s3')];
    const s = first.create({ maxconn: 2 });
    s.update(list);
    const picks: string[] = [];
    for (let i = 0; i < 6; i++) {
      const b = list.find((x) => x.id === s.pick(context())!.id)!;
      b.active++;
      picks.push(b.id);
    }
    expect(picks).toEqual(['s1', 's1', 's2', 's2', 's3', 's3']);
    list[0]!.active = 1; // a slot frees up in s1: it is first again
    expect(s.pick(context())?.id).toBe('s1');
  });

  it('per-backend maxconn, and everyone full → the least over its limit', () => {
    const list = [backend('s1', 1, 5), backend('s2', 1, 3)];
    const s = first.create({ maxconn: { s1: 5, s2: 4 } });
    s.update(list);
    expect(s.pick(context())?.id).toBe('s2');
    list[1]!.active = 6;
    expect(s.pick(context())?.id).toBe('s1'); // 5−5 = 0 < 6−4 = 2
  });

  it('without maxconn the first usable always wins; bad maxconn names the option', () => {
    const s = first.create();
    s.update([backend('s1', 1, 1000), backend('s2')]);
    expect(s.pick(context())?.id).toBe('s1');
    expect(() => first.create({ maxconn: 0 })).toThrow(SchedulerOptionError);
    expect(() => first.create({ maxconn: { s1: -1 } })).toThrow(/option "maxconn.s1"/);
    expect(() => first.create({ maxconn: 'x' })).toThrow(/option "maxconn" must be a number or a record/);
  });
});
