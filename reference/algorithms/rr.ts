// rr: round robin. Each pick takes the next eligible backend after the previous pick, in the
// order the pool lists them (config order), skipping unusable/quiesced/avoided ones.
// Source: Linux IPVS ip_vs_rr.c (a cursor into the destination list).
import { canTake } from './eligible.ts';
import { allowOnly } from './options.ts';
import type { BackendView, PickContext, Scheduler, SchedulerFactory } from './types.ts';

class RoundRobin implements Scheduler {
  readonly name = 'rr';
  private backends: readonly BackendView[] = [];
  private last = -1;

  update(backends: readonly BackendView[]): void {
    // Keep the cursor's position so a change does not restart the cycle at the first backend.
    this.backends = [...backends];
    if (this.last >= this.backends.length) this.last = -1;
  }

  pick(ctx: PickContext): BackendView | undefined {
    const n = this.backends.length;
    for (let step = 1; step <= n; step++) {
      const i = (this.last + step) % n;
      const b = this.backends[i]!;
      if (canTake(b, ctx)) {
        this.last = i;
        return b;
      }
    }
    return undefined;
  }
}

export const rr: SchedulerFactory = {
  name: 'rr',
  description: 'round robin over usable backends (IPVS rr)',
  needsKey: false,
  create(options) {
    allowOnly('rr', options, []);
    return new RoundRobin();
  },
};
