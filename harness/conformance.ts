// The conformance runner: for each selected check, skip when the target lacks a capability, else
// place its scenario, start a topology, run the check once (no retries) and tear everything down.
import { RESULTS_SCHEMA, collectEnvironment, summarize, type CheckResult, type Results } from '../reports/schema/index.ts';
import type { Check, ScenarioPlan, Target } from './types.ts';
import type { Driver, StartOptions, StartedTopology } from './topology.ts';

export interface ConformanceOptions {
  target: Target;
  driver: Driver;
  checks: readonly Check[];
  /** Glob on check ids ("*" any run of characters, "?" one; comma-separated alternatives). */
  only?: string;
  /** One line per check and detail lines, for stderr. */
  progress?: (line: string) => void;
  startOptions?: StartOptions;
}

/** The scenario every check starts from: three equal backends behind an HTTP round robin. */
export function basePlan(): ScenarioPlan {
  return { mode: 'http', algorithm: { name: 'rr' }, backends: [1, 2, 3].map((i) => ({ id: `b${i}`, weight: 1 })) };
}

export function globToRegExp(glob: string): RegExp {
  const alternatives = glob.split(',').map((g) => g.trim()).filter(Boolean);
  const body = alternatives.map((g) => g.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*').replace(/\?/g, '.')).join('|');
  return new RegExp(`^(?:${body})$`);
}

export function selectChecks(checks: readonly Check[], only?: string): Check[] {
  if (!only) return [...checks];
  const re = globToRegExp(only);
  return checks.filter((c) => re.test(c.id));
}

const seconds = (ms: number) => `${(ms / 1000).toFixed(1)}s`;

export async function runConformance(options: ConformanceOptions): Promise<Results> {
  const { target, driver } = options;
  const progress = options.progress ?? (() => {});
  const started = new Date();
  const t0 = performance.now();
  const checks = selectChecks(options.checks, options.only);
  const [targetAvailable, driverAvailable, version] = await Promise.all([target.available(), driver.available(), target.version().catch(() => undefined)]);
  const unavailable = !targetAvailable.ok ? targetAvailable.reason : !driverAvailable.ok ? `driver ${driver.name}: ${driverAvailable.reason}` : undefined;

  const results: CheckResult[] = [];
  const shelf = new TopologyShelf();
  try {
    for (const [i, check] of checks.entries()) {
      const prefix = `[${i + 1}/${checks.length}] ${check.id}`;
      const c0 = performance.now();
      const result = await runOne(check, options, unavailable, shelf, (line) => progress(`      ${line}`));
      result.durationMs = Math.round(performance.now() - c0);
      results.push(result);
      progress(`${prefix} … ${result.status} ${seconds(result.durationMs)}${result.status !== 'pass' && result.reason ? ` — ${result.reason.split('\n')[0]}` : ''}`);
    }
  } finally {
    await shelf.clear();
  }

  return {
    schema: RESULTS_SCHEMA,
    startedAt: started.toISOString(),
    durationMs: Math.round(performance.now() - t0),
    environment: collectEnvironment(),
    target: { name: target.name, ...(version ? { version } : {}), capabilities: [...target.capabilities], driver: driver.name },
    checks: results,
    summary: summarize(results),
  };
}

/** Keeps the last topology for the next check when both say so (Check.sharesTopology) and their
 *  scenarios are equal; anything else stops it first. */
class TopologyShelf {
  private kept: { key: string; topology: StartedTopology } | undefined;

  take(key: string): StartedTopology | undefined {
    const kept = this.kept;
    if (!kept || kept.key !== key || kept.topology.balancer.exited()) return undefined;
    this.kept = undefined;
    return kept.topology;
  }

  keep(key: string, topology: StartedTopology): void {
    this.kept = { key, topology };
  }

  async clear(): Promise<void> {
    const kept = this.kept;
    this.kept = undefined;
    await kept?.topology.stop();
  }
}

async function runOne(check: Check, options: ConformanceOptions, unavailable: string | undefined, shelf: TopologyShelf, log: (line: string) => void): Promise<CheckResult> {
  const base = { id: check.id, title: check.title, ...(check.falseFailureProbability !== undefined ? { falseFailureProbability: check.falseFailureProbability } : {}) };
  if (unavailable) return { ...base, status: 'skip', reason: unavailable };
  const missing = check.requires.filter((c) => !options.target.capabilities.includes(c));
  if (missing.length > 0) return { ...base, status: 'skip', reason: `target ${options.target.name} does not claim ${missing.join(', ')}` };

  const plan = check.scenario(basePlan());
  if (plan.lvs && !options.driver.forwardsPackets) return { ...base, status: 'skip', reason: `LVS modes need hosts on real L2 segments: run with --driver containers (driver ${options.driver.name} does not build them)` };
  const clients = check.clients ?? 1;
  const key = JSON.stringify({ plan, clients });
  let topology = check.sharesTopology ? shelf.take(key) : undefined;
  if (topology) log('reusing the previous check\'s topology (same scenario)');
  else {
    await shelf.clear();
    try {
      topology = await options.driver.start({ target: options.target, plan, clients }, { ...options.startOptions, log });
    } catch (err) {
      return { ...base, status: 'fail', reason: `could not start the topology: ${(err as Error).message}` };
    }
  }
  let keep = false;
  try {
    const verdict = await check.run({ topology, capabilities: options.target.capabilities, log });
    keep = check.sharesTopology === true;
    if (verdict.status === 'pass') return { ...base, status: 'pass', ...(verdict.evidence !== undefined ? { evidence: verdict.evidence } : {}), ...(verdict.metrics ? { metrics: verdict.metrics } : {}) };
    if (verdict.status === 'skip') return { ...base, status: 'skip', reason: verdict.reason };
    return { ...base, status: 'fail', reason: verdict.reason, ...(verdict.evidence !== undefined ? { evidence: verdict.evidence } : {}), ...(verdict.metrics ? { metrics: verdict.metrics } : {}) };
  } catch (err) {
    return { ...base, status: 'fail', reason: `the check stopped with an error: ${(err as Error).message}`, evidence: { balancerLogTail: topology.balancer.logs().split('\n').slice(-15) } };
  } finally {
    // A check that threw may have left the topology in any state: never hand it on.
    if (keep) shelf.keep(key, topology);
    else await topology.stop();
  }
}
