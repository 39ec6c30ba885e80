// The protocol checks against a deliberately broken HTTP/2 balancer (one certificate for every SNI,
// ALPN h2 only, a backend per connection: each check must fail, for its own reason) and against the
// reference balancer (each must pass).
import { describe, expect, it } from 'vitest';
import { liveGroups, localDriver, pinnedH2Target, referenceTarget, runConformance } from '../../harness/index.ts';
import { resultsSchema } from '../../reports/schema/index.ts';
import { protocolChecks } from './index.ts';

const reasonOf = (r: Awaited<ReturnType<typeof runConformance>>, id: string) => r.checks.find((c) => c.id === id)?.reason ?? '';

describe('HTTP/2 and TLS checks', () => {
  it('fail on the pinning balancer and pass on the reference', { timeout: 60_000 }, async () => {
    const [pinned, reference] = await Promise.all([
      runConformance({ target: pinnedH2Target, driver: localDriver, checks: protocolChecks }),
      runConformance({ target: referenceTarget(), driver: localDriver, checks: protocolChecks }),
    ]);
    for (const r of [pinned, reference]) resultsSchema.parse(r);
    expect(pinned.checks.map((c) => [c.id, c.status])).toEqual(protocolChecks.map((c) => [c.id, 'fail']));
    expect(reasonOf(pinned, 'h2.per-stream')).toMatch(/one connection's 30 streams went b1=30, b2=0, b3=0 \(rr gives 10 each\)/);
    expect(reasonOf(pinned, 'tls.sni')).toMatch(/SNI b\.fulcrum\.test was shown the certificate for a\.fulcrum\.test/);
    expect(reasonOf(pinned, 'tls.alpn')).toMatch(/offered only http\/1\.1, the handshake failed/);
    expect(reference.checks.map((c) => [c.id, c.status, c.reason])).toEqual(protocolChecks.map((c) => [c.id, 'pass', undefined]));
    expect(liveGroups()).toEqual([]);
  });
});
