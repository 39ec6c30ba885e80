// Avoid-on-retry: a retry passes the backends that already failed it in ctx.avoid; every
// scheduler skips them. When that leaves nothing, this wrapper asks again without the avoid set:
// a second try on a backend that failed is better than no try at all. (HAProxy passes a server to
// avoid to every pick; Envoy's retry host predicate "previous_hosts" does the same.)
import type { BackendView, PickContext, Scheduler, WorkResult } from '../types.ts';

export function avoidOnRetry(inner: Scheduler): Scheduler {
  return {
    name: inner.name,
    update: (backends: readonly BackendView[]) => inner.update(backends),
    pick(ctx: PickContext): BackendView | undefined {
      const b = inner.pick(ctx);
      if (b || !ctx.avoid || ctx.avoid.size === 0) return b;
      const withoutAvoid: PickContext = {
        ...(ctx.key !== undefined ? { key: ctx.key } : {}),
        ...(ctx.attempt !== undefined ? { attempt: ctx.attempt } : {}),
        now: () => ctx.now(),
        rng: () => ctx.rng(),
      };
      return inner.pick(withoutAvoid);
    },
    ...(inner.done ? { done: (backend: BackendView, result: WorkResult) => inner.done!(backend, result) } : {}),
  };
}
