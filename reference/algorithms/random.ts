// random: uniform choice among eligible backends, ignoring weights (use wrandom for weighted).
// The random number comes from ctx.rng(), so tests are exact. Source: nginx `random`,
// HAProxy `balance random` with draws=1, Envoy RANDOM.
import { canTake } from './eligible.ts';
import { allowOnly } from './options.ts';
import type { BackendView, PickContext, Scheduler, SchedulerFactory } from './types.ts';

class UniformRandom implements Scheduler {
  readonly name = 'random';
  private list: BackendView[] = [];

  update(backends: readonly BackendView[]): void {
    this.list = backends.filter((b) => b.usable && b.weight > 0);
  }

  pick(ctx: PickContext): BackendView | undefined {
    const n = this.list.length;
    if (n === 0) return undefined;
    const start = Math.min(n - 1, Math.floor(ctx.rng() * n));
    // A backend that turned ineligible since update() (or is avoided): take the next one along.
    for (let s = 0; s < n; s++) {
      const b = this.list[(start + s) % n]!;
      if (canTake(b, ctx)) return b;
    }
    return undefined;
  }
}

export const random: SchedulerFactory = {
  name: 'random',
  description: 'uniform random over usable backends (ctx.rng)',
  needsKey: false,
  create(options) {
    allowOnly('random', options, []);
    return new UniformRandom();
  },
};
