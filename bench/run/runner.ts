// Runs scenarios: starts the backends and every runnable variant's balancer, measures the
// generator's ceiling against a null target in the same interleaved schedule, and returns a
// fulcrum/bench@1 run. Everything started is closed in `finally`, on every path.
import { startBackendHost, type BackendHost } from '../backends/host.ts';
import { describeModel } from '../backends/service-time.ts';
import { runClosedLoop, runOpenLoop, type LoadOutcome } from '../load/index.ts';
import { BENCH_SCHEMA, benchRunSchema, type BenchResult, type BenchRun, type BenchSample } from '../../reports/schema/index.ts';
import { ALGORITHM_OPTIONS_CAPABILITY, algorithmLabel, type BenchScenario, type BenchVariant, type LoadSpec } from '../scenarios/types.ts';
import { resolveBenchTarget, type BenchTarget } from '../targets/index.ts';
import { groupCpuSeconds } from './cpu.ts';
import { benchEnvironment } from './environment.ts';
import { freePort, launch, type Launched } from './launch.ts';
import { interleave } from './plan.ts';
import { lvsUnavailable, startLvsSlot, type LvsSlot } from './lvs-variant.ts';

/** A result within this fraction of the generator's ceiling is marked generator-bound. */
export const GENERATOR_BOUND_FRACTION = 0.1;

export interface RunOptions {
  command: string[];
  preset?: string;
  /** Where progress lines go (stderr in the CLI). */
  progress?: (line: string) => void;
  /** Target lookup; tests inject fixtures. */
  resolveTarget?: (name: string) => Promise<BenchTarget | undefined> | BenchTarget | undefined;
  /** Loopback addresses: backends get .1, .2, … of backendNet; balancers listen on balancerHost. */
  backendNet?: string;
  balancerHost?: string;
}

const NULL = Symbol('null target');
type Slot = { kind: typeof NULL } | { kind: 'variant'; variant: BenchVariant; id: string; url: string; pid?: number; lvs?: LvsSlot };

export async function runBench(scenarios: readonly BenchScenario[], options: RunOptions): Promise<BenchRun> {
  const startedAt = new Date();
  const t0 = performance.now();
  const say = options.progress ?? (() => {});
  const resolve = options.resolveTarget ?? resolveBenchTarget;
  const targetVersions: Record<string, string> = {};
  const results: BenchResult[] = [];
  const ceiling: BenchRun['ceiling'] = {};

  for (const scenario of scenarios) {
    const { results: r, ceiling: c } = await runScenario(scenario, resolve, options, say, targetVersions);
    results.push(...r);
    const l = scenario.load;
    ceiling[scenario.name] = { load: l.kind, connections: l.connections, ...(l.kind === 'open' ? { rate: l.rate } : {}), rps: c };
  }
  const run: BenchRun = {
    schema: BENCH_SCHEMA,
    startedAt: startedAt.toISOString(),
    durationMs: performance.now() - t0,
    command: options.command,
    ...(options.preset ? { preset: options.preset } : {}),
    environment: benchEnvironment(targetVersions),
    ceiling,
    results,
  };
  return benchRunSchema.parse(run);
}

async function runScenario(
  scenario: BenchScenario,
  resolve: (name: string) => Promise<BenchTarget | undefined> | BenchTarget | undefined,
  options: RunOptions,
  say: (line: string) => void,
  targetVersions: Record<string, string>,
): Promise<{ results: BenchResult[]; ceiling: number[] }> {
  const net = options.backendNet ?? '127.30.0';
  const balancerHost = options.balancerHost ?? '127.20.0.1';
  let host: BackendHost | undefined;
  const launched: Launched[] = [];
  const lvsSlots: LvsSlot[] = [];
  const results = new Map<string, BenchResult>();
  const ceilingSamples: LoadOutcome[] = [];
  say(`scenario ${scenario.name}: ${scenario.question}`);
  try {
    // Backends and the null target live in their own process, off the generator's event loop.
    host = await startBackendHost([
      ...scenario.backends.map((b, i) => ({ id: b.id, model: b.model, host: `${net}.${i + 1}` })),
      { id: 'null', model: { kind: 'fixed', ms: 0 }, host: `${net}.254` },
    ]);
    const serving = host.backends.slice(0, scenario.backends.length);
    const nullTarget = host.backends[scenario.backends.length] as { host: string; port: number };

    const slots: Slot[] = [{ kind: NULL }];
    for (const variant of scenario.variants) {
      const id = `${scenario.name}/${variant.target}/${algorithmLabel(variant)}/${variant.mode}`;
      const result = baseResult(scenario, variant, id);
      results.set(id, result);
      const why = await unavailableReason(variant, resolve);
      if (why) {
        result.unavailable = why;
        say(`  ${id}: unavailable: ${why}`);
        continue;
      }
      if (variant.mode.startsWith('lvs-')) {
        try {
          const lvs = await startLvsSlot(scenario, variant, (line) => say(`  ${id}: ${line}`));
          lvsSlots.push(lvs);
          slots.push({ kind: 'variant', variant, id, url: lvs.url, lvs });
        } catch (err) {
          result.unavailable = `failed to start: ${lastLines((err as Error).message)}`;
          say(`  ${id}: ${result.unavailable}`);
        }
        continue;
      }
      const target = (await resolve(variant.target)) as BenchTarget;
      const version = await target.version();
      if (version) targetVersions[target.name] = version;
      try {
        const port = await freePort(balancerHost);
        const spec = target.render({
          mode: variant.mode as 'http' | 'tcp',
          algorithm: { ...variant.options, name: variant.algorithm },
          listen: { host: balancerHost, port },
          backends: serving.map((b, i) => ({ id: b.id, host: b.host, port: b.port, weight: scenario.backends[i]?.weight ?? 1 })),
        });
        // Generous: a tsx-compiled balancer on a busy two-core machine can take many seconds to listen.
        const proc = await launch(spec, { readyTimeoutMs: 45_000 });
        launched.push(proc);
        slots.push({ kind: 'variant', variant, id, url: `http://${balancerHost}:${port}/`, pid: proc.pid });
      } catch (err) {
        result.unavailable = `failed to start: ${lastLines((err as Error).message)}`;
        say(`  ${id}: ${result.unavailable}`);
      }
    }

    const plan = interleave(slots, scenario.repetitions);
    for (const step of plan) {
      const slot = step.variant;
      const label = slot.kind === NULL ? 'null target (generator ceiling)' : slot.id;
      const url = slot.kind === NULL ? `http://${nullTarget.host}:${nullTarget.port}/` : slot.url;
      const durationMs = step.warmup ? scenario.warmupMs : scenario.load.durationMs;
      const lvs = slot.kind === 'variant' ? slot.lvs : undefined;
      const cpu = async () => (lvs ? lvs.cpuSeconds() : slot.kind === 'variant' && slot.pid !== undefined ? groupCpuSeconds(slot.pid) : undefined);
      const cpuBefore = await cpu();
      // Counts restart before the load starts and are read after it stopped: the generator's window too.
      // LVS variants are served by the real servers' agents in containers, the rest by the local backend host.
      await (lvs ? lvs.begin() : host.begin());
      const outcome = await generate(scenario.load, url, durationMs, lvs?.ownHosts);
      const shares = lvs ? await lvs.shares() : await localShares(host, serving);
      const cpuAfter = await cpu();
      const prefix = `  [${step.order + 1}/${plan.length}] ${label}`;
      if (step.warmup) {
        say(`${prefix} warm-up: ${Math.round(outcome.rps)} req/s`);
        continue;
      }
      say(`${prefix} rep ${step.repetition + 1}: ${Math.round(outcome.rps)} req/s, p99 ${outcome.latencyMs.p99.toFixed(2)} ms${outcome.errors ? `, ${outcome.errors} errors` : ''}`);
      if (slot.kind === NULL) {
        ceilingSamples.push(outcome);
        continue;
      }
      const sample: BenchSample = {
        repetition: step.repetition,
        order: step.order,
        requests: outcome.requests,
        rps: outcome.rps,
        latencyMs: outcome.latencyMs,
        errors: outcome.errors,
        non2xx: outcome.non2xx,
        ...(outcome.late !== undefined ? { late: outcome.late } : {}),
        ...(outcome.dropped !== undefined ? { dropped: outcome.dropped } : {}),
        backendShares: shares,
        ...(cpuBefore !== undefined && cpuAfter !== undefined ? { balancerCpuSeconds: Math.max(0, cpuAfter - cpuBefore) } : {}),
        timeline: outcome.timeline,
      };
      (results.get(slot.id) as BenchResult).samples.push(sample);
    }
  } finally {
    await Promise.all([...launched.map((l) => l.close()), ...lvsSlots.map((l) => l.close())]);
    await host?.close();
  }

  const ceilingRps = ceilingSamples.map((o) => o.rps);
  for (const r of results.values()) r.generatorBound = isGeneratorBound(r, scenario.load, ceilingRps);
  return { results: [...results.values()], ceiling: ceilingRps };
}

async function localShares(host: BackendHost, serving: readonly { id: string }[]): Promise<Record<string, number>> {
  const counted = await host.snapshot();
  return Object.fromEntries(serving.map((b) => [b.id, counted[b.id] ?? 0]));
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

function generate(load: LoadSpec, url: string, durationMs: number, ownHosts?: readonly string[]): Promise<LoadOutcome> {
  const target = { url, ...(ownHosts ? { ownHosts } : {}), ...(load.closeConnections ? { closeConnections: true } : {}) };
  return load.kind === 'closed'
    ? runClosedLoop({ ...target, connections: load.connections, durationMs })
    : runOpenLoop({ ...target, connections: load.connections, durationMs, rate: load.rate });
}

function baseResult(scenario: BenchScenario, variant: BenchVariant, id: string): BenchResult {
  return {
    id,
    scenario: scenario.name,
    target: variant.target,
    algorithm: algorithmLabel(variant),
    mode: variant.mode,
    load: scenario.load.kind,
    connections: scenario.load.connections,
    durationMs: scenario.load.durationMs,
    ...(scenario.load.kind === 'open' ? { rate: scenario.load.rate } : {}),
    backends: scenario.backends.map((b) => ({ id: b.id, model: b.model, description: describeModel(b.model) })),
    generatorBound: false,
    samples: [],
  };
}

async function unavailableReason(variant: BenchVariant, resolve: (name: string) => Promise<BenchTarget | undefined> | BenchTarget | undefined): Promise<string | undefined> {
  if (variant.mode.startsWith('lvs-')) return lvsUnavailable(variant);
  let target: BenchTarget | undefined;
  try {
    target = await resolve(variant.target);
  } catch (err) {
    return (err as Error).message;
  }
  if (!target) return `no target named "${variant.target}"`;
  const available = await target.available();
  if (!available.ok) return available.reason;
  const modeWhy = target.modeUnavailable?.(variant.mode);
  if (modeWhy) return modeWhy;
  if (!target.capabilities.includes(variant.mode)) return `${target.name} does not claim mode ${variant.mode}`;
  if (!target.capabilities.includes(`algorithm:${variant.algorithm}`)) return `${target.name} has no algorithm "${variant.algorithm}" (yet)`;
  if (variant.options && !target.capabilities.includes(ALGORITHM_OPTIONS_CAPABILITY)) return `${target.name} takes no algorithm options (asked for ${algorithmLabel(variant)})`;
  return undefined;
}

/** The end of a launch error: where balancers say what went wrong (HAProxy's [ALERT] lines). */
function lastLines(message: string): string {
  return message.split('\n').map((l) => l.trim()).filter(Boolean).slice(-2).join(' / ');
}
