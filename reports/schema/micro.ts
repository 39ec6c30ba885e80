// results JSON of `fulcrum micro`, schema "fulcrum/micro@1":
// {
//   schema: "fulcrum/micro@1", startedAt (ISO), durationMs, quick (reduced run?),
//   environment: { node, os, cpus, cpuModel, loadAverage [1, 5, 15 min] at start,
//                  clock: "wall" | "cpu" (what the samples measure) },
//   benchmarks: [{ name: unique, e.g. "pick rr N=1000" (the gate's key), kind: "pick" | "build",
//                  scheduler, n, design (O(1)/O(log N)/O(N)),
//                  opsPerSample (operations timed together in one sample),
//                  samplesNs: ns per operation, one per timed sample, ascending (raw, for the gate),
//                  meanNs, p50Ns, p99Ns, opsPerSec }],
//   growth: [{ scheduler, design, fitted, exponent (log-log slope), ratio (largest N / smallest),
//              nsByN: { "10": …, "1000": … } }],     // how pick cost grows with N
//   targets: [{ what, limitNs, measuredNs?, pass? }], // absent measuredNs: not measured in this run
//   quality: [QualityFigure]                          // consistent-hash imbalance and disruption
// }
// Adding optional fields keeps @1; changing a meaning or removing a field needs @2.
import { z } from 'zod';

export const MICRO_SCHEMA = 'fulcrum/micro@1';

const complexity = z.enum(['O(1)', 'O(log N)', 'O(N)']);

export const microBenchmarkSchema = z.strictObject({
  name: z.string().min(1),
  kind: z.enum(['pick', 'build']),
  scheduler: z.string().min(1),
  n: z.int().min(1),
  design: complexity.optional(),
  opsPerSample: z.int().min(1),
  samplesNs: z.array(z.number().min(0)).min(1),
  meanNs: z.number().min(0),
  p50Ns: z.number().min(0),
  p99Ns: z.number().min(0),
  opsPerSec: z.number().min(0),
});
export type MicroBenchmark = z.infer<typeof microBenchmarkSchema>;

export const microResultsSchema = z.strictObject({
  schema: z.literal(MICRO_SCHEMA),
  startedAt: z.iso.datetime(),
  durationMs: z.number().min(0),
  quick: z.boolean(),
  environment: z.looseObject({
    node: z.string(),
    os: z.string(),
    cpus: z.int().min(1),
    cpuModel: z.string(),
    loadAverage: z.array(z.number()).optional(),
    clock: z.enum(['wall', 'cpu']).optional(),
  }),
  benchmarks: z.array(microBenchmarkSchema),
  growth: z.array(
    z.strictObject({
      scheduler: z.string(),
      design: complexity,
      fitted: complexity,
      exponent: z.number(),
      ratio: z.number(),
      nsByN: z.record(z.string(), z.number()),
    }),
  ),
  targets: z.array(
    z.strictObject({ what: z.string(), limitNs: z.number(), measuredNs: z.number().optional(), pass: z.boolean().optional() }),
  ),
  quality: z.array(z.looseObject({ scheduler: z.string(), n: z.int(), keys: z.int() })),
});
export type MicroResults = z.infer<typeof microResultsSchema>;
