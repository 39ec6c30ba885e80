// What every transmit mode shares (IPVS's ip_vs_xmit.c and the kernel's neigh_output): the links, the
// counters, and `emit`, which puts the next hop's MAC on a frame and queues it for sending, or holds it in
// the neighbour queue until ARP answers. The per-mode rewrites are xmit-nat.ts, xmit-dr.ts, xmit-tun.ts.
import type { Output } from './output.ts';
import { ARP_FRAME_LEN, BROADCAST_MAC, arpRequest, writeArpFrame } from './packet/arp.ts';
import { ETHERTYPE_IPV4, ETH_HDR_LEN, writeEthernet } from './packet/ethernet.ts';
import { VNET_HDR_LEN, clearVnet } from './packet/vnet.ts';
import { NeighbourQueue } from './neighbour-queue.ts';
import type { Neighbours } from './neighbours.ts';

export const LINK_OUTSIDE = 0;
export const LINK_INSIDE = 1;
/** Virtio header + Ethernet header: where the IP packet starts in a frame. */
export const PREFIX = VNET_HDR_LEN + ETH_HDR_LEN;

export interface Link {
  name: string;
  mac: Uint8Array;
  /** The balancer's own IPv4 address on this link (ARP sender, tunnel source). */
  ipv4: number;
}

export interface EngineStats {
  received: number;
  sent: number;
  forwarded: { nat: number; dr: number; tun: number; natReplies: number };
  arp: { replies: number; requests: number };
  tunnel: { segmented: number; fragmented: number };
  dropped: Record<DropReason, number>;
  flows: number;
  tableFull: number;
  /** Flows replaced by a new connection that reused their addresses and ports. */
  recycled: number;
}

export type DropReason =
  | 'notForUs'
  | 'noService'
  | 'noFlow'
  | 'noServer'
  | 'tableFull'
  | 'noNeighbour'
  | 'fragment'
  | 'ttl'
  | 'truncated'
  | 'malformed'
  | 'removedServer'
  | 'ipv6'
  | 'unsupportedGso';

export function newStats(): EngineStats {
  return {
    received: 0,
    sent: 0,
    forwarded: { nat: 0, dr: 0, tun: 0, natReplies: 0 },
    arp: { replies: 0, requests: 0 },
    tunnel: { segmented: 0, fragmented: 0 },
    dropped: { notForUs: 0, noService: 0, noFlow: 0, noServer: 0, tableFull: 0, noNeighbour: 0, fragment: 0, ttl: 0, truncated: 0, malformed: 0, removedServer: 0, ipv6: 0, unsupportedGso: 0 },
    flows: 0,
    tableFull: 0,
    recycled: 0,
  };
}

export class Transmit {
  readonly stats: EngineStats = newStats();
  /** Frames waiting for a next hop's MAC. */
  readonly held = new NeighbourQueue();
  private ipId = 1;

  constructor(
    /** [outside, inside]; the same link twice when the balancer has one arm. */
    readonly links: readonly [Link, Link],
    readonly neighbours: Neighbours,
  ) {}

  drop(reason: DropReason): void {
    this.stats.dropped[reason]++;
  }

  /** IPv4 identification for headers we write (tunnel outer headers). */
  nextId(): number {
    this.ipId = (this.ipId + 1) & 0xffff;
    return this.ipId;
  }

  /**
   * Sends the IPv4 frame at arena[at, at+length) (virtio header first) on `link` to `nextHop`: writes its
   * Ethernet header (next hop's MAC, ours) and queues it, or holds it until the next hop's MAC is known
   * (asking ARP at once for the first frame that waits).
   */
  emit(out: Output, link: number, at: number, length: number, nextHop: number, now: number): void {
    const mac = this.neighbours.get(nextHop);
    if (mac) {
      writeEthernet(out.arena, at + VNET_HDR_LEN, mac, this.links[link]!.mac, ETHERTYPE_IPV4);
      out.send(link, at, length);
      this.stats.sent++;
      return;
    }
    writeEthernet(out.arena, at + VNET_HDR_LEN, BROADCAST_MAC, this.links[link]!.mac, ETHERTYPE_IPV4);
    const { first, dropped, refused } = this.held.hold(nextHop, link, out.arena, at, length, now);
    this.stats.dropped.noNeighbour += dropped + (refused ? 1 : 0);
    if (first) this.askArp(out, link, nextHop);
  }

  /** A neighbour's MAC became known: sends what waited for it, in order. */
  release(out: Output, ip: number): void {
    if (this.held.size === 0) return;
    const mac = this.neighbours.get(ip);
    if (!mac) return;
    for (const f of this.held.release(ip)) {
      const at = out.scratch(f.bytes.length);
      out.arena.set(f.bytes, at);
      out.arena.set(mac, at + VNET_HDR_LEN);
      out.send(f.link, at, f.bytes.length);
      this.stats.sent++;
    }
  }

  /** Drops held frames whose next hop did not answer in time. */
  expireHeld(now: number): void {
    if (this.held.size > 0) this.stats.dropped.noNeighbour += this.held.expire(now);
  }

  /** Queues an ARP who-has for `ip` on `link`. */
  askArp(out: Output, link: number, ip: number): void {
    const l = this.links[link]!;
    const at = out.scratch(VNET_HDR_LEN + ARP_FRAME_LEN);
    clearVnet(out.arena, at);
    writeArpFrame(out.arena, at + VNET_HDR_LEN, BROADCAST_MAC, arpRequest(l.mac, l.ipv4, ip));
    out.send(link, at, VNET_HDR_LEN + ARP_FRAME_LEN);
    this.stats.arp.requests++;
  }
}
