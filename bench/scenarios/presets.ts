// The presets: each answers one question users ask. Durations are short so a preset finishes in
// a few minutes on two cores; `quick` shrinks them further for tests and smoke runs.
import type { BenchPreset, BenchScenario, BenchVariant } from './types.ts';

/** Three quick backends and one slow one: the case where the algorithm decides the p99. The slow
 *  one takes 500 ms: with lc it then gets < 1 % of requests at 32 connections, so p99 separates
 *  (measured with HAProxy here: rr p99 535–570 ms, leastconn 51–78 ms; at 100 ms lc still sent it
 *  2.3 %, inside the p99). */
const heterogeneous: BenchScenario['backends'] = [
  { id: 'fast-1', model: { kind: 'lognormal', medianMs: 1, sigma: 0.5 } },
  { id: 'fast-2', model: { kind: 'lognormal', medianMs: 1, sigma: 0.5 } },
  { id: 'jitter', model: { kind: 'uniform', minMs: 0.5, maxMs: 3 } },
  { id: 'slow', model: { kind: 'fixed', ms: 500 } },
];

const sameBackends: BenchScenario['backends'] = [
  { id: 'b1', model: { kind: 'fixed', ms: 0 } },
  { id: 'b2', model: { kind: 'fixed', ms: 0 } },
  { id: 'b3', model: { kind: 'fixed', ms: 0 } },
];

export const ALGORITHMS_TO_COMPARE: Pick<BenchVariant, 'algorithm' | 'options'>[] = [
  { algorithm: 'rr' },
  { algorithm: 'wrr' },
  { algorithm: 'random' },
  { algorithm: 'lc' },
  // As Envoy, HAProxy random(2) and IPVS twos draw (with replacement): 1/16 of picks see only the slow one.
  { algorithm: 'p2c' },
  { algorithm: 'p2c', options: { draws: 'distinct' } },
  { algorithm: 'ewma' },
];

export const presets: Record<string, BenchPreset> = {
  algorithms: {
    name: 'algorithms',
    description: 'The reference balancer with each algorithm against heterogeneous backends, one slow: which algorithms protect p99?',
    scenarios: [
      {
        name: 'slow-one',
        question: 'One of four backends answers in 500 ms: which algorithms keep it out of the p99 (closed loop, 32 connections)?',
        backends: heterogeneous,
        variants: ALGORITHMS_TO_COMPARE.map((a) => ({ target: 'reference', ...a, mode: 'http' as const })),
        load: { kind: 'closed', connections: 32, durationMs: 2000 },
        repetitions: 5,
        warmupMs: 1000,
      },
      {
        name: 'slow-one-open',
        question: 'The same backends at a constant 400 req/s (open loop, latency from intended send time).',
        backends: heterogeneous,
        variants: ALGORITHMS_TO_COMPARE.map((a) => ({ target: 'reference', ...a, mode: 'http' as const })),
        load: { kind: 'open', connections: 64, durationMs: 2000, rate: 400 },
        repetitions: 5,
        warmupMs: 1000,
      },
      {
        name: 'degrading',
        question: 'Heavy-tailed backends, one of which degrades from 1 ms to 30 ms half-way through each run (1 s in).',
        backends: [
          { id: 'pareto-1', model: { kind: 'pareto', minMs: 0.5, alpha: 2.5 } },
          { id: 'pareto-2', model: { kind: 'pareto', minMs: 0.5, alpha: 2.5 } },
          { id: 'degrades', model: { kind: 'degrading', beforeMs: 1, degradedMs: 30, afterS: 1 } },
        ],
        variants: [{ algorithm: 'rr' }, { algorithm: 'lc' }, { algorithm: 'p2c' }, { algorithm: 'p2c', options: { draws: 'distinct' } }, { algorithm: 'ewma' }].map((a) => ({ target: 'reference', ...a, mode: 'http' as const })),
        load: { kind: 'closed', connections: 16, durationMs: 2000 },
        repetitions: 5,
        warmupMs: 500,
      },
    ],
  },
  targets: {
    name: 'targets',
    description: 'Reference vs HAProxy vs nginx, L7 and L4, same backends, same generator.',
    scenarios: [
      {
        name: 'proxy-overhead',
        question: 'How much throughput and latency does each balancer cost, L7 and L4 terminating (closed loop, 32 connections, backends answer at once)?',
        backends: sameBackends,
        variants: ['reference', 'haproxy', 'nginx'].flatMap((target) => (['http', 'tcp'] as const).map((mode) => ({ target, algorithm: 'rr', mode }))),
        load: { kind: 'closed', connections: 32, durationMs: 2000 },
        repetitions: 5,
        warmupMs: 1000,
      },
    ],
  },
  modes: {
    name: 'modes',
    description: 'L7 vs L4 terminating vs the LVS modes (containers), against a direct connection and the nftables kernel baseline, keep-alive and a new connection per request.',
    scenarios: [false, true].map((closeConnections) => ({
      name: closeConnections ? 'modes-new-connection' : 'modes-keep-alive',
      question: closeConnections
        ? 'What does each forwarding mode cost when every request opens a new TCP connection (Connection: close)?'
        : 'What does each forwarding mode cost over keep-alive connections?',
      backends: sameBackends,
      variants: [
        ...(['http', 'tcp'] as const).map((mode) => ({ target: 'reference', algorithm: 'rr', mode })),
        // LVS: containers; "direct" sends to one real server with no balancer in between.
        { target: 'direct', algorithm: 'rr', mode: 'lvs-nat' as const },
        ...(['lvs-nat', 'lvs-dr', 'lvs-tun'] as const).map((mode) => ({ target: 'reference', algorithm: 'rr', mode })),
        ...(['lvs-nat', 'lvs-dr'] as const).map((mode) => ({ target: 'nftables', algorithm: 'rr', mode })),
      ],
      load: { kind: 'closed' as const, connections: 32, durationMs: 2000, ...(closeConnections ? { closeConnections } : {}) },
      repetitions: 5,
      warmupMs: 1000,
    })),
  },
  ceiling: {
    name: 'ceiling',
    description: "The load generator's own ceiling: only the null target, as the targets preset loads it (use --generator and --null-target nginx).",
    scenarios: [
      {
        name: 'ceiling',
        question: 'How many requests per second does the generator drive against a null target that answers at once (closed loop, 32 connections)?',
        backends: sameBackends,
        variants: [],
        load: { kind: 'closed', connections: 32, durationMs: 2000 },
        repetitions: 5,
        warmupMs: 1000,
      },
    ],
  },
  calibration: {
    name: 'calibration',
    description: 'Many short repetitions of three balancers, for measuring the gate itself (fulcrum gate --calibrate).',
    scenarios: [
      {
        name: 'calibration',
        question: 'How much do repeated measurements of the same thing vary here? (input for the gate calibration)',
        backends: sameBackends,
        variants: ['reference', 'haproxy', 'nginx'].map((target) => ({ target, algorithm: 'rr', mode: 'http' as const })),
        load: { kind: 'closed', connections: 16, durationMs: 1000 },
        repetitions: 20,
        warmupMs: 500,
      },
    ],
  },
};

/** Shrinks a preset for smoke runs and tests: 3 repetitions of 2 s (two timeline points; open loop: at most 200 req/s). */
export function quick(preset: BenchPreset): BenchPreset {
  return {
    ...preset,
    scenarios: preset.scenarios.map((s) => ({
      ...s,
      repetitions: 3,
      warmupMs: 200,
      load: s.load.kind === 'open' ? { ...s.load, durationMs: 2000, rate: Math.min(200, s.load.rate) } : { ...s.load, durationMs: 2000 },
    })),
  };
}
