// algorithms.quality: the reference's consistent hashes measured in process (quality.ts) and
// written into results as metrics. It tests no balancer over the network, so it requires the three
// algorithms that only a target implementing all of them claims, and says so in its notes.
import { QUALITY_SIZES, qualityFigures, qualityMetrics } from './quality.ts';
import type { AlgorithmCheck } from './check.ts';
import type { Verdict } from '../../harness/index.ts';

/** Sanity bounds on the figures (not statistics: the computation is deterministic). */
export const QUALITY_BOUNDS = {
  /** Maglev gives each backend ⌊M/N⌋ or ⌈M/N⌉ slots: max/mean ≤ ⌈M/N⌉/(M/N). */
  maglevImbalance: (n: number) => Math.ceil(65_537 / n) / (65_537 / n) + 1e-9,
  /** Ring and rendezvous move exactly the removed backend's keys. */
  exactExcess: 0,
};

export const qualityCheck: AlgorithmCheck = {
  id: 'algorithms.quality',
  title: 'Consistent hashing quality figures: load imbalance and disruption for ring, maglev, rendezvous at N = 10, 100, 1000',
  requires: ['algorithm:ring', 'algorithm:maglev', 'algorithm:rendezvous'],
  notes:
    `Computed in process from the reference's own schedulers (reference/algorithms), not measured on the target: N = ${QUALITY_SIZES.join(', ')} equal backends; ` +
    'imbalance = max/mean share (ring: 2^18 evenly spaced keys; maglev: every slot of M = 65537 once, exact; rendezvous: evenly spaced keys, hashed, so its figure is sampling noise around an expected 1); ' +
    'disruption = fraction of keys that move when one backend is removed, against the ideal 1/N; excess = keys that moved although their backend stayed. ' +
    'Published figures to compare with: Maglev (Eisenbud et al., NSDI 2016, §5.3) trades a little resilience for near-perfect balance: its table gives every backend an almost equal number of slots, but a removal also shifts some slots between surviving backends, more so when M is not much larger than N (the paper recommends M ≫ 100·N; here M/N = 65.5 at N = 1000). ' +
    "Envoy's load-balancer docs note that Maglev, when a host is removed, moves roughly twice as many keys as ring hash. A ring's imbalance shrinks with more points per backend (160 here, nginx's value). Fails only if ring or rendezvous shows any excess disruption or Maglev's imbalance exceeds ⌈M/N⌉/(M/N).",
  scenario: (base) => base,
  async run(): Promise<Verdict> {
    const figures = qualityFigures();
    const metrics = qualityMetrics(figures);
    const evidence = { figures };
    const exact = figures.filter((f) => f.algorithm !== 'maglev' && f.excessDisruption > QUALITY_BOUNDS.exactExcess);
    if (exact.length > 0) return { status: 'fail', reason: `${exact.map((f) => `${f.algorithm} at N = ${f.backends}`).join(', ')} moved keys of backends that stayed`, evidence, metrics };
    const lumpy = figures.filter((f) => f.algorithm === 'maglev' && f.imbalance > QUALITY_BOUNDS.maglevImbalance(f.backends));
    if (lumpy.length > 0) return { status: 'fail', reason: `maglev slot counts uneven at N = ${lumpy.map((f) => f.backends).join(', ')}`, evidence, metrics };
    return { status: 'pass', evidence, metrics };
  },
};
