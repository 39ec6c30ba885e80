// p2c: power of N choices. Draw N backends at random (weighted by weight) and take the one with
// the fewest active requests; ties go to the earlier draw. N = 2 by default.
// draws: replacement (default) is what Envoy LEAST_REQUEST (choice_count), HAProxy `balance
// random(N)` and IPVS twos do: the same backend may be drawn twice, so with one slow backend among
// k, 1/k^N of picks see only it. draws: distinct draws N different backends (Finagle's p2c):
// a backend is only ever chosen over a less busy one.
// Sources: Mitzenmacher, "The Power of Two Choices"; the balancers named above.
import { canTake } from './eligible.ts';
import { allowOnly, enumOption, numberOption } from './options.ts';
import { WeightedDraw } from './weighted-draw.ts';
import type { BackendView, PickContext, Scheduler, SchedulerFactory } from './types.ts';

/** Redraws before a distinct draw falls back to scanning (one heavy backend can keep winning the draw). */
const DISTINCT_REDRAWS = 8;

class PowerOfChoices implements Scheduler {
  readonly name = 'p2c';
  private draw = new WeightedDraw([]);
  /** Indexes already drawn in this pick (distinct draws), reused so a pick allocates nothing. */
  private readonly taken: Int32Array;

  constructor(
    private readonly choices: number,
    private readonly distinct: boolean,
  ) {
    this.taken = new Int32Array(choices);
  }

  update(backends: readonly BackendView[]): void {
    this.draw = new WeightedDraw(backends.filter((b) => b.usable && b.weight > 0));
  }

  pick(ctx: PickContext): BackendView | undefined {
    const draw = this.draw;
    const list = draw.list;
    if (list.length === 0) return undefined;
    const taken = this.taken;
    let count = 0; // of taken
    let best: BackendView | undefined;
    for (let c = 0; c < this.choices; c++) {
      let i = eligibleFrom(list, draw.index(ctx.rng()), ctx, taken, 0);
      if (i < 0) return best; // nothing eligible at all (or, distinct, nothing left)
      if (this.distinct) {
        for (let r = 0; r < DISTINCT_REDRAWS && includes(taken, count, i); r++) i = eligibleFrom(list, draw.index(ctx.rng()), ctx, taken, 0);
        if (includes(taken, count, i)) i = eligibleFrom(list, i, ctx, taken, count);
        if (i < 0) return best;
        taken[count++] = i;
      }
      const b = list[i]!;
      if (!best || b.active < best.active) best = b;
    }
    return best;
  }
}

function includes(taken: Int32Array, count: number, i: number): boolean {
  for (let t = 0; t < count; t++) if (taken[t] === i) return true;
  return false;
}

/** The first index from start (wrapping) whose backend can take the request and is not among the
 *  first `skipCount` of `skip`; −1 if none. */
function eligibleFrom(list: readonly BackendView[], start: number, ctx: PickContext, skip: Int32Array, skipCount: number): number {
  const n = list.length;
  for (let s = 0; s < n; s++) {
    const i = start + s < n ? start + s : start + s - n;
    if (!includes(skip, skipCount, i) && canTake(list[i]!, ctx)) return i;
  }
  return -1;
}

export const p2c: SchedulerFactory = {
  name: 'p2c',
  description: 'power of N choices (default 2): fewest active among N weighted random draws (draws: replacement | distinct)',
  needsKey: false,
  create(options) {
    allowOnly('p2c', options, ['choices', 'draws']);
    return new PowerOfChoices(
      numberOption('p2c', options, 'choices', { default: 2, min: 1, max: 100, integer: true }),
      enumOption('p2c', options, 'draws', ['replacement', 'distinct'], 'replacement') === 'distinct',
    );
  },
};
