// Each deliberately broken target fails exactly the checks it breaks; a check of another concern
// run alongside passes, so the failure is the breakage and not the setup.
import { describe, expect, it } from 'vitest';
import { fileURLToPath } from 'node:url';
import { localDriver, liveGroups, resolveTarget, runConformance, commandExists } from '../harness/index.ts';
import { resultsSchema } from '../reports/schema/index.ts';
import { allChecks } from './index.ts';

const HAVE_HAPROXY = await commandExists('haproxy');
const broken = (name: string) => fileURLToPath(new URL(`../harness/targets/broken/${name}.yaml`, import.meta.url));

async function failingIds(name: string, only: string): Promise<{ failed: string[]; passed: string[]; reasons: Record<string, string> }> {
  const results = await runConformance({ target: await resolveTarget(broken(name)), driver: localDriver, checks: allChecks, only });
  resultsSchema.parse(results);
  expect(liveGroups()).toEqual([]);
  return {
    failed: results.checks.filter((c) => c.status === 'fail').map((c) => c.id),
    passed: results.checks.filter((c) => c.status === 'pass').map((c) => c.id),
    reasons: Object.fromEntries(results.checks.filter((c) => c.reason).map((c) => [c.id, c.reason ?? ''])),
  };
}

// Skipped only where Debian's haproxy package is missing (the broken targets are HAProxy configs).
describe.skipIf(!HAVE_HAPROXY)('deliberately broken targets', () => {
  it('first-only scheduler fails rr, wrr, lc and random', { timeout: 240_000 }, async () => {
    const r = await failingIds('broken-first', 'distribution.*,source.xff');
    expect(r.failed).toEqual(['distribution.rr', 'distribution.wrr', 'distribution.lc', 'distribution.random']);
    expect(r.passed).toEqual(['source.xff']);
    expect(r.reasons['distribution.random']).toMatch(/χ² = 1200\.0/);
  });

  it('a proxy that drops X-Forwarded-For fails source.xff only', { timeout: 240_000 }, async () => {
    const r = await failingIds('broken-no-xff', 'source.xff,distribution.rr');
    expect(r.failed).toEqual(['source.xff']);
    expect(r.passed).toEqual(['distribution.rr']);
    expect(r.reasons['source.xff']).toBe('the backend got no x-forwarded-for header');
  });

  it('a wrong PROXY source fails proxy-v1 and proxy-v2 only', { timeout: 240_000 }, async () => {
    const r = await failingIds('broken-proxy-source', 'source.*');
    expect(r.failed).toEqual(['source.proxy-v1', 'source.proxy-v2']);
    expect(r.passed).toEqual(['source.xff', 'source.l4-peer']);
    expect(r.reasons['source.proxy-v1']).toMatch(/^PROXY source is 127\.66\.0\.1:\d+, the client was 127\.10\.0\.1:\d+/);
  });

  it('a balancer without health checks fails health.failover', { timeout: 240_000 }, async () => {
    const r = await failingIds('broken-no-health', 'health.*');
    expect(r.failed).toEqual(['health.failover']);
    expect(r.reasons['health.failover']).toMatch(/requests failed more than \d+ ms after b1 died/);
  });
});
