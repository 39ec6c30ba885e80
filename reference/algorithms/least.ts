// Shared scan for the "least loaded" family (lc, wlc, sed, nq, lblc's fallback): the eligible
// backend with the lowest cost wins; ties go round robin, starting after the previous winner,
// so equal backends share work instead of the first in the list taking it all.
// The scan is O(N), as in IPVS: active counts change in place, unseen by the scheduler, so only a
// look at every backend finds the least loaded. The cost is written into the loop (one branch on
// the kind, not a call per backend) and the best so far is kept in locals: the same comparisons
// as wlc.ts's and sed.ts's Cheaper functions, a few times cheaper per backend.
import { canTake } from './eligible.ts';
import type { BackendView, PickContext } from './types.ts';

/** What "cost" means: active (lc), active / weight (wlc), (active + 1) / weight (sed, nq). Weighted
 *  costs are compared by cross-multiplication (as IPVS does) instead of dividing. */
export type LeastCost = 'active' | 'active/weight' | '(active+1)/weight';

const ACTIVE = 0;
const PER_WEIGHT = 1;
const PLUS_ONE_PER_WEIGHT = 2;

export class LeastScan {
  private last = -1;
  private list: readonly BackendView[] = [];
  private readonly kind: number;

  constructor(cost: LeastCost) {
    this.kind = cost === 'active' ? ACTIVE : cost === 'active/weight' ? PER_WEIGHT : PLUS_ONE_PER_WEIGHT;
  }

  update(backends: readonly BackendView[]): void {
    this.list = [...backends];
    if (this.last >= this.list.length) this.last = -1;
  }

  /** The cheapest eligible backend, scanning from the one after the last winner; the first one
   *  `prefer` accepts wins at once (nq's idle backend). */
  pick(ctx: PickContext, prefer?: (b: BackendView) => boolean): BackendView | undefined {
    const list = this.list;
    const n = list.length;
    const kind = this.kind;
    let best = -1;
    let bestActive = 0;
    let bestWeight = 0;
    let i = this.last;
    for (let step = 0; step < n; step++) {
      i = i + 1 < n ? i + 1 : 0;
      const b = list[i]!;
      if (!canTake(b, ctx)) continue;
      if (prefer !== undefined && prefer(b)) {
        best = i;
        break;
      }
      const active = b.active;
      const weight = b.weight;
      if (
        best < 0 ||
        (kind === ACTIVE
          ? active < bestActive
          : kind === PER_WEIGHT
            ? active * bestWeight < bestActive * weight
            : (active + 1) * bestWeight < (bestActive + 1) * weight)
      ) {
        best = i;
        bestActive = active;
        bestWeight = weight;
      }
    }
    if (best < 0) return undefined;
    this.last = best;
    return list[best];
  }
}
