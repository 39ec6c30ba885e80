// LVS topologies in containers: the shape per mode, the VIP, the real servers' setup (rs-agent), and
// the wire evidence (nft counters on the balancer and on the clients' last hop, arping for the VIP).
// NAT: two-armed, the balancer is the real servers' gateway; the client sits on the VIP's segment.
// DR/TUN: balancer and real servers share one segment; clients are behind a router, which is where
// replies are observed (their source MAC tells whether they crossed the balancer).
import type { ContainerRuntimeClient } from 'testcontainers';
import type { ArpAnswers, LvsView, WireCounters } from '../lvs-view.ts';
import type { LvsHostSetup, LvsPlacement, LvsPlan } from '../types.ts';
import { hostAddress, parseSubnet } from './addressing.ts';
import { startRemoteProcess, type RemoteProcess } from './remote-process.ts';
import { sharedSegment, twoArmed } from './shapes.ts';
import type { TopologySpec } from './spec.ts';
import type { ContainerHost, StartedContainerTopology } from './topology.ts';
import { FULCRUM_BIN } from '../paths.ts';

/** The VIP's host number on the client-facing segment (no container takes it). */
export const VIP_HOST = 100;
const TABLE = 'fulcrum_lvs';

/** Real servers for DR/TUN: the VIP goes on lo with ARP suppressed; TUN also decapsulates (TUN device, raw socket). */
const REAL_SERVER_SYSCTLS: Record<string, string> = {
  'net.ipv4.conf.all.arp_ignore': '1',
  'net.ipv4.conf.all.arp_announce': '2',
  'net.ipv4.conf.lo.arp_ignore': '1',
  'net.ipv4.conf.lo.arp_announce': '2',
};
const TUN_SYSCTLS: Record<string, string> = { 'net.ipv4.conf.all.rp_filter': '0', 'net.ipv4.conf.default.rp_filter': '0' };

export function lvsShape(lvs: LvsPlan, clients: number, backends: number, setup: LvsHostSetup = {}): TopologySpec {
  const forwarding: Record<string, string> = setup.balancerForwards ? { 'net.ipv4.ip_forward': '1' } : {};
  const withBalancer = (spec: TopologySpec): TopologySpec => ({
    ...spec,
    hosts: spec.hosts.map((h) => (h.role === 'balancer' ? { ...h, sysctls: { ...h.sysctls, ...forwarding } } : h)),
  });
  if (lvs.mode === 'nat') return withBalancer(twoArmed({ name: 'lvs-nat', clients, backends }));
  const spec = withBalancer(sharedSegment({ name: `lvs-${lvs.mode}`, clients, backends }));
  const tun = lvs.mode === 'tun';
  const sysctls = { ...(setup.realServerArpSuppression === false ? {} : REAL_SERVER_SYSCTLS), ...(tun ? TUN_SYSCTLS : {}) };
  return {
    ...spec,
    hosts: spec.hosts.map((h) =>
      h.role !== 'backend' ? h : { ...h, capabilities: ['NET_ADMIN', 'NET_RAW'], sysctls, ...(tun ? { devices: ['/dev/net/tun' as const] } : {}) },
    ),
  };
}

/** The network the VIP lives on: where clients (NAT) or the router (DR/TUN) send to it. */
export function outsideNetwork(lvs: LvsPlan): 'front' | 'segment' {
  return lvs.mode === 'nat' ? 'front' : 'segment';
}

async function sh(host: ContainerHost, argv: string[]): Promise<string> {
  const r = await host.exec(argv);
  if (r.exitCode !== 0) throw new Error(`${host.name}: ${argv.join(' ')} exited ${r.exitCode}: ${(r.stderr || r.stdout).trim()}`);
  return r.stdout;
}

/** Interface name for each of the host's addresses (ip -o -4 addr). */
async function interfaceOf(host: ContainerHost, address: string): Promise<string> {
  const out = await sh(host, ['ip', '-o', '-4', 'addr', 'show']);
  const line = out.split('\n').find((l) => l.includes(` ${address}/`));
  const name = line?.split(/\s+/)[1];
  if (!name) throw new Error(`${host.name}: no interface holds ${address}`);
  return name.split('@')[0] as string;
}

async function macOf(host: ContainerHost, ifname: string): Promise<string> {
  return (await sh(host, ['cat', `/sys/class/net/${ifname}/address`])).trim().toLowerCase();
}

async function installCounters(host: ContainerHost, ifname: string, rules: Array<[comment: string, match: string]>): Promise<void> {
  await sh(host, ['nft', 'add', 'table', 'netdev', TABLE]);
  // Before any data plane's own ingress rules (the nftables target forwards from priority 0 and ends the chain walk).
  await sh(host, ['nft', 'add', 'chain', 'netdev', TABLE, 'in', `{ type filter hook ingress device "${ifname}" priority -500 ; }`]);
  for (const [comment, match] of rules) await sh(host, ['nft', `add rule netdev ${TABLE} in ${match} meta pkttype host counter comment "${comment}"`]);
}

/** Packets per rule comment in our table (nft -j). */
export function countersFromNftJson(json: string): Record<string, number> {
  const out: Record<string, number> = {};
  const doc = JSON.parse(json) as { nftables: Array<{ rule?: { comment?: string; expr?: Array<{ counter?: { packets: number } }> } }> };
  for (const item of doc.nftables) {
    const rule = item.rule;
    if (!rule?.comment) continue;
    const counter = rule.expr?.find((e) => e.counter)?.counter;
    out[rule.comment] = (out[rule.comment] ?? 0) + (counter?.packets ?? 0);
  }
  return out;
}

/** arping output → the MAC of every reply ("Unicast reply from 198.18.1.100 [02:42:…]"). */
export function arpingReplies(output: string): string[] {
  return [...output.matchAll(/reply from [\d.]+ \[([0-9A-Fa-f:]{17})\]/g)].map((m) => (m[1] as string).toLowerCase());
}

export interface PreparedLvs {
  placement: LvsPlacement;
  view: LvsView;
}

/** Picks the VIP, finds the balancer's interfaces and installs the counters. Pure placement happens before the target renders. */
export async function prepareLvs(topology: StartedContainerTopology, lvs: LvsPlan): Promise<PreparedLvs> {
  const net = outsideNetwork(lvs);
  const vip = hostAddress(parseSubnet(topology.networks[net]!.subnet), VIP_HOST);
  const hosts = Object.values(topology.hosts);
  const balancer = topology.hosts['balancer'] as ContainerHost;
  const observer = lvs.mode === 'nat' ? (hosts.find((h) => h.role === 'client') as ContainerHost) : (topology.hosts['router'] as ContainerHost);
  const outside = await interfaceOf(balancer, balancer.addresses[net] as string);
  const inside = lvs.mode === 'nat' ? await interfaceOf(balancer, balancer.addresses['back'] as string) : undefined;
  const observerIf = await interfaceOf(observer, observer.addresses[net] as string);
  const balancerMac = await macOf(balancer, outside);
  const realServerMacs: Record<string, string> = {};
  for (const h of hosts.filter((x) => x.role === 'backend')) realServerMacs[h.name] = await macOf(h, await interfaceOf(h, h.address));

  await installCounters(balancer, outside, [['toVip', `ip daddr ${vip}`]]);
  await installCounters(observer, observerIf, [
    ['fromVip', `ip saddr ${vip}`],
    ['fromVipViaBalancer', `ip saddr ${vip} ether saddr ${balancerMac}`],
  ]);

  const read = async (host: ContainerHost) => countersFromNftJson(await sh(host, ['nft', '-j', 'list', 'table', 'netdev', TABLE]));
  const placement: LvsPlacement = { ...lvs, vip, interfaces: { outside, ...(inside ? { inside } : {}) } };
  const view: LvsView = {
    placement,
    async counters(): Promise<WireCounters> {
      const [b, o] = await Promise.all([read(balancer), read(observer)]);
      return { toVipAtBalancer: b['toVip'] ?? 0, fromVip: o['fromVip'] ?? 0, fromVipViaBalancer: o['fromVipViaBalancer'] ?? 0 };
    },
    async arpAnswers(): Promise<ArpAnswers> {
      // arping exits 1 when nobody answers: the output is the evidence either way.
      const r = await observer.exec(['arping', '-c', '3', '-w', '4', '-I', observerIf, vip]);
      return { answers: arpingReplies(r.stdout), balancerMac, realServerMacs };
    },
  };
  return { placement, view };
}

/** DR/TUN: runs `fulcrum rs-agent` on every real server (VIP on lo; TUN: userspace decapsulation). */
export async function startRealServerAgents(
  topology: StartedContainerTopology,
  placement: LvsPlacement,
  client: ContainerRuntimeClient,
  toContainer: (s: string) => string,
  setup: LvsHostSetup = {},
): Promise<RemoteProcess[]> {
  if (placement.mode === 'nat') return [];
  const tunnel = placement.mode === 'tun' ? (placement.encapsulation ?? 'ipip') : 'none';
  const backends = Object.values(topology.hosts).filter((h) => h.role === 'backend');
  return Promise.all(
    backends.map(async (h) => {
      let ready!: () => void;
      const isReady = new Promise<void>((r) => (ready = r));
      const proc = await startRemoteProcess(client, h.containerId, [toContainer(process.execPath), toContainer(FULCRUM_BIN), 'rs-agent', '--vip', placement.vip, '--tunnel', tunnel, ...(setup.realServerArpSuppression === false ? ['--no-arp-suppression'] : [])], {
        label: `rs-agent ${h.name}`,
        env: { FULCRUM_NO_BUNDLE: '1' },
        onStdoutLine: (line) => {
          if (line.startsWith('{"ready":true')) ready();
        },
      });
      const outcome = await Promise.race([isReady.then(() => 'ready'), proc.whenExited().then((e) => `exited (code ${e.code})`), new Promise<string>((r) => setTimeout(() => r('not ready within 60 s'), 60_000).unref())]);
      if (outcome !== 'ready') throw new Error(`rs-agent on ${h.name}: ${outcome}\n${proc.logs()}`);
      return proc;
    }),
  );
}
