// Measuring a scenario's started slots in the interleaved plan: for each planned run, CPU before,
// reset the backends' counts, drive the load, read the shares, CPU after. Warm-ups are only said;
// the null target's runs are the generator's ceiling; the rest become samples of their variant.
import type { BackendHost } from '../backends/host.ts';
import { runClosedLoop, runOpenLoop, type LoadGenerator, type LoadOutcome } from '../load/index.ts';
import type { BenchResult, BenchSample } from '../../reports/schema/index.ts';
import type { BenchScenario, LoadSpec } from '../scenarios/types.ts';
import { groupCpuSeconds } from './cpu.ts';
import { interleave, type PlannedRun } from './plan.ts';
import { NULL, type Slot } from './slots.ts';

export interface MeasureContext {
  host: BackendHost;
  serving: readonly { id: string }[];
  nullUrl: string;
  /** The closed-loop generator, and the CPU it is pinned to (if any). */
  generator: LoadGenerator;
  generatorCpu?: number;
  say(line: string): void;
}

/** Runs the plan; samples go into results, the null target's outcomes are returned (the ceiling). */
export async function measureSlots(scenario: BenchScenario, slots: readonly Slot[], results: Map<string, BenchResult>, ctx: MeasureContext): Promise<LoadOutcome[]> {
  const ceiling: LoadOutcome[] = [];
  const plan = interleave(slots, scenario.repetitions);
  for (const step of plan) {
    const slot = step.variant;
    const { outcome, shares, cpuSeconds } = await measureOnce(scenario, step, ctx);
    const label = slot.kind === NULL ? 'null target (generator ceiling)' : slot.id;
    const prefix = `  [${step.order + 1}/${plan.length}] ${label}`;
    if (step.warmup) {
      ctx.say(`${prefix} warm-up: ${Math.round(outcome.rps)} req/s`);
      continue;
    }
    ctx.say(`${prefix} rep ${step.repetition + 1}: ${Math.round(outcome.rps)} req/s, p99 ${outcome.latencyMs.p99.toFixed(2)} ms${outcome.errors ? `, ${outcome.errors} errors` : ''}`);
    if (slot.kind === NULL) ceiling.push(outcome);
    else (results.get(slot.id) as BenchResult).samples.push(sampleOf(step, outcome, shares, cpuSeconds));
  }
  return ceiling;
}

async function measureOnce(scenario: BenchScenario, step: PlannedRun<Slot>, ctx: MeasureContext): Promise<{ outcome: LoadOutcome; shares: Record<string, number>; cpuSeconds?: number }> {
  const slot = step.variant;
  const url = slot.kind === NULL ? ctx.nullUrl : slot.url;
  const lvs = slot.kind === 'variant' ? slot.lvs : undefined;
  const cpu = async () => (lvs ? lvs.cpuSeconds() : slot.kind === 'variant' && slot.pid !== undefined ? groupCpuSeconds(slot.pid) : undefined);
  const cpuBefore = await cpu();
  // Counts restart before the load starts and are read after it stopped: the generator's window too.
  // LVS variants are served by the real servers' agents in containers, the rest by the local backend host.
  await (lvs ? lvs.begin() : ctx.host.begin());
  const outcome = await generate(scenario.load, url, step.warmup ? scenario.warmupMs : scenario.load.durationMs, ctx, lvs?.ownHosts);
  const shares = lvs ? await lvs.shares() : await localShares(ctx.host, ctx.serving);
  const cpuAfter = await cpu();
  return { outcome, shares, ...(cpuBefore !== undefined && cpuAfter !== undefined ? { cpuSeconds: Math.max(0, cpuAfter - cpuBefore) } : {}) };
}

function sampleOf(step: PlannedRun<Slot>, outcome: LoadOutcome, shares: Record<string, number>, cpuSeconds: number | undefined): BenchSample {
  return {
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
    ...(cpuSeconds !== undefined ? { balancerCpuSeconds: cpuSeconds } : {}),
    timeline: outcome.timeline,
  };
}

async function localShares(host: BackendHost, serving: readonly { id: string }[]): Promise<Record<string, number>> {
  const counted = await host.snapshot();
  return Object.fromEntries(serving.map((b) => [b.id, counted[b.id] ?? 0]));
}

/** What drives a scenario's load: open loop is always the built-in constant-rate generator; a new
 *  connection per request falls back to the built-in new-connection loop when the generator cannot
 *  (autocannon's own path does the same, see closed-loop.ts). Pure. */
export function generatorUsed(load: LoadSpec, generator: Pick<LoadGenerator, 'name' | 'closeConnectionsUnsupported'>): string {
  if (load.kind === 'open') return 'open-loop';
  if (load.closeConnections && (generator.name === 'autocannon' || generator.closeConnectionsUnsupported)) return 'new-connection-loop';
  return generator.name;
}

function generate(load: LoadSpec, url: string, durationMs: number, ctx: MeasureContext, ownHosts?: readonly string[]): Promise<LoadOutcome> {
  const target = { url, ...(ownHosts ? { ownHosts } : {}), ...(load.closeConnections ? { closeConnections: true } : {}) };
  const used = generatorUsed(load, ctx.generator);
  if (load.kind === 'open') return runOpenLoop({ ...target, connections: load.connections, durationMs, rate: load.rate });
  if (used === 'new-connection-loop') return runClosedLoop({ ...target, connections: load.connections, durationMs });
  return ctx.generator.run({ ...target, connections: load.connections, durationMs, ...(ctx.generatorCpu !== undefined ? { cpu: ctx.generatorCpu } : {}) });
}
