// Pure: bench and conformance results → what the report shows (sections, rows, chart data).
// No HTML here, so the numbers can be tested apart from the markup.
import type { BenchResult, BenchRun, LatencySummary, Results, TimelinePoint } from '../schema/index.ts';

export interface VariantRow {
  id: string;
  /** Short label for legends: "lc", "haproxy http" … (whatever differs within the section). */
  label: string;
  target: string;
  algorithm: string;
  mode: string;
  unavailable?: string;
  generatorBound: boolean;
  repetitions: number;
  rps: { median: number; min: number; max: number; all: number[] };
  /** Per-percentile medians across repetitions. */
  latency: LatencySummary;
  errors: number;
  non2xx: number;
  late?: number;
  dropped?: number;
  /** Balancer CPU per 1000 requests, in milliseconds (median across repetitions). */
  cpuMsPer1k?: number;
  /** Backend id → fraction of requests over all repetitions. */
  shares: Record<string, number>;
  /** Mean per second across repetitions. */
  timeline: TimelinePoint[];
  /** Simulated runs (`fulcrum simulate`): load per backend relative to capacity, medians across repetitions. */
  imbalance?: { maxOverMean: number; cv: number; peakInFlight: number };
  /** Simulated runs: the simulator's events per wall-clock second (median). */
  eventsPerSecond?: number;
}

/** Above this many backends the report draws no per-backend shares; the imbalance figures stand for them. */
export const MAX_SHARE_BACKENDS = 24;

export interface BenchSection {
  /** Anchor-safe id. */
  key: string;
  title: string;
  question?: string;
  source: string;
  load: string;
  ceilingRps?: number;
  backends: BenchResult['backends'];
  rows: VariantRow[];
}

export interface ReportModel {
  runs: { source: string; run: BenchRun }[];
  sections: BenchSection[];
  conformance: { source: string; results: Results }[];
}

export function median(xs: readonly number[]): number {
  if (xs.length === 0) return 0;
  const s = [...xs].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? (s[mid] as number) : ((s[mid - 1] as number) + (s[mid] as number)) / 2;
}

export function variantRow(r: BenchResult, label: string): VariantRow {
  const rps = r.samples.map((s) => s.rps);
  const lat = (k: keyof LatencySummary) => median(r.samples.map((s) => s.latencyMs[k]));
  const sum = (f: (s: BenchResult['samples'][number]) => number | undefined) => r.samples.reduce((a, s) => a + (f(s) ?? 0), 0);
  const shareTotals: Record<string, number> = {};
  for (const s of r.samples) for (const [id, n] of Object.entries(s.backendShares)) shareTotals[id] = (shareTotals[id] ?? 0) + n;
  const shareSum = Object.values(shareTotals).reduce((a, b) => a + b, 0);
  const cpu = r.samples.filter((s) => s.balancerCpuSeconds !== undefined && s.requests > 0).map((s) => ((s.balancerCpuSeconds as number) * 1000 * 1000) / s.requests);
  const open = r.load === 'open';
  return {
    id: r.id,
    label,
    target: r.target,
    algorithm: r.algorithm,
    mode: r.mode,
    ...(r.unavailable ? { unavailable: r.unavailable } : {}),
    generatorBound: r.generatorBound,
    repetitions: r.samples.length,
    rps: { median: median(rps), min: rps.length ? Math.min(...rps) : 0, max: rps.length ? Math.max(...rps) : 0, all: rps },
    latency: { p50: lat('p50'), p90: lat('p90'), p99: lat('p99'), p999: lat('p999'), max: lat('max'), mean: lat('mean') },
    errors: sum((s) => s.errors),
    non2xx: sum((s) => s.non2xx),
    ...(open ? { late: sum((s) => s.late), dropped: sum((s) => s.dropped) } : {}),
    ...(cpu.length ? { cpuMsPer1k: median(cpu) } : {}),
    shares: Object.fromEntries(Object.entries(shareTotals).map(([id, n]) => [id, shareSum ? n / shareSum : 0])),
    timeline: meanTimeline(r.samples.map((s) => s.timeline)),
    ...imbalanceOf(r),
  };
}

function imbalanceOf(r: BenchResult): Pick<VariantRow, 'imbalance' | 'eventsPerSecond'> {
  const im = r.samples.map((s) => s.imbalance).filter((x) => x !== undefined);
  const eps = r.samples.map((s) => s.simulation?.eventsPerSecond).filter((x) => x !== undefined);
  return {
    ...(im.length ? { imbalance: { maxOverMean: median(im.map((x) => x.maxOverMean)), cv: median(im.map((x) => x.cv)), peakInFlight: Math.max(...im.map((x) => x.peakInFlight)) } } : {}),
    ...(eps.length ? { eventsPerSecond: median(eps) } : {}),
  };
}

/** "open loop, …" or, for a simulation, what was simulated. */
function loadLine(first: BenchResult): string {
  const sim = first.simulation;
  if (sim) {
    const incidents = sim.incidents.length ? `; incidents: ${sim.incidents.join('; ')}` : '';
    return `simulated (fulcrum simulate): ${sim.arrivals} arrivals at ${first.rate} req/s for ${(first.durationMs / 1000).toFixed(1)} s of simulated time, ${sim.balancers} balancer(s) with their own scheduler, view of backend load: ${sim.view}, ${sim.backendCount} backends${incidents}`;
  }
  return first.load === 'open'
    ? `open loop, ${first.rate} req/s over ${first.connections} connections, ${first.durationMs / 1000} s per repetition (latency from intended send time)`
    : `closed loop, ${first.connections} connections, ${first.durationMs / 1000} s per repetition`;
}

/** Second-by-second mean over repetitions (latencies: mean of the per-repetition percentiles). */
export function meanTimeline(timelines: readonly TimelinePoint[][]): TimelinePoint[] {
  const length = Math.max(0, ...timelines.map((t) => t.length));
  const out: TimelinePoint[] = [];
  for (let i = 0; i < length; i++) {
    const pts = timelines.map((t) => t[i]).filter((p): p is TimelinePoint => p !== undefined);
    const avg = (k: keyof TimelinePoint) => pts.reduce((a, p) => a + p[k], 0) / pts.length;
    out.push({ t: i + 1, rps: avg('rps'), p50Ms: avg('p50Ms'), p99Ms: avg('p99Ms') });
  }
  return out;
}

/** Legend labels: only the parts that differ between the section's variants. */
export function labelsFor(results: readonly BenchResult[]): string[] {
  const differs = (k: 'target' | 'algorithm' | 'mode') => new Set(results.map((r) => r[k])).size > 1;
  const parts = (['target', 'algorithm', 'mode'] as const).filter(differs);
  return results.map((r) => (parts.length ? parts.map((k) => r[k]).join(' ') : r.algorithm));
}

export function buildModel(benches: readonly { source: string; run: BenchRun }[], conformance: readonly { source: string; results: Results }[]): ReportModel {
  const sections: BenchSection[] = [];
  for (const [fileIndex, { source, run }] of benches.entries()) {
    const scenarios = [...new Set(run.results.map((r) => r.scenario))];
    for (const scenario of scenarios) {
      const results = run.results.filter((r) => r.scenario === scenario);
      const labels = labelsFor(results);
      const first = results[0] as BenchResult;
      const ceiling = run.ceiling[scenario]?.rps;
      sections.push({
        key: `s${fileIndex}-${scenario.replace(/[^A-Za-z0-9_-]/g, '_')}`,
        title: benches.length > 1 ? `${scenario} · ${source}` : scenario,
        source,
        load: loadLine(first),
        ...(first.load === 'closed' && ceiling?.length ? { ceilingRps: median(ceiling) } : {}),
        backends: first.backends,
        rows: results.map((r, i) => variantRow(r, labels[i] as string)),
      });
    }
  }
  return { runs: [...benches], sections, conformance: [...conformance] };
}
