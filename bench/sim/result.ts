// Simulation outcomes → fulcrum/bench@1 results, so `fulcrum report` and `fulcrum gate` read them as
// they read measured runs. One result per algorithm, one sample per repetition; the optional
// `simulation` and `imbalance` fields (reports/schema/bench.ts) say what was simulated and how evenly.
import type { BenchResult, BenchSample } from '../../reports/schema/index.ts';
import { describeModel } from '../backends/service-time.ts';
import { algorithmLabel } from '../scenarios/types.ts';
import type { SimBackendSpec } from './backends.ts';
import type { SimScenario } from './scenario.ts';
import type { SimOutcome } from './simulate.ts';
import type { ViewSpec } from './views.ts';

export function describeView(v: ViewSpec): string {
  return v.kind === 'stale' ? `stale ${v.refreshMs} ms${v.own ? ' + own' : ', reports only'}` : v.kind;
}

export function describeBackend(b: SimBackendSpec): string {
  const parts = [describeModel(b.model)];
  if (Number.isFinite(b.concurrency)) parts.push(`concurrency ${b.concurrency}`);
  if (b.speed !== 1) parts.push(`speed ${b.speed}`);
  if (b.weight !== 1) parts.push(`weight ${b.weight}`);
  return parts.join(', ');
}

/** The algorithm as results name it, the same way bench variants are named: "p2c(draws=distinct)". */
export function simAlgorithmLabel(config: Readonly<Record<string, unknown>> & { readonly name: string }): string {
  const { name, ...options } = config;
  const flat = Object.fromEntries(Object.entries(options).map(([k, v]) => [k, typeof v === 'object' ? JSON.stringify(v) : (v as string | number | boolean)]));
  return algorithmLabel({ algorithm: name, options: flat });
}

/** Load per backend relative to its capacity; 1.0 everywhere is a fair spread. */
export function imbalanceOf(outcome: SimOutcome): NonNullable<BenchSample['imbalance']> {
  const { fleet } = outcome;
  const loads = Array.from({ length: fleet.n }, (_, b) => (fleet.served[b] as number) / fleet.capacityWeight(b));
  const mean = loads.reduce((a, x) => a + x, 0) / Math.max(1, loads.length);
  const sd = Math.sqrt(loads.reduce((a, x) => a + (x - mean) ** 2, 0) / Math.max(1, loads.length));
  let peak = 0;
  let max = 0;
  for (let b = 0; b < fleet.n; b++) {
    peak = Math.max(peak, fleet.peakInFlight[b] as number);
    max = Math.max(max, loads[b] as number);
  }
  return { maxOverMean: mean > 0 ? max / mean : 0, cv: mean > 0 ? sd / mean : 0, peakInFlight: peak };
}

export function sampleOf(outcome: SimOutcome, repetition: number, order: number, seed: number, wallMs: number): BenchSample {
  const seconds = outcome.arrivalMs / 1000;
  const { fleet } = outcome;
  return {
    repetition,
    order,
    requests: outcome.completed,
    rps: seconds > 0 ? outcome.completed / seconds : 0,
    latencyMs: outcome.recorder.summary(),
    errors: outcome.errors,
    non2xx: 0,
    late: 0,
    dropped: 0,
    backendShares: Object.fromEntries(fleet.specs.map((b, i) => [b.id, fleet.served[i] as number])),
    timeline: outcome.recorder.timeline(outcome.endMs / 1000),
    imbalance: imbalanceOf(outcome),
    simulation: {
      seed,
      events: outcome.events,
      wallMs,
      eventsPerSecond: wallMs > 0 ? (outcome.events * 1000) / wallMs : 0,
      simulatedMs: outcome.endMs,
      retried: outcome.retried,
    },
  };
}

export function resultOf(scenario: SimScenario, algorithm: SimScenario['algorithms'][number], samples: BenchSample[], arrivalMs: number): BenchResult {
  const label = simAlgorithmLabel(algorithm);
  return {
    id: `${scenario.name}/sim/${label}/http`,
    scenario: scenario.name,
    target: 'sim',
    algorithm: label,
    mode: 'http',
    load: 'open',
    connections: scenario.balancers,
    durationMs: Math.max(1e-3, arrivalMs),
    rate: scenario.arrivals.rate,
    backends: scenario.backends.map((b) => ({ id: b.id, model: b.model, description: describeBackend(b) })),
    generatorBound: false,
    samples,
    simulation: {
      balancers: scenario.balancers,
      view: describeView(scenario.view),
      arrivals: scenario.arrivals.kind,
      backendCount: scenario.backends.length,
      incidents: [...scenario.incidentText],
    },
  };
}
