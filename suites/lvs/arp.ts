// LVS-DR: every host on the segment holds the VIP (real servers on lo), but only the balancer may
// answer ARP for it; a real server that answers steals the traffic from the balancer.
import type { Check, Verdict } from '../../harness/index.ts';
import { isVerdict, lvsScenario, requireView } from './plan.ts';

export const arpCheck: Check = {
  id: 'lvs.dr.arp',
  title: 'LVS-DR: only the balancer answers ARP for the VIP; no real server does',
  requires: ['tcp', 'lvs:dr'],
  notes: 'arping for the VIP from the segment (3 requests); every reply must carry the balancer\'s MAC and at least one must arrive.',
  scenario: lvsScenario('dr'),
  sharesTopology: true,
  async run(ctx): Promise<Verdict> {
    const view = requireView(ctx);
    if (isVerdict(view)) return view;
    const arp = await view.arpAnswers();
    const evidence = arp;
    const fromRealServers = Object.entries(arp.realServerMacs).filter(([, mac]) => arp.answers.includes(mac));
    if (fromRealServers.length > 0) return { status: 'fail', reason: `real server(s) ${fromRealServers.map(([name, mac]) => `${name} (${mac})`).join(', ')} answered ARP for the VIP`, evidence };
    if (!arp.answers.includes(arp.balancerMac)) return { status: 'fail', reason: 'the balancer did not answer ARP for the VIP', evidence };
    const strangers = arp.answers.filter((m) => m !== arp.balancerMac);
    if (strangers.length > 0) return { status: 'fail', reason: `unexpected ARP answers from ${[...new Set(strangers)].join(', ')}`, evidence };
    return { status: 'pass', evidence };
  },
};
