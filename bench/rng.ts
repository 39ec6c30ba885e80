// Seeded randomness for backends' service times and the gate's bootstrap: runs repeat exactly.
// mulberry32: a 32-bit state generator, fast and good enough for simulation (not for crypto).

export type Rng = () => number;

/** Uniform in [0, 1), fully determined by the seed. */
export function seededRng(seed: number): Rng {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Standard normal draw (Box–Muller); u1 is kept away from 0 so log() stays finite. */
export function normal(rng: Rng): number {
  const u1 = Math.max(rng(), Number.MIN_VALUE);
  const u2 = rng();
  return Math.sqrt(-2 * Math.log(u1)) * Math.cos(2 * Math.PI * u2);
}

/** Integer in [0, n). */
export function below(rng: Rng, n: number): number {
  return Math.min(n - 1, Math.floor(rng() * n));
}
