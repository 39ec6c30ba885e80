// The reference balancer passes every check (this is what `fulcrum demo` runs).
import { describe, expect, it } from 'vitest';
import { localDriver, liveGroups, referenceTarget, runConformance } from '../harness/index.ts';
import { resultsSchema } from '../reports/index.ts';
import { allChecks } from './index.ts';

const reference = referenceTarget();
const available = await reference.available();

describe('conformance against the reference balancer', () => {
  // Skipped only if the reference's serve command is absent from this checkout.
  it.skipIf(!available.ok)('passes every check', { timeout: 300_000 }, async () => {
    const results = await runConformance({ target: reference, driver: localDriver, checks: allChecks });
    resultsSchema.parse(results);
    const notPassed = results.checks.filter((c) => c.status !== 'pass').map((c) => `${c.id}: ${c.status} ${c.reason}`);
    expect(notPassed).toEqual([]);
    expect(liveGroups()).toEqual([]);
  });
});
