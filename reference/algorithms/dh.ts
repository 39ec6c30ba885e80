// dh: destination hashing. The key (the destination address by default) selects one of
// 2^tableBits buckets, assigned to backends in turn regardless of weight (weight only says 0 =
// quiesced); used for cache clusters where one destination should stay on one cache.
// Keys of a backend that cannot take work are re-hashed elsewhere. Source: Linux IPVS ip_vs_dh.c.
import { HashBuckets } from './hash-buckets.ts';
import { keyOf } from './hash-key.ts';
import { allowOnly, numberOption } from './options.ts';
import type { BackendView, PickContext, Scheduler, SchedulerFactory } from './types.ts';

class DestinationHashing implements Scheduler {
  readonly name = 'dh';
  readonly buckets: HashBuckets;
  constructor(bits: number) {
    this.buckets = new HashBuckets(bits, false);
  }
  update(backends: readonly BackendView[]): void {
    this.buckets.update(backends);
  }
  pick(ctx: PickContext): BackendView | undefined {
    return this.buckets.pick(keyOf(ctx), ctx);
  }
}

export const dh: SchedulerFactory = {
  name: 'dh',
  description: 'destination hashing over a bucket table, unweighted (IPVS dh)',
  needsKey: true,
  create(options) {
    allowOnly('dh', options, ['tableBits']);
    return new DestinationHashing(numberOption('dh', options, 'tableBits', { default: 8, min: 1, max: 20, integer: true }));
  },
};
