import { describe, expect, it } from 'vitest';
import { backend, backends } from './testkit.ts';
import { wrandom } from './wrandom.ts';

describe('wrandom', () => {
  it('maps rng() onto cumulative weights 1:2:5 → [0, 1/8), [1/8, 3/8), [3/8, 1)', () => {
    const s = wrandom.create();
    s.update(backends([1, 2, 5]));
    const at = (u: number) => s.pick({ now: () => 0, rng: () => u })?.id;
    expect([0, 0.1249, 0.125, 0.3749, 0.375, 0.999].map(at)).toEqual(['s1', 's1', 's2', 's2', 's3', 's3']);
  });

  it('quiesced and unusable backends own no slice', () => {
    const s = wrandom.create();
    s.update([backend('q', 0), backend('a', 1), backend('u', 9, 0, false), backend('b', 1)]);
    const at = (u: number) => s.pick({ now: () => 0, rng: () => u })?.id;
    expect([0, 0.49, 0.5, 0.99].map(at)).toEqual(['a', 'a', 'b', 'b']);
  });
});
