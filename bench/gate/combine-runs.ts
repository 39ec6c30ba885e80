// Several result files per side → one series per metric. The unit of replication must be the
// thing that varies independently: for bench@1 that is a repetition (repetitions of all files are
// pooled); for micro@1 it is the RUN, since the thousands of samples inside one process share its
// JIT state, heap and the machine's mood. Gating micro on raw samples from single runs gave 21 %
// false alarms run-to-run here (medians moved up to 6× between runs on a busy machine), so with
// several micro files each run contributes one value: its median.
import { median } from './bootstrap.ts';
import type { Series } from './metrics.ts';

export function combineRuns(runs: readonly Series[][]): Series[] {
  if (runs.length === 1) return [...(runs[0] as Series[])];
  const byKey = new Map<string, Series>();
  for (const run of runs) {
    for (const s of run) {
      const value = s.kind === 'micro-ns' ? [median(s.samples)] : s.samples;
      const into = byKey.get(s.key);
      if (into) into.samples.push(...value);
      else byKey.set(s.key, { key: s.key, kind: s.kind, samples: [...value] });
    }
  }
  return [...byKey.values()];
}
