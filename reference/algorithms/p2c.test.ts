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

  it('draws: distinct never compares a backend with itself', () => {
    const s = p2c.create({ draws: 'distinct' });
    s.update([backend('slow', 1, 0), backend('a', 1, 0), backend('b', 1, 0)]);
    // 0.1 → slow twice: the second draw is redrawn (0.5 → a); ties go to the first draw.
    expect(s.pick(fixed([0.1, 0.1, 0.5]))?.id).toBe('slow');
    s.update([backend('slow', 1, 3), backend('a', 1, 5), backend('b', 1, 4)]);
    // slow drawn every time: after the redraws, the next other eligible backend (a) is compared.
    expect(s.pick(fixed([0.1]))?.id).toBe('slow');
    s.update([backend('slow', 1, 6), backend('a', 1, 5), backend('b', 1, 4)]);
    expect(s.pick(fixed([0.1]))?.id).toBe('a');
  });

  it('draws: distinct keeps a slow backend out of the picks when the others are idle; with replacement it gets 1/k²', () => {
    const views = () => [backend('slow', 1, 1), backend('a', 1, 0), backend('b', 1, 0), backend('c', 1, 0)];
    let state = 42;
    const rng = () => ((state = (state * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
    const ctx = { now: () => 0, rng };
    const share = (options: Record<string, unknown>) => {
      const s = p2c.create(options);
      s.update(views());
      let slow = 0;
      for (let i = 0; i < 16_000; i++) if (s.pick(ctx)?.id === 'slow') slow++;
      return slow / 16_000;
    };
    expect(share({ draws: 'distinct' })).toBe(0);
    expect(share({})).toBeCloseTo(1 / 16, 2);
  });

  it('draws: distinct with one backend still picks it', () => {
    const s = p2c.create({ draws: 'distinct', choices: 3 });
    s.update([backend('only', 1, 7)]);
    expect(s.pick(fixed([0.5]))?.id).toBe('only');
  });

  it('validates choices', () => {
    expect(() => p2c.create({ draws: 'twice' })).toThrow(/option "draws" must be one of replacement, distinct/);
    expect(() => p2c.create({ choices: 0 })).toThrow(SchedulerOptionError);
    expect(() => p2c.create({ choices: 1.5 })).toThrow(/option "choices" must be an integer/);
  });
});
