// nginx and Caddy (the target files in harness/targets/files/) under both drivers: the same
// rendered config runs as a local process and inside the balancer container. Checks the basics a
// user would look at first: the exact round-robin cycle and the client's address in X-Forwarded-For
// (and, for nginx's stream module, the PROXY v1 header).
import { describe, expect, it } from 'vitest';
import { allChecks } from '../../suites/index.ts';
import { runConformance } from '../conformance.ts';
import { resolveDriver } from '../drivers.ts';
import { resolveTarget } from '../targets/registry.ts';

// Bounds, not expectations: containers and node start slowly when the shared 2-core machine is busy.
const TIMEOUT_MS = 300_000;

async function verdicts(target: string, driver: string, only: string): Promise<Record<string, string>> {
  const results = await runConformance({ target: await resolveTarget(target), driver: await resolveDriver(driver), checks: allChecks, only });
  return Object.fromEntries(results.checks.map((c) => [c.id, c.status === 'pass' ? 'pass' : `${c.status}: ${c.reason}`]));
}

describe('peer targets', { timeout: TIMEOUT_MS }, () => {
  it('nginx under local: round robin, X-Forwarded-For, PROXY v1 from the stream module', async () => {
    expect(await verdicts('nginx', 'local', 'distribution.rr,source.xff,source.proxy-v1')).toEqual({
      'distribution.rr': 'pass',
      'source.xff': 'pass',
      'source.proxy-v1': 'pass',
    });
  });

  it('caddy under local: round robin, X-Forwarded-For; no tcp mode, so L4 checks are skipped', async () => {
    expect(await verdicts('caddy', 'local', 'distribution.rr,source.xff,source.l4-peer')).toEqual({
      'distribution.rr': 'pass',
      'source.xff': 'pass',
      'source.l4-peer': 'skip: target caddy does not claim tcp',
    });
  });

  // Under containers one topology each (each check starts its own): the stream module's PROXY
  // header and Caddy's X-Forwarded-For must name the client container's own address.
  it('nginx under containers: PROXY v1 from the stream module', async () => {
    expect(await verdicts('nginx', 'containers', 'source.proxy-v1')).toEqual({ 'source.proxy-v1': 'pass' });
  });

  it('caddy under containers: X-Forwarded-For', async () => {
    expect(await verdicts('caddy', 'containers', 'source.xff')).toEqual({ 'source.xff': 'pass' });
  });
});
