// The simulator's pure parts at small scale: determinism, the reference's schedulers behaving as
// they do in the proxies, queueing against textbook formulas, incidents and views.
import { describe, expect, it } from 'vitest';
import type { BenchRun } from '../../reports/schema/index.ts';
import { runSimulation } from './run.ts';
import { validateSimScenario, type SimScenario } from './scenario.ts';
import { Simulation } from './simulate.ts';

function scenario(over: Record<string, unknown>): SimScenario {
  return validateSimScenario('test', { name: 't', backends: [{ count: 3, model: { kind: 'exponential', meanMs: 10 } }], algorithms: ['rr'], arrivals: { rate: 100 }, requests: 3000, ...over });
}

function one(s: SimScenario, i = 0) {
  return new Simulation({ ...s, algorithm: s.algorithms[i] as SimScenario['algorithms'][number] }).run();
}

/** The run without what wall time changes. */
function deterministic(run: BenchRun): unknown {
  return run.results.map((r) => ({ ...r, samples: r.samples.map((x) => ({ ...x, simulation: { ...x.simulation, wallMs: 0, eventsPerSecond: 0 } })) }));
}

describe('fulcrum simulate: the loop', () => {
  it('is deterministic: the same seed gives the same results, another seed other ones', () => {
    const s = scenario({ balancers: 3, view: 'local', algorithms: ['rr', 'p2c', 'ewma', 'maglev'], incidents: [{ backends: ['b2'], fromMs: 5000, toMs: 9000, kind: 'down' }] });
    const a = runSimulation(s, { command: [] });
    const b = runSimulation(s, { command: [] });
    expect(deterministic(a)).toEqual(deterministic(b));
    const c = runSimulation({ ...s, seed: 2 }, { command: [] });
    expect(deterministic(c)).not.toEqual(deterministic(a));
  });

  it("runs the reference's own schedulers: rr's shares are exact, smooth wrr follows the weights", () => {
    const rr = one(scenario({ requests: 3000 }));
    expect([...rr.fleet.served]).toEqual([1000, 1000, 1000]);
    const wrr = one(scenario({ backends: [{ id: 'a', model: { kind: 'fixed', ms: 1 }, weight: 5 }, { id: 'b', model: { kind: 'fixed', ms: 1 }, weight: 1 }, { id: 'c', model: { kind: 'fixed', ms: 1 }, weight: 1 }], algorithms: ['wrr'], requests: 7000 }));
    expect([...wrr.fleet.served]).toEqual([5000, 1000, 1000]);
  });

  it('queues like the textbook: M/M/1 at ρ = 0.5 has mean time in system 1/(μ − λ) = 20 ms', () => {
    const out = one(scenario({ backends: [{ id: 'only', model: { kind: 'exponential', meanMs: 10 }, concurrency: 1 }], arrivals: { rate: 50 }, requests: 100_000 }));
    // The run's mean is within a few % of 20 ms (autocorrelated samples: a wide 8 % band).
    expect(out.recorder.summary().mean).toBeGreaterThan(20 * 0.92);
    expect(out.recorder.summary().mean).toBeLessThan(20 * 1.08);
    // Unlimited concurrency is a pure delay: latency is the service time (mean 10 ms).
    const delay = one(scenario({ backends: [{ id: 'only', model: { kind: 'exponential', meanMs: 10 } }], arrivals: { rate: 500 }, requests: 50_000 }));
    expect(Math.abs(delay.recorder.summary().mean - 10)).toBeLessThan(0.3);
  });

  it('least connections with a global view beats round robin on p99 once backends queue; a stale board takes most of that away', () => {
    const base = { backends: [{ count: 20, model: { kind: 'exponential', meanMs: 10 }, concurrency: 1 }], balancers: 10, arrivals: { rate: 1600 }, requests: 40_000, algorithms: ['rr', 'lc', 'p2c'] };
    const p99 = (s: SimScenario) => runSimulation(s, { command: [] }).results.map((r) => (r.samples[0] as BenchRun['results'][number]['samples'][number]).latencyMs.p99);
    const [rrG, lcG] = p99(scenario({ ...base, view: 'global' }));
    const [rrS, lcS, p2cS] = p99(scenario({ ...base, view: { kind: 'stale', refreshMs: 100, own: false } }));
    expect(lcG!).toBeLessThan(rrG! / 2);
    expect(rrS).toBe(rrG); // rr reads no load: the view changes nothing
    expect(lcS!).toBeGreaterThan(lcG! * 2); // the herd
    expect(p2cS!).toBeLessThan(lcS!); // p2c's remedy
  });

  it('a backend that goes down fails requests until health checks notice, with retries elsewhere; nothing is served by it meanwhile', () => {
    const s = scenario({
      backends: [{ count: 4, model: { kind: 'fixed', ms: 5 } }],
      arrivals: { kind: 'constant', rate: 1000 },
      requests: 1_000_000,
      durationMs: 6000,
      incidents: [{ backends: ['b1'], fromMs: 1000, toMs: 4000, kind: 'down' }],
      health: { detectMs: 500 },
    });
    const noRetry = one({ ...s, retries: 0 });
    // Undetected for 500 ms at 250 req/s to b1: about 125 refused, plus the ≤ 2 in flight when it died.
    expect(noRetry.errors).toBeGreaterThan(100);
    expect(noRetry.errors).toBeLessThan(140);
    const retried = one(s);
    expect(retried.errors).toBeLessThanOrEqual(2); // only work in flight when it died; refusals went elsewhere
    expect(retried.retried).toBeGreaterThan(100);
    // b1 served 1000 ms before and ~1500 ms after (back at 4000, noticed at 4500) at a quarter of 1000/s.
    expect(retried.fleet.served[0]).toBeGreaterThan(600);
    expect(retried.fleet.served[0]).toBeLessThan(650);
  });

  it('a slow incident multiplies service times only while it lasts', () => {
    const s = scenario({ backends: [{ id: 'x', model: { kind: 'fixed', ms: 2 } }], arrivals: { kind: 'constant', rate: 100 }, durationMs: 3000, incidents: [{ backends: ['x'], fromMs: 1000, toMs: 2000, kind: 'slow', factor: 10 }] });
    const out = one(s);
    expect(out.recorder.summary().p50).toBeCloseTo(2, 1);
    expect(out.recorder.summary().max).toBeCloseTo(20, 1);
  });
});
