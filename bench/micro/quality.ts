// Quality figures for consistent hashing (pure; no clock, no I/O): how evenly ring, maglev and
// rendezvous spread keys (load imbalance = max share / mean share) and how many keys move when one
// of N backends is removed or one is added (disruption; ideal = the keys the changed backend owns,
// 1/N on removal, 1/(N+1) on addition).
// Sampled figures use K keys fmix32(0..K−1). For ring and maglev the exact share of the hash space
// is also given (arc lengths, table slots), since with few keys per backend sampling noise would
// dominate; `uniformBaseline` is the imbalance that K keys show even under a perfect assignment.
// Published reference points: Maglev (NSDI 2016, §5.3) balances to near max/mean 1 at M = 65537
// and changes slightly more than the minimal entries on a removal; Envoy's docs note that Maglev
// moves about twice the keys of a ring hash when a host is removed.
import { buildRing, maglevPermutation, populateMaglev, schedulerFactory, type BackendView, type PickContext, fmix32 } from '../../reference/index.ts';

export type HashingScheduler = 'ring' | 'maglev' | 'rendezvous';

export interface QualityFigure {
  readonly scheduler: HashingScheduler;
  readonly n: number;
  readonly keys: number;
  readonly imbalance: { readonly sampled: number; readonly exact?: number; readonly uniformBaseline: number };
  readonly disruption: {
    readonly remove: number;
    readonly add: number;
    readonly idealRemove: number;
    readonly idealAdd: number;
    /** maglev only: fraction of table slots that changed owner (the paper's measure). */
    readonly removeSlots?: number;
  };
}

const MAGLEV_SIZE = 65_537;

export function backendsOf(n: number): BackendView[] {
  return Array.from({ length: n }, (_, i) => ({ id: `b${String(i).padStart(5, '0')}`, weight: 1, usable: true, active: 0 }));
}

function assign(name: HashingScheduler, backends: readonly BackendView[], keys: Uint32Array): Int32Array {
  const s = schedulerFactory(name)!.create(name === 'maglev' ? { tableSize: MAGLEV_SIZE } : undefined);
  s.update(backends);
  const index = new Map(backends.map((b, i) => [b.id, i]));
  const out = new Int32Array(keys.length);
  let key = 0;
  const ctx: PickContext = { get key() { return key; }, now: () => 0, rng: () => 0 };
  for (let i = 0; i < keys.length; i++) {
    key = keys[i]!;
    out[i] = index.get(s.pick(ctx)!.id)!;
  }
  return out;
}

/** max/mean of per-backend counts (or shares). */
export function maxOverMean(counts: ArrayLike<number>): number {
  let max = 0;
  let sum = 0;
  for (let i = 0; i < counts.length; i++) {
    max = Math.max(max, counts[i]!);
    sum += counts[i]!;
  }
  return sum === 0 ? 0 : max / (sum / counts.length);
}

function countsOf(assignment: Int32Array, n: number): Float64Array {
  const c = new Float64Array(n);
  for (const i of assignment) c[i]!++;
  return c;
}

/** Fraction of keys whose backend id differs between two assignments. */
function moved(a: Int32Array, aIds: readonly BackendView[], b: Int32Array, bIds: readonly BackendView[]): number {
  let m = 0;
  for (let i = 0; i < a.length; i++) if (aIds[a[i]!]!.id !== bIds[b[i]!]!.id) m++;
  return m / a.length;
}

function exactImbalance(name: HashingScheduler, backends: readonly BackendView[]): number | undefined {
  if (name === 'maglev') {
    const table = populateMaglev(backends.map((b) => maglevPermutation(b.id, b.weight, MAGLEV_SIZE)), MAGLEV_SIZE);
    return maxOverMean(countsOf(table, backends.length));
  }
  if (name === 'ring') {
    const ring = buildRing(backends, { pointsPerWeight: 160, hash: 'murmur3' });
    const arcs = new Float64Array(backends.length);
    const p = ring.points;
    for (let i = 0; i < p.length; i++) {
      // A point owns the arc from the previous point (exclusive) up to itself.
      const prev = i === 0 ? p[p.length - 1]! - 4294967296 : p[i - 1]!;
      arcs[ring.owner[i]!]! += p[i]! - prev;
    }
    return maxOverMean(arcs);
  }
  return undefined;
}

function maglevSlotsMoved(before: readonly BackendView[], after: readonly BackendView[]): number {
  const t0 = populateMaglev(before.map((b) => maglevPermutation(b.id, 1, MAGLEV_SIZE)), MAGLEV_SIZE);
  const t1 = populateMaglev(after.map((b) => maglevPermutation(b.id, 1, MAGLEV_SIZE)), MAGLEV_SIZE);
  let m = 0;
  for (let i = 0; i < MAGLEV_SIZE; i++) if (before[t0[i]!]!.id !== after[t1[i]!]!.id) m++;
  return m / MAGLEV_SIZE;
}

export function qualityFigure(name: HashingScheduler, n: number, keyCount: number): QualityFigure {
  const keys = Uint32Array.from({ length: keyCount }, (_, i) => fmix32(i));
  const all = backendsOf(n);
  const removed = all.filter((_, i) => i !== Math.floor(n / 2));
  const added = [...all, { id: 'b-added', weight: 1, usable: true, active: 0 }];
  const base = assign(name, all, keys);
  const afterRemove = assign(name, removed, keys);
  const afterAdd = assign(name, added, keys);
  const baseline = new Float64Array(n);
  for (const k of keys) baseline[fmix32(k ^ 0x5bd1e995) % n]!++;
  const exact = exactImbalance(name, all);
  return {
    scheduler: name,
    n,
    keys: keyCount,
    imbalance: { sampled: maxOverMean(countsOf(base, n)), ...(exact !== undefined ? { exact } : {}), uniformBaseline: maxOverMean(baseline) },
    disruption: {
      remove: moved(base, all, afterRemove, removed),
      add: moved(base, all, afterAdd, added),
      idealRemove: 1 / n,
      idealAdd: 1 / (n + 1),
      ...(name === 'maglev' ? { removeSlots: maglevSlotsMoved(all, removed) } : {}),
    },
  };
}

export function qualityFigures(ns: readonly number[], keyCount: number): QualityFigure[] {
  return (['ring', 'maglev', 'rendezvous'] as const).flatMap((name) => ns.map((n) => qualityFigure(name, n, keyCount)));
}
