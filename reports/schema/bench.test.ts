import { describe, expect, it } from 'vitest';
import { BENCH_SCHEMA, benchRunSchema, ceilingOf, type BenchRun } from './bench.ts';

function sample(rps: number, order: number) {
  return {
    repetition: order,
    order,
    requests: rps * 2,
    rps,
    latencyMs: { p50: 1, p90: 2, p99: 3, p999: 4, max: 5, mean: 1.2 },
    errors: 0,
    non2xx: 0,
    backendShares: { a: rps, b: rps },
    balancerCpuSeconds: 0.5,
    timeline: [{ t: 1, rps, p50Ms: 1, p99Ms: 3 }],
  };
}

function run(): BenchRun {
  return {
    schema: BENCH_SCHEMA,
    startedAt: '2026-11-24T13:00:00.000Z',
    durationMs: 1000,
    command: ['fulcrum', 'bench'],
    environment: { node: 'v20.20.2', kernel: '6.1', os: 'Linux', cpus: 2, cpuModel: 'x', fulcrumVersion: '0.1.0', targetVersions: { haproxy: '2.6.12' } },
    ceiling: { s: { load: 'closed', connections: 8, rps: [30_000, 20_000, 25_000] } },
    results: [
      {
        id: 's/haproxy/rr/http',
        scenario: 's',
        target: 'haproxy',
        algorithm: 'rr',
        mode: 'http',
        load: 'closed',
        connections: 8,
        durationMs: 2000,
        backends: [{ id: 'a', model: { kind: 'fixed', ms: 0 } }],
        generatorBound: false,
        samples: [sample(1000, 0), sample(1100, 1)],
      },
    ],
  };
}

describe('fulcrum/bench@1', () => {
  it('accepts a well-formed run and computes the ceiling median', () => {
    const r = benchRunSchema.parse(run());
    expect(ceilingOf(r, 's')).toBe(25_000);
    expect(ceilingOf(r, 'other')).toBeUndefined();
  });

  it('names the field that is wrong', () => {
    const bad = run();
    (bad.results[0]!.samples[0]!.latencyMs as { p99: number }).p99 = -1;
    const res = benchRunSchema.safeParse(bad);
    expect(res.success).toBe(false);
    expect(res.error!.issues[0]!.path).toEqual(['results', 0, 'samples', 0, 'latencyMs', 'p99']);
  });

  it('requires a rate for open loop, samples unless unavailable, unique ids, and a known model', () => {
    const open = run();
    open.results[0]!.load = 'open';
    expect(benchRunSchema.safeParse(open).error!.issues[0]!.path).toEqual(['results', 0, 'rate']);
    const empty = run();
    empty.results[0]!.samples = [];
    expect(benchRunSchema.safeParse(empty).success).toBe(false);
    empty.results[0]!.unavailable = 'haproxy not installed';
    expect(benchRunSchema.safeParse(empty).success).toBe(true);
    const dup = run();
    dup.results.push({ ...dup.results[0]! });
    expect(benchRunSchema.safeParse(dup).error!.issues[0]!.message).toContain('duplicate id');
    const model = run() as unknown as { results: { backends: { model: unknown }[] }[] };
    model.results[0]!.backends[0]!.model = { kind: 'gaussian', ms: 1 };
    expect(benchRunSchema.safeParse(model).success).toBe(false);
  });

  it('rejects another schema version', () => {
    expect(benchRunSchema.safeParse({ ...run(), schema: 'fulcrum/bench@2' }).success).toBe(false);
  });
});
