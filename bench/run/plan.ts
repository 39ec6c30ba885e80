// The order of runs: per scenario, one warm-up per variant, then rounds A B C … A B C … so
// slow drift (thermal, other tenants, page cache) spreads over every variant alike. The null
// target (the generator's ceiling) is a variant like the others.
export interface PlannedRun<V> {
  variant: V;
  warmup: boolean;
  /** 0-based measured repetition; −1 for warm-up. */
  repetition: number;
  /** Position in the whole schedule. */
  order: number;
}

export function interleave<V>(variants: readonly V[], repetitions: number): PlannedRun<V>[] {
  const runs: PlannedRun<V>[] = [];
  for (const variant of variants) runs.push({ variant, warmup: true, repetition: -1, order: runs.length });
  for (let r = 0; r < repetitions; r++) {
    for (const variant of variants) runs.push({ variant, warmup: false, repetition: r, order: runs.length });
  }
  return runs;
}
