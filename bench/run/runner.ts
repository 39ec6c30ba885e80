// Runs scenarios: starts the backends and every runnable variant's balancer, measures the
// generator's ceiling against a null target in the same interleaved schedule, and returns a
// fulcrum/bench@1 run. Everything started is closed at each scenario's end, on every path, and on
// Ctrl-C (resources.ts).
import { startBackendHost, type BackendHost } from '../backends/host.ts';
import { startNginxNull, type NullTargetKind } from '../backends/nginx-null.ts';
import { DEFAULT_GENERATOR, findOnPath, generatorNamed, type GeneratorName, type LoadGenerator, type LoadOutcome } from '../load/index.ts';
import { BENCH_SCHEMA, benchRunSchema, type BenchResult, type BenchRun } from '../../reports/schema/index.ts';
import type { BenchScenario, LoadSpec } from '../scenarios/types.ts';
import { benchEnvironment } from './environment.ts';
import { generatorUsed, measureSlots } from './measure.ts';
import { allowedCpus, pinGroup, planCpus, type CpuPlan } from './pinning.ts';
import { RunResources } from './resources.ts';
import { defaultResolveTarget, startSlots, type ResolveTarget, type Slot } from './slots.ts';

/** A result within this fraction of the generator's ceiling is marked generator-bound. */
export const GENERATOR_BOUND_FRACTION = 0.1;

export interface RunOptions {
  command: string[];
  preset?: string;
  /** Where progress lines go (stderr in the CLI). */
  progress?: (line: string) => void;
  /** Target lookup (default: the harness's registry, as `fulcrum conformance`); tests inject fixtures. */
  resolveTarget?: ResolveTarget;
  /** Loopback addresses: backends get .1, .2, … of backendNet; balancers listen on balancerHost. */
  backendNet?: string;
  balancerHost?: string;
  /** The closed-loop generator (default autocannon). */
  generator?: GeneratorName;
  /** Pin an external generator to a CPU of its own (default true). */
  pin?: boolean;
  /** What answers as the null target: the backend host's node:http null backend (default) or nginx. */
  nullTarget?: NullTargetKind;
}

interface RunContext {
  options: RunOptions;
  say(line: string): void;
  resolve: ResolveTarget;
  resources: RunResources;
  targetVersions: Record<string, string>;
  generator: LoadGenerator;
  cpus: CpuPlan;
}

export async function runBench(scenarios: readonly BenchScenario[], options: RunOptions): Promise<BenchRun> {
  const startedAt = new Date();
  const t0 = performance.now();
  // The generator first: a missing binary fails the run before anything starts.
  const generator = generatorNamed(options.generator ?? DEFAULT_GENERATOR);
  const generatorVersion = await generator.version();
  const cpus = options.pin === false ? { pinned: false, note: 'pinning turned off' } : planCpus(generator, (await allowedCpus()) ?? [], findOnPath('taskset'));
  const say = options.progress ?? (() => {});
  say(`generator: ${generatorVersion}; ${cpus.note}`);
  const resources = new RunResources();
  const ctx: RunContext = { options, say, resolve: options.resolveTarget ?? defaultResolveTarget, resources, targetVersions: {}, generator, cpus };
  const results: BenchResult[] = [];
  const ceiling: BenchRun['ceiling'] = {};
  try {
    for (const scenario of scenarios) {
      const { results: r, ceiling: c } = await runScenario(scenario, ctx);
      results.push(...r);
      const l = scenario.load;
      ceiling[scenario.name] = { load: l.kind, connections: l.connections, ...(l.kind === 'open' ? { rate: l.rate } : {}), rps: c, generator: generatorUsed(l, generator), nullTarget: options.nullTarget ?? 'node' };
    }
  } finally {
    await resources.dispose();
  }
  const run: BenchRun = {
    schema: BENCH_SCHEMA,
    startedAt: startedAt.toISOString(),
    durationMs: performance.now() - t0,
    command: options.command,
    ...(options.preset ? { preset: options.preset } : {}),
    environment: {
      ...benchEnvironment(ctx.targetVersions),
      generator: { name: generator.name, version: generatorVersion, pinned: cpus.pinned, ...(cpus.generatorCpu !== undefined ? { cpu: cpus.generatorCpu } : {}), note: cpus.note },
    },
    ceiling,
    results,
  };
  return benchRunSchema.parse(run);
}

/** One scenario: backends up, variants up, the interleaved plan, everything closed. */
async function runScenario(scenario: BenchScenario, ctx: RunContext): Promise<{ results: BenchResult[]; ceiling: number[] }> {
  ctx.say(`scenario ${scenario.name}: ${scenario.question}`);
  let ceilingSamples: LoadOutcome[];
  let results: Map<string, BenchResult>;
  try {
    const { host, serving, nullUrl, nullPid } = await startBackends(scenario, ctx);
    const started = await startSlots(scenario, { ...ctx, balancerHost: ctx.options.balancerHost ?? '127.20.0.1', serving });
    results = started.results;
    await pinApart(ctx, [host.pid, ...(nullPid !== undefined ? [nullPid] : [])], started.slots);
    const pin = ctx.cpus.generatorCpu !== undefined ? { generatorCpu: ctx.cpus.generatorCpu } : {};
    ceilingSamples = await measureSlots(scenario, started.slots, results, { host, serving, nullUrl, say: ctx.say, generator: ctx.generator, ...pin });
  } finally {
    await ctx.resources.closeAll();
  }
  const ceilingRps = ceilingSamples.map((o) => o.rps);
  const used = generatorUsed(scenario.load, ctx.generator);
  for (const r of results.values()) {
    r.generator = used;
    r.generatorBound = isGeneratorBound(r, scenario.load, ceilingRps);
    const headroom = generatorHeadroom(r, scenario.load, ceilingRps);
    if (headroom !== undefined) r.generatorHeadroom = headroom;
  }
  reportHeadroom(scenario, [...results.values()], ceilingRps, ctx.say);
  return { results: [...results.values()], ceiling: ceilingRps };
}

/** With a pinned generator: the backend host and every local balancer's group onto the other CPUs. */
async function pinApart(ctx: RunContext, hostPids: readonly number[], slots: readonly Slot[]): Promise<void> {
  const taskset = findOnPath('taskset');
  if (!ctx.cpus.otherCpus || !taskset) return;
  const groups = [...hostPids, ...slots.flatMap((s) => (s.kind === 'variant' && s.pid !== undefined ? [s.pid] : []))];
  for (const pgid of groups) await pinGroup(taskset, pgid, ctx.cpus.otherCpus);
}

/** Says the fastest variant's headroom against the project's goal (ceiling ≥ 3× the fastest). */
function reportHeadroom(scenario: BenchScenario, results: readonly BenchResult[], ceilingRps: readonly number[], say: (line: string) => void): void {
  if (scenario.load.kind !== 'closed' || ceilingRps.length === 0) return;
  const measured = results.filter((r) => r.samples.length > 0);
  if (measured.length === 0) return;
  const fastest = measured.reduce((a, b) => (medianOf(b.samples.map((s) => s.rps)) > medianOf(a.samples.map((s) => s.rps)) ? b : a));
  const h = fastest.generatorHeadroom;
  if (h === undefined) return;
  say(`  generator ceiling ${Math.round(medianOf(ceilingRps))} req/s = ${h.toFixed(2)}× the fastest (${fastest.id})${h >= HEADROOM_GOAL ? '' : ` — below the goal of ${HEADROOM_GOAL}×: the figures are partly the generator's`}`);
}

/** The project's goal for a trustworthy closed-loop figure: ceiling at least this many times the fastest balancer. */
export const HEADROOM_GOAL = 3;

/** Closed loop: the median ceiling over the variant's median req/s. Pure. */
export function generatorHeadroom(r: BenchResult, load: LoadSpec, ceilingRps: readonly number[]): number | undefined {
  if (load.kind !== 'closed' || r.samples.length === 0 || ceilingRps.length === 0) return undefined;
  const rps = medianOf(r.samples.map((s) => s.rps));
  return rps > 0 ? medianOf(ceilingRps) / rps : undefined;
}

/** The scenario's backends and the null target, in their own process, off the generator's event loop. */
async function startBackends(scenario: BenchScenario, ctx: RunContext): Promise<{ host: BackendHost; serving: BackendHost['backends']; nullUrl: string; nullPid?: number }> {
  const net = ctx.options.backendNet ?? '127.30.0';
  const nginxNull = ctx.options.nullTarget === 'nginx';
  const host = await startBackendHost([
    ...scenario.backends.map((b, i) => ({ id: b.id, model: b.model, host: `${net}.${i + 1}` })),
    ...(nginxNull ? [] : [{ id: 'null', model: { kind: 'fixed', ms: 0 } as const, host: `${net}.254` }]),
  ]);
  await ctx.resources.add(() => host.close());
  const serving = host.backends.slice(0, scenario.backends.length);
  if (nginxNull) {
    const nginx = await startNginxNull(`${net}.254`);
    await ctx.resources.add(() => nginx.stop());
    return { host, serving, nullUrl: nginx.url, nullPid: nginx.pid };
  }
  const nullTarget = host.backends[scenario.backends.length] as { host: string; port: number };
  return { host, serving, nullUrl: `http://${nullTarget.host}:${nullTarget.port}/` };
}

/** Closed loop: the variant's median req/s is within 10 % of the null target's. Open loop: the
 *  generator could not deliver 90 % of the asked rate even to the null target. */
export function isGeneratorBound(r: BenchResult, load: LoadSpec, ceilingRps: readonly number[]): boolean {
  if (r.samples.length === 0 || ceilingRps.length === 0) return false;
  const ceiling = medianOf(ceilingRps);
  if (load.kind === 'open') return ceiling < (1 - GENERATOR_BOUND_FRACTION) * load.rate;
  return medianOf(r.samples.map((s) => s.rps)) >= (1 - GENERATOR_BOUND_FRACTION) * ceiling;
}

function medianOf(xs: readonly number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? (s[mid] as number) : ((s[mid - 1] as number) + (s[mid] as number)) / 2;
}
