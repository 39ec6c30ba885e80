// Return path, from packets on the wire. Requests to the VIP are counted arriving at the balancer;
// replies from the VIP are counted where they reach the clients' side (NAT: the client; DR/TUN: the
// router in front of the clients), split by source MAC: the balancer's, or someone else's.
//  - NAT: every reply must cross the balancer (its MAC on every reply from the VIP).
//  - DR/TUN: zero replies from the VIP may come from the balancer's MAC; they come straight from
//    the real servers (direct server return), while the requests did reach the balancer.
import { subtractCounters, type Check, type Verdict } from '../../harness/index.ts';
import { failedLine, sequentialHttp } from '../traffic.ts';
import { LVS_MODES, MODE_NAMES, isVerdict, lvsScenario, requireView, type LvsMode } from './plan.ts';

export const RETURN_PATH_REQUESTS = 30;

function returnPathCheck(mode: LvsMode): Check {
  const dsr = mode !== 'nat';
  return {
    id: `lvs.${mode}.return-path`,
    title: dsr ? `${MODE_NAMES[mode]}: replies go from the real servers to the client, never through the balancer` : `${MODE_NAMES[mode]}: every reply crosses the balancer`,
    requires: ['tcp', `lvs:${mode}`],
    notes: `${RETURN_PATH_REQUESTS} HTTP requests, each on a new connection, to the VIP. nft counters: packets to the VIP arriving at the balancer, and packets from the VIP at the clients' last hop by source MAC. ${
      dsr ? 'Fails if any reply frame carries the balancer\'s MAC, or if no request reached the balancer.' : 'Fails if any reply frame does not carry the balancer\'s MAC.'
    } Every request must succeed.`,
    scenario: lvsScenario(mode),
    sharesTopology: true,
    async run(ctx): Promise<Verdict> {
      const view = requireView(ctx);
      if (isVerdict(view)) return view;
      const before = await view.counters();
      const traffic = await sequentialHttp(ctx.topology.clients[0]!, RETURN_PATH_REQUESTS);
      const wire = subtractCounters(await view.counters(), before);
      const evidence = { vip: view.placement.vip, requests: RETURN_PATH_REQUESTS, answered: traffic.sequence.length, wire, failures: traffic.failures.slice(0, 5) };
      if (traffic.failures.length > 0) {
        return { status: 'fail', reason: failedLine(traffic.failures, RETURN_PATH_REQUESTS), evidence };
      }
      // Each connection sends at least SYN, request, ACK and FIN; each reply direction at least SYN-ACK, response and FIN.
      if (wire.toVipAtBalancer < RETURN_PATH_REQUESTS) return { status: 'fail', reason: `only ${wire.toVipAtBalancer} packets to the VIP reached the balancer for ${RETURN_PATH_REQUESTS} connections`, evidence };
      if (wire.fromVip < RETURN_PATH_REQUESTS) return { status: 'fail', reason: `only ${wire.fromVip} reply packets from the VIP were seen on the clients' side for ${RETURN_PATH_REQUESTS} answered connections`, evidence };
      if (dsr && wire.fromVipViaBalancer > 0) {
        return { status: 'fail', reason: `${wire.fromVipViaBalancer} of ${wire.fromVip} reply packets from the VIP came from the balancer's MAC: replies go back through the balancer`, evidence };
      }
      if (!dsr && wire.fromVipViaBalancer !== wire.fromVip) {
        return { status: 'fail', reason: `${wire.fromVip - wire.fromVipViaBalancer} of ${wire.fromVip} reply packets from the VIP did not come from the balancer's MAC`, evidence };
      }
      return { status: 'pass', evidence, metrics: { packetsToBalancer: wire.toVipAtBalancer, replyPackets: wire.fromVip, replyPacketsViaBalancer: wire.fromVipViaBalancer } };
    },
  };
}

export const returnPathChecks: readonly Check[] = LVS_MODES.map(returnPathCheck);
