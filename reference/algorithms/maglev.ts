// maglev: Google's Maglev consistent hashing (Eisenbud et al., NSDI 2016, §3.4). Each backend
// gets a permutation of the M table slots from two hashes of its id (offset = h1 mod M,
// skip = h2 mod (M−1) + 1, slot j = (offset + j·skip) mod M); backends take turns claiming their
// next free slot until the table is full. M is prime (default 65537) so every skip visits every
// slot. Weighted as Envoy does: a backend of weight w claims in a round only when
// round × w ≥ its running target, which then grows by the largest weight, so shares follow weights.
// A pick is one table lookup. Backends are sorted by id first (Envoy, kkdai/maglev): same table for
// any list order. Sources: the Maglev paper, Envoy maglev_lb.cc, Linux IPVS ip_vs_mh.c.
import { murmur3 } from '../keys/index.ts';
import { canTake, sortedById } from './eligible.ts';
import { keyOf } from './hash-key.ts';
import { allowOnly, numberOption } from './options.ts';
import { SchedulerOptionError, type BackendView, type PickContext, type Scheduler, type SchedulerFactory } from './types.ts';

export interface Permutation {
  readonly offset: number;
  readonly skip: number;
  readonly weight: number;
}

/** Pure Maglev population (the paper's Pseudocode 1, with Envoy's weighting). Returns, for each
 *  slot, the index of the permutation that owns it (−1 only when there are none). */
export function populate(perms: readonly Permutation[], size: number): Int32Array {
  const table = new Int32Array(size).fill(-1);
  const n = perms.length;
  if (n === 0) return table;
  const maxWeight = Math.max(...perms.map((p) => p.weight));
  const position = Float64Array.from(perms, (p) => p.offset % size); // slot of next[i]
  const target = Float64Array.from(perms, (p) => p.weight);
  let filled = 0;
  for (let round = 1; filled < size; round++) {
    for (let i = 0; i < n && filled < size; i++) {
      const p = perms[i]!;
      if (round * p.weight < target[i]!) continue;
      target[i]! += maxWeight;
      let c = position[i]!;
      while (table[c] !== -1) c = c + p.skip >= size ? c + p.skip - size : c + p.skip;
      table[c] = i;
      position[i] = c + p.skip >= size ? c + p.skip - size : c + p.skip;
      filled++;
    }
  }
  return table;
}

export function isPrime(n: number): boolean {
  if (n < 2 || !Number.isInteger(n)) return false;
  for (let d = 2; d * d <= n; d++) if (n % d === 0) return false;
  return true;
}

export function permutationFor(id: string, weight: number, size: number): Permutation {
  return { offset: murmur3(id, 0x4d41474c) % size, skip: (murmur3(id, 0x45565321) % (size - 1)) + 1, weight };
}

class Maglev implements Scheduler {
  readonly name = 'maglev';
  table: Int32Array = new Int32Array(0);
  backends: BackendView[] = [];

  constructor(private readonly size: number) {}

  update(input: readonly BackendView[]): void {
    this.backends = sortedById(input.filter((b) => b.usable && b.weight > 0));
    this.table = populate(
      this.backends.map((b) => permutationFor(b.id, b.weight, this.size)),
      this.size,
    );
  }

  pick(ctx: PickContext): BackendView | undefined {
    if (this.backends.length === 0) return undefined;
    const size = this.size;
    const home = keyOf(ctx) % size;
    // Slots next to each other belong to unrelated backends, so probing onward spreads the keys
    // of an avoided (or newly down) backend over the others.
    for (let s = 0; s < size; s++) {
      const b = this.backends[this.table[home + s < size ? home + s : home + s - size]!]!;
      if (canTake(b, ctx)) return b;
    }
    return undefined;
  }
}

export const maglev: SchedulerFactory = {
  name: 'maglev',
  description: 'Maglev lookup table (prime tableSize, default 65537), weighted',
  needsKey: true,
  create(options) {
    allowOnly('maglev', options, ['tableSize']);
    const size = numberOption('maglev', options, 'tableSize', { default: 65_537, min: 3, max: 5_000_011, integer: true });
    if (!isPrime(size)) throw new SchedulerOptionError('maglev', 'tableSize', `must be a prime number (e.g. 65537, 131071), got ${size}`);
    return new Maglev(size);
  },
};
