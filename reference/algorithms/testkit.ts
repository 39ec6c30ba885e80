// Helpers for the algorithm tests: mutable backends (as the pool keeps them), a seeded context.
import { schedulerFactory } from './registry.ts';
import type { BackendView, PickContext, Scheduler, SchedulerOptions } from './types.ts';

export interface TestBackend extends BackendView {
  weight: number;
  usable: boolean;
  active: number;
}

export function backend(id: string, weight = 1, active = 0, usable = true): TestBackend {
  return { id, weight, active, usable };
}

export function backends(weights: readonly number[], prefix = 's'): TestBackend[] {
  return weights.map((w, i) => backend(`${prefix}${i + 1}`, w));
}

/** Small fast PRNG (mulberry32) so "random" tests are exact and repeatable. */
export function seededRng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export function context(extra: Partial<Omit<PickContext, 'now' | 'rng'>> & { seed?: number; now?: () => number } = {}): PickContext {
  const rng = seededRng(extra.seed ?? 1);
  const { seed: _seed, now, ...rest } = extra;
  return { now: now ?? (() => 0), rng, ...rest };
}

/** Ids of `count` successive picks ('-' for undefined). */
export function sequence(s: Scheduler, count: number, ctx: PickContext = context()): string[] {
  return Array.from({ length: count }, () => s.pick(ctx)?.id ?? '-');
}

/** Fisher–Yates with a seeded rng: a real shuffle, repeatable. */
export function shuffled<T>(items: readonly T[], seed: number): T[] {
  const out = [...items];
  const rng = seededRng(seed);
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(rng() * (i + 1));
    [out[i], out[j]] = [out[j]!, out[i]!];
  }
  return out;
}

/** FNV-1a over the picked ids, as 8 hex digits. */
export function fnv(ids: readonly string[]): string {
  let h = 0x811c9dc5;
  for (const id of ids) {
    for (let i = 0; i < id.length; i++) h = Math.imul(h ^ id.charCodeAt(i), 0x01000193);
    h = Math.imul(h ^ 0x2c, 0x01000193); // ','
  }
  return (h >>> 0).toString(16).padStart(8, '0');
}

export interface Run {
  readonly ids: string[];
  /** The key of each pick (undefined: keyless). */
  readonly keys: Array<number | undefined>;
  /** Picks that returned undefined (a pool with nothing eligible at that moment). */
  readonly none: number;
}

/** `steps` picks on a churning pool of `n` backends; everything derives from `seed`. */
export function churn(name: string, options: SchedulerOptions | undefined, n: number, steps: number, seed: number): Run {
  const rng = seededRng(seed);
  const int = (k: number) => Math.floor(rng() * k);
  const make = (i: number): TestBackend => backend(`b${String(i).padStart(3, '0')}`, 1 + (i % 5), int(4));
  let pool = Array.from({ length: n }, (_, i) => make(i));
  const s = schedulerFactory(name)!.create(options);
  s.update(pool);
  let now = 0;
  const pickRng = seededRng(seed ^ 0x5bd1e995);
  const ids: string[] = [];
  const keys: Array<number | undefined> = [];
  let none = 0;
  for (let step = 0; step < steps; step++) {
    const roll = int(100);
    const some = pool[int(pool.length)]!;
    if (roll < 3) some.usable = !some.usable;
    else if (roll < 4) some.weight = int(6); // 0 quiesces, without an update
    else if (roll === 4) {
      // Pool change: drop one, re-create one under the same id (a new object), add one back.
      const drop = int(pool.length);
      pool = pool.filter((_, i) => i !== drop);
      const again = int(pool.length);
      pool[again] = { ...pool[again]!, active: int(4) };
      if (pool.length < n) pool.push(make(n + step));
      s.update(pool);
    }
    for (let k = 2 + int(2); k > 0; k--) {
      const b = pool[int(pool.length)]!; // work finishing somewhere
      if (b.active > 0) b.active--;
    }
    now += int(20) === 0 ? 900 + int(400) : int(20);
    // Keyless one in ten; else half from 8 hot keys (revisited within ~1 s), half from 60 cold ones.
    const key = int(10) === 0 ? undefined : (Math.imul(int(2) === 0 ? int(8) : 8 + int(60), 0x9e3779b1) >>> 0);
    const avoid = int(12) === 0 ? new Set([pool[int(pool.length)]!.id]) : undefined;
    const ctx: PickContext = { ...(key !== undefined ? { key } : {}), ...(avoid ? { avoid } : {}), now: () => now, rng: pickRng };
    keys.push(key);
    const b = s.pick(ctx) as TestBackend | undefined;
    if (b) {
      b.active++;
      ids.push(b.id);
    } else {
      ids.push('-');
      none++;
    }
  }
  return { ids, keys, none };
}
