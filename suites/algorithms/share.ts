// Weighted random families: shares follow the weights. wrandom draws by weight; p2c under
// sequential load (one request at a time, so every backend has 0 active) is its first draw, also
// by weight. Pearson's chi-square against w/Σw at α = 1e-4 (the false-failure probability).
//
// Samples: 300 with weights 3:2:1 (df = 2, critical 18.42). Power: a balancer that ignores weights
// (uniform random) has noncentrality 300·Σ(1/3 − p)²/p = 300·0.222 = 66.7, so it passes with
// probability < 1e-5; all on one backend gives χ² ≥ 300.
import { chiSquareTest } from '../distribution/chi-square.ts';
import { inPool, type AlgorithmCheck } from './check.ts';
import type { Verdict } from '../../harness/index.ts';

export const SHARE_ALPHA = 1e-4;
export const SHARE_SAMPLES = 300;
export const SHARE_WEIGHTS = [3, 2, 1] as const;

export function shareCheck(algorithm: 'wrandom' | 'p2c'): AlgorithmCheck {
  // p2c must see idle backends: one request at a time. wrandom ignores load: 8 in flight.
  const inFlight = algorithm === 'p2c' ? 1 : 8;
  return {
    id: `algorithms.share.${algorithm}`,
    title: `${algorithm}: shares follow the weights${algorithm === 'p2c' ? ' under sequential load' : ''} (chi-square)`,
    requires: ['http', `algorithm:${algorithm}`],
    falseFailureProbability: SHARE_ALPHA,
    notes: `Weights ${SHARE_WEIGHTS.join(':')}, ${SHARE_SAMPLES} requests on new connections (${inFlight === 1 ? 'one at a time' : `${inFlight} in flight`}); chi-square against w/Σw with α = ${SHARE_ALPHA}. Uniform random (weights ignored) fails with probability > 0.99999.`,
    scenario: (base) => ({
      ...base,
      mode: 'http',
      algorithm: { name: algorithm },
      backends: SHARE_WEIGHTS.map((weight, i) => ({ id: base.backends[i]?.id ?? `b${i + 1}`, weight })),
    }),
    async run({ topology }): Promise<Verdict> {
      const client = topology.clients[0]!;
      const ids = topology.backends.map((b) => b.id);
      const total = topology.backends.reduce((s, b) => s + b.weight, 0);
      const outcomes = await inPool(SHARE_SAMPLES, inFlight, (i) => client.http({ path: `/share/${i}`, timeoutMs: 5000 }));
      const counts: Record<string, number> = Object.fromEntries(ids.map((id) => [id, 0]));
      const failures: string[] = [];
      for (const r of outcomes) {
        if (!r.ok) failures.push(r.error);
        else if (r.status < 200 || r.status >= 300 || !r.backend || !ids.includes(r.backend)) failures.push(`HTTP ${r.status} from ${r.backend ?? 'no backend'}`);
        else counts[r.backend] = (counts[r.backend] ?? 0) + 1;
      }
      const test = chiSquareTest(ids.map((id) => counts[id] ?? 0), topology.backends.map((b) => b.weight / total), SHARE_ALPHA);
      const metrics = { samples: SHARE_SAMPLES, chiSquare: Number(test.statistic.toFixed(3)), critical: Number(test.critical.toFixed(3)), pValue: test.pValue };
      const evidence = { weights: Object.fromEntries(topology.backends.map((b) => [b.id, b.weight])), counts, failures: failures.slice(0, 10) };
      if (failures.length > 0) return { status: 'fail', reason: `${failures.length} of ${SHARE_SAMPLES} requests failed (first: ${failures[0]})`, evidence, metrics };
      if (test.reject) {
        return { status: 'fail', reason: `shares ${ids.map((id) => `${id}=${counts[id]}`).join(', ')} do not follow weights ${SHARE_WEIGHTS.join(':')}: χ² = ${test.statistic.toFixed(1)} > ${test.critical.toFixed(2)} (p = ${test.pValue.toExponential(2)})`, evidence, metrics };
      }
      return { status: 'pass', evidence, metrics };
    },
  };
}

export const shareChecks: readonly AlgorithmCheck[] = [shareCheck('wrandom'), shareCheck('p2c')];
