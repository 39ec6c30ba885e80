// wlc: weighted least connections, the LVS default. Cost = active / weight, compared by
// cross-multiplication (a.active × b.weight < b.active × a.weight) as IPVS does, so no division.
// Ties go round robin. Source: Linux IPVS ip_vs_wlc.c.
import { LeastScan } from './least.ts';
import { allowOnly } from './options.ts';
import type { BackendView, PickContext, Scheduler, SchedulerFactory } from './types.ts';

export const wlcCheaper = (a: BackendView, b: BackendView): boolean => a.active * b.weight < b.active * a.weight;

class WeightedLeastConnections implements Scheduler {
  readonly name = 'wlc';
  private readonly scan = new LeastScan('active/weight');
  update(backends: readonly BackendView[]): void {
    this.scan.update(backends);
  }
  pick(ctx: PickContext): BackendView | undefined {
    return this.scan.pick(ctx);
  }
}

export const wlc: SchedulerFactory = {
  name: 'wlc',
  description: 'weighted least connections: lowest active/weight, ties round robin (IPVS wlc)',
  needsKey: false,
  create(options) {
    allowOnly('wlc', options, []);
    return new WeightedLeastConnections();
  },
};
