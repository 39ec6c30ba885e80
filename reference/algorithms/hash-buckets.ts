// IPVS sh/dh bucket table: 2^bits buckets, each naming a backend. Backends (sorted by id, so the
// table does not depend on list order) fill buckets in turn, a weighted backend taking `weight`
// consecutive buckets (IPVS sh) or one each (IPVS dh); weight 0 still holds one bucket, as in
// IPVS, so quiescing a backend does not reshuffle the others. A key whose bucket's backend cannot
// take work is re-hashed to another bucket (IPVS sh-fallback), so other keys keep their backend
// when one goes down. IPVS probes the next buckets in line; re-hashing instead spreads the keys of
// a down backend over all the others rather than piling them onto its neighbour.
import { fmix32 } from '../keys/index.ts';
import { canTake, sortedById } from './eligible.ts';
import { hash32 } from './hash-key.ts';
import type { BackendView, PickContext } from './types.ts';

export class HashBuckets {
  private table: Int32Array = new Int32Array(0);
  private list: BackendView[] = [];

  constructor(
    private readonly bits: number,
    private readonly weighted: boolean,
  ) {}

  update(backends: readonly BackendView[]): void {
    this.list = sortedById(backends);
    const size = 1 << this.bits;
    this.table = new Int32Array(size).fill(-1);
    if (this.list.length === 0) return;
    let d = 0;
    let count = 0;
    for (let i = 0; i < size; i++) {
      this.table[i] = d;
      const w = this.weighted ? Math.round(this.list[d]!.weight) : 1;
      if (++count >= w) {
        d = (d + 1) % this.list.length;
        count = 0;
      }
    }
  }

  /** Bucket owners in order (for tests and quality figures). */
  owners(): string[] {
    return Array.from(this.table, (i) => this.list[i]?.id ?? '-');
  }

  pick(key: number, ctx: PickContext): BackendView | undefined {
    const size = this.table.length;
    if (this.list.length === 0) return undefined;
    const home = hash32(key, this.bits);
    let bucket = home;
    for (let attempt = 1; attempt <= 2 * size; attempt++) {
      const b = this.list[this.table[bucket]!]!;
      if (canTake(b, ctx)) return b;
      bucket = hash32(fmix32((key + attempt) >>> 0), this.bits);
    }
    for (let offset = 0; offset < size; offset++) {
      const b = this.list[this.table[(home + offset) & (size - 1)]!]!;
      if (canTake(b, ctx)) return b;
    }
    // Every bucket's backend is out (a table can hold fewer backends than the pool): scan.
    for (let s = 0; s < this.list.length; s++) {
      const b = this.list[(home + s) % this.list.length]!;
      if (canTake(b, ctx)) return b;
    }
    return undefined;
  }
}
