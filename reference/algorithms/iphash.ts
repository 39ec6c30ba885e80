// iphash: nginx ip_hash. The key is the client's first three IPv4 octets (reference/keys
// ipHashKey), so a whole /24 sticks to one backend. nginx mixes those bytes (hash = 89,
// hash = (hash × 113 + byte) mod 6271), takes hash mod total weight and walks the backends in
// config order subtracting weights. If that backend cannot take work it mixes the bytes again,
// up to 20 tries, then falls back to round robin. Source: nginx ngx_http_upstream_ip_hash_module.c.
// The walk is O(N), but its answer depends only on w, and w = hash mod total < 6271: update()
// precomputes the walk's answer for every w below min(total, 6271), so a pick is O(1). The table
// needs whole weights (the pool's); fractional ones (slow start's scaled views) keep the walk.
import { canTake } from './eligible.ts';
import { keyOf } from './hash-key.ts';
import { allowOnly } from './options.ts';
import type { BackendView, PickContext, Scheduler, SchedulerFactory } from './types.ts';

const MAX_TRIES = 20;
/** nginx's hash is below this, so w = hash mod total is too. */
const HASH_MOD = 6271;

class IpHash implements Scheduler {
  readonly name = 'iphash';
  private list: readonly BackendView[] = [];
  private total = 0;
  private last = -1;
  /** slot[w] = the list index nginx's weight walk reaches for w (list.length: ran off the end);
   *  empty when a weight is not a whole number ≥ 0, and picks walk instead. */
  private slot: Int32Array = new Int32Array(0);

  update(backends: readonly BackendView[]): void {
    this.list = [...backends];
    this.total = backends.reduce((sum, b) => sum + Math.max(0, b.weight), 0);
    if (this.last >= this.list.length) this.last = -1;
    this.slot = this.list.every((b) => Number.isInteger(b.weight) && b.weight >= 0) ? walkTable(this.list, Math.min(this.total, HASH_MOD)) : new Int32Array(0);
  }

  pick(ctx: PickContext): BackendView | undefined {
    const key = keyOf(ctx);
    const b0 = (key >>> 16) & 0xff;
    const b1 = (key >>> 8) & 0xff;
    const b2 = key & 0xff;
    const total = this.total;
    const slot = this.slot;
    const table = slot.length > 0;
    let hash = 89;
    for (let tries = 0; tries < MAX_TRIES && total > 0; tries++) {
      hash = (hash * 113 + b0) % HASH_MOD;
      hash = (hash * 113 + b1) % HASH_MOD;
      hash = (hash * 113 + b2) % HASH_MOD;
      const b = this.list[table ? slot[hash % total]! : this.walk(hash % total)];
      if (b !== undefined && canTake(b, ctx)) return b;
    }
    return this.roundRobin(ctx);
  }

  /** nginx's walk: subtract weights in list order until w falls inside one. */
  private walk(w: number): number {
    let i = 0;
    // Weights may have changed since update(); running off the end counts as a miss.
    while (i < this.list.length && w >= this.list[i]!.weight) {
      w -= this.list[i]!.weight;
      i++;
    }
    return i;
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

/** For every w < size, the index the walk reaches (whole weights: each backend owns the next
 *  `weight` values of w, as the walk subtracts them). */
function walkTable(list: readonly BackendView[], size: number): Int32Array {
  const slot = new Int32Array(size).fill(list.length);
  let w = 0;
  for (let i = 0; i < list.length && w < size; i++) {
    const end = Math.min(size, w + list[i]!.weight);
    slot.fill(i, w, end);
    w = end;
  }
  return slot;
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
