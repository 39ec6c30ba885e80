// Open-loop arrivals: requests come when they come, whatever the backends are doing. Poisson (the
// superposition of many independent clients) or constant spacing (the harness's wrk2-style open-loop
// generator), at a rate that bursts may multiply for a while. Each balancer gets its own process at
// its share of the rate (a sum of independent Poisson processes is Poisson at the summed rate).
//
// The rate is piecewise constant, so the next arrival after t integrates it: draw the work to the
// next arrival (Exp(1) for Poisson, exactly 1 for constant) and walk the pieces until it is used up.
import type { Rng } from '../rng.ts';

export interface Burst {
  /** Simulated milliseconds from the start. */
  readonly atMs: number;
  readonly durationMs: number;
  /** The rate is multiplied by this during the burst (bursts that overlap multiply). */
  readonly factor: number;
}

export interface ArrivalSpec {
  readonly kind: 'poisson' | 'constant';
  /** Requests per second over all balancers. */
  readonly rate: number;
  readonly bursts?: readonly Burst[];
}

/** The rate as pieces: factor[i] holds from edges[i] to edges[i+1] (the last piece for ever). */
export interface RatePieces {
  readonly edges: Float64Array;
  readonly factor: Float64Array;
}

export function ratePieces(bursts: readonly Burst[] = []): RatePieces {
  const cuts = [...new Set([0, ...bursts.flatMap((b) => [b.atMs, b.atMs + b.durationMs])])].filter((x) => x >= 0).sort((a, b) => a - b);
  const factor = cuts.map((t) => bursts.reduce((f, b) => (t >= b.atMs && t < b.atMs + b.durationMs ? f * b.factor : f), 1));
  return { edges: Float64Array.from(cuts), factor: Float64Array.from(factor) };
}

/** The mean number of arrivals per millisecond × duration: the integral of the rate over [0, untilMs). */
export function expectedArrivals(spec: ArrivalSpec, untilMs: number): number {
  const { edges, factor } = ratePieces(spec.bursts);
  let total = 0;
  for (let i = 0; i < edges.length; i++) {
    const from = edges[i] as number;
    const to = Math.min(untilMs, i + 1 < edges.length ? (edges[i + 1] as number) : Infinity);
    if (to > from) total += (to - from) * (factor[i] as number);
  }
  return (total * spec.rate) / 1000;
}

export class ArrivalProcess {
  private readonly perMs: number;
  private readonly pieces: RatePieces;
  private piece = 0;
  private first: boolean;

  /** @param share this balancer's fraction of the rate; @param phase constant spacing: the first arrival after phase × interval. */
  constructor(
    private readonly spec: ArrivalSpec,
    share: number,
    private readonly rng: Rng,
    private readonly phase = 1,
  ) {
    this.perMs = (spec.rate * share) / 1000;
    this.pieces = ratePieces(spec.bursts);
    this.first = true;
  }

  /** The next arrival strictly after `t` (simulated ms); Infinity if the rate is 0 from t on. */
  next(t: number): number {
    let work = this.spec.kind === 'poisson' ? -Math.log(1 - this.rng()) : this.first ? this.phase : 1;
    this.first = false;
    const { edges, factor } = this.pieces;
    let i = this.piece;
    while (i + 1 < edges.length && (edges[i + 1] as number) <= t) i++;
    for (;;) {
      const rate = this.perMs * (factor[i] as number);
      const end = i + 1 < edges.length ? (edges[i + 1] as number) : Infinity;
      if (rate > 0) {
        const at = t + work / rate;
        if (at <= end) {
          this.piece = i;
          return at > t ? at : t + Number.EPSILON * Math.max(1, t);
        }
        work -= (end - t) * rate;
      }
      if (end === Infinity) return Infinity;
      t = end;
      i++;
    }
  }
}
