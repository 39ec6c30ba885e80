// The shipped target files (HAProxy, nginx, Caddy) run every check through the local driver; their
// verdicts must match each balancer's documented behaviour: everything a target claims passes, or
// fails with a documented finding (harness/targets/findings/*.yaml: the check, why, the source),
// and exactly the checks needing what it does not claim are skipped. A finding whose check passes
// again is stale and fails this test too. Run time: only claimed checks run (skips take no time):
// 33 s for HAProxy (this file's former HAProxy-only test), 12 s for nginx, 11 s for Caddy on this
// 2-core machine (loaded).
import { describe, expect, it } from 'vitest';
import { commandExists, judgeFindings, loadFindings, localDriver, liveGroups, resolveTarget, runConformance } from '../harness/index.ts';
import { resultsSchema } from '../reports/schema/index.ts';
import { allChecks } from './index.ts';

/** Checks each target must have run and passed (what its file is a worked example of). */
const MUST_PASS: Record<string, string[]> = {
  haproxy: ['distribution.rr', 'distribution.wrr', 'distribution.lc', 'distribution.random', 'source.xff', 'source.proxy-v2', 'health.failover', 'algorithms.held.first', 'algorithms.held.nq', 'algorithms.sticky.ring.header'],
  nginx: ['distribution.wrr', 'source.proxy-v1', 'algorithms.sticky.ring.header', 'algorithms.share.p2c', 'algorithms.held.wlc'],
  caddy: ['distribution.rr', 'health.failover', 'algorithms.held.first', 'algorithms.share.p2c'],
};
const VERSION: Record<string, RegExp> = { haproxy: /^2\./, nginx: /^1\./, caddy: /^2\./ };

describe.each(Object.keys(MUST_PASS))('conformance against the shipped %s target (local driver)', (name) => {
  // Skipped only where the balancer's Debian package is missing.
  it('passes every check it claims or has a documented finding, skips the rest', { timeout: 300_000 }, async (ctx) => {
    if (!(await commandExists(name))) return ctx.skip(`${name} is not installed`);
    const target = await resolveTarget(name);
    const results = await runConformance({ target, driver: localDriver, checks: allChecks });
    resultsSchema.parse(results);
    const verdict = judgeFindings(name, results.checks, await loadFindings());
    expect(verdict.undocumented, 'failures without a documented finding').toEqual([]);
    expect(verdict.stale, 'findings whose check passes now').toEqual([]);
    const unclaimed = allChecks.filter((c) => c.requires.some((r) => !target.capabilities.includes(r))).map((c) => c.id);
    expect(results.checks.filter((c) => c.status === 'skip').map((c) => c.id)).toEqual(unclaimed);
    const statuses = Object.fromEntries(results.checks.map((c) => [c.id, c.status]));
    for (const id of MUST_PASS[name]!) expect(statuses[id], id).toBe('pass');
    expect(results.target.version).toMatch(VERSION[name]!);
    expect(liveGroups()).toEqual([]);
  });
});
