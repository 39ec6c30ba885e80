// Weighted draw from a fixed list: backend i owns a slice of [0, total) as wide as its weight, and
// u in [0, 1) picks the slice holding u × total. Equal weights need no table (O(1)). Otherwise a
// guide table (Chen & Asau 1974, "On generating random variates from an empirical distribution")
// cuts [0, 1) into K = 2^k ≥ N equal cells and remembers, per cell, the first slice that can hold
// a u from it; a draw starts there and steps over the few slice ends inside the cell: O(1)
// expected (N/K ≤ 1 steps on average, whatever the weights), and exactly the slice a binary
// search over the cumulative weights finds, since both compare the same u × total with the same
// cumulative sums. Shared by wrandom and p2c.
import type { BackendView } from './types.ts';

export class WeightedDraw {
  private readonly cumulative: Float64Array;
  private readonly total: number;
  private readonly uniform: boolean;
  /** guide[j]: the first index whose cumulative weight exceeds (j / K) × total. */
  private readonly guide: Int32Array;
  private readonly cells: number;

  constructor(readonly list: readonly BackendView[]) {
    const n = list.length;
    this.cumulative = new Float64Array(n);
    let sum = 0;
    let uniform = true;
    for (let i = 0; i < n; i++) {
      sum += list[i]!.weight;
      this.cumulative[i] = sum;
      if (list[i]!.weight !== list[0]!.weight) uniform = false;
    }
    this.total = sum;
    this.uniform = uniform;
    // Equal weights draw without the table; so does an empty list.
    this.cells = uniform ? 0 : 2 ** Math.ceil(Math.log2(Math.max(2, n)));
    this.guide = new Int32Array(this.cells);
    for (let j = 0, i = 0; j < this.cells; j++) {
      // j / cells is exact (a power of two), so a u in cell j has u × total ≥ this product:
      // multiplying by a positive number keeps order under rounding.
      const start = (j / this.cells) * sum;
      while (i < n - 1 && this.cumulative[i]! <= start) i++;
      this.guide[j] = i;
    }
  }

  /** Index for u in [0, 1): the first backend whose cumulative weight exceeds u × total (the
   *  last one when rounding puts u × total at the total). */
  index(u: number): number {
    const n = this.list.length;
    if (this.uniform) return Math.min(n - 1, Math.floor(u * n));
    if (!(u >= 0 && u < 1)) return this.search(u * this.total); // outside the contract: as a plain search
    const target = u * this.total;
    const cumulative = this.cumulative;
    let i = this.guide[Math.floor(u * this.cells)]!;
    while (i < n - 1 && cumulative[i]! <= target) i++;
    return i;
  }

  /** The same answer by binary search (kept for u outside [0, 1), and as the reference in tests). */
  search(target: number): number {
    let lo = 0;
    let hi = this.list.length - 1;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (this.cumulative[mid]! > target) hi = mid;
      else lo = mid + 1;
    }
    return lo;
  }
}
