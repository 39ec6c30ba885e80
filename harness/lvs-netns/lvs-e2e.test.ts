// End to end in network namespaces: client → balancer (our engine) → two real servers. One two-segment
// network for NAT; one shared segment for DR, TUN-IPIP and TUN-GRE (three VIPs on one balancer, so the
// real servers start once). Veth offloads stay on, so GSO super-frames and partial checksums are exercised.
import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { lvs } from '../../reference/index.ts';
import { Scenario } from './scenario.ts';
import { canCreateNamespaces, Topology } from './topology.ts';

const skipReason = (await canCreateNamespaces()) ?? (lvs.nativeAvailable() ? undefined : 'the native binding is not built (npm ci)');
const MB20 = 20_000_000;
const DR_VIP = '198.19.1.100';
const IPIP_VIP = '198.19.1.101';
const GRE_VIP = '198.19.1.102';

interface AllResult {
  ids: { seen: string[] };
  down: { bytes: number; match: boolean };
  up: { bytes: number; match: boolean; peer: string };
}

function expectTraffic(r: AllResult, bytes: number) {
  // Both real servers answered (rr), and each saw the real client's address, not the balancer's.
  const servers = new Set(r.ids.seen.map((line) => line.split(' ')[0]));
  expect(servers).toEqual(new Set(['r1', 'r2']));
  for (const line of r.ids.seen) expect(line.split(' ')[1]).toBe('198.19.1.10');
  expect(r.down).toMatchObject({ bytes, match: true });
  expect(r.up).toMatchObject({ bytes, match: true, peer: '198.19.1.10' });
}

describe.skipIf(skipReason !== undefined).concurrent(`LVS engine in namespaces${skipReason ? ` (skipped: ${skipReason})` : ''}`, () => {
  it('NAT: 20 MB up and down intact, client address preserved, every reply crosses the balancer', async () => {
    await using s = await Scenario.start({ network: 'nat', services: [{ vip: DR_VIP, mode: 'nat' }] });
    const r = await s.client<AllResult>('all', MB20, DR_VIP, 120_000);
    expectTraffic(r, MB20);
    const stats = await s.engineStats();
    expect(stats.engine.forwarded.nat).toBeGreaterThan(0);
    expect(stats.engine.forwarded.natReplies).toBeGreaterThan(0);
    expect(await s.natReplyPackets()).toBeGreaterThan(0);
    expect(stats.packetErrors).toBe(0);
  }, 240_000);

  it('DR and TUN (IPIP, GRE): 20 MB up and down intact; requests reach the balancer, zero packets from the VIP cross it', async () => {
    await using s = await Scenario.start({
      network: 'lan',
      services: [
        { vip: DR_VIP, mode: 'dr' },
        { vip: IPIP_VIP, mode: 'tun', encapsulation: 'ipip' },
        { vip: GRE_VIP, mode: 'tun', encapsulation: 'gre' },
      ],
    });
    const [dr, ipip, gre] = await s.client<AllResult[]>('all', MB20, [DR_VIP, IPIP_VIP, GRE_VIP].join(','), 200_000);
    expectTraffic(dr!, MB20);
    expectTraffic(ipip!, MB20);
    expectTraffic(gre!, MB20);
    const stats = await s.engineStats();
    expect(stats.engine.forwarded.dr).toBeGreaterThan(0);
    expect(stats.engine.forwarded.tun).toBeGreaterThan(0);
    // Uploads arrive as GSO super-frames; TUN must re-segment them to fit the tunnel MTU.
    expect(stats.engine.tunnel.segmented).toBeGreaterThan(0);
    for (const vip of [DR_VIP, IPIP_VIP, GRE_VIP]) {
      const c = await s.vipCounters(vip);
      expect(c.toVip, vip).toBeGreaterThan(0);
      expect(c.fromVip, vip).toBe(0);
    }
    // ARP: the client resolved every VIP to the balancer's MAC; no real server answered for it.
    const lbMac = (await s.topo.sh('lb', 'cat /sys/class/net/eth0/address')).trim();
    for (const vip of [DR_VIP, IPIP_VIP, GRE_VIP]) expect(await s.topo.sh('c', `ip neigh show ${vip}`), vip).toContain(`lladdr ${lbMac}`);
    expect(stats.packetErrors).toBe(0);
  }, 240_000);

  it('a topology leaves no namespace behind', async () => {
    const t = await Topology.create([{ name: 'a', links: [{ dev: 'eth0', segment: 'x', address: '198.19.9.1/24' }] }]);
    const name = t.ns('a');
    expect(execFileSync('ip', ['netns', 'list'], { encoding: 'utf8' })).toContain(name);
    await t.destroy();
    expect(execFileSync('ip', ['netns', 'list'], { encoding: 'utf8' })).not.toContain(t.id);
  });
});
