// The HAProxy target file (the worked example of the format) runs every check through the local
// driver; its verdicts must match HAProxy's documented behaviour: everything it claims passes, and
// exactly the checks needing what it does not claim are skipped (Forwarded, RFC 7239, is not in 2.6).
import { describe, expect, it } from 'vitest';
import { localDriver, liveGroups, resolveTarget, runConformance, commandExists } from '../harness/index.ts';
import { resultsSchema } from '../reports/schema/index.ts';
import { allChecks as everyCheck } from './index.ts';

// The security suite has its own tests with each target's findings (suites/security/*.test.ts).
const allChecks = everyCheck.filter((c) => !c.id.startsWith('security.'));

const HAVE_HAPROXY = await commandExists('haproxy');

describe('conformance against HAProxy 2.6', () => {
  // Skipped only where Debian's haproxy package is missing.
  it.skipIf(!HAVE_HAPROXY)('passes every check it claims, skips forwarded', { timeout: 300_000 }, async () => {
    const results = await runConformance({ target: await resolveTarget('haproxy'), driver: localDriver, checks: allChecks });
    resultsSchema.parse(results);
    const statuses = Object.fromEntries(results.checks.map((c) => [c.id, c.status]));
    const failures = results.checks.filter((c) => c.status === 'fail').map((c) => `${c.id}: ${c.reason}`);
    expect(failures).toEqual([]);
    expect(statuses['source.forwarded']).toBe('skip');
    const target = await resolveTarget('haproxy');
    const unclaimed = allChecks.filter((c) => c.requires.some((r) => !target.capabilities.includes(r))).map((c) => c.id);
    expect(results.checks.filter((c) => c.status === 'skip').map((c) => c.id)).toEqual(unclaimed);
    // The foundation checks and the algorithm checks HAProxy offers really ran.
    for (const id of ['distribution.rr', 'distribution.wrr', 'distribution.lc', 'distribution.random', 'source.xff', 'source.proxy-v2', 'health.failover', 'algorithms.held.first', 'algorithms.held.nq', 'algorithms.sticky.ring.header']) {
      expect(statuses[id], id).toBe('pass');
    }
    expect(results.target.version).toMatch(/^2\./);
    expect(liveGroups()).toEqual([]);
  });
});
