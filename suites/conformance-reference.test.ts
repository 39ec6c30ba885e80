// The reference balancer passes every check the local driver can run (this is what `fulcrum demo`
// runs); the LVS checks need L2 segments, are skipped here with the reason, and pass under the
// containers driver in suites/lvs/lvs-reference.test.ts.
import { describe, expect, it } from 'vitest';
import { localDriver, liveGroups, referenceTarget, runConformance } from '../harness/index.ts';
import { resultsSchema } from '../reports/schema/index.ts';
import { allChecks } from './index.ts';

const reference = referenceTarget();
const available = await reference.available();

describe('conformance against the reference balancer', () => {
  // Skipped only if the reference's serve command is absent from this checkout.
  it.skipIf(!available.ok)('passes every check but the LVS ones, which it skips', { timeout: 300_000 }, async () => {
    const results = await runConformance({ target: reference, driver: localDriver, checks: allChecks });
    resultsSchema.parse(results);
    const lvs = results.checks.filter((c) => c.id.startsWith('lvs.'));
    const notPassed = results.checks.filter((c) => !c.id.startsWith('lvs.') && c.status !== 'pass').map((c) => `${c.id}: ${c.status} ${c.reason}`);
    expect(notPassed).toEqual([]);
    expect(lvs.length).toBeGreaterThan(0);
    for (const c of lvs) expect(`${c.id}: ${c.status} ${c.reason}`).toMatch(/: skip .*--driver containers/);
    expect(liveGroups()).toEqual([]);
  });
});
