// results of `fulcrum bench`, schema "fulcrum/bench@1". The report and the gate read this file alone.
// Changing a field's meaning or removing one needs a new schema version; adding optional fields does not.
//
// Field by field:
//   schema          "fulcrum/bench@1".
//   startedAt       ISO time the run began; durationMs: wall time of the whole run.
//   command         the argv the run was started with (to reproduce it), e.g. ["fulcrum","bench","--preset","algorithms"].
//   preset          preset name when one was used.
//   environment     node (process.version), kernel (os.release()), os (platform/arch), cpus (count),
//                   cpuModel, fulcrumVersion, gitSha (when in a git checkout), targetVersions
//                   (target name → version string such as "HAProxy 2.6.12"), loadavg at start.
//                   generator (optional; runs before 2026-12-04 lack it): the closed-loop load generator
//                   chosen with --generator: name ("autocannon" | "wrk" | "h2load"), version (e.g.
//                   "wrk debian/4.1.0-3+b2"), pinned (whether it ran on a CPU of its own, with the
//                   balancers and backends moved to the others), cpu (its CPU when pinned), note (why
//                   or why not pinned, in words).
//   ceiling         per scenario name: the generator's own ceiling, measured in the same interleaved
//                   schedule against a null target (a minimal server answering directly) with the
//                   scenario's load: rps is one figure per repetition; generator (optional): which
//                   generator drove the scenario (as results[].generator); nullTarget (optional): what
//                   answered as the null target, "node" (the backend host's node:http null backend, the
//                   default) or "nginx" (--null-target nginx: one nginx worker returning 200, so that the
//                   ceiling is the generator's rather than node's).
//   results[]       one entry per (scenario, target, algorithm, mode) variant:
//     id            stable key "<scenario>/<target>/<algorithm>/<mode>", what the gate matches on.
//     scenario, target, algorithm, mode ("http" L7 | "tcp" L4 terminating), load ("closed" | "open").
//     connections, durationMs, rate (open loop: requests/s asked for).
//     backends[]    the backends' ids and service-time models (as data), with a one-line description.
//                   Models: fixed, uniform, lognormal, pareto, degrading; exponential and bimodal (added
//                   for `fulcrum simulate`, also served by the real bench backends).
//     generatorBound  closed loop: median req/s within 10 % of the scenario's ceiling; open loop: the
//                   generator could not deliver 90 % of the rate even to the null target. The figure
//                   then says more about the generator than about the target.
//     generator     (optional) what drove this variant's load: "autocannon", "wrk", "h2load" (--generator),
//                   "open-loop" (open-loop scenarios always use the built-in constant-rate generator), or
//                   "new-connection-loop" (closeConnections with a generator that cannot reconnect per request).
//     generatorHeadroom  (optional) the scenario's median ceiling ÷ this variant's median req/s (closed loop):
//                   how far the generator was from being the limit. The project's goal is ≥ 3 for the
//                   fastest balancer; below that, read the figure as partly the generator's.
//     unavailable   reason the variant could not run here (e.g. LVS modes, haproxy missing); no samples then.
//     samples[]     one raw sample per measured repetition (warm-up runs are not kept), in run order:
//       repetition  0-based; order: position in the interleaved schedule (A B A B …).
//       requests    completed responses; rps: requests / measured seconds (from the start of the load
//                   until the generator stopped, which may be a few tens of ms past the duration).
//       latencyMs   HDR percentiles p50, p90, p99, p999 (99.9th), max, mean, in milliseconds.
//                   Open loop: from each request's intended send time (coordinated omission corrected).
//       errors      connection errors and timeouts; non2xx: responses with other status codes.
//       late, dropped  open loop only: sends that left later than 1 ms after their intended time,
//                   and intended sends never made before the time bound ran out.
//       backendShares  backend id → requests that backend served from the start of the repetition
//                   until the generator stopped, counted by the backends themselves (may exceed
//                   requests by up to one per connection: answers in flight at the stop).
//       balancerCpuSeconds  user+system CPU of the balancer process during the repetition,
//                   from /proc/<pid>/stat (utime+stime over the clock tick); LVS variants: of the
//                   balancer's container, from its cgroup; absent if unknown or not attributable
//                   (a kernel data plane such as nftables forwards in softirq).
//       timeline[]  per-second samples: t (seconds since the repetition began), rps, p50Ms, p99Ms.
//       imbalance   optional (`fulcrum simulate`): how unevenly the backends were loaded. Each backend's
//                   load is the requests it served divided by its capacity (concurrency × speed / mean
//                   service time; unlimited concurrency counts as 1), so 1.0 is the fair share on
//                   unequal backends too: maxOverMean (the busiest over the mean), cv (standard
//                   deviation over mean), peakInFlight (the most requests in flight on one backend at once).
//       simulation  optional (`fulcrum simulate`): seed, events processed, wallMs, eventsPerSecond,
//                   simulatedMs (until the last request finished), retried (requests retried after a refusal).
//     simulation    optional (`fulcrum simulate`): the result is simulated, not measured: balancers (each
//                   with its own scheduler), view (what they know of backend load: global, local, stale N ms),
//                   arrivals (poisson | constant), backendCount, incidents (one line each). `target` is "sim",
//                   `connections` the number of balancers, `durationMs` the arrival window in simulated time.
import { z } from 'zod';

export const BENCH_SCHEMA = 'fulcrum/bench@1';

const nonNegative = z.number().min(0);

export const latencySummarySchema = z.strictObject({
  p50: nonNegative,
  p90: nonNegative,
  p99: nonNegative,
  p999: nonNegative,
  max: nonNegative,
  mean: nonNegative,
});
export type LatencySummary = z.infer<typeof latencySummarySchema>;

export const timelinePointSchema = z.strictObject({
  t: nonNegative,
  rps: nonNegative,
  p50Ms: nonNegative,
  p99Ms: nonNegative,
});
export type TimelinePoint = z.infer<typeof timelinePointSchema>;

export const benchSampleSchema = z.strictObject({
  repetition: z.int().min(0),
  order: z.int().min(0),
  requests: z.int().min(0),
  rps: nonNegative,
  latencyMs: latencySummarySchema,
  errors: z.int().min(0),
  non2xx: z.int().min(0),
  late: z.int().min(0).optional(),
  dropped: z.int().min(0).optional(),
  backendShares: z.record(z.string(), z.int().min(0)),
  balancerCpuSeconds: nonNegative.optional(),
  timeline: z.array(timelinePointSchema),
  imbalance: z.strictObject({ maxOverMean: nonNegative, cv: nonNegative, peakInFlight: z.int().min(0) }).optional(),
  simulation: z
    .strictObject({ seed: z.int().min(0), events: z.int().min(0), wallMs: nonNegative, eventsPerSecond: nonNegative, simulatedMs: nonNegative, retried: z.int().min(0) })
    .optional(),
});
export type BenchSample = z.infer<typeof benchSampleSchema>;

export const serviceTimeModelSchema = z.discriminatedUnion('kind', [
  z.strictObject({ kind: z.literal('fixed'), ms: nonNegative }),
  z.strictObject({ kind: z.literal('uniform'), minMs: nonNegative, maxMs: nonNegative }),
  z.strictObject({ kind: z.literal('lognormal'), medianMs: z.number().positive(), sigma: z.number().positive() }),
  z.strictObject({ kind: z.literal('pareto'), minMs: z.number().positive(), alpha: z.number().positive() }),
  /** Answers after `beforeMs` until `afterS` seconds from its start, then after `degradedMs`. */
  z.strictObject({ kind: z.literal('degrading'), beforeMs: nonNegative, degradedMs: nonNegative, afterS: nonNegative }),
  /** Exponential with this mean (memoryless; M/M/c queues). */
  z.strictObject({ kind: z.literal('exponential'), meanMs: z.number().positive() }),
  /** `fastMs`, or `slowMs` with probability `slowFraction` (a cache hit or miss, a fast or slow path). */
  z.strictObject({ kind: z.literal('bimodal'), fastMs: nonNegative, slowMs: nonNegative, slowFraction: z.number().min(0).max(1) }),
]);
export type ServiceTimeModel = z.infer<typeof serviceTimeModelSchema>;

export const benchResultSchema = z
  .strictObject({
    id: z.string().min(1),
    scenario: z.string().min(1),
    target: z.string().min(1),
    algorithm: z.string().min(1),
    mode: z.enum(['http', 'tcp', 'lvs-nat', 'lvs-dr', 'lvs-tun']),
    load: z.enum(['closed', 'open']),
    connections: z.int().min(1),
    durationMs: z.number().positive(),
    rate: z.number().positive().optional(),
    backends: z.array(z.strictObject({ id: z.string().min(1), model: serviceTimeModelSchema, description: z.string().optional() })),
    generatorBound: z.boolean(),
    generator: z.string().min(1).optional(),
    generatorHeadroom: nonNegative.optional(),
    unavailable: z.string().optional(),
    samples: z.array(benchSampleSchema),
    simulation: z
      .strictObject({
        balancers: z.int().min(1),
        view: z.string().min(1),
        arrivals: z.enum(['poisson', 'constant']),
        backendCount: z.int().min(1),
        incidents: z.array(z.string()),
      })
      .optional(),
  })
  .superRefine((r, ctx) => {
    if (r.load === 'open' && r.rate === undefined) ctx.addIssue({ code: 'custom', path: ['rate'], message: 'is required for open-loop load' });
    if (!r.unavailable && r.samples.length === 0) ctx.addIssue({ code: 'custom', path: ['samples'], message: 'needs at least one sample unless the variant is unavailable' });
  });
export type BenchResult = z.infer<typeof benchResultSchema>;

export const benchEnvironmentSchema = z.looseObject({
  node: z.string(),
  kernel: z.string(),
  os: z.string(),
  cpus: z.int().min(1),
  cpuModel: z.string(),
  fulcrumVersion: z.string(),
  gitSha: z.string().optional(),
  targetVersions: z.record(z.string(), z.string()),
  loadavg: z.array(z.number()).optional(),
  generator: z.strictObject({ name: z.string().min(1), version: z.string(), pinned: z.boolean(), cpu: z.int().min(0).optional(), note: z.string() }).optional(),
});
export type BenchEnvironment = z.infer<typeof benchEnvironmentSchema>;

export const benchRunSchema = z
  .strictObject({
    schema: z.literal(BENCH_SCHEMA),
    startedAt: z.iso.datetime(),
    durationMs: nonNegative,
    command: z.array(z.string()),
    preset: z.string().optional(),
    environment: benchEnvironmentSchema,
    ceiling: z.record(z.string(), z.strictObject({ load: z.enum(['closed', 'open']), connections: z.int().min(1), rate: z.number().positive().optional(), rps: z.array(nonNegative), generator: z.string().min(1).optional(), nullTarget: z.enum(['node', 'nginx']).optional() })),
    results: z.array(benchResultSchema),
  })
  .superRefine((run, ctx) => {
    const seen = new Set<string>();
    run.results.forEach((r, i) => {
      if (seen.has(r.id)) ctx.addIssue({ code: 'custom', path: ['results', i, 'id'], message: `duplicate id "${r.id}"` });
      seen.add(r.id);
    });
  });
export type BenchRun = z.infer<typeof benchRunSchema>;

/** Median req/s of a scenario's ceiling, if measured. */
export function ceilingOf(run: Pick<BenchRun, 'ceiling'>, scenario: string): number | undefined {
  const xs = [...(run.ceiling[scenario]?.rps ?? [])].sort((a, b) => a - b);
  if (xs.length === 0) return undefined;
  const mid = Math.floor(xs.length / 2);
  return xs.length % 2 ? xs[mid] : ((xs[mid - 1] as number) + (xs[mid] as number)) / 2;
}
