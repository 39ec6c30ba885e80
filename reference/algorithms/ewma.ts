// ewma: least response time by peak EWMA (Finagle's PeakEwma, Linkerd's balancer).
// Each backend keeps a latency estimate: a slower sample replaces it at once (peak), a faster
// one blends in with weight 1 − exp(−Δt/τ), and between samples it decays toward 0 with the same
// τ (the decay window, option decayMs). Cost = estimate × (active + 1); the cheapest eligible
// backend wins, ties round robin. A backend with no sample yet costs 0 while idle (so it gets
// tried) and a large penalty while it has work in flight (Finagle's rule), so a new backend is
// probed one request at a time. Time comes from ctx.now() and WorkResult.now, never a clock.
// The pick is O(N) by definition (every estimate decays with time and active counts change in
// place); each list position holds its backend's estimate, so the scan does no lookup by id.
import { canTake } from './eligible.ts';
import { allowOnly, numberOption } from './options.ts';
import type { BackendView, PickContext, Scheduler, SchedulerFactory, WorkResult } from './types.ts';

const UNPROBED_PENALTY = 1e12;

interface Estimate {
  latencyMs: number;
  stamp: number;
}

class PeakEwma implements Scheduler {
  readonly name = 'ewma';
  private list: readonly BackendView[] = [];
  private readonly estimates = new Map<string, Estimate>();
  /** at[i] = estimates.get(list[i].id): resolved on update and when a backend's first sample arrives. */
  private at: Array<Estimate | undefined> = [];
  private last = -1;

  constructor(private readonly decayMs: number) {}

  update(backends: readonly BackendView[]): void {
    this.list = [...backends];
    const ids = new Set(backends.map((b) => b.id));
    for (const id of this.estimates.keys()) if (!ids.has(id)) this.estimates.delete(id);
    if (this.last >= this.list.length) this.last = -1;
    this.at = this.list.map((b) => this.estimates.get(b.id));
  }

  /** The estimate as of `now`, decayed since its last sample. */
  latency(id: string, now: number): number | undefined {
    const e = this.estimates.get(id);
    if (!e) return undefined;
    return e.latencyMs * Math.exp(-Math.max(0, now - e.stamp) / this.decayMs);
  }

  pick(ctx: PickContext): BackendView | undefined {
    const now = ctx.now();
    const list = this.list;
    const at = this.at;
    const n = list.length;
    let best = -1;
    let bestCost = Infinity;
    let i = this.last;
    for (let step = 0; step < n; step++) {
      i = i + 1 < n ? i + 1 : 0;
      const b = list[i]!;
      if (!canTake(b, ctx)) continue;
      // The cost, as latency() decays it: estimate × (active + 1); no sample: 0 idle, else a penalty.
      const e = at[i];
      const c =
        e === undefined
          ? b.active === 0
            ? 0
            : UNPROBED_PENALTY * b.active
          : e.latencyMs * Math.exp(-Math.max(0, now - e.stamp) / this.decayMs) * (b.active + 1);
      if (best < 0 || c < bestCost) {
        best = i;
        bestCost = c;
      }
    }
    if (best < 0) return undefined;
    this.last = best;
    return list[best];
  }

  done(backend: BackendView, result: WorkResult): void {
    const e = this.estimates.get(backend.id);
    if (!e) {
      const first = { latencyMs: result.latencyMs, stamp: result.now };
      this.estimates.set(backend.id, first);
      for (let i = 0; i < this.list.length; i++) if (this.list[i]!.id === backend.id) this.at[i] = first;
      return;
    }
    const w = Math.exp(-Math.max(0, result.now - e.stamp) / this.decayMs);
    e.latencyMs = result.latencyMs > e.latencyMs ? result.latencyMs : e.latencyMs * w + result.latencyMs * (1 - w);
    e.stamp = Math.max(e.stamp, result.now);
  }
}

export const ewma: SchedulerFactory = {
  name: 'ewma',
  description: 'least response time: peak-EWMA latency × (active+1), decay window decayMs (Finagle/Linkerd)',
  needsKey: false,
  create(options) {
    allowOnly('ewma', options, ['decayMs']);
    return new PeakEwma(numberOption('ewma', options, 'decayMs', { default: 10_000, min: 1, max: 3_600_000 }));
  },
};
