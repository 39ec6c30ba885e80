// nq: never queue. An idle backend (no active work) gets the connection at once, idle ones in
// round robin; when none is idle, shortest expected delay decides. Source: Linux IPVS ip_vs_nq.c.
import { LeastScan } from './least.ts';
import { allowOnly } from './options.ts';
import type { BackendView, PickContext, Scheduler, SchedulerFactory } from './types.ts';

const idle = (b: BackendView): boolean => b.active === 0;

class NeverQueue implements Scheduler {
  readonly name = 'nq';
  private readonly scan = new LeastScan('(active+1)/weight');
  update(backends: readonly BackendView[]): void {
    this.scan.update(backends);
  }
  pick(ctx: PickContext): BackendView | undefined {
    return this.scan.pick(ctx, idle);
  }
}

export const nq: SchedulerFactory = {
  name: 'nq',
  description: 'never queue: an idle backend first, else shortest expected delay (IPVS nq)',
  needsKey: false,
  create(options) {
    allowOnly('nq', options, []);
    return new NeverQueue();
  },
};
