// What each balancer knows about the backends: the BackendView objects its scheduler reads, as the
// reference's pool hands them (id, weight, usable, active — mutated in place, live between calls).
//   global: every balancer sees the true in-flight count of every backend (one balancer, or an oracle);
//   local:  each balancer counts only the requests it sent itself (independent balancers, client-side
//           balancing: the partial view);
//   stale:  each balancer learns every backend's true count every refreshMs (load reports) and adds
//           its own sends and completions since: the others' load is as old as the last report. With
//           least connections every balancer then sees the same least-loaded backend and sends it
//           its work at once: the herd effect that power of two choices was proposed against.
//           own: false leaves out the balancer's own sends too: only the last report counts
//           (Mitzenmacher's periodic-update "bulletin board", where the herd is strongest).
import type { BackendView } from '../../reference/index.ts';
import type { SimBackendSpec } from './backends.ts';

export type ViewSpec = { readonly kind: 'global' } | { readonly kind: 'local' } | { readonly kind: 'stale'; readonly refreshMs: number; readonly own: boolean };

export interface SimView extends BackendView {
  weight: number;
  usable: boolean;
  active: number;
  /** Index into the fleet, so a pick maps back to the backend without a lookup by id. */
  readonly index: number;
}

export class BalancerViews {
  private readonly lists: SimView[][];
  /** False for a board-only stale view: sends and completions do not move what a balancer sees. */
  private readonly counts: boolean;

  constructor(
    readonly spec: ViewSpec,
    backends: readonly SimBackendSpec[],
    readonly balancers: number,
  ) {
    const make = () => backends.map((b, index): SimView => ({ id: b.id, weight: b.weight, usable: true, active: 0, index }));
    const shared = spec.kind === 'global' ? make() : undefined;
    this.lists = Array.from({ length: balancers }, () => shared ?? make());
    this.counts = spec.kind !== 'stale' || spec.own;
  }

  list(balancer: number): SimView[] {
    return this.lists[balancer] as SimView[];
  }

  /** Balancer k sent a request to b (delta +1) or saw it finish (−1). */
  count(k: number, b: number, delta: number): void {
    // global views are shared: every balancer's send moves the one true count.
    if (this.counts) ((this.lists[k] as SimView[])[b] as SimView).active += delta;
  }

  /** A load report reaches balancer k: every view takes the backends' true counts. */
  refresh(k: number, inFlight: Int32Array): void {
    const list = this.lists[k] as SimView[];
    for (let b = 0; b < list.length; b++) (list[b] as SimView).active = inFlight[b] as number;
  }

  /** Health as every balancer sees it (they all run the same checks). */
  setUsable(b: number, usable: boolean): void {
    const seen = new Set<SimView[]>();
    for (const list of this.lists) {
      if (seen.has(list)) continue;
      seen.add(list);
      (list[b] as SimView).usable = usable;
    }
  }
}
