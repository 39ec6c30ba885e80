// lc: least connections. The eligible backend with the fewest active connections/requests;
// ties go round robin. Weights other than 0 are ignored (use wlc for weighted).
// Source: Linux IPVS ip_vs_lc.c (IPVS breaks ties by list order; round robin spreads ties).
import { LeastScan } from './least.ts';
import { allowOnly } from './options.ts';
import type { BackendView, PickContext, Scheduler, SchedulerFactory } from './types.ts';

class LeastConnections implements Scheduler {
  readonly name = 'lc';
  private readonly scan = new LeastScan('active');
  update(backends: readonly BackendView[]): void {
    this.scan.update(backends);
  }
  pick(ctx: PickContext): BackendView | undefined {
    return this.scan.pick(ctx);
  }
}

export const lc: SchedulerFactory = {
  name: 'lc',
  description: 'least active connections/requests, ties round robin (IPVS lc)',
  needsKey: false,
  create(options) {
    allowOnly('lc', options, []);
    return new LeastConnections();
  },
};
