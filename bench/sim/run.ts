// Runs a scenario: every algorithm × repetition is one simulation with its own scheduler instances
// and the repetition's seed (the same seeds for every algorithm, so they meet the same arrivals and
// draws as far as their picks allow). Returns a fulcrum/bench@1 run. Wall time is measured here, at
// the edge; the simulation itself never reads a clock.
import { BENCH_SCHEMA, benchRunSchema, type BenchResult, type BenchRun, type BenchSample } from '../../reports/schema/index.ts';
import { benchEnvironment } from '../run/environment.ts';
import { resultOf, sampleOf, simAlgorithmLabel } from './result.ts';
import type { SimScenario } from './scenario.ts';
import { Simulation } from './simulate.ts';

export interface SimulateOptions {
  command: string[];
  /** The builtin scenario's name, when one was used (results' `preset`). */
  preset?: string;
  /** Progress lines (stderr in the CLI). */
  progress?: (line: string) => void;
}

export function runSimulation(scenario: SimScenario, options: SimulateOptions): BenchRun {
  const startedAt = new Date();
  const t0 = performance.now();
  const say = options.progress ?? (() => {});
  const total = scenario.algorithms.length * scenario.repetitions;
  const results: BenchResult[] = [];
  let order = 0;
  for (const algorithm of scenario.algorithms) {
    const label = simAlgorithmLabel(algorithm);
    const samples: BenchSample[] = [];
    let arrivalMs = 0;
    for (let rep = 0; rep < scenario.repetitions; rep++) {
      const seed = (scenario.seed + rep) >>> 0;
      const prefix = `[${order + 1}/${total}] ${label}${scenario.repetitions > 1 ? ` rep ${rep + 1}` : ''}`;
      const start = performance.now();
      let lastSaid = start;
      const sim = new Simulation({ ...scenario, algorithm, seed, detectMs: scenario.detectMs });
      const outcome = sim.run((arrived) => {
        const now = performance.now();
        if (now - lastSaid < 2000) return;
        lastSaid = now;
        const of = scenario.requests === Number.MAX_SAFE_INTEGER ? '' : ` of ${scenario.requests.toLocaleString('en-US')}`;
        say(`${prefix} … ${arrived.toLocaleString('en-US')}${of} requests, ${((now - start) / 1000).toFixed(0)} s`);
      });
      const wallMs = performance.now() - start;
      const sample = sampleOf(outcome, rep, order++, seed, wallMs);
      outcome.recorder.destroy();
      arrivalMs = Math.max(arrivalMs, outcome.arrivalMs);
      samples.push(sample);
      say(`${prefix}: ${outcome.completed.toLocaleString('en-US')} requests, p50 ${sample.latencyMs.p50.toFixed(2)} ms, p99 ${sample.latencyMs.p99.toFixed(2)} ms, ${outcome.errors} errors; ${outcome.events.toLocaleString('en-US')} events in ${(wallMs / 1000).toFixed(2)} s (${Math.round(sample.simulation?.eventsPerSecond ?? 0).toLocaleString('en-US')}/s)`);
    }
    results.push(resultOf(scenario, algorithm, samples, arrivalMs));
  }
  const run: BenchRun = {
    schema: BENCH_SCHEMA,
    startedAt: startedAt.toISOString(),
    durationMs: performance.now() - t0,
    command: options.command,
    ...(options.preset ? { preset: options.preset } : {}),
    environment: benchEnvironment({}),
    ceiling: {},
    results,
  };
  return benchRunSchema.parse(run);
}
