// The slow-client and exhaustion checks against deliberately broken targets (each check must fail)
// and against the reference balancer (each must pass). The naive proxy claims the timeouts, the
// connection cap and the health checks it lacks; the serial proxy serves one request at a time.
// Run time: about 19 s (the three run side by side).
import { describe, expect, it } from 'vitest';
import { liveGroups, localDriver, naiveL7Target, referenceTarget, runConformance, serialL7Target } from '../../harness/index.ts';
import { resultsSchema } from '../../reports/schema/index.ts';
import { exhaustionChecks } from './exhaustion.ts';
import { slowChecks } from './slow.ts';

const checks = [...slowChecks, ...exhaustionChecks];
// The naive proxy buffers whole responses, so a slow reader does not hold it up: the serial proxy
// is the broken target for security.slow.reader.
const READER = 'security.slow.reader';
const naiveChecks = checks.filter((c) => c.id !== READER);
const reasonOf = (r: Awaited<ReturnType<typeof runConformance>>, id: string) => r.checks.find((c) => c.id === id)?.reason ?? '';

describe('slow clients and resource exhaustion', () => {
  it('fail on the broken proxies and pass on the reference', { timeout: 90_000 }, async () => {
    const [naive, serial, reference] = await Promise.all([
      runConformance({ target: naiveL7Target, driver: localDriver, checks: naiveChecks }),
      runConformance({ target: serialL7Target, driver: localDriver, checks: checks.filter((c) => c.id === READER) }),
      runConformance({ target: referenceTarget(), driver: localDriver, checks }),
    ]);
    for (const r of [naive, serial, reference]) resultsSchema.parse(r);
    expect(naive.checks.map((c) => [c.id, c.status])).toEqual(naiveChecks.map((c) => [c.id, 'fail']));
    expect(reasonOf(naive, 'security.slow.header')).toMatch(/slowloris-1: still open \d+ ms after the head began/);
    expect(reasonOf(naive, 'security.slow.upload')).toMatch(/HTTP 504 instead of 200/);
    expect(reasonOf(naive, 'security.exhaustion.connections')).toMatch(/health-checks: 0 probes reached the backend/);
    expect(serial.checks.map((c) => [c.id, c.status])).toEqual([[READER, 'fail']]);
    expect(reasonOf(serial, READER)).toMatch(/normal-client: \d+ of \d+ normal requests failed or took over 1000 ms/);
    expect(reference.checks.map((c) => [c.id, c.status, c.reason])).toEqual(checks.map((c) => [c.id, 'pass', undefined]));
    expect(liveGroups()).toEqual([]);
  });
});
