// wrandom: weighted random. Each backend is drawn with probability weight / total weight,
// from ctx.rng(). Source: nginx `random` (weighted), HAProxy `balance random`, Envoy RANDOM.
import { canTake } from './eligible.ts';
import { allowOnly } from './options.ts';
import { WeightedDraw } from './weighted-draw.ts';
import type { BackendView, PickContext, Scheduler, SchedulerFactory } from './types.ts';

class WeightedRandom implements Scheduler {
  readonly name = 'wrandom';
  private draw = new WeightedDraw([]);

  update(backends: readonly BackendView[]): void {
    this.draw = new WeightedDraw(backends.filter((b) => b.usable && b.weight > 0));
  }

  pick(ctx: PickContext): BackendView | undefined {
    const list = this.draw.list;
    const n = list.length;
    if (n === 0) return undefined;
    const start = this.draw.index(ctx.rng());
    // An avoided (or newly ineligible) draw moves to the next eligible one along the list.
    for (let s = 0; s < n; s++) {
      const b = list[(start + s) % n]!;
      if (canTake(b, ctx)) return b;
    }
    return undefined;
  }
}

export const wrandom: SchedulerFactory = {
  name: 'wrandom',
  description: 'weighted random: probability proportional to weight (ctx.rng)',
  needsKey: false,
  create(options) {
    allowOnly('wrandom', options, []);
    return new WeightedRandom();
  },
};
