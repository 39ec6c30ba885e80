// Shared scan for the "least loaded" family (lc, wlc, sed, nq, lblc's fallback): the eligible
// backend with the lowest cost wins; ties go round robin, starting after the previous winner,
// so equal backends share work instead of the first in the list taking it all.
import { canTake } from './eligible.ts';
import type { BackendView, PickContext } from './types.ts';

/** True when a costs strictly less than b. Written as a comparison so weighted costs can
 *  cross-multiply (as IPVS does) instead of dividing. */
export type Cheaper = (a: BackendView, b: BackendView) => boolean;

export class LeastScan {
  private last = -1;
  private list: readonly BackendView[] = [];

  constructor(private readonly cheaper: Cheaper) {}

  update(backends: readonly BackendView[]): void {
    this.list = [...backends];
    if (this.last >= this.list.length) this.last = -1;
  }

  pick(ctx: PickContext, prefer?: (b: BackendView) => boolean): BackendView | undefined {
    const n = this.list.length;
    let best = -1;
    for (let step = 1; step <= n; step++) {
      const i = (this.last + step) % n;
      const b = this.list[i]!;
      if (!canTake(b, ctx)) continue;
      if (prefer?.(b)) {
        best = i;
        break;
      }
      if (best < 0 || this.cheaper(b, this.list[best]!)) best = i;
    }
    if (best < 0) return undefined;
    this.last = best;
    return this.list[best];
  }
}
