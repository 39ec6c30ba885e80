// What LVS checks see beyond the common topology: the VIP, the wire evidence (packet counts per
// direction, taken by the driver with nft counters), and who answers ARP for the VIP. Only a driver
// that builds real L2 segments (containers) provides it; checks get it through lvsView().
import type { StartedTopology } from './topology.ts';
import type { LvsPlacement } from './types.ts';

/** Cumulative packet counts since the topology started; checks take differences. */
export interface WireCounters {
  /** Packets to the VIP arriving at the balancer (the request direction). */
  toVipAtBalancer: number;
  /** Packets from the VIP arriving at the clients' last hop (NAT: the client; DR/TUN: the router). */
  fromVip: number;
  /** Of those, frames whose source MAC is the balancer's: replies that crossed the balancer. */
  fromVipViaBalancer: number;
}

export interface ArpAnswers {
  /** MAC of every ARP reply for the VIP, as seen on the client-facing segment (repeats included). */
  answers: string[];
  balancerMac: string;
  realServerMacs: Record<string, string>;
}

export interface LvsView {
  readonly placement: LvsPlacement;
  counters(): Promise<WireCounters>;
  /** Sends ARP who-has for the VIP from the clients' side and lists every answer. */
  arpAnswers(): Promise<ArpAnswers>;
}

export function lvsView(topology: StartedTopology): LvsView | undefined {
  return (topology as StartedTopology & { lvs?: LvsView }).lvs;
}

export function subtract(after: WireCounters, before: WireCounters): WireCounters {
  return {
    toVipAtBalancer: after.toVipAtBalancer - before.toVipAtBalancer,
    fromVip: after.fromVip - before.fromVip,
    fromVipViaBalancer: after.fromVipViaBalancer - before.fromVipViaBalancer,
  };
}
