// The kernel as an LVS baseline: nftables rules instead of our packet engine, so the L4 checks and
// benchmarks run against a data plane we did not write.
//  - NAT: stateful DNAT in prerouting (conntrack does the reverse rewrite), new connections spread by
//    numgen inc (round robin per connection); the balancer's kernel forwards and holds the VIP.
//  - DR: a netdev ingress rule rewrites the MACs (destination: a real server chosen by jhash of the
//    client's address and port; source: the balancer) and sends the frame back out; the VIP sits on
//    lo so the kernel answers ARP for it, and the frames never reach the IP stack.
//  - TUN: not possible here (this kernel has no ipip/gre modules), so not claimed.
// No health checks: a dead real server keeps its share.
import type { Scenario, Target, TargetLaunch } from '../types.ts';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';

const run = promisify(execFile);
/** The broken stateless NAT never completes a connection: ready after its (fast) script, by time. */
const READY_DELAY_MS = 2000;

export interface NftablesVariant {
  name: string;
  /** NAT without conntrack: rewrites requests statelessly and forgets the reverse rewrite (BROKEN, for tests). */
  statelessNat?: boolean;
}

/** The nft ruleset for a NAT service. Pure. */
export function natRules(s: Scenario, stateless = false): string {
  const vip = s.listen.host;
  const port = s.listen.port;
  const targets = s.backends.map((b, i) => `${i} : ${b.host}`).join(', ');
  const backendPort = s.backends[0]!.port;
  if (stateless) {
    // Per-packet stateless rewrite: jhash keeps a connection on one server; nothing rewrites replies.
    return `table ip fulcrum_lb {
  chain pre {
    type filter hook prerouting priority raw; policy accept;
    ip daddr ${vip} tcp dport ${port} notrack ip daddr set jhash ip saddr . tcp sport mod ${s.backends.length} map { ${targets} } tcp dport set ${backendPort}
  }
}
`;
  }
  return `table ip fulcrum_lb {
  chain pre {
    type nat hook prerouting priority dstnat; policy accept;
    ip daddr ${vip} tcp dport ${port} dnat to numgen inc mod ${s.backends.length} map { ${targets} } : ${backendPort}
  }
}
`;
}

/** Shell that resolves the real servers' MACs (arping) and loads the DR rule. */
export function drScript(s: Scenario, outside: string): string {
  const vip = s.listen.host;
  const lines = [
    'set -eu',
    `ip addr add ${vip}/32 dev lo`,
    `self=$(cat /sys/class/net/${outside}/address)`,
    'map=""',
    ...s.backends.map(
      (b, i) => `mac=$(arping -c 2 -w 3 -I ${outside} ${b.host} | sed -n 's/.*reply from [0-9.]* \\[\\([0-9A-Fa-f:]*\\)\\].*/\\1/p' | head -n 1)
[ -n "$mac" ] || { echo "no ARP answer from ${b.host}" >&2; exit 1; }
map="\${map}${i === 0 ? '' : ', '}${i} : $mac"`,
    ),
    `nft -f - <<EOF
table netdev fulcrum_lb {
  chain in {
    type filter hook ingress device "${outside}" priority 0; policy accept;
    ip daddr ${vip} tcp dport ${s.listen.port} ether saddr set $self ether daddr set jhash ip saddr . tcp sport mod ${s.backends.length} map { \${map} } fwd to "${outside}"
  }
}
EOF`,
    'echo "nftables DR rules loaded"',
    'exec sleep infinity',
  ];
  return `${lines.join('\n')}\n`;
}

export function nftablesTarget(variant: NftablesVariant = { name: 'nftables' }): Target {
  return {
    name: variant.name,
    capabilities: ['tcp', 'lvs:nat', ...(variant.statelessNat ? [] : ['lvs:dr'])],
    lvsHosts: { balancerForwards: true },
    async version() {
      try {
        return (await run('nft', ['--version'])).stdout.trim();
      } catch {
        return undefined;
      }
    },
    async available() {
      try {
        await run('nft', ['--version']);
        return { ok: true };
      } catch {
        return { ok: false, reason: 'nft is not installed (apt-get install nftables)' };
      }
    },
    render(s: Scenario): TargetLaunch {
      const lvs = s.lvs;
      if (!lvs) throw new Error(`${variant.name} is an L4 packet-forwarding baseline: it runs LVS scenarios only`);
      if (lvs.mode === 'nat') {
        return {
          files: [
            { path: 'rules.nft', content: natRules(s, variant.statelessNat) },
            { path: 'run.sh', content: `set -eu\nip addr add ${s.listen.host}/32 dev ${lvs.interfaces.outside}\nnft -f {{dir}}/rules.nft\necho "nftables NAT rules loaded"\nexec sleep infinity\n` },
          ],
          command: ['/bin/sh', '{{dir}}/run.sh'],
          // Until the rules load the kernel refuses the VIP; the stateless variant never answers correctly, so it gets a fixed delay.
          readyWhen: variant.statelessNat ? { delayMs: READY_DELAY_MS } : { tcp: s.listen },
        };
      }
      if (lvs.mode === 'dr') {
        // Resolving the real servers' MACs takes seconds: ready once the VIP answers through the rule.
        return { files: [{ path: 'run.sh', content: drScript(s, lvs.interfaces.outside) }], command: ['/bin/sh', '{{dir}}/run.sh'], readyWhen: { tcp: s.listen } };
      }
      throw new Error(`${variant.name} cannot do LVS-${lvs.mode.toUpperCase()} on this kernel`);
    },
  };
}
