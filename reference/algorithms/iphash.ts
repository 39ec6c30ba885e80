// iphash: nginx ip_hash. The key is the client's first three IPv4 octets (reference/keys
// ipHashKey), so a whole /24 sticks to one backend. nginx mixes those bytes (hash = 89,
// hash = (hash × 113 + byte) mod 6271), takes hash mod total weight and walks the backends in
// config order subtracting weights. If that backend cannot take work it mixes the bytes again,
// up to 20 tries, then falls back to round robin. Source: nginx ngx_http_upstream_ip_hash_module.c.
import { canTake } from './eligible.ts';
import { keyOf } from './hash-key.ts';
import { allowOnly } from './options.ts';
import type { BackendView, PickContext, Scheduler, SchedulerFactory } from './types.ts';

const MAX_TRIES = 20;

class IpHash implements Scheduler {
  readonly name = 'iphash';
  private list: readonly BackendView[] = [];
  private total = 0;
  private last = -1;

  update(backends: readonly BackendView[]): void {
    this.list = [...backends];
    this.total = backends.reduce((sum, b) => sum + Math.max(0, b.weight), 0);
    if (this.last >= this.list.length) this.last = -1;
  }

  pick(ctx: PickContext): BackendView | undefined {
    const key = keyOf(ctx);
    const bytes = [(key >>> 16) & 0xff, (key >>> 8) & 0xff, key & 0xff];
    let hash = 89;
    for (let tries = 0; tries < MAX_TRIES && this.total > 0; tries++) {
      for (const byte of bytes) hash = (hash * 113 + byte) % 6271;
      let w = hash % this.total;
      let i = 0;
      // Weights may have changed since update(); running off the end counts as a miss.
      while (i < this.list.length && w >= this.list[i]!.weight) {
        w -= this.list[i]!.weight;
        i++;
      }
      const b = this.list[i];
      if (b && canTake(b, ctx)) return b;
    }
    return this.roundRobin(ctx);
  }

  private roundRobin(ctx: PickContext): BackendView | undefined {
    const n = this.list.length;
    for (let step = 1; step <= n; step++) {
      const i = (this.last + step) % n;
      if (canTake(this.list[i]!, ctx)) {
        this.last = i;
        return this.list[i];
      }
    }
    return undefined;
  }
}

export const iphash: SchedulerFactory = {
  name: 'iphash',
  description: 'nginx ip_hash: client /24 (IPv4) hashed onto weights, sticky',
  needsKey: true,
  create(options) {
    allowOnly('iphash', options, []);
    return new IpHash();
  },
};
