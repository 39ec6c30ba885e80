// Helpers for the algorithm tests: mutable backends (as the pool keeps them), a seeded context.
import type { BackendView, PickContext, Scheduler } from './types.ts';

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
