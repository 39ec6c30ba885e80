// Weighted draw from a fixed list: cumulative weights built once, a binary search per draw
// (O(log N)); equal weights skip the search (O(1)). Shared by wrandom and p2c.
import type { BackendView } from './types.ts';

export class WeightedDraw {
  private cumulative = new Float64Array(0);
  private total = 0;
  private uniform = true;

  constructor(readonly list: readonly BackendView[]) {
    this.cumulative = new Float64Array(list.length);
    let sum = 0;
    list.forEach((b, i) => {
      sum += b.weight;
      this.cumulative[i] = sum;
      if (b.weight !== list[0]!.weight) this.uniform = false;
    });
    this.total = sum;
  }

  /** Index for u in [0, 1): backend i owns a slice of [0, total) as wide as its weight. */
  index(u: number): number {
    const n = this.list.length;
    if (this.uniform) return Math.min(n - 1, Math.floor(u * n));
    const target = u * this.total;
    let lo = 0;
    let hi = n - 1;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (this.cumulative[mid]! > target) hi = mid;
      else lo = mid + 1;
    }
    return lo;
  }
}
