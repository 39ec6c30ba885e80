import { describe, expect, it } from 'vitest';
import { createScheduler } from './create.ts';
import { backends, context } from './testkit.ts';
import { SchedulerOptionError } from './types.ts';

describe('createScheduler', () => {
  it('creates by name with the scheduler’s own options', () => {
    const s = createScheduler({ name: 'wrr', variant: 'interleaved' }, { now: () => 0 });
    s.update(backends([5, 1, 1]));
    expect(Array.from({ length: 7 }, () => s.pick(context())!.id).join(' ')).toBe('s1 s1 s1 s1 s1 s2 s3');
  });

  it('wraps avoid-on-retry, bounded load and slow start from config', () => {
    const s = createScheduler({ name: 'maglev', tableSize: 101, boundedLoad: 125, slowStart: { windowMs: 1000 } }, { now: () => 0 });
    const list = backends([1, 1]);
    s.update(list);
    expect(s.pick(context({ key: 1, avoid: new Set(['s1', 's2']) }))).toBeDefined();
  });

  it('names the bad option', () => {
    const now = () => 0;
    expect(() => createScheduler({ name: 'nope' }, { now })).toThrow(/algorithm nope: option "name" is not a known algorithm/);
    expect(() => createScheduler({ name: 'rr', boundedLoad: 50 }, { now })).toThrow(/option "boundedLoad" must be between 100/);
    expect(() => createScheduler({ name: 'rr', slowStart: {} }, { now })).toThrow(/option "slowStart.windowMs" is required/);
    expect(() => createScheduler({ name: 'rr', slowStart: { windowMs: 10, speed: 1 } }, { now })).toThrow(/option "slowStart.speed" is not known/);
    expect(() => createScheduler({ name: 'rr', slowStart: 5 }, { now })).toThrow(SchedulerOptionError);
    expect(() => createScheduler({ name: 'rr', variant: 'smooth' }, { now })).toThrow(/algorithm rr: option "variant" is not known/);
  });
});
