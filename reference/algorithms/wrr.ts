// wrr: weighted round robin, two variants that give the same shares in a different order.
//  - smooth (default, nginx ngx_http_upstream_round_robin.c): every pick adds each weight to a
//    running score, takes the highest score and subtracts the total; 5:1:1 → a a b a c a a.
//  - interleaved (Linux IPVS ip_vs_wrr.c): a current weight steps down by gcd(weights) from the
//    maximum; a backend is taken while its weight ≥ the current weight; 5:1:1 → a a a a a b c.
// Weights are static between update() calls, so the whole period (sum of weight/gcd picks) is
// computed once and pick() is a table lookup; a period longer than TABLE_LIMIT runs the loop live.
// Non-integer weights (slow start) are scaled ×100 and rounded for the interleaved variant.
import { canTake } from './eligible.ts';
import { allowOnly, enumOption } from './options.ts';
import type { BackendView, PickContext, Scheduler, SchedulerFactory } from './types.ts';

const TABLE_LIMIT = 1 << 16;

type Variant = 'smooth' | 'interleaved';

function gcd(a: number, b: number): number {
  while (b) [a, b] = [b, a % b];
  return a;
}

/** One live step of the chosen variant over `list`; state lives in the caller's object. */
interface Stepper {
  step(ctx: PickContext): number;
}

class SmoothStepper implements Stepper {
  private readonly current: Float64Array;
  constructor(
    private readonly list: readonly BackendView[],
    private readonly weights: readonly number[],
  ) {
    this.current = new Float64Array(list.length);
  }
  step(ctx: PickContext): number {
    let best = -1;
    let total = 0;
    for (let i = 0; i < this.list.length; i++) {
      if (!canTake(this.list[i]!, ctx)) continue;
      const w = this.weights[i]!;
      this.current[i]! += w;
      total += w;
      if (best < 0 || this.current[i]! > this.current[best]!) best = i;
    }
    if (best >= 0) this.current[best]! -= total;
    return best;
  }
}

class InterleavedStepper implements Stepper {
  private index = -1;
  private cw = 0;
  private readonly g: number;
  private readonly max: number;
  constructor(
    private readonly list: readonly BackendView[],
    private readonly weights: readonly number[],
  ) {
    this.g = weights.reduce((a, w) => gcd(a, w), 0) || 1;
    this.max = Math.max(0, ...weights);
  }
  step(ctx: PickContext): number {
    const n = this.list.length;
    // One full descent of cw visits every (backend, level) pair once: bound the search by it.
    const bound = n * (this.max / this.g + 1);
    for (let s = 0; s < bound; s++) {
      this.index = (this.index + 1) % n;
      if (this.index === 0) {
        this.cw -= this.g;
        if (this.cw <= 0) this.cw = this.max;
      }
      if (this.weights[this.index]! >= this.cw && canTake(this.list[this.index]!, ctx)) return this.index;
    }
    return -1;
  }
}

class WeightedRoundRobin implements Scheduler {
  readonly name = 'wrr';
  private list: BackendView[] = [];
  private table: Int32Array | undefined;
  private position = 0;
  private live: Stepper | undefined;

  constructor(private readonly variant: Variant) {}

  update(backends: readonly BackendView[]): void {
    this.list = backends.filter((b) => b.usable && b.weight > 0);
    const raw = this.list.map((b) => b.weight);
    const integral = raw.every(Number.isInteger);
    const weights = this.variant === 'interleaved' && !integral ? raw.map((w) => Math.max(1, Math.round(w * 100))) : raw;
    const stepper = () =>
      this.variant === 'smooth' ? new SmoothStepper(this.list, weights) : new InterleavedStepper(this.list, weights);
    this.position = 0;
    this.table = undefined;
    this.live = undefined;
    const period = integral || this.variant === 'interleaved' ? periodOf(weights) : Infinity;
    if (period <= TABLE_LIMIT) {
      const builder = stepper();
      const everyone: PickContext = { now: () => 0, rng: () => 0 };
      this.table = new Int32Array(period);
      for (let i = 0; i < period; i++) this.table[i] = builder.step(everyone);
    } else {
      this.live = stepper();
    }
  }

  pick(ctx: PickContext): BackendView | undefined {
    const table = this.table;
    if (table) {
      const len = table.length;
      for (let s = 0; s < len; s++) {
        const p = this.position + s < len ? this.position + s : this.position + s - len;
        const b = this.list[table[p]!]!;
        if (canTake(b, ctx)) {
          this.position = p + 1 === len ? 0 : p + 1;
          return b;
        }
      }
      return undefined;
    }
    const i = this.live ? this.live.step(ctx) : -1;
    return i >= 0 ? this.list[i] : undefined;
  }
}

function periodOf(weights: readonly number[]): number {
  if (weights.length === 0) return 0;
  const g = weights.reduce((a, w) => gcd(a, w), 0) || 1;
  return weights.reduce((sum, w) => sum + w / g, 0);
}

export const wrr: SchedulerFactory = {
  name: 'wrr',
  description: 'weighted round robin; variant smooth (nginx, default) or interleaved (IPVS)',
  needsKey: false,
  create(options) {
    allowOnly('wrr', options, ['variant']);
    return new WeightedRoundRobin(enumOption('wrr', options, 'variant', ['smooth', 'interleaved'] as const, 'smooth'));
  },
};
