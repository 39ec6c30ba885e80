// sh: source hashing. The key (the client's address by default; address+port with key.from
// source-ip-port, IPVS's "sh-port") selects one of 2^tableBits buckets; a backend owns `weight`
// consecutive buckets, so a client sticks to one backend while the set is stable. Buckets of a
// backend that cannot take work are re-hashed elsewhere (IPVS sh-fallback). Source: Linux IPVS ip_vs_sh.c.
// Like IPVS, a table smaller than the total weight leaves later backends without buckets: raise
// tableBits (default 8, as IPVS's CONFIG_IP_VS_SH_TAB_BITS) for large pools.
import { HashBuckets } from './hash-buckets.ts';
import { keyOf } from './hash-key.ts';
import { allowOnly, numberOption } from './options.ts';
import type { BackendView, PickContext, Scheduler, SchedulerFactory } from './types.ts';

class SourceHashing implements Scheduler {
  readonly name = 'sh';
  readonly buckets: HashBuckets;
  constructor(bits: number) {
    this.buckets = new HashBuckets(bits, true);
  }
  update(backends: readonly BackendView[]): void {
    this.buckets.update(backends);
  }
  pick(ctx: PickContext): BackendView | undefined {
    return this.buckets.pick(keyOf(ctx), ctx);
  }
}

export const sh: SchedulerFactory = {
  name: 'sh',
  description: 'source hashing over a weighted bucket table (IPVS sh, with fallback)',
  needsKey: true,
  create(options) {
    allowOnly('sh', options, ['tableBits']);
    return new SourceHashing(numberOption('sh', options, 'tableBits', { default: 8, min: 1, max: 20, integer: true }));
  },
};
