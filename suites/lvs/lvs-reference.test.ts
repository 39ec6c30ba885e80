// The reference's packet engine passes every LVS check in NAT, DR and TUN under the containers
// driver; the local driver skips them with the reason.
import { describe, expect, it } from 'vitest';
import { loadContainers, localDriver, referenceTarget, runConformance } from '../../harness/index.ts';
import { resultsSchema } from '../../reports/schema/index.ts';
import { lvsChecks } from './index.ts';

const { containersDriver } = await loadContainers();

describe('LVS checks against the reference packet engine', () => {
  it('all pass under the containers driver, with wire evidence', { timeout: 900_000 }, async () => {
    const results = await runConformance({ target: referenceTarget(), driver: containersDriver, checks: lvsChecks });
    resultsSchema.parse(results);
    const notPassed = results.checks.filter((c) => c.status !== 'pass').map((c) => `${c.id}: ${c.status} ${c.reason ?? ''}`);
    expect(notPassed).toEqual([]);
    expect(results.checks.map((c) => c.id)).toEqual(lvsChecks.map((c) => c.id));
    const dr = results.checks.find((c) => c.id === 'lvs.dr.return-path')!;
    expect(dr.metrics?.['replyPacketsViaBalancer']).toBe(0);
    expect(dr.metrics?.['replyPackets']).toBeGreaterThan(0);
    const nat = results.checks.find((c) => c.id === 'lvs.nat.return-path')!;
    expect(nat.metrics?.['replyPacketsViaBalancer']).toBe(nat.metrics?.['replyPackets']);
    for (const mode of ['nat', 'dr', 'tun']) expect(results.checks.find((c) => c.id === `lvs.${mode}.udp`)?.metrics?.['realServersUsed'], mode).toBe(3);
  });

  it('are skipped, not failed, under the local driver', async () => {
    const results = await runConformance({ target: referenceTarget(), driver: localDriver, checks: lvsChecks, only: 'lvs.dr.*' });
    for (const c of results.checks) {
      expect(c.status).toBe('skip');
      expect(c.reason).toMatch(/--driver containers/);
    }
  });
});
