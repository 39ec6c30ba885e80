// fo: weighted failover. All new work goes to the eligible backend with the highest weight
// (ties: the first in config order); the next one takes over only when it goes down.
// Source: Linux IPVS ip_vs_fo.c.
import { canTake } from './eligible.ts';
import { allowOnly } from './options.ts';
import type { BackendView, PickContext, Scheduler, SchedulerFactory } from './types.ts';

class WeightedFailover implements Scheduler {
  readonly name = 'fo';
  private ranked: BackendView[] = [];

  update(backends: readonly BackendView[]): void {
    // Array.prototype.sort is stable: equal weights keep config order.
    this.ranked = [...backends].sort((a, b) => b.weight - a.weight);
  }

  pick(ctx: PickContext): BackendView | undefined {
    for (const b of this.ranked) if (canTake(b, ctx)) return b;
    return undefined;
  }
}

export const fo: SchedulerFactory = {
  name: 'fo',
  description: 'weighted failover: the highest-weight usable backend takes all new work (IPVS fo)',
  needsKey: false,
  create(options) {
    allowOnly('fo', options, []);
    return new WeightedFailover();
  },
};
