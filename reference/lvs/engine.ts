// The LVS packet engine, pure: frames in (already in the arena), rewritten frames out (queued on an Output).
// Split as IPVS splits itself: this core classifies a frame (ARP, a VIP's packet, a NAT reply), finds or
// creates its flow in the connection table and schedules new flows; control.ts holds the services and real
// servers and their runtime changes; xmit-nat.ts, xmit-dr.ts and xmit-tun.ts rewrite and send per mode.
// Every algorithm works in every mode. No I/O and no clock here: the runner (runner.ts) owns sockets and
// timers and passes time in.
import type { PickContext } from '../algorithms/index.ts';
import type { LvsBackendConfig, LvsConfig } from '../config/lvs.ts';
import { ConnTable, STATE_TCP_CLOSED, STATE_TCP_FIN } from './conntrack.ts';
import { Control } from './control.ts';
import { Neighbours } from './neighbours.ts';
import type { Output } from './output.ts';
import { ARP_FRAME_LEN, ARP_REPLY, ARP_REQUEST, arpReplyFor, readArp, writeArpFrame } from './packet/arp.ts';
import { read16 } from './packet/checksum.ts';
import { tcpHeaderLength } from './packet/l4.ts';
import { ETHERTYPE_ARP, ETHERTYPE_IPV4, ETHERTYPE_IPV6, ETH_HDR_LEN } from './packet/ethernet.ts';
import { PROTO_TCP, PROTO_UDP, formatIPv4, ipDestination, ipHeaderLength, ipIsFragment, ipProtocol, ipSource, ipTotalLength } from './packet/ipv4.ts';
import { VNET_HDR_LEN, clearVnet } from './packet/vnet.ts';
import type { PutResult, RealServer, RemoveResult, ServerChange, Service, ServiceView } from './service.ts';
import { transmitDirect } from './xmit-dr.ts';
import { transmitNat, transmitNatReply } from './xmit-nat.ts';
import { transmitTunnelled } from './xmit-tun.ts';
import { LINK_INSIDE, LINK_OUTSIDE, Transmit, type EngineStats, type Link } from './xmit.ts';

export { LINK_INSIDE, LINK_OUTSIDE, type DropReason, type EngineStats, type Link } from './xmit.ts';
export {
  DuplicateServerError,
  InvalidServerError,
  RealServer,
  UnknownServerError,
  UnknownServiceError,
  type PutResult,
  type RemoveResult,
  type ServerChange,
  type ServerView,
  type ServiceView,
} from './service.ts';

const PACKET_OTHERHOST = 3;
const PACKET_OUTGOING = 4;
const TRUNCATED = 0x80;
const TCP_SYN = 0x02;
const TCP_RST = 0x04;
const TCP_ACK = 0x10;

export interface EngineClock {
  /** Monotonic milliseconds. */
  now(): number;
  /** Uniform in [0, 1). */
  rng(): number;
}

export class LvsEngine {
  readonly conntrack: ConnTable;
  readonly neighbours = new Neighbours();
  readonly stats: EngineStats;
  private readonly control: Control;
  private readonly tx: Transmit;
  private readonly pickContext: { key: number | undefined; now: () => number; rng: () => number };

  constructor(
    private readonly config: LvsConfig,
    /** [outside, inside]; the same link twice when the balancer has one arm. */
    readonly links: readonly [Link, Link],
    private readonly clock: EngineClock,
  ) {
    const needsReverse = config.services.some((s) => s.mode === 'nat');
    this.conntrack = new ConnTable(config.conntrack.maxFlows, config.conntrack.timeouts, needsReverse);
    this.pickContext = { key: undefined, now: clock.now, rng: clock.rng };
    this.tx = new Transmit(links, this.neighbours);
    this.stats = this.tx.stats;
    this.control = new Control(config, this.conntrack, this.neighbours, clock.now);
  }

  /** Addresses the BPF filter must let through: VIPs as destinations, NAT real servers as sources. */
  filterAddresses(): { destinations: number[]; sources: number[] } {
    return this.control.filterAddresses();
  }

  // ---- control: health, weights, membership (ipvsadm -e/-a/-d; the admin channel calls these) ----

  /** The health checks' verdict: an unhealthy server gets no new flows; its flows continue. */
  setUsable(service: string, id: string, usable: boolean): void {
    this.control.setUsable(service, id, usable);
  }

  /** Weight 0 quiesces: existing flows continue, no new ones. */
  setWeight(service: string, id: string, weight: number): void {
    this.control.setWeight(service, id, weight);
  }

  /** Adds a real server. Until its MAC is known (resolveNeighbours asks) it gets no flows. */
  addServer(service: string, backend: LvsBackendConfig): RealServer {
    return this.control.addServer(service, backend);
  }

  /** Adds a real server (address required) or sets its weight; a server does not move (remove and add). */
  putServer(service: string, id: string, change: ServerChange): PutResult {
    return this.control.putServer(service, id, change);
  }

  /** Removes a real server: its flows are expired now, or rescheduled on their next packet (conntrack.removedServer). */
  removeServer(service: string, id: string): RemoveResult {
    const result = this.control.removeServer(service, id);
    this.stats.flows = this.conntrack.size;
    return result;
  }

  serverList(service: string): readonly RealServer[] {
    return this.control.serverList(service);
  }

  /** Every service with its current real servers (GET /services). */
  describe(): ServiceView[] {
    return this.control.describe();
  }

  /** Periodic work: expire flows, persistence templates and frames that waited too long for a MAC, a slice at a time. */
  tick(now: number, budget = 8192): void {
    this.control.promoteResolved();
    this.conntrack.sweep(now, budget);
    this.control.sweepTemplates(now);
    this.tx.expireHeld(now);
    this.stats.flows = this.conntrack.size;
    this.stats.tableFull = this.conntrack.counters.full;
    this.stats.recycled = this.conntrack.counters.recycled;
  }

  /** Queues ARP who-has for real servers whose MAC we lack or have not confirmed for `staleMs`. */
  resolveNeighbours(out: Output, now: number, staleMs = 30_000): number {
    const missing = this.neighbours.toResolve(now, staleMs);
    for (const ip of missing) this.tx.askArp(out, this.control.isInside(ip) ? LINK_INSIDE : LINK_OUTSIDE, ip);
    return missing.length;
  }

  // ---- the data path ----

  /** Handles one received frame at arena[start, start+length) (virtio header first) from `link`. */
  handle(out: Output, start: number, length: number, link: number, pktType: number): void {
    const buf = out.arena;
    this.stats.received++;
    if (pktType & TRUNCATED) return this.tx.drop('truncated');
    if (pktType === PACKET_OUTGOING) return;
    const eth = start + VNET_HDR_LEN;
    const end = start + length;
    if (end - eth < ETH_HDR_LEN) return this.tx.drop('malformed');
    const type = (buf[eth + 12]! << 8) | buf[eth + 13]!;
    if (type === ETHERTYPE_ARP) return this.handleArp(out, eth, end, link);
    if (type === ETHERTYPE_IPV6) return this.tx.drop('ipv6');
    if (type !== ETHERTYPE_IPV4) return this.tx.drop('notForUs');
    // Frames for other hosts reach us while a bridge is still learning: never act on them.
    if (pktType === PACKET_OTHERHOST) return this.tx.drop('notForUs');
    const ip = eth + ETH_HDR_LEN;
    if (end - ip < 20 || buf[ip]! >>> 4 !== 4) return this.tx.drop('malformed');
    // As Linux ip_rcv: a header under 20 bytes, or a total length under the header or past the frame, is
    // malformed (a cut packet must never go on looking whole); bytes after the total length are padding.
    const total = ipTotalLength(buf, ip);
    const ihl = ipHeaderLength(buf, ip);
    if (ihl < 20 || total < ihl || total > end - ip) return this.tx.drop('malformed');
    const ipEnd = ip + total;
    const services = this.control.byVip.get(ipDestination(buf, ip));
    if (services !== undefined) return this.forward(out, services, start, ip, ipEnd, link);
    if (this.conntrack.hasReverse) return transmitNatReply(this.tx, this.conntrack, out, start, ip, ipEnd, this.clock.now());
    this.tx.drop('notForUs');
  }

  /** A packet to a VIP: its service, its flow (found, recycled or new), then the mode's transmit. */
  private forward(out: Output, services: Service[], start: number, ip: number, ipEnd: number, inLink: number): void {
    const buf = out.arena;
    const now = this.clock.now();
    const proto = ipProtocol(buf, ip);
    const l4 = ip + ipHeaderLength(buf, ip);
    const hasPorts = proto === PROTO_TCP || proto === PROTO_UDP;
    if (hasPorts && ipIsFragment(buf, ip)) return this.tx.drop('fragment');
    if (hasPorts && ipEnd - l4 < (proto === PROTO_TCP ? 20 : 8)) return this.tx.drop('malformed');
    // A TCP data offset under 5 words or past the packet (Linux tcp_v4_rcv drops it): no mode may pass it
    // on, and TUN re-segmentation needs a whole TCP header to copy into every segment.
    if (proto === PROTO_TCP && (tcpHeaderLength(buf, l4) < 20 || l4 + tcpHeaderLength(buf, l4) > ipEnd)) return this.tx.drop('malformed');
    const sport = hasPorts ? read16(buf, l4) : 0;
    const dport = hasPorts ? read16(buf, l4 + 2) : 0;
    const svc = matchService(services, proto, dport);
    if (!svc) return this.tx.drop('noService');
    const flags = proto === PROTO_TCP ? buf[l4 + 13]! : 0;
    const client = ipSource(buf, ip);
    const vport = svc.config.port === 0 ? dport : svc.config.port;
    const e = this.flowFor(out, svc, ip, proto, flags, client, sport, vport, now);
    if (e < 0) return;
    const server = this.control.servers[this.conntrack.server(e)]!;
    this.conntrack.observe(e, flags, now);
    const mode = svc.config.mode;
    if (mode === 'dr') return transmitDirect(this.tx, out, start, ipEnd, server, inLink, now);
    if (mode === 'nat') return transmitNat(this.tx, out, start, ip, l4, ipEnd, proto, server, vport, now);
    transmitTunnelled(this.tx, out, svc, start, ip, ipEnd, proto, server, now);
  }

  /** The flow of this packet: found, or (for a SYN, a UDP datagram, another protocol) created; -1 when dropped. */
  private flowFor(out: Output, svc: Service, ip: number, proto: number, flags: number, client: number, sport: number, vport: number, now: number): number {
    let e = this.conntrack.find(proto, client, sport, svc.config.vip, vport);
    if (e >= 0 && this.conntrack.expireIfDue(e, now)) e = -1;
    if (e >= 0 && proto === PROTO_TCP && (flags & (TCP_SYN | TCP_ACK | TCP_RST)) === TCP_SYN && this.startsAnew(e)) {
      this.conntrack.recycle(e);
      e = -1;
    }
    if (e >= 0) return this.keepFlow(svc, e, client, sport, vport, now);
    if (proto === PROTO_TCP && (flags & (TCP_SYN | TCP_ACK | TCP_RST)) !== TCP_SYN && !this.config.conntrack.sloppyTcp) return this.dropped('noFlow');
    const server = this.schedule(svc, client, sport, vport, now);
    if (!server) return this.dropped('noServer');
    e = this.conntrack.add(proto, client, sport, svc.config.vip, vport, server.index, server.ip, server.port || vport, now);
    if (e < 0) return this.dropped('tableFull');
    server.scheduled++;
    if (svc.config.mode === 'nat') {
      // NAT replies go back to the client through us: remember its MAC (and send what waited for it).
      this.neighbours.learn(client, out.arena, ip - ETH_HDR_LEN + 6, now);
      this.tx.release(out, client);
    }
    return e;
  }

  /** An existing flow whose real server was removed: dropped (expire) or moved on (reschedule). */
  private keepFlow(svc: Service, e: number, client: number, sport: number, vport: number, now: number): number {
    const current = this.control.servers[this.conntrack.server(e)];
    if (current !== undefined && !current.removed) return e;
    if (this.config.conntrack.removedServer === 'expire') {
      this.conntrack.remove(e);
      return this.dropped('removedServer');
    }
    const server = this.schedule(svc, client, sport, vport, now);
    if (!server) return this.dropped('noServer');
    this.conntrack.reassign(e, server.index, server.ip, server.port || vport);
    server.scheduled++;
    return e;
  }

  private handleArp(out: Output, eth: number, end: number, link: number): void {
    const buf = out.arena;
    const arp = readArp(buf, eth + ETH_HDR_LEN, end);
    if (!arp) return this.tx.drop('malformed');
    const now = this.clock.now();
    if (this.neighbours.isWanted(arp.senderIp) || (arp.op === ARP_REPLY && this.neighbours.get(arp.senderIp) === undefined)) {
      this.neighbours.learn(arp.senderIp, buf, eth + ETH_HDR_LEN + 8, now);
      this.control.promoteResolved();
      this.tx.release(out, arp.senderIp);
    }
    if (arp.op !== ARP_REQUEST || link !== LINK_OUTSIDE || !this.control.byVip.has(arp.targetIp)) return;
    // DR/TUN/NAT: we answer for the VIP; real servers keep quiet (arp_ignore=1) and our kernel does not own it.
    const l = this.links[LINK_OUTSIDE];
    const at = out.scratch(VNET_HDR_LEN + ARP_FRAME_LEN);
    clearVnet(buf, at);
    writeArpFrame(buf, at + VNET_HDR_LEN, arp.senderMac, arpReplyFor(arp, l.mac));
    out.send(LINK_OUTSIDE, at, VNET_HDR_LEN + ARP_FRAME_LEN);
    this.stats.arp.replies++;
    this.stats.sent++;
  }

  /** A SYN on a known 4-tuple opens a new connection (IPVS conn_reuse_mode) when the old one was
   *  closing or closed (clients reuse ports as soon as they are free; the flow lingers for its
   *  close timeout) or when its server takes no new flows: then it is scheduled afresh, never sent
   *  to a dead or quiesced server because an earlier connection used the same port. */
  private startsAnew(e: number): boolean {
    const state = this.conntrack.state(e);
    if (state === STATE_TCP_FIN || state === STATE_TCP_CLOSED) return true;
    const server = this.control.servers[this.conntrack.server(e)];
    return server === undefined || !server.usable || server.weight === 0;
  }

  /** Persistence (IPVS -p): a client network keeps its real server while its template lives. */
  private schedule(svc: Service, client: number, sport: number, vport: number, now: number): RealServer | undefined {
    if (!svc.config.persistence) return this.pick(svc, client, sport, vport);
    const key = `${(client & svc.persistMask) >>> 0}`;
    const t = svc.templates.get(key);
    if (t && t.expires > now && t.server.usable && !t.server.removed) {
      t.expires = now + svc.config.persistence.timeout;
      return t.server;
    }
    const picked = this.pick(svc, client, sport, vport);
    if (picked) svc.templates.set(key, { server: picked, expires: now + svc.config.persistence.timeout });
    return picked;
  }

  private pick(svc: Service, client: number, sport: number, vport: number): RealServer | undefined {
    const ctx = this.pickContext;
    // Hashing schedulers get the key reference/keys computes for the L4 proxies from the same flow.
    ctx.key = svc.key?.({ flow: { protocol: svc.protocol === PROTO_UDP ? 'udp' : 'tcp', sourceIp: formatIPv4(client), sourcePort: sport, destinationIp: formatIPv4(svc.config.vip), destinationPort: vport } });
    return svc.scheduler.pick(ctx as PickContext) as RealServer | undefined;
  }

  /** Counts a drop; returns -1 (no flow) so callers can `return this.dropped(…)`. */
  private dropped(reason: Parameters<Transmit['drop']>[0]): number {
    this.tx.drop(reason);
    return -1;
  }
}

function matchService(services: Service[], proto: number, port: number): Service | undefined {
  for (const s of services) {
    if ((s.protocol === 0 || s.protocol === proto) && (s.config.port === 0 || s.config.port === port)) return s;
  }
  return undefined;
}
