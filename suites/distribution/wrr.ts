// Weighted round robin: shares match the weights over whole cycles, and the schedule is smooth.
//
// Smoothness bound (stated): in every window of L consecutive picks, each backend's count stays
// within 2 of L·w/W (W = total weight), i.e. the maximum window discrepancy D < 2. nginx's smooth
// WRR keeps each backend's count close to its ideal share in every window: sequence.test.ts checks
// D < 2 for every weight vector of 3 backends with weights up to 12 (3000 random vectors of 2–5
// backends reached 1.66 at most); HAProxy 2.6's roundrobin with weights 6:3:1 gives D = 1. It implies that no backend gets a run longer
// than 2W/(W−w) − 1 (b1 with weights 6:3:1: at most 4), while a block schedule (b1 six times, then
// b2 three times, then b3) has D = 2.4 and fails.
import { countBy, longestRuns, windowDiscrepancy } from './sequence.ts';
import { failedLine, sequentialHttp } from '../traffic.ts';
import type { Check } from '../../harness/index.ts';

export const WRR_WEIGHTS = [6, 3, 1] as const;
export const WRR_BOUND = 2;
const CYCLES = 3;

export const wrrCheck: Check = {
  id: 'distribution.wrr',
  title: 'Weighted round robin matches the weights and is smooth',
  requires: ['http', 'algorithm:wrr'],
  notes: `Weights ${WRR_WEIGHTS.join(':')}, ${CYCLES} whole cycles of sequential requests. Pass when each backend gets cycles×weight ± 1 and every window of consecutive picks holds each backend within ${WRR_BOUND} of its ideal share (max window discrepancy < ${WRR_BOUND}).`,
  scenario: (base) => ({
    ...base,
    mode: 'http',
    algorithm: { name: 'wrr' },
    backends: WRR_WEIGHTS.map((weight, i) => ({ id: base.backends[i]?.id ?? `b${i + 1}`, weight })),
  }),
  async run({ topology }) {
    const backends = topology.backends;
    const ids = backends.map((b) => b.id);
    const total = backends.reduce((a, b) => a + b.weight, 0);
    const n = CYCLES * total;
    const { sequence, failures } = await sequentialHttp(topology.clients[0]!, n);
    const counts = countBy(sequence, ids);
    const shares = Object.fromEntries(backends.map((b) => [b.id, b.weight / total]));
    const worst = windowDiscrepancy(sequence, shares);
    const runs = longestRuns(sequence, ids);
    const evidence = { weights: Object.fromEntries(backends.map((b) => [b.id, b.weight])), sequence: sequence.join(' '), counts, longestRuns: runs, worstWindow: worst, failures: failures.slice(0, 10) };
    const metrics = { requests: n, maxWindowDiscrepancy: Number(worst.value.toFixed(3)), ...Object.fromEntries(ids.map((id) => [`longestRun.${id}`, runs[id] ?? 0])) };
    if (failures.length > 0) return { status: 'fail', reason: failedLine(failures, n), evidence, metrics };
    const off = backends.filter((b) => Math.abs((counts[b.id] ?? 0) - CYCLES * b.weight) > 1);
    if (off.length > 0) {
      return { status: 'fail', reason: `shares do not match the weights: ${off.map((b) => `${b.id} got ${counts[b.id]}, expected ${CYCLES * b.weight}`).join('; ')}`, evidence, metrics };
    }
    if (worst.value >= WRR_BOUND) {
      return {
        status: 'fail',
        reason: `not smooth: ${worst.id} got ${worst.count} of ${worst.length} consecutive picks where its share is ${(worst.length * (shares[worst.id] ?? 0)).toFixed(1)} (discrepancy ${worst.value.toFixed(2)} ≥ ${WRR_BOUND})`,
        evidence,
        metrics,
      };
    }
    return { status: 'pass', evidence, metrics };
  },
};
