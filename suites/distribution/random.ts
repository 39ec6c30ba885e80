// Random: Pearson's chi-square goodness of fit against equal shares.
//
// α = 1e-4: a correct uniform balancer fails with probability 1e-4 (the false-failure probability).
// Sample size N = 600 on 3 backends (df = 2, critical value 18.42). Power: a scheduler that always
// picks the first backend gives χ² = N·(k−1) = 1200 whatever happens, so it fails with probability
// 1; a 50/25/25 bias gives noncentrality N·Σ(p−1/3)²·3 = 75 and fails with probability > 0.999.
import { chiSquareTest } from './chi-square.ts';
import { countBy } from './sequence.ts';
import { sequentialHttp } from '../traffic.ts';
import type { Check } from '../../harness/index.ts';

export const RANDOM_ALPHA = 1e-4;
export const RANDOM_SAMPLES = 600;

export const randomCheck: Check = {
  id: 'distribution.random',
  title: 'Random spreads requests uniformly (chi-square)',
  requires: ['http', 'algorithm:random'],
  falseFailureProbability: RANDOM_ALPHA,
  notes: `${RANDOM_SAMPLES} sequential requests on new connections; chi-square goodness of fit against equal shares with α = ${RANDOM_ALPHA}. A first-backend-only scheduler gives χ² = ${RANDOM_SAMPLES * 2} and always fails.`,
  scenario: (base) => ({ ...base, mode: 'http', algorithm: { name: 'random' } }),
  async run({ topology }) {
    const ids = topology.backends.map((b) => b.id);
    const { sequence, failures } = await sequentialHttp(topology.clients[0]!, RANDOM_SAMPLES, 60_000);
    const counts = countBy(sequence, ids);
    const observed = ids.map((id) => counts[id] ?? 0);
    const foreign = sequence.filter((s) => !ids.includes(s)).length;
    const test = chiSquareTest(observed, ids.map(() => 1 / ids.length), RANDOM_ALPHA);
    const metrics = { samples: sequence.length, chiSquare: Number(test.statistic.toFixed(3)), pValue: test.pValue, critical: Number(test.critical.toFixed(3)) };
    const evidence = { counts, chiSquare: test, failures: failures.slice(0, 10) };
    if (failures.length > 0 || foreign > 0) return { status: 'fail', reason: `${failures.length} of ${RANDOM_SAMPLES} requests failed (first: ${failures[0]?.what ?? 'answered by an unknown backend'})`, evidence, metrics };
    if (test.reject) {
      return { status: 'fail', reason: `counts ${ids.map((id) => `${id}=${counts[id]}`).join(', ')} are not uniform: χ² = ${test.statistic.toFixed(1)} > ${test.critical.toFixed(2)} (p = ${test.pValue.toExponential(2)} < α = ${RANDOM_ALPHA})`, evidence, metrics };
    }
    return { status: 'pass', evidence, metrics };
  },
};
