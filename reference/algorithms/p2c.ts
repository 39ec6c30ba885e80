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

  constructor(
    private readonly choices: number,
    private readonly distinct: boolean,
  ) {}

  update(backends: readonly BackendView[]): void {
    this.draw = new WeightedDraw(backends.filter((b) => b.usable && b.weight > 0));
  }

  pick(ctx: PickContext): BackendView | undefined {
    const list = this.draw.list;
    const n = list.length;
    const taken: number[] = [];
    let best: BackendView | undefined;
    for (let c = 0; c < this.choices && n > 0; c++) {
      let i = this.eligibleFrom(this.draw.index(ctx.rng()), ctx);
      if (i < 0) return best; // nothing eligible at all (or, distinct, nothing left)
      if (this.distinct) {
        for (let r = 0; r < DISTINCT_REDRAWS && taken.includes(i); r++) i = this.eligibleFrom(this.draw.index(ctx.rng()), ctx);
        if (taken.includes(i)) i = this.eligibleFrom(i, ctx, taken);
        if (i < 0) return best;
        taken.push(i);
      }
      const b = list[i]!;
      if (!best || b.active < best.active) best = b;
    }
    return best;
  }

  /** The first index from start (wrapping) whose backend can take the request and is not in skip; −1 if none. */
  private eligibleFrom(start: number, ctx: PickContext, skip: readonly number[] = []): number {
    const list = this.draw.list;
    for (let s = 0; s < list.length; s++) {
      const i = (start + s) % list.length;
      if (!skip.includes(i) && canTake(list[i]!, ctx)) return i;
    }
    return -1;
  }
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
