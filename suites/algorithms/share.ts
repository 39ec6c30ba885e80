// Random families: shares follow the draws. wrandom draws by weight (weights 3:2:1). p2c under
// sequential load (one request at a time, so every backend has 0 active) keeps one of its two draws,
// and which one wins a tie is not part of p2c's definition (Mitzenmacher: "ties broken arbitrarily"):
// nginx's `random two` draws two *different* servers and keeps the second on a tie
// (ngx_http_upstream_random_module.c, get_random2_peer: `if (peer->conns * prev->weight >
// prev->conns * peer->weight) peer = prev;`), which for weights 3:2:1 gives shares 0.35/0.40/0.25,
// while Envoy, HAProxy and ours keep the first of two draws with replacement (exactly the weights).
// So the p2c case uses equal weights, where every tie rule that looks at draw order (not at which
// backend it is) gives 1/3 each: what the definition promises every implementation.
// Pearson's chi-square at α = 1e-4 (the false-failure probability), 300 samples (df = 2, critical
// 18.42). Power: wrandom that ignores weights has noncentrality 300·Σ(1/3 − p)²/p = 66.7 (passes
// with probability < 1e-5); p2c that sends half its work to one backend (50/25/25) has 37.5
// (passes about 3 % of the time, simulated); all on one backend gives χ² ≥ 300.
import { chiSquareTest } from '../distribution/chi-square.ts';
import { inPool, type AlgorithmCheck } from './check.ts';
import type { Verdict } from '../../harness/index.ts';

export const SHARE_ALPHA = 1e-4;
export const SHARE_SAMPLES = 300;
export const SHARE_WEIGHTS = [3, 2, 1] as const;
/** p2c: equal weights (see the header: its tie rule is free, so weighted shares are not promised). */
export const P2C_SHARE_WEIGHTS = [1, 1, 1] as const;

export function shareCheck(algorithm: 'wrandom' | 'p2c'): AlgorithmCheck {
  const p2c = algorithm === 'p2c';
  // p2c must see idle backends: one request at a time. wrandom ignores load: 8 in flight.
  const inFlight = p2c ? 1 : 8;
  const weights = p2c ? P2C_SHARE_WEIGHTS : SHARE_WEIGHTS;
  return {
    id: `algorithms.share.${algorithm}`,
    title: p2c ? 'p2c: sequential requests spread evenly over equal backends (chi-square)' : 'wrandom: shares follow the weights (chi-square)',
    requires: ['http', `algorithm:${algorithm}`],
    falseFailureProbability: SHARE_ALPHA,
    notes: p2c
      ? `Weights 1:1:1, ${SHARE_SAMPLES} requests on new connections, one at a time (every backend idle); chi-square against 1/3 each with α = ${SHARE_ALPHA}. Weighted shares are not asserted: which of the two draws wins a tie is free (nginx keeps the second of two distinct draws, HAProxy and Envoy the first of two with replacement). A scheduler that sends everything to one backend fails with certainty.`
      : `Weights ${SHARE_WEIGHTS.join(':')}, ${SHARE_SAMPLES} requests on new connections (${inFlight} in flight); chi-square against w/Σw with α = ${SHARE_ALPHA}. Uniform random (weights ignored) fails with probability > 0.99999.`,
    scenario: (base) => ({
      ...base,
      mode: 'http',
      algorithm: { name: algorithm },
      backends: weights.map((weight, i) => ({ id: base.backends[i]?.id ?? `b${i + 1}`, weight })),
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
        return { status: 'fail', reason: `shares ${ids.map((id) => `${id}=${counts[id]}`).join(', ')} do not follow weights ${weights.join(':')}: χ² = ${test.statistic.toFixed(1)} > ${test.critical.toFixed(2)} (p = ${test.pValue.toExponential(2)})`, evidence, metrics };
      }
      return { status: 'pass', evidence, metrics };
    },
  };
}

export const shareChecks: readonly AlgorithmCheck[] = [shareCheck('wrandom'), shareCheck('p2c')];
