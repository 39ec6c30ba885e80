// Bounded load (consistent hashing with bounded loads, Mirrokni et al. 2016; HAProxy
// `hash-balance-factor`, Envoy `hash_balance_factor`). A backend may hold at most
// ceil((total active + 1) × factor/100 × weight/Σweight) — with equal weights, ceil(average ×
// factor/100) — counting the new unit. When the inner scheduler's choice is full, it is added to
// the avoid set and the inner scheduler asked again, so a hashing scheduler walks on to its next
// candidate (the next ring point, the next Maglev slot) and keys stay as sticky as the bound allows.
// factor ≥ 100; 125 lets a backend run 25 % above its fair share.
import { canTake } from '../eligible.ts';
import type { BackendView, PickContext, Scheduler, WorkResult } from '../types.ts';

export function boundedLoad(inner: Scheduler, factor: number): Scheduler {
  let list: readonly BackendView[] = [];
  /** The bound as of now: total active and eligible weight are read live from the pool. */
  const boundFor = (ctx: PickContext): ((x: BackendView) => boolean) => {
    let totalActive = 0;
    let totalWeight = 0;
    for (const x of list) {
      totalActive += x.active;
      if (canTake(x, ctx)) totalWeight += x.weight;
    }
    const slots = ((totalActive + 1) * factor) / 100;
    return (x) => x.active + 1 <= Math.ceil((slots * x.weight) / totalWeight);
  };
  return {
    name: inner.name,
    update(backends: readonly BackendView[]) {
      list = [...backends];
      inner.update(backends);
    },
    pick(ctx: PickContext): BackendView | undefined {
      const first = inner.pick(ctx);
      if (!first) return undefined;
      const fits = boundFor(ctx);
      if (fits(first)) return first;
      const avoid = new Set(ctx.avoid ?? []);
      avoid.add(first.id);
      const walk: PickContext = {
        ...(ctx.key !== undefined ? { key: ctx.key } : {}),
        ...(ctx.attempt !== undefined ? { attempt: ctx.attempt } : {}),
        avoid,
        now: () => ctx.now(),
        rng: () => ctx.rng(),
      };
      for (let i = 0; i < list.length; i++) {
        const next = inner.pick(walk);
        if (!next) break;
        if (fits(next)) return next;
        avoid.add(next.id);
      }
      return first; // everyone is at the bound (only possible with factor near 100): keep the hash choice
    },
    ...(inner.done ? { done: (backend: BackendView, result: WorkResult) => inner.done!(backend, result) } : {}),
  };
}
