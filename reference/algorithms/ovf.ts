// ovf: overflow. New work goes to the highest-weight eligible backend until its active count
// reaches its weight (the weight is its connection threshold), then overflows to the next by
// weight (ties: config order). IPVS ip_vs_ovf.c admits one more (it skips only active > weight)
// and returns nothing when every backend is full; here, when all are at their threshold, the
// least loaded by active/weight takes the work, so a usable pool always answers.
import { canTake } from './eligible.ts';
import { allowOnly } from './options.ts';
import type { BackendView, PickContext, Scheduler, SchedulerFactory } from './types.ts';
import { wlcCheaper } from './wlc.ts';

class Overflow implements Scheduler {
  readonly name = 'ovf';
  private ranked: BackendView[] = [];

  update(backends: readonly BackendView[]): void {
    this.ranked = [...backends].sort((a, b) => b.weight - a.weight);
  }

  pick(ctx: PickContext): BackendView | undefined {
    let least: BackendView | undefined;
    for (const b of this.ranked) {
      if (!canTake(b, ctx)) continue;
      if (b.active < b.weight) return b;
      if (!least || wlcCheaper(b, least)) least = b;
    }
    return least;
  }
}

export const ovf: SchedulerFactory = {
  name: 'ovf',
  description: 'overflow: highest weight until active reaches weight, then the next (IPVS ovf)',
  needsKey: false,
  create(options) {
    allowOnly('ovf', options, []);
    return new Overflow();
  },
};
