// The micro-benchmark cases (pure setup, no timing here): pick() for every scheduler at each N,
// and table builds for ring and maglev. Every pick case reuses one context whose key and random
// numbers come from precomputed arrays, so the timed loop measures the scheduler, not the harness.
import { schedulerFactory, schedulerNames, type BackendView, type PickContext, type Scheduler, fmix32 } from '../../reference/index.ts';

/** How pick cost should grow with N, as the algorithm is designed. */
export type Complexity = 'O(1)' | 'O(log N)' | 'O(N)';

/** Design complexity of each scheduler's pick (amortised or expected, all backends eligible).
 *  wrandom and p2c draw through a guide table: O(1) expected steps, whatever the weights. iphash
 *  looks nginx's weight walk up in a table built on update (whole weights; fractional ones walk). */
export const DESIGN_COMPLEXITY: Readonly<Record<string, Complexity>> = {
  rr: 'O(1)', wrr: 'O(1)', lc: 'O(N)', wlc: 'O(N)', sed: 'O(N)', nq: 'O(N)',
  random: 'O(1)', wrandom: 'O(1)', p2c: 'O(1)', ewma: 'O(N)',
  sh: 'O(1)', dh: 'O(1)', iphash: 'O(1)', ring: 'O(log N)', maglev: 'O(1)', rendezvous: 'O(N)',
  lblc: 'O(1)', lblcr: 'O(1)', fo: 'O(1)', ovf: 'O(1)', first: 'O(1)',
};

export interface MicroCase {
  readonly kind: 'pick' | 'build';
  readonly scheduler: string;
  readonly n: number;
  /** Operations per call of `run` (a batch amortises the timer's own cost). */
  readonly batch: number;
  /** Builds the state; returns the function to time. */
  setup(): () => void;
}

const KEYS = 4096; // a power of two: the loop wraps with a mask

/** A pool as a balancer sees it: mixed weights 1–5, mixed active counts, all usable. */
export function benchPool(n: number): BackendView[] {
  return Array.from({ length: n }, (_, i) => ({
    id: `b${String(i).padStart(5, '0')}`,
    weight: 1 + (i % 5),
    usable: true,
    active: 3 + (fmix32(i) % 7),
  }));
}

function scheduler(name: string, n: number): Scheduler {
  const options = name === 'first' ? { maxconn: 8 } : undefined;
  const s = schedulerFactory(name)!.create(options);
  const pool = benchPool(n);
  s.update(pool);
  if (s.done) pool.forEach((b, i) => s.done!(b, { latencyMs: 1 + (i % 13), ok: true, now: 0 }));
  return s;
}

function pickCase(name: string, n: number, batch: number): MicroCase {
  return {
    kind: 'pick',
    scheduler: name,
    n,
    batch,
    setup() {
      const s = scheduler(name, n);
      const keys = Uint32Array.from({ length: KEYS }, (_, i) => fmix32(i + 1));
      const uniforms = Float64Array.from(keys, (k) => k / 4294967296);
      let u = 0;
      // A plain data property (a getter costs more than a maglev lookup), set before each pick.
      const ctx: { key: number; now(): number; rng(): number } = { key: 0, now: () => 0, rng: () => uniforms[u++ & (KEYS - 1)]! };
      return freshLoop(s, ctx, keys, batch, name, n);
    },
  };
}

/** The timed loop, compiled anew for each case: one shared loop would see every scheduler class at
 *  its pick() call, go megamorphic and charge every scheduler for the dispatch (benchmark.js also
 *  compiles each test separately). The source must differ per case: V8 caches `new Function` by
 *  source, and loops compiled from one cached source share their call-site feedback — after four
 *  scheduler classes, pick() went megamorphic anyway (random 10 → 20 ns late in a full run). The
 *  case (scheduler, N) names the source; one case twice shares feedback of one class only. */
function freshLoop(s: Scheduler, ctx: PickContext & { key: number }, keys: Uint32Array, batch: number, name: string, n: number): () => void {
  const body = `// pick ${name.replace(/[^a-z0-9]/gi, '')} N=${n}
    let i = 0;
    return function run() {
      for (let b = 0; b < batch; b++) {
        ctx.key = keys[i++ & ${KEYS - 1}];
        if (s.pick(ctx) === undefined) throw new Error(name + ' picked nothing');
      }
    };`;
  return new Function('s', 'ctx', 'keys', 'batch', 'name', body)(s, ctx, keys, batch, name) as () => void;
}

function buildCase(name: 'ring' | 'maglev', n: number): MicroCase {
  return {
    kind: 'build',
    scheduler: name,
    n,
    batch: 1,
    setup() {
      const pool = benchPool(n).map((b) => ({ ...b, weight: 1 }));
      const options = name === 'maglev' ? { tableSize: 65_537 } : undefined;
      return () => schedulerFactory(name)!.create(options).update(pool);
    },
  };
}

/** Pick cases at every N (batch sized so a sample is well above timer resolution), then builds. */
export function microCases(ns: readonly number[], buildN: number, only?: readonly string[]): MicroCase[] {
  const names = schedulerNames().filter((n) => !only || only.includes(n));
  const picks = names.flatMap((name) =>
    ns.map((n) => pickCase(name, n, DESIGN_COMPLEXITY[name] === 'O(N)' ? Math.max(4, Math.ceil(20_000 / n)) : 1000)),
  );
  const builds = (['ring', 'maglev'] as const).filter((n) => !only || only.includes(n)).map((name) => buildCase(name, buildN));
  return [...picks, ...builds];
}
