// Every LVS check fails against a target that breaks what it checks (harness/targets/broken/lvs.ts),
// and the kernel baseline (nftables) passes the NAT and DR checks it claims.
import { describe, expect, it } from 'vitest';
import { brokenArp, brokenForgetful, brokenNoHealth, brokenStatelessNat, brokenTerminating, brokenTunNoMtu, brokenUdpForgetful, loadContainers, nftablesTarget, runConformance, type Target } from '../../harness/index.ts';
import { lvsChecks } from './index.ts';

const { containersDriver } = await loadContainers();

async function verdicts(target: Target, only: string): Promise<Record<string, string>> {
  const results = await runConformance({ target, driver: containersDriver, checks: lvsChecks, only });
  return Object.fromEntries(results.checks.map((c) => [c.id, c.status === 'pass' ? 'pass' : `${c.status}: ${c.reason ?? ''}`]));
}

const TIMEOUT = { timeout: 600_000 };

describe('LVS checks against deliberately broken targets', () => {
  it('a balancer that terminates TCP on the VIP fails DR/TUN return path and source preservation', TIMEOUT, async () => {
    const v = await verdicts(brokenTerminating, 'lvs.dr.return-path,lvs.tun.return-path,lvs.nat.source');
    expect(v['lvs.dr.return-path']).toMatch(/^fail: \d+ of \d+ reply packets from the VIP came from the balancer's MAC/);
    expect(v['lvs.tun.return-path']).toMatch(/^fail: .*balancer's MAC/);
    expect(v['lvs.nat.source']).toMatch(/^fail: b1 saw [\d.]+\.2; .*not the client's/);
  });

  it('stateless NAT that forgets the reverse rewrite fails the NAT return path', TIMEOUT, async () => {
    expect((await verdicts(brokenStatelessNat, 'lvs.nat.return-path'))['lvs.nat.return-path']).toMatch(/^fail: /);
  });

  it('real servers that answer ARP for the VIP fail the DR ARP check', TIMEOUT, async () => {
    expect((await verdicts(brokenArp, 'lvs.dr.arp'))['lvs.dr.arp']).toMatch(/^fail: real server\(s\) backend1 .* answered ARP for the VIP/);
  });

  it('an engine without health checks fails L4 failover', TIMEOUT, async () => {
    expect((await verdicts(brokenNoHealth, 'lvs.nat.failover'))['lvs.nat.failover']).toMatch(/^fail: \d+ requests failed more than \d+ ms after b1 died/);
  });

  it('an engine that forgets established flows and reschedules mid-stream packets fails stickiness', TIMEOUT, async () => {
    // The engine forgets a flow 1 ms after it is established; which connection first sends a
    // packet later than that (while opening, or after a step) depends on the host's load, and so does
    // how the break shows: a reset on the next request, or a connection already closed while idle.
    expect((await verdicts(brokenForgetful, 'lvs.dr.stickiness'))['lvs.dr.stickiness']).toMatch(/^fail: (after "[^"]+" )?connection \d (.*ECONNRESET|\(on b\d\) was closed under it)/);
  });

  it('an engine that keeps UDP flows for 1 ms splits a flow over real servers and fails lvs.<mode>.udp', TIMEOUT, async () => {
    // DR: replies go straight from the real server, so only the split shows (NAT could also lose replies).
    expect((await verdicts(brokenUdpForgetful, 'lvs.dr.udp'))['lvs.dr.udp']).toMatch(/^fail: flow 0 \(port \d+\) was split over b\d, b\d.*UDP flows must stick/);
  });

  it('a balancer that proxies UDP on the VIP fails lvs.<mode>.udp on the source the real servers see', TIMEOUT, async () => {
    expect((await verdicts(brokenTerminating, 'lvs.nat.udp'))['lvs.nat.udp']).toMatch(/^fail: b\d saw [\d.]+:\d+.*not the client's [\d.]+ and its flows' ports/);
  });

  it('TUN without an MTU strategy fails the 20 MB transfer', TIMEOUT, async () => {
    expect((await verdicts(brokenTunNoMtu, 'lvs.tun.large-transfer'))['lvs.tun.large-transfer']).toMatch(/^fail: /);
  });
});

describe('the nftables kernel baseline', () => {
  it('passes the NAT and DR checks it claims; TUN and failover are skipped, not failed', TIMEOUT, async () => {
    const v = await verdicts(nftablesTarget(), 'lvs.*');
    const failed = Object.entries(v).filter(([, s]) => s.startsWith('fail'));
    expect(failed).toEqual([]);
    for (const id of ['lvs.nat.return-path', 'lvs.nat.source', 'lvs.nat.large-transfer', 'lvs.dr.return-path', 'lvs.dr.source', 'lvs.dr.large-transfer', 'lvs.dr.arp']) expect(v[id], id).toBe('pass');
    expect(v['lvs.tun.return-path']).toMatch(/^skip: target nftables does not claim lvs:tun/);
    expect(v['lvs.nat.failover']).toMatch(/^skip: .*health:http/);
    expect(v['lvs.nat.stickiness']).toMatch(/^skip: .*lvs:admin/);
  });
});
