// p2c: power of N choices. Draw N backends at random (weighted by weight, with replacement) and
// take the one with the fewest active requests; ties go to the earlier draw. N = 2 by default.
// Sources: Mitzenmacher, "The Power of Two Choices"; Envoy LEAST_REQUEST (choice_count), HAProxy
// `balance random(N)`, nginx `random two least_conn`, IPVS twos.
import { canTake } from './eligible.ts';
import { allowOnly, numberOption } from './options.ts';
import { WeightedDraw } from './weighted-draw.ts';
import type { BackendView, PickContext, Scheduler, SchedulerFactory } from './types.ts';

class PowerOfChoices implements Scheduler {
  readonly name = 'p2c';
  private draw = new WeightedDraw([]);

  constructor(private readonly choices: number) {}

  update(backends: readonly BackendView[]): void {
    this.draw = new WeightedDraw(backends.filter((b) => b.usable && b.weight > 0));
  }

  pick(ctx: PickContext): BackendView | undefined {
    const list = this.draw.list;
    const n = list.length;
    let best: BackendView | undefined;
    for (let c = 0; c < this.choices && n > 0; c++) {
      const start = this.draw.index(ctx.rng());
      let b: BackendView | undefined;
      for (let s = 0; s < n && !b; s++) {
        const candidate = list[(start + s) % n]!;
        if (canTake(candidate, ctx)) b = candidate;
      }
      if (!b) return undefined; // nothing eligible at all
      if (!best || b.active < best.active) best = b;
    }
    return best;
  }
}

export const p2c: SchedulerFactory = {
  name: 'p2c',
  description: 'power of N choices (default 2): fewest active among N weighted random draws',
  needsKey: false,
  create(options) {
    allowOnly('p2c', options, ['choices']);
    return new PowerOfChoices(numberOption('p2c', options, 'choices', { default: 2, min: 1, max: 100, integer: true }));
  },
};
