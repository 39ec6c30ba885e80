// rendezvous: highest random weight (Thaler & Ravishankar 1998). Every backend scores the key
// with its own hash h in (0, 1); the highest score wins. Weighted by the logarithmic method
// (Schindelhauer & Schomaker; "weighted rendezvous hashing"): score = −w / ln(h), which gives each
// backend exactly a w/Σw share and moves only the keys of a removed backend. O(N) per pick, no table
// (by definition every backend scores the key); a cheap bound spares the log for most of them.
import { fmix32, murmur3 } from '../keys/index.ts';
import { canTake, sortedById } from './eligible.ts';
import { keyOf } from './hash-key.ts';
import { allowOnly } from './options.ts';
import type { BackendView, PickContext, Scheduler, SchedulerFactory } from './types.ts';

/** Far above the relative rounding error of the score and its bound (a few units of 2^−53). */
const BOUND_MARGIN = 1 + 1e-9;

class Rendezvous implements Scheduler {
  readonly name = 'rendezvous';
  private backends: BackendView[] = [];
  private seeds = new Uint32Array(0);
  /** All weights equal: −w/ln(h) is monotonic in h, so the highest h wins and no log is needed. */
  private uniform = true;

  update(input: readonly BackendView[]): void {
    this.backends = sortedById(input);
    this.seeds = Uint32Array.from(this.backends, (b) => murmur3(b.id, 0x48525700));
    this.uniform = this.backends.every((b) => b.weight === this.backends[0]!.weight);
  }

  pick(ctx: PickContext): BackendView | undefined {
    const key = fmix32(keyOf(ctx));
    let best: BackendView | undefined;
    let bestScore = -Infinity;
    for (let i = 0; i < this.backends.length; i++) {
      const b = this.backends[i]!;
      if (!canTake(b, ctx)) continue;
      const h = fmix32((key ^ this.seeds[i]!) >>> 0);
      let score = h;
      if (!this.uniform) {
        const u = (h + 0.5) / 4294967296; // exact, and so is 1 − u (at least 2^−33)
        // −ln u ≥ 1 − u, so the score −w/ln u is at most w/(1 − u): a backend whose bound does not
        // reach the best so far cannot win, and needs no log (the margin covers rounding).
        if (b.weight * BOUND_MARGIN < bestScore * (1 - u)) continue;
        score = -b.weight / Math.log(u);
      }
      if (score > bestScore) {
        best = b;
        bestScore = score;
      }
    }
    return best;
  }
}

export const rendezvous: SchedulerFactory = {
  name: 'rendezvous',
  description: 'rendezvous / highest random weight hashing, weighted (−w/ln h)',
  needsKey: true,
  create(options) {
    allowOnly('rendezvous', options, []);
    return new Rendezvous();
  },
};
