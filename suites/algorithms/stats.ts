// Pure statistics behind the algorithm checks' bounds: exact binomial tails, a chi-square test
// widened by a stated overdispersion, and the exact distribution of the load gap that power-of-
// choices and plain random leave among held connections. No I/O.

function logChoose(n: number, k: number): number {
  let s = 0;
  for (let i = 1; i <= k; i++) s += Math.log(n - k + i) - Math.log(i);
  return s;
}

/** P(X ≥ k) for X ~ Binomial(n, p), summed exactly in log space. */
export function binomialUpperTail(n: number, p: number, k: number): number {
  if (k <= 0) return 1;
  if (k > n) return 0;
  if (p <= 0) return 0;
  if (p >= 1) return 1;
  let total = 0;
  for (let i = k; i <= n; i++) total += Math.exp(logChoose(n, i) + i * Math.log(p) + (n - i) * Math.log1p(-p));
  return Math.min(1, total);
}

/** The smallest k with P(Binomial(n, p) ≥ k) ≤ alpha: a count bound a correct balancer exceeds
 *  with probability at most alpha. */
export function binomialBound(n: number, p: number, alpha: number): number {
  for (let k = 0; k <= n + 1; k++) if (binomialUpperTail(n, p, k) <= alpha) return k;
  return n + 1;
}

/** Overdispersion of key counts on a hash ring with `points` points per backend among `backends`
 *  equal backends, for `keys` random keys: a backend's share is a sum of `points` of the
 *  points×backends spacings of the circle, ~Beta(P, (N−1)P), and its count is then
 *  Beta-binomial with variance n·p·q·(NP + n)/(NP + 1). */
export function ringDispersion(points: number, backends: number, keys: number): number {
  const np = points * backends;
  return (np + keys) / (np + 1);
}

/** Exact distribution of max − min of the active counts after `opens` held connections arrive one
 *  at a time on `backends` equal backends, when each goes to the least loaded of `choices`
 *  independent uniform draws (with replacement; choices = 1 is plain random). Returns
 *  tail[g] = P(max − min ≥ g). A scheduler that draws without replacement, or breaks ties
 *  better, only makes the gap smaller, so bounds from this are safe for it too. */
export function gapTail(opens: number, backends: number, choices: number): number[] {
  // State: sorted counts (descending) as a key → probability.
  let states = new Map<string, number>([[Array(backends).fill(0).join(','), 1]]);
  for (let step = 0; step < opens; step++) {
    const next = new Map<string, number>();
    for (const [key, p] of states) {
      const counts = key.split(',').map(Number);
      // Sorted descending, so the least loaded of the draws is the one at the highest position:
      // P(highest position drawn = i) = ((i+1)/N)^c − (i/N)^c. Equal counts are interchangeable
      // (either winning gives the same next state), so tie-breaking does not matter.
      for (let i = 0; i < backends; i++) {
        const q = ((i + 1) / backends) ** choices - (i / backends) ** choices;
        if (q === 0) continue;
        const c = [...counts];
        c[i] = (c[i] as number) + 1;
        c.sort((a, b) => b - a);
        const k = c.join(',');
        next.set(k, (next.get(k) ?? 0) + p * q);
      }
    }
    states = next;
  }
  const tail = Array<number>(opens + 2).fill(0);
  for (const [key, p] of states) {
    const c = key.split(',').map(Number);
    const gap = (c[0] as number) - (c[c.length - 1] as number);
    for (let g = 0; g <= gap; g++) tail[g] = (tail[g] as number) + p;
  }
  return tail;
}

/** The smallest gap g with P(gap ≥ g) ≤ alpha. */
export function gapBound(tail: readonly number[], alpha: number): number {
  const g = tail.findIndex((p) => p <= alpha);
  return g < 0 ? tail.length : g;
}
