// The security suite against its deliberately broken target (a naive proxy: every check must fail)
// and against HAProxy 2.6, which honours framing: every case passes but its documented findings.
import { describe, expect, it } from 'vitest';
import { commandExists, liveGroups, localDriver, naiveL7Target, resolveTarget, runConformance } from '../../harness/index.ts';
import { resultsSchema } from '../../reports/schema/index.ts';
import { securityChecks as allSecurityChecks } from './index.ts';
import type { CaseResult } from './judge.ts';

const HAVE_HAPROXY = await commandExists('haproxy');
// The slow-client and exhaustion families have their own test (slow.test.ts).
const securityChecks = allSecurityChecks.filter((c) => !/^security\.(slow|exhaustion)\./.test(c.id));

function failedCases(results: Awaited<ReturnType<typeof runConformance>>): string[] {
  return results.checks.flatMap((c) => ((c.evidence as { cases?: CaseResult[] } | undefined)?.cases ?? []).filter((r) => !r.ok).map((r) => `${c.id}:${r.case}`));
}

describe('security suite', () => {
  it('fails every check against the naive proxy, each with the bytes the backend saw', { timeout: 120_000 }, async () => {
    const results = await runConformance({ target: naiveL7Target, driver: localDriver, checks: securityChecks });
    resultsSchema.parse(results);
    expect(results.checks.map((c) => [c.id, c.status])).toEqual(securityChecks.map((c) => [c.id, 'fail']));
    const reason = (id: string) => results.checks.find((c) => c.id === id)?.reason ?? '';
    expect(reason('security.framing.cl-te')).toMatch(/both Transfer-Encoding and Content-Length \(RFC 9112 §6\.3\) at "POST \/cl-then-te/);
    expect(reason('security.framing.connection-nominated')).toMatch(/connection-content-length-1 reached the backend with body "", the client sent "GET \/smuggled/);
    expect(reason('security.framing.flow')).toMatch(/pipelining: the backend got 3 requests, the client was answered for 0/);
    expect(reason('security.limits.header-count')).toMatch(/without the client's x-fulcrum-id \(dropped headers\)/);
    expect(reason('security.response.truncated')).toMatch(/framed as complete/);
    expect(reason('security.response.unsolicited')).toMatch(/the follow-up got the response for unsolicited/);
    expect(liveGroups()).toEqual([]);
  });

  // Skipped only where Debian's haproxy package is missing.
  it.skipIf(!HAVE_HAPROXY)('passes on HAProxy 2.6 but for its documented findings', { timeout: 120_000 }, async () => {
    const results = await runConformance({ target: await resolveTarget('haproxy'), driver: localDriver, checks: securityChecks });
    resultsSchema.parse(results);
    // HAProxy forwards an HTTP/1.1 request without Host ("works as designed", haproxy/haproxy#1299),
    // passes NUL in header values both ways, and forwards HTTP/1.0 with Transfer-Encoding.
    expect(failedCases(results)).toEqual([
      'security.framing.cl-te:te-http10',
      'security.framing.control-bytes:nul-in-value',
      'security.framing.request-target:no-host',
      'security.response.malformed:nul-header',
    ]);
    const outcomes = Object.fromEntries(results.checks.flatMap((c) => ((c.evidence as { cases?: CaseResult[] }).cases ?? []).map((r) => [r.case, r.outcome])));
    expect(outcomes['cl-then-te']).toBe('answered 1 of 2, then closed');
    expect(outcomes['connection-content-length']).toBe('forwarded');
    expect(outcomes['200-headers']).toBe('rejected (HTTP 400)');
    expect(outcomes['appended']).toMatch(/the follow-up got its own answer/);
    expect(liveGroups()).toEqual([]);
  });
});
