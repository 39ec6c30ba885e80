// ring: consistent hashing on a ring (ketama). Each backend puts points on a 32-bit circle in
// proportion to its weight; a key goes to the first point at or after it, clockwise. Removing a
// backend moves only the keys its points owned (about 1/N). Points come from hashing "id-i":
// murmur3 by default, or ketama's md5 (4 points per digest) with hash: md5.
// Point count: pointsPerWeight × weight per backend (nginx `hash consistent` uses 160), or, when
// ringSize is given, that many points in total shared by weight (Envoy ring_hash's ring size).
// Sources: ketama (last.fm), nginx ngx_http_upstream_hash_module.c, Envoy ring_hash_lb.cc.
import { md5Words, murmur3 } from '../keys/index.ts';
import { canTake, sortedById } from './eligible.ts';
import { keyOf } from './hash-key.ts';
import { allowOnly, enumOption, numberOption } from './options.ts';
import type { BackendView, PickContext, Scheduler, SchedulerFactory } from './types.ts';

export interface RingOptions {
  readonly pointsPerWeight: number;
  readonly ringSize?: number;
  readonly hash: 'murmur3' | 'md5';
}

export interface Ring {
  /** Point positions, ascending. */
  readonly points: Uint32Array;
  /** owner[i] indexes `backends` for points[i]. */
  readonly owner: Int32Array;
  readonly backends: readonly BackendView[];
}

/** Pure: the ring for these backends (weight > 0 and usable ones only), independent of list order. */
export function buildRing(input: readonly BackendView[], o: RingOptions): Ring {
  const backends = sortedById(input.filter((b) => b.usable && b.weight > 0));
  const totalWeight = backends.reduce((s, b) => s + b.weight, 0);
  const counts = backends.map((b) =>
    o.ringSize !== undefined ? Math.max(1, Math.round((o.ringSize * b.weight) / totalWeight)) : Math.max(1, Math.round(o.pointsPerWeight * b.weight)),
  );
  const total = counts.reduce((s, c) => s + c, 0);
  const hashes = new Uint32Array(total);
  const owners = new Int32Array(total);
  let at = 0;
  backends.forEach((b, bi) => {
    const count = counts[bi]!;
    if (o.hash === 'md5') {
      for (let j = 0; at < total && j * 4 < count; j++) {
        const words = md5Words(`${b.id}-${j}`);
        for (let w = 0; w < 4 && j * 4 + w < count; w++) {
          hashes[at] = words[w]!;
          owners[at++] = bi;
        }
      }
    } else {
      for (let j = 0; j < count; j++) {
        hashes[at] = murmur3(`${b.id}-${j}`);
        owners[at++] = bi;
      }
    }
  });
  // Sort points by position, equal positions by backend index (ids are sorted), so it is stable.
  // Packing position × 2^20 + owner into one float64 (exact below 2^53) lets a typed-array sort
  // do it without a comparator: a 160 000-point ring builds in milliseconds.
  if (backends.length < 1 << 20) {
    const packed = new Float64Array(total);
    for (let i = 0; i < total; i++) packed[i] = hashes[i]! * 1048576 + owners[i]!;
    packed.sort();
    const points = new Uint32Array(total);
    const owner = new Int32Array(total);
    for (let i = 0; i < total; i++) {
      const hi = Math.floor(packed[i]! / 1048576);
      points[i] = hi;
      owner[i] = packed[i]! - hi * 1048576;
    }
    return { points, owner, backends };
  }
  const order = Array.from({ length: total }, (_, i) => i).sort((a, b) => hashes[a]! - hashes[b]! || owners[a]! - owners[b]!);
  return {
    points: Uint32Array.from(order, (i) => hashes[i]!),
    owner: Int32Array.from(order, (i) => owners[i]!),
    backends,
  };
}

/** Index of the first point at or after `key`, wrapping to 0; searching only [lo, hi) when the
 *  caller knows the answer lies there (or is hi). */
export function ringIndex(points: Uint32Array, key: number, lo = 0, hi = points.length): number {
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (points[mid]! < key) lo = mid + 1;
    else hi = mid;
  }
  return lo === points.length ? 0 : lo;
}

/** prefix[p] = index of the first point whose top 16 bits are ≥ p (prefix[65536] = length): a key
 *  then searches only the few points sharing its top bits, not the whole ring (a 480 000-point ring
 *  is 2 MB; a full binary search is ~19 cache misses). */
function prefixIndex(points: Uint32Array): Int32Array {
  const prefix = new Int32Array(65537);
  let i = 0;
  for (let p = 0; p <= 65536; p++) {
    while (i < points.length && points[i]! >>> 16 < p) i++;
    prefix[p] = i;
  }
  return prefix;
}

/** Rings of up to 65 536 backends are searched in one array: the points' low 16 bits (their top
 *  16 bits are the prefix bucket's) above the owner's index, so the point found and its owner
 *  share a cache line (a pick is then two cache lines, the prefix entry and this one). */
const PACKED_OWNERS = 65_536;

function packedCells(ring: Ring): Uint32Array {
  const cells = new Uint32Array(ring.points.length);
  for (let i = 0; i < cells.length; i++) cells[i] = (((ring.points[i]! & 0xffff) << 16) | ring.owner[i]!) >>> 0;
  return cells;
}

class RingHash implements Scheduler {
  readonly name = 'ring';
  ring: Ring = { points: new Uint32Array(0), owner: new Int32Array(0), backends: [] };
  private prefix: Int32Array = new Int32Array(65537);
  /** packedCells(ring), or empty when the ring has more backends than 16 bits can index. */
  private cells: Uint32Array = new Uint32Array(0);

  constructor(private readonly options: RingOptions) {}

  update(backends: readonly BackendView[]): void {
    this.ring = buildRing(backends, this.options);
    this.prefix = prefixIndex(this.ring.points);
    this.cells = this.ring.backends.length <= PACKED_OWNERS ? packedCells(this.ring) : new Uint32Array(0);
  }

  pick(ctx: PickContext): BackendView | undefined {
    const { points, owner, backends } = this.ring;
    const n = points.length;
    if (n === 0) return undefined;
    const key = keyOf(ctx);
    const top = key >>> 16;
    const cells = this.cells;
    const packed = cells.length === n;
    const start = packed ? this.packedIndex(key, this.prefix[top]!, this.prefix[top + 1]!) : ringIndex(points, key, this.prefix[top]!, this.prefix[top + 1]!);
    // Walking clockwise past a backend that cannot take work is the same as removing it.
    for (let s = 0; s < n; s++) {
      const i = start + s < n ? start + s : start + s - n;
      const b = backends[packed ? cells[i]! & 0xffff : owner[i]!]!;
      if (canTake(b, ctx)) return b;
    }
    return undefined;
  }

  /** ringIndex over the packed cells of the key's prefix bucket [lo, hi): the first cell whose low
   *  16 bits of position are ≥ the key's (a cell compares as low << 16 | owner). */
  private packedIndex(key: number, lo: number, hi: number): number {
    const cells = this.cells;
    const want = ((key & 0xffff) << 16) >>> 0;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (cells[mid]! < want) lo = mid + 1;
      else hi = mid;
    }
    return lo === cells.length ? 0 : lo;
  }
}

export const ring: SchedulerFactory = {
  name: 'ring',
  description: 'consistent hash ring (ketama); pointsPerWeight (160) or ringSize, hash murmur3|md5',
  needsKey: true,
  create(options) {
    allowOnly('ring', options, ['pointsPerWeight', 'ringSize', 'hash']);
    const ringSize = options?.['ringSize'] === undefined ? undefined : numberOption('ring', options, 'ringSize', { default: 1024, min: 1, max: 8_388_608, integer: true });
    return new RingHash({
      pointsPerWeight: numberOption('ring', options, 'pointsPerWeight', { default: 160, min: 1, max: 10_000 }),
      ...(ringSize !== undefined ? { ringSize } : {}),
      hash: enumOption('ring', options, 'hash', ['murmur3', 'md5'] as const, 'murmur3'),
    });
  },
};
