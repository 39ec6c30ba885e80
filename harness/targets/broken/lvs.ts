// DELIBERATELY BROKEN LVS targets, for the harness's own tests: each breaks one thing an LVS check
// looks at, and claims it does not. They show that every LVS check can fail.
import { nftablesTarget } from '../nftables.ts';
import { LVS_CAPABILITIES, renderLvs } from '../reference-lvs.ts';
import { referenceTarget } from '../reference.ts';
import type { Scenario, Target } from '../../types.ts';

const base = referenceTarget();

function variant(name: string, capabilities: readonly string[], render: Target['render'], extra: Partial<Target> = {}): Target {
  return { name, capabilities, version: base.version, available: base.available, render, ...extra };
}

/** Claims every LVS mode but terminates TCP (and UDP) on the VIP (the reference L4 proxy): replies leave
 *  the balancer and real servers see the balancer's address. Breaks DR/TUN return path and source. */
export const brokenTerminating = variant('broken-lvs-terminating', ['tcp', ...LVS_CAPABILITIES], (s: Scenario) => {
  const { lvs, ...proxied } = s;
  if (!lvs) throw new Error('LVS scenarios only');
  // The reference's own L4 proxy as it renders without lvs, started once the VIP is on the balancer.
  const proxy = base.render(proxied);
  return {
    files: [...proxy.files, { path: 'run.sh', content: `set -eu\nip addr add ${s.listen.host}/32 dev ${lvs.interfaces.outside}\nexec ${proxy.command.join(' ')}\n` }],
    command: ['/bin/sh', '{{dir}}/run.sh'],
    // UDP: the proxy's own readiness (its admin endpoint); TCP: the VIP accepts.
    readyWhen: s.mode === 'udp' ? (proxy.readyWhen ?? { delayMs: 1500 }) : { tcp: s.listen },
  };
});

/** The packet engine without health checks, while claiming them: a dead real server keeps its flows. */
export const brokenNoHealth = variant('broken-lvs-no-health', ['tcp', ...LVS_CAPABILITIES, 'health:http'], (s: Scenario) => {
  const { health: _ignored, ...unchecked } = s;
  return renderLvs(unchecked);
});

/** TUN with no MTU strategy (tunnel MTU 65535): full-size segments plus the outer header exceed the path. */
export const brokenTunNoMtu = variant('broken-lvs-tun-no-mtu', ['tcp', 'lvs:tun'], (s: Scenario) => renderLvs(s, { tunnelMtu: 65535 }));

/** DR whose real servers answer ARP for the VIP (no arp_ignore/arp_announce). */
export const brokenArp = variant('broken-lvs-arp', ['tcp', 'lvs:dr'], (s: Scenario) => renderLvs(s), { lvsHosts: { realServerArpSuppression: false } });

/** Forgets established flows at once and schedules mid-stream packets anew (sloppy TCP): the next
 *  packet of a keep-alive connection may land on another real server. */
export const brokenForgetful = variant('broken-lvs-forgetful', ['tcp', ...LVS_CAPABILITIES], (s: Scenario) =>
  renderLvs(s, { conntrack: { sloppyTcp: true, timeouts: { tcpEstablished: 1 } } }),
);

/** Keeps UDP flows for 1 ms: each datagram of a flow is scheduled afresh (rr: on another real server),
 *  and a NAT reply may find no flow to rewrite it back. */
export const brokenUdpForgetful = variant('broken-lvs-udp-forgetful', ['tcp', ...LVS_CAPABILITIES], (s: Scenario) => renderLvs(s, { conntrack: { timeouts: { udp: 1 } } }));

/** Kernel NAT done statelessly: requests are rewritten, replies are not (the reverse rewrite is forgotten). */
export const brokenStatelessNat = nftablesTarget({ name: 'broken-nft-stateless-nat', statelessNat: true });

export const brokenLvsTargets: readonly Target[] = [brokenTerminating, brokenNoHealth, brokenTunNoMtu, brokenArp, brokenForgetful, brokenUdpForgetful, brokenStatelessNat];
