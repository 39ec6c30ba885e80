// LVS bench variants run in containers: the generator on this host sends to the VIP (or, for
// "direct", to a real server) through the bridge; results carry req/s and latency like any variant.
import { describe, expect, it } from 'vitest';
import { benchRunSchema } from '../../reports/schema/index.ts';
import type { BenchScenario } from '../scenarios/types.ts';
import { runBench } from './runner.ts';

describe('LVS variants in a bench run', () => {
  it('measures the reference engine, the kernel NAT baseline and a direct connection, interleaved with the null target', { timeout: 300_000 }, async () => {
    const connections = 4;
    const scenario: BenchScenario = {
      name: 'lvs-fixture',
      question: 'do LVS variants run end to end?',
      backends: [
        { id: 'a', model: { kind: 'fixed', ms: 0 } },
        { id: 'b', model: { kind: 'fixed', ms: 0 } },
      ],
      variants: [
        { target: 'direct', algorithm: 'rr', mode: 'lvs-nat' },
        { target: 'reference', algorithm: 'rr', mode: 'lvs-nat' },
        { target: 'nftables', algorithm: 'rr', mode: 'lvs-nat' },
        { target: 'nftables', algorithm: 'rr', mode: 'lvs-tun' },
      ],
      load: { kind: 'closed', connections, durationMs: 500 },
      repetitions: 2,
      warmupMs: 100,
    };
    const run = await runBench([scenario], { command: ['fulcrum', 'bench', 'test'] });
    expect(benchRunSchema.safeParse(run).success).toBe(true);
    const [direct, reference, nat, tun] = run.results;
    for (const r of [direct!, reference!, nat!]) {
      expect(r.unavailable, r.id).toBeUndefined();
      expect(r.samples).toHaveLength(2);
      for (const s of r.samples) {
        expect(s.requests).toBeGreaterThan(10);
        expect(s.errors).toBe(0);
        // Counted by the real servers' agents: every answered request, at most the in-flight ones more.
        const served = Object.values(s.backendShares).reduce((a, b) => a + b, 0);
        expect(served, r.id).toBeGreaterThanOrEqual(s.requests);
        expect(served, r.id).toBeLessThanOrEqual(s.requests + connections);
      }
    }
    // Direct goes to one real server; through a balancer both get work.
    for (const s of direct!.samples) expect(s.backendShares['b']).toBe(0);
    for (const s of [...reference!.samples, ...nat!.samples]) expect(Math.min(s.backendShares['a']!, s.backendShares['b']!)).toBeGreaterThan(0);
    // The engine's container is charged for its CPU; the kernel's softirq forwarding and "direct" are not measured.
    for (const s of reference!.samples) expect(s.balancerCpuSeconds).toBeGreaterThan(0);
    for (const s of [...direct!.samples, ...nat!.samples]) expect(s.balancerCpuSeconds).toBeUndefined();
    expect(tun!.unavailable).toBe('nftables does not claim lvs:tun');
  });
});
