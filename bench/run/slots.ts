// Starting a scenario's variants: each is resolved through the harness's target registry (the same
// reference target and target files `fulcrum conformance` uses), rendered with the target file's
// bench profile, and launched as a harness balancer process (or, for LVS modes, a container
// topology). A variant that cannot run is reported with its reason, never dropped.
import { freePort, resolveTarget, spawnBalancer, TopologyStartError, ALGORITHM_OPTIONS_CAPABILITY, type Endpoint, type Scenario, type Target, type TargetLaunch } from '../../harness/index.ts';
import { describeModel } from '../backends/service-time.ts';
import type { BenchResult } from '../../reports/schema/index.ts';
import { algorithmLabel, type BenchScenario, type BenchVariant } from '../scenarios/types.ts';
import { lvsUnavailable, startLvsSlot, type LvsSlot } from './lvs-variant.ts';
import type { RunResources } from './resources.ts';

/** Generous: a tsx-compiled balancer on a busy two-core machine can take many seconds to listen. */
const READY_TIMEOUT_MS = 45_000;

export type ResolveTarget = (name: string) => Promise<Target | undefined> | Target | undefined;

/** The targets a bench runs: the harness's registry, as for `fulcrum conformance --target`. */
export const defaultResolveTarget: ResolveTarget = resolveTarget;

export const NULL = Symbol('null target');
export type Slot = { kind: typeof NULL } | { kind: 'variant'; variant: BenchVariant; id: string; url: string; pid?: number; lvs?: LvsSlot };

export interface SlotContext {
  resolve: ResolveTarget;
  resources: RunResources;
  balancerHost: string;
  /** The backends the balancers forward to, in the scenario's order. */
  serving: readonly { id: string; host: string; port: number }[];
  targetVersions: Record<string, string>;
  say(line: string): void;
}

/** The null target first, then every variant that started; a result for every variant. */
export async function startSlots(scenario: BenchScenario, ctx: SlotContext): Promise<{ slots: Slot[]; results: Map<string, BenchResult> }> {
  const slots: Slot[] = [{ kind: NULL }];
  const results = new Map<string, BenchResult>();
  for (const variant of scenario.variants) {
    const id = `${scenario.name}/${variant.target}/${algorithmLabel(variant)}/${variant.mode}`;
    const result = baseResult(scenario, variant, id);
    results.set(id, result);
    const why = await unavailableReason(variant, ctx.resolve);
    if (why) {
      result.unavailable = why;
      ctx.say(`  ${id}: unavailable: ${why}`);
      continue;
    }
    try {
      slots.push(variant.mode.startsWith('lvs-') ? await startLvsVariant(scenario, variant, id, ctx) : await startProxyVariant(scenario, variant, id, ctx));
    } catch (err) {
      result.unavailable = `failed to start: ${lastLines((err as Error).message)}`;
      ctx.say(`  ${id}: ${result.unavailable}`);
    }
  }
  return { slots, results };
}

/** What the target renders for a variant: the scenario with the bench profile. Pure. */
export function variantScenario(scenario: BenchScenario, variant: BenchVariant, listen: Endpoint, serving: SlotContext['serving']): Scenario {
  return {
    mode: variant.mode as 'http' | 'tcp',
    algorithm: { ...variant.options, name: variant.algorithm },
    listen,
    backends: serving.map((b, i) => ({ id: b.id, host: b.host, port: b.port, weight: scenario.backends[i]?.weight ?? 1 })),
    profile: 'bench',
  };
}

/** The target's launch for a variant, as the runner starts it. */
export function renderVariant(target: Target, scenario: BenchScenario, variant: BenchVariant, listen: Endpoint, serving: SlotContext['serving']): TargetLaunch {
  return target.render(variantScenario(scenario, variant, listen, serving));
}

async function startProxyVariant(scenario: BenchScenario, variant: BenchVariant, id: string, ctx: SlotContext): Promise<Slot> {
  const target = (await ctx.resolve(variant.target)) as Target;
  const version = await target.version();
  if (version) ctx.targetVersions[target.name] = version;
  const listen = { host: ctx.balancerHost, port: await freePort(ctx.balancerHost) };
  const launch = renderVariant(target, scenario, variant, listen, ctx.serving);
  const balancer = await spawnBalancer(target.name, launch, (message) => new TopologyStartError(message));
  await ctx.resources.add(() => balancer.stop());
  try {
    await balancer.waitReady(variantScenario(scenario, variant, listen, ctx.serving), READY_TIMEOUT_MS);
  } catch (err) {
    await balancer.stop();
    throw err;
  }
  return { kind: 'variant', variant, id, url: `http://${listen.host}:${listen.port}/`, pid: balancer.proc.pid };
}

async function startLvsVariant(scenario: BenchScenario, variant: BenchVariant, id: string, ctx: SlotContext): Promise<Slot> {
  const lvs = await startLvsSlot(scenario, variant, (line) => ctx.say(`  ${id}: ${line}`));
  await ctx.resources.add(() => lvs.close());
  return { kind: 'variant', variant, id, url: lvs.url, lvs };
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

async function unavailableReason(variant: BenchVariant, resolve: ResolveTarget): Promise<string | undefined> {
  if (variant.mode.startsWith('lvs-')) return lvsUnavailable(variant);
  let target: Target | undefined;
  try {
    target = await resolve(variant.target);
  } catch (err) {
    return (err as Error).message;
  }
  if (!target) return `no target named "${variant.target}"`;
  const available = await target.available();
  if (!available.ok) return available.reason;
  if (!target.capabilities.includes(variant.mode)) return `${target.name} does not claim mode ${variant.mode}`;
  if (!target.capabilities.includes(`algorithm:${variant.algorithm}`)) return `${target.name} has no algorithm "${variant.algorithm}" (yet)`;
  if (variant.options && !target.capabilities.includes(ALGORITHM_OPTIONS_CAPABILITY)) return `${target.name} takes no algorithm options (asked for ${algorithmLabel(variant)})`;
  return undefined;
}

/** The end of a launch error: where balancers say what went wrong (HAProxy's [ALERT] lines). */
function lastLines(message: string): string {
  return message.split('\n').map((l) => l.trim()).filter(Boolean).slice(-2).join(' / ');
}
