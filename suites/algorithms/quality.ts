// Quality figures of the reference's consistent hashes (ring, maglev, rendezvous), computed in
// process: load imbalance (max/mean share) over N equal backends and the fraction of keys that move
// when one backend is removed (ideal 1/N). Pure: no I/O, deterministic.
//
// Keys: ring and maglev map a 32-bit key by position (ring: the circle; maglev: key mod M), so
// evenly spaced keys measure their shares almost exactly (ring: error ≤ points/keys; maglev: with
// M keys 0..M−1 every slot is counted once, exactly). Rendezvous scores a hashed key, so its shares
// are only sampled; its expected imbalance is 1 (every backend wins with probability 1/N) and what
// is reported is sampling noise of the stated key count.
import { schedulerFactory, type BackendView, type PickContext } from '../../reference/index.ts';

export const QUALITY_ALGORITHMS = ['ring', 'maglev', 'rendezvous'] as const;
export type QualityAlgorithm = (typeof QUALITY_ALGORITHMS)[number];
export const QUALITY_SIZES = [10, 100, 1000] as const;

export interface QualityFigure {
  algorithm: QualityAlgorithm;
  backends: number;
  keys: number;
  /** max share / mean share over all backends. */
  imbalance: number;
  /** Keys whose backend changed when one backend was removed, over all keys. */
  disruption: number;
  /** 1/N: only the removed backend's keys move. */
  idealDisruption: number;
  /** Keys that moved although their backend stayed, over all keys (0 for a perfect consistent hash). */
  excessDisruption: number;
}

interface Member extends BackendView {
  usable: boolean;
}

const ids = (n: number) => Array.from({ length: n }, (_, i) => `b${String(i + 1).padStart(4, '0')}`);

/** Keys for the figure: evenly spaced on the 32-bit circle (ring, rendezvous) or 0..M−1 (maglev). */
function keysFor(algorithm: QualityAlgorithm, n: number): Uint32Array {
  if (algorithm === 'maglev') return Uint32Array.from({ length: 65_537 }, (_, i) => i);
  // Rendezvous costs N per key, so it gets at most 10^7 backend scores: 1000 keys per backend at
  // N = 10, 100 at N = 100, 10 at N = 1000 (its imbalance there is mostly sampling noise).
  const count = algorithm === 'ring' ? 1 << 18 : Math.min(1000 * n, Math.floor(1e7 / n));
  const step = 4294967296 / count;
  return Uint32Array.from({ length: count }, (_, i) => Math.floor(i * step + step / 2));
}

function assign(algorithm: QualityAlgorithm, members: Member[], keys: Uint32Array): Int32Array {
  const s = schedulerFactory(algorithm)!.create();
  s.update(members);
  const index = new Map(members.map((m, i) => [m.id, i]));
  const out = new Int32Array(keys.length);
  let key = 0;
  const ctx: PickContext = {
    get key() {
      return key;
    },
    now: () => 0,
    rng: () => 0,
  };
  for (let i = 0; i < keys.length; i++) {
    key = keys[i]!;
    out[i] = index.get(s.pick(ctx)?.id ?? '') ?? -1;
  }
  return out;
}

export function qualityFigure(algorithm: QualityAlgorithm, n: number): QualityFigure {
  const members: Member[] = ids(n).map((id) => ({ id, weight: 1, usable: true, active: 0 }));
  const keys = keysFor(algorithm, n);
  const before = assign(algorithm, members, keys);
  const counts = new Float64Array(n);
  for (const b of before) counts[b]! += 1;
  const imbalance = Math.max(...counts) / (keys.length / n);
  // Remove the middle backend by id: the same one for every algorithm.
  const removed = Math.floor(n / 2);
  const after = assign(
    algorithm,
    members.map((m, i) => ({ ...m, usable: i !== removed })),
    keys,
  );
  let moved = 0;
  let excess = 0;
  for (let i = 0; i < keys.length; i++) {
    if (after[i] !== before[i]) {
      moved++;
      if (before[i] !== removed) excess++;
    }
  }
  return { algorithm, backends: n, keys: keys.length, imbalance, disruption: moved / keys.length, idealDisruption: 1 / n, excessDisruption: excess / keys.length };
}

export function qualityFigures(sizes: readonly number[] = QUALITY_SIZES): QualityFigure[] {
  return QUALITY_ALGORITHMS.flatMap((a) => sizes.map((n) => qualityFigure(a, n)));
}

/** Flat metrics for results.json: "<algorithm>.n<N>.imbalance" etc. */
export function qualityMetrics(figures: readonly QualityFigure[]): Record<string, number> {
  const round = (x: number) => Number(x.toFixed(5));
  return Object.fromEntries(
    figures.flatMap((f) => [
      [`${f.algorithm}.n${f.backends}.imbalance`, round(f.imbalance)],
      [`${f.algorithm}.n${f.backends}.disruption`, round(f.disruption)],
      [`${f.algorithm}.n${f.backends}.disruptionOverIdeal`, round(f.disruption / f.idealDisruption)],
      [`${f.algorithm}.n${f.backends}.excessDisruption`, round(f.excessDisruption)],
    ]),
  );
}
