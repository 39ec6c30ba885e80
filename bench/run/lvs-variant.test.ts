// LVS bench variants run in containers: the generator on this host sends to the VIP (or, for
// "direct", to a real server) through the bridge; results carry req/s and latency like any variant.
import { describe, expect, it } from 'vitest';
import { benchRunSchema } from '../schema.ts';
import type { BenchScenario } from '../scenarios/types.ts';
import { runBench } from './runner.ts';

describe('LVS variants in a bench run', () => {
  it('measures the kernel NAT baseline and a direct connection, interleaved with the null target', { timeout: 300_000 }, async () => {
    const scenario: BenchScenario = {
      name: 'lvs-fixture',
      question: 'do LVS variants run end to end?',
      backends: [
        { id: 'a', model: { kind: 'fixed', ms: 0 } },
        { id: 'b', model: { kind: 'fixed', ms: 0 } },
      ],
      variants: [
        { target: 'direct', algorithm: 'rr', mode: 'lvs-nat' },
        { target: 'nftables', algorithm: 'rr', mode: 'lvs-nat' },
        { target: 'nftables', algorithm: 'rr', mode: 'lvs-tun' },
      ],
      load: { kind: 'closed', connections: 4, durationMs: 500 },
      repetitions: 2,
      warmupMs: 100,
    };
    const run = await runBench([scenario], { command: ['fulcrum', 'bench', 'test'] });
    expect(benchRunSchema.safeParse(run).success).toBe(true);
    const [direct, nat, tun] = run.results;
    for (const r of [direct!, nat!]) {
      expect(r.unavailable).toBeUndefined();
      expect(r.samples).toHaveLength(2);
      for (const s of r.samples) {
        expect(s.requests).toBeGreaterThan(10);
        expect(s.errors).toBe(0);
        expect(s.backendShares).toEqual({}); // counted on container agents, not the local backend host
      }
    }
    expect(tun!.unavailable).toBe('nftables does not claim lvs:tun');
  });
});
