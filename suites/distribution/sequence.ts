// Pure measures of a sequence of picks (backend ids): counts, rotations, runs, window discrepancy.

export function countBy(seq: readonly string[], ids: readonly string[]): Record<string, number> {
  const counts: Record<string, number> = Object.fromEntries(ids.map((id) => [id, 0]));
  for (const s of seq) counts[s] = (counts[s] ?? 0) + 1;
  return counts;
}

/** True when seq repeats its first k elements, which are k distinct ids (a rotation of the backends). */
export function isRotation(seq: readonly string[], k: number): boolean {
  if (new Set(seq.slice(0, k)).size !== k) return false;
  return seq.every((s, i) => s === seq[i % k]);
}

/** Longest run of consecutive picks per id. */
export function longestRuns(seq: readonly string[], ids: readonly string[]): Record<string, number> {
  const runs: Record<string, number> = Object.fromEntries(ids.map((id) => [id, 0]));
  let run = 0;
  seq.forEach((s, i) => {
    run = i > 0 && seq[i - 1] === s ? run + 1 : 1;
    runs[s] = Math.max(runs[s] ?? 0, run);
  });
  return runs;
}

/** The largest |count of id in a window − window length × share| over every window and id,
 *  with the window where it occurs. share[id] = weight / total weight. */
export function windowDiscrepancy(seq: readonly string[], shares: Record<string, number>): { value: number; id: string; start: number; length: number; count: number } {
  let worst = { value: 0, id: '', start: 0, length: 0, count: 0 };
  for (const [id, share] of Object.entries(shares)) {
    const prefix = [0];
    for (const s of seq) prefix.push((prefix[prefix.length - 1] as number) + (s === id ? 1 : 0));
    for (let a = 0; a < seq.length; a++) {
      for (let b = a + 1; b <= seq.length; b++) {
        const count = (prefix[b] as number) - (prefix[a] as number);
        const d = Math.abs(count - (b - a) * share);
        if (d > worst.value) worst = { value: d, id, start: a, length: b - a, count };
      }
    }
  }
  return worst;
}
