// Runs the micro-benchmarks with tinybench and assembles the results (the only timing code).
// Each timed sample runs `opsPerSample` operations back to back (a case's batch, repeated until a
// sample takes ~100 µs), so the timer's own cost (~tens of ns) does not swamp a 20 ns pick.
import { Bench } from 'tinybench';
import { microCases, DESIGN_COMPLEXITY, type MicroCase } from './cases.ts';
import { qualityFigures } from './quality.ts';
import { MICRO_SCHEMA, microEnvironment, type MicroBenchmark, type MicroResults } from '../../reports/schema/index.ts';
import { growth, statistics, targets } from './summarize.ts';

export interface MicroOptions {
  /** Backend counts for pick(); default 10, 100, 1000, 10000. */
  readonly ns?: readonly number[];
  /** Backend count for table builds; default 1000. */
  readonly buildN?: number;
  /** Time budget per benchmark in ms; default 200. */
  readonly timeMs?: number;
  /** Keys for the quality figures, and the N they use. */
  readonly qualityKeys?: number;
  readonly qualityNs?: readonly number[];
  /** Only these schedulers. */
  readonly only?: readonly string[];
  readonly quick?: boolean;
  /** 'wall' (default): elapsed time. 'cpu': this process's CPU time (user + system), which leaves
   *  out time the process spent preempted — steadier on a shared, overloaded machine; 1 µs
   *  resolution, so samples are made ~1 ms long. */
  readonly clock?: 'wall' | 'cpu';
  /** Called after each benchmark (progress). */
  readonly onProgress?: (done: number, total: number, label: string) => void;
}

export const QUICK: Required<Pick<MicroOptions, 'ns' | 'buildN' | 'timeMs' | 'qualityKeys' | 'qualityNs'>> = {
  ns: [10, 100],
  buildN: 100,
  timeMs: 10,
  qualityKeys: 2000,
  qualityNs: [10, 100],
};

const cpuNow = (): number => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
};

async function measure(c: MicroCase, timeMs: number, clock: 'wall' | 'cpu'): Promise<MicroBenchmark> {
  const sampleTargetMs = clock === 'cpu' ? 1 : 0.1;
  const fn = c.setup();
  // Probe: how many batches make a ~100 µs sample (builds are long enough alone).
  const t0 = performance.now();
  fn();
  const once = Math.max(performance.now() - t0, 1e-4);
  const repeat = c.kind === 'build' ? 1 : Math.max(1, Math.min(10_000, Math.round(sampleTargetMs / once)));
  const bench = new Bench({
    time: timeMs,
    iterations: 10,
    warmupTime: Math.min(50, timeMs),
    retainSamples: true,
    throws: true,
    ...(clock === 'cpu' ? { now: cpuNow } : {}),
  });
  bench.add(`${c.kind} ${c.scheduler} ${c.n}`, () => {
    for (let r = 0; r < repeat; r++) fn();
  });
  await bench.run();
  const task = bench.tasks[0]!;
  const result = task.result;
  if (result.state !== 'completed' || !result.latency.samples) throw new Error(`benchmark ${task.name} did not complete (${result.state})`);
  const opsPerSample = c.batch * repeat;
  // tinybench keeps samples in ms, sorted; per-operation nanoseconds, rounded to 0.01 ns.
  const samples = Array.from(result.latency.samples, (ms) => Math.round(((ms * 1e6) / opsPerSample) * 100) / 100);
  return {
    name: `${c.kind} ${c.scheduler} N=${c.n}`,
    kind: c.kind,
    scheduler: c.scheduler,
    n: c.n,
    ...(c.kind === 'pick' && DESIGN_COMPLEXITY[c.scheduler] ? { design: DESIGN_COMPLEXITY[c.scheduler] } : {}),
    opsPerSample,
    samplesNs: samples,
    ...statistics(samples),
  };
}

export async function runMicro(o: MicroOptions = {}): Promise<MicroResults> {
  const quick = o.quick ?? false;
  const ns = o.ns ?? (quick ? QUICK.ns : [10, 100, 1000, 10_000]);
  const buildN = o.buildN ?? (quick ? QUICK.buildN : 1000);
  const timeMs = o.timeMs ?? (quick ? QUICK.timeMs : 200);
  const started = new Date();
  const t0 = performance.now();
  const environment = microEnvironment();
  const cases = microCases(ns, buildN, o.only);
  const benchmarks: MicroBenchmark[] = [];
  for (const c of cases) {
    benchmarks.push(await measure(c, timeMs, o.clock ?? 'wall'));
    o.onProgress?.(benchmarks.length, cases.length, `${c.kind} ${c.scheduler} N=${c.n}`);
  }
  const quality = qualityFigures(o.qualityNs ?? (quick ? QUICK.qualityNs : [10, 100, 1000]), o.qualityKeys ?? (quick ? QUICK.qualityKeys : 50_000));
  return {
    schema: MICRO_SCHEMA,
    startedAt: started.toISOString(),
    durationMs: performance.now() - t0,
    quick,
    environment: { ...environment, clock: o.clock ?? 'wall' },
    benchmarks,
    growth: growth(benchmarks),
    targets: targets(benchmarks),
    quality: quality.map((q) => ({ ...q })),
  };
}
