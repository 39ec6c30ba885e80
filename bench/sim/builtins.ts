// Builtin scenarios for `fulcrum simulate --scenario <name>`, written as a file would be and checked
// by the same validation. Each answers one question that this machine cannot measure for real.
import { validateSimScenario, type SimScenario } from './scenario.ts';

const exp = (meanMs: number) => ({ kind: 'exponential', meanMs });

const BUILTINS: Record<string, Record<string, unknown>> = {
  herd: {
    name: 'herd',
    question:
      'Twenty independent balancers see backend load only through reports every 100 ms: does least connections herd onto the backends that looked idle, and does power of two choices avoid it? (50 single-slot backends, 80 % load; compare view: global)',
    backends: [{ count: 50, model: exp(10), concurrency: 1 }],
    balancers: 20,
    view: { kind: 'stale', refreshMs: 100, own: false },
    algorithms: ['rr', 'random', 'lc', 'p2c'],
    arrivals: { kind: 'poisson', rate: 4000 },
    requests: 200_000,
    quick: { requests: 20_000 },
  },
  heterogeneous: {
    name: 'heterogeneous',
    question: 'Six fast and four three-times-slower backends at 70 % of their total capacity: which algorithms keep the slow ones from queueing? (weights 3:1 for wrr)',
    backends: [
      { count: 6, model: { kind: 'lognormal', medianMs: 8, sigma: 0.6 }, concurrency: 8, weight: 3 },
      { count: 4, prefix: 'slow', model: { kind: 'lognormal', medianMs: 8, sigma: 0.6 }, concurrency: 8, speed: 0.33, weight: 1 },
    ],
    algorithms: ['rr', 'wrr', 'lc', 'p2c', 'ewma'],
    arrivals: { kind: 'poisson', rate: 4300 },
    requests: 150_000,
    quick: { requests: 15_000 },
  },
  failure: {
    name: 'failure',
    question: 'One of ten backends dies for 5 s (health checks notice after 1 s) and another runs 8× slower for 8 s: how many requests fail, and whose p99 suffers? (4 balancers, local views, 60 % load)',
    backends: [{ count: 10, model: exp(20), concurrency: 8 }],
    balancers: 4,
    view: 'local',
    algorithms: ['rr', 'lc', 'p2c', 'ewma'],
    arrivals: { kind: 'poisson', rate: 2400, bursts: [{ atMs: 9000, durationMs: 1000, factor: 1.4 }] },
    durationMs: 12_000,
    incidents: [
      { backends: ['b3'], fromMs: 3000, toMs: 8000, kind: 'down' },
      { backends: ['b7'], fromMs: 2000, toMs: 10_000, kind: 'slow', factor: 8 },
    ],
    health: { detectMs: 1000 },
    quick: { durationMs: 12_000 },
  },
  scale: {
    name: 'scale',
    question: '10,000 backends (2 slots each, exponential 10 ms) at 70 % load, 10 million requests: what O(1) schedulers do at a scale this machine cannot run for real',
    backends: [{ count: 10_000, model: exp(10), concurrency: 2 }],
    algorithms: ['rr', 'random', 'p2c'],
    arrivals: { kind: 'poisson', rate: 1_400_000 },
    requests: 10_000_000,
    quick: { requests: 1_000_000 },
  },
};

export function builtinNames(): string[] {
  return Object.keys(BUILTINS);
}

export function builtinScenario(name: string): SimScenario | undefined {
  const raw = BUILTINS[name];
  return raw ? validateSimScenario(`builtin scenario ${name}`, raw) : undefined;
}
