import { describe, expect, it } from 'vitest';
import { canTake } from './eligible.ts';
import { LeastScan, type LeastCost } from './least.ts';
import { sedCheaper } from './sed.ts';
import { backend, context, seededRng, type TestBackend } from './testkit.ts';
import type { BackendView, PickContext } from './types.ts';
import { wlcCheaper } from './wlc.ts';

type Cheaper = (a: BackendView, b: BackendView) => boolean;

/** The scan as first written: a comparison function called per backend against the best so far. */
class ReferenceScan {
  private last = -1;
  constructor(
    private readonly list: readonly BackendView[],
    private readonly cheaper: Cheaper,
  ) {}
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

const costs: Array<[string, LeastCost, Cheaper, boolean]> = [
  ['lc', 'active', (a, b) => a.active < b.active, false],
  ['wlc', 'active/weight', wlcCheaper, false],
  ['sed', '(active+1)/weight', sedCheaper, false],
  ['nq', '(active+1)/weight', sedCheaper, true], // an idle backend first
];

describe('LeastScan', () => {
  it.each(costs)('%s (cost %s) picks exactly what the comparison-function scan picks', (name, cost, cheaper, preferIdle) => {
    const rng = seededRng(name.length * 7 + cost.length);
    const prefer = preferIdle ? (b: BackendView) => b.active === 0 : undefined;
    for (let round = 0; round < 200; round++) {
      const n = Math.floor(rng() * 10);
      const list: TestBackend[] = Array.from({ length: n }, (_, i) => {
        const r = rng();
        const weight = r < 0.1 ? 0 : r < 0.3 ? 0.25 + rng() * 3 : 1 + Math.floor(rng() * 5);
        return backend(`b${i}`, weight, Math.floor(rng() * 4), rng() > 0.15);
      });
      const scan = new LeastScan(cost);
      scan.update(list);
      const reference = new ReferenceScan(list, cheaper);
      for (let k = 0; k < 30; k++) {
        const avoid = k % 3 === 0 ? new Set(list.filter(() => rng() < 0.3).map((b) => b.id)) : undefined;
        const ctx = context(avoid ? { avoid } : {});
        const want = reference.pick(ctx, prefer);
        expect(scan.pick(ctx, prefer)?.id, `round ${round} pick ${k}`).toBe(want?.id);
        // Work comes and goes in place between picks, as the pool does it.
        if (want) (want as TestBackend).active++;
        const other = list[Math.floor(rng() * Math.max(1, n))];
        if (other && other.active > 0 && rng() < 0.5) other.active--;
      }
    }
  });
});
