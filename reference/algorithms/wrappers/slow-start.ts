// Slow start (Envoy slow_start_config): a backend that joins, or becomes usable again, gets its
// weight scaled by max(minWeightPercent/100, (t / window)^(1/aggression)) for `windowMs`, where
// t is the time since it started (at least 1 ms; Envoy counts whole seconds, at least 1 s).
// aggression 1 is a linear ramp; larger values ramp faster at first. The wrapped scheduler sees
// views with the scaled weight; they are refreshed (inner.update) every refreshMs while any backend
// is ramping, so table-building schedulers rebuild a bounded number of times. Time comes in
// through `now` (Envoy's TimeSource), so the wrapper stays pure and testable.
import type { BackendView, PickContext, Scheduler, WorkResult } from '../types.ts';

export interface SlowStartOptions {
  readonly windowMs: number;
  /** Default 1 (linear). */
  readonly aggression?: number;
  /** Default 10 (Envoy's default). */
  readonly minWeightPercent?: number;
  /** How often weights are recomputed while ramping; default windowMs / 20. */
  readonly refreshMs?: number;
  readonly now: () => number;
}

/** Envoy's weight factor for a backend that started `elapsedMs` ago. */
export function slowStartFactor(elapsedMs: number, windowMs: number, aggression = 1, minWeightPercent = 10): number {
  if (elapsedMs >= windowMs) return 1;
  const timeFactor = Math.max(elapsedMs, 1) / windowMs;
  return Math.min(1, Math.max(minWeightPercent / 100, timeFactor ** (1 / aggression)));
}

class ScaledView implements BackendView {
  factor = 1;
  constructor(readonly base: BackendView) {}
  get id() {
    return this.base.id;
  }
  get weight() {
    return this.base.weight * this.factor;
  }
  get usable() {
    return this.base.usable;
  }
  get active() {
    return this.base.active;
  }
}

export function slowStart(inner: Scheduler, o: SlowStartOptions): Scheduler {
  const aggression = o.aggression ?? 1;
  const minPercent = o.minWeightPercent ?? 10;
  const refreshMs = o.refreshMs ?? o.windowMs / 20;
  const started = new Map<string, number>();
  const wasUsable = new Map<string, boolean>();
  let views: ScaledView[] = [];
  let viewById = new Map<string, ScaledView>();
  let lastRefresh = -Infinity;
  let ramping = false;

  const refresh = (now: number) => {
    ramping = false;
    for (const v of views) {
      const t0 = started.get(v.id);
      v.factor = t0 === undefined ? 1 : slowStartFactor(now - t0, o.windowMs, aggression, minPercent);
      if (v.factor < 1) ramping = true;
    }
    lastRefresh = now;
    inner.update(views);
  };

  return {
    name: inner.name,
    update(backends: readonly BackendView[]) {
      const now = o.now();
      const byId = new Map(views.map((v) => [v.base, v]));
      views = backends.map((b) => byId.get(b) ?? new ScaledView(b));
      for (const b of backends) {
        if (b.usable && wasUsable.get(b.id) !== true) started.set(b.id, now);
        wasUsable.set(b.id, b.usable);
      }
      viewById = new Map(views.map((v) => [v.id, v]));
      for (const id of [...started.keys()]) {
        if (viewById.has(id)) continue;
        started.delete(id);
        wasUsable.delete(id);
      }
      refresh(now);
    },
    pick(ctx: PickContext): BackendView | undefined {
      if (ramping) {
        const now = o.now();
        if (now - lastRefresh >= refreshMs) refresh(now);
      }
      const v = inner.pick(ctx);
      return v instanceof ScaledView ? v.base : v;
    },
    ...(inner.done
      ? {
          done: (backend: BackendView, result: WorkResult) => {
            inner.done!(viewById.get(backend.id) ?? backend, result);
          },
        }
      : {}),
  };
}
