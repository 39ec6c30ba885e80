import { describe, expect, it } from 'vitest';
import { p2c } from './p2c.ts';
import { backend, backends } from './testkit.ts';
import { SchedulerOptionError } from './types.ts';

const fixed = (values: number[]) => {
  let i = 0;
  return { now: () => 0, rng: () => values[i++ % values.length]! };
};

describe('p2c', () => {
  it('takes the less active of the two draws', () => {
    const s = p2c.create();
    s.update([backend('a', 1, 5), backend('b', 1, 2), backend('c', 1, 0), backend('d', 1, 9)]);
    // u → index floor(u × 4): 0.3 → b, 0.9 → d ⇒ b (2 < 9); 0.1 → a, 0.6 → c ⇒ c (0 < 5).
    const ctx = fixed([0.3, 0.9, 0.1, 0.6]);
    expect([s.pick(ctx)?.id, s.pick(ctx)?.id]).toEqual(['b', 'c']);
  });

  it('ties go to the first draw; drawing the same backend twice is allowed', () => {
    const s = p2c.create();
    s.update([backend('a', 1, 1), backend('b', 1, 1)]);
    expect(s.pick(fixed([0.9, 0.1]))?.id).toBe('b');
    expect(s.pick(fixed([0.1, 0.1]))?.id).toBe('a');
  });

  it('draws by weight: weights 1:3 split [0, 0.25) and [0.25, 1)', () => {
    const s = p2c.create({ choices: 1 });
    s.update(backends([1, 3]));
    expect([0, 0.2499, 0.25, 0.99].map((u) => s.pick(fixed([u]))?.id)).toEqual(['s1', 's1', 's2', 's2']);
  });

  it('N choices: the least active among all draws', () => {
    const s = p2c.create({ choices: 3 });
    s.update([backend('a', 1, 3), backend('b', 1, 2), backend('c', 1, 1), backend('d', 1, 0)]);
    expect(s.pick(fixed([0.1, 0.3, 0.6]))?.id).toBe('c');
  });

  it('validates choices', () => {
    expect(() => p2c.create({ choices: 0 })).toThrow(SchedulerOptionError);
    expect(() => p2c.create({ choices: 1.5 })).toThrow(/option "choices" must be an integer/);
  });
});
