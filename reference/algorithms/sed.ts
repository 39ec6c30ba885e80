// sed: shortest expected delay. Cost = (active + 1) / weight: the delay a new connection expects
// if every backend serves its connections in parallel at a rate proportional to its weight.
// Unlike wlc, an idle heavy backend beats an idle light one. Source: Linux IPVS ip_vs_sed.c.
import { LeastScan } from './least.ts';
import { allowOnly } from './options.ts';
import type { BackendView, PickContext, Scheduler, SchedulerFactory } from './types.ts';

export const sedCheaper = (a: BackendView, b: BackendView): boolean => (a.active + 1) * b.weight < (b.active + 1) * a.weight;

class ShortestExpectedDelay implements Scheduler {
  readonly name = 'sed';
  private readonly scan = new LeastScan('(active+1)/weight');
  update(backends: readonly BackendView[]): void {
    this.scan.update(backends);
  }
  pick(ctx: PickContext): BackendView | undefined {
    return this.scan.pick(ctx);
  }
}

export const sed: SchedulerFactory = {
  name: 'sed',
  description: 'shortest expected delay: lowest (active+1)/weight (IPVS sed)',
  needsKey: false,
  create(options) {
    allowOnly('sed', options, []);
    return new ShortestExpectedDelay();
  },
};
