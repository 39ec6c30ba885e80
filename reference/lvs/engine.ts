// The LVS packet engine, pure: frames in (already in the arena), rewritten frames out (queued on an Output).
// NAT rewrites addresses both ways; DR rewrites MACs only; TUN wraps in IPIP or GRE. All three share the
// connection table and the scheduler registry, so every algorithm works in every mode. No I/O and no
// clock here: the runner (runner.ts) owns sockets and timers and passes time in.
import { schedulerFactory } from '../algorithms/index.ts';
import type { BackendView, PickContext, Scheduler } from '../algorithms/index.ts';
import { backendIssues, type LvsBackendConfig, type LvsConfig, type LvsServiceConfig } from './config.ts';
import { ConnTable, STATE_TCP_CLOSED, STATE_TCP_FIN } from './conntrack.ts';
import { Neighbours } from './neighbours.ts';
import type { Output } from './output.ts';
import { ARP_FRAME_LEN, ARP_REPLY, ARP_REQUEST, BROADCAST_MAC, arpReplyFor, arpRequest, readArp, writeArpFrame } from './packet/arp.ts';
import { read16 } from './packet/checksum.ts';
import { encapsulate, encapsulationOverhead, writeOuterHeader, type Encapsulation, type OuterHeader } from './packet/encap.ts';
import { ETHERTYPE_ARP, ETHERTYPE_IPV4, ETHERTYPE_IPV6, ETH_HDR_LEN, formatMac, writeEthernet } from './packet/ethernet.ts';
import { fragmentCount, writeFragment } from './packet/fragment.ts';
import {
  PROTO_TCP,
  PROTO_UDP,
  decrementTtl,
  formatIPv4,
  ipDestination,
  ipDontFragment,
  ipHeaderLength,
  ipIsFragment,
  ipProtocol,
  ipSource,
  ipTotalLength,
  prefixMask,
} from './packet/ipv4.ts';
import { fillL4Checksum, tcpHeaderLength } from './packet/l4.ts';
import { rewriteDestination, rewriteSource } from './packet/nat.ts';
import { tcpSegmentCount, writeTcpSegment } from './packet/segment.ts';
import { GSO_NONE, VNET_F_NEEDS_CSUM, VNET_HDR_LEN, clearVnet, vnetFlags, vnetGsoType } from './packet/vnet.ts';

export const LINK_OUTSIDE = 0;
export const LINK_INSIDE = 1;
const PACKET_OTHERHOST = 3;
const PACKET_OUTGOING = 4;
const TRUNCATED = 0x80;
const TCP_SYN = 0x02;
const TCP_RST = 0x04;
const TCP_ACK = 0x10;
const PREFIX = VNET_HDR_LEN + ETH_HDR_LEN;

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

/** A real server as the scheduler sees it (BackendView) plus where it is. */
export class RealServer implements BackendView {
  weight: number;
  /** What schedulers read: healthy, MAC known and not removed (the engine keeps it in step). */
  usable = true;
  /** The health checks' verdict (health.ts); true without health checks. */
  healthy = true;
  /** False for a server added at runtime until its MAC is known: no new flows before. */
  resolved = true;
  removed = false;
  /** Flows scheduled (or rescheduled) to this server since it was added. */
  scheduled = 0;
  constructor(
    readonly id: string,
    readonly index: number,
    readonly ip: number,
    readonly port: number,
    weight: number,
    private readonly table: ConnTable,
  ) {
    this.weight = weight;
  }
  get active(): number {
    return this.table.perServer[this.index]!;
  }
}

interface Service {
  readonly config: LvsServiceConfig;
  readonly protocol: number; // 0: any
  readonly scheduler: Scheduler;
  readonly needsKey: boolean;
  servers: RealServer[];
  readonly persistMask: number;
  readonly templates: Map<string, { server: RealServer; expires: number }>;
  readonly overhead: number;
}

/** The new state of a real server for PUT (admin channel): address only when adding it. */
export interface ServerChange {
  address?: LvsBackendConfig['address'] | undefined;
  weight: number;
}

export interface PutResult {
  added: boolean;
  /** The weight before a change (undefined when added). */
  previousWeight: number | undefined;
  server: ServerView;
}

export interface RemoveResult {
  /** conntrack.removedServer */
  policy: 'expire' | 'reschedule';
  /** Flows expired now (expire) or left to be moved on their next packet (reschedule). */
  flows: number;
}

/** A real server as the admin channel shows it. */
export interface ServerView {
  id: string;
  /** "198.19.2.11" or, with a port (NAT), "198.19.2.11:8080". */
  address: string;
  weight: number;
  /** May take new flows: healthy, MAC known, not removed (weight 0 still counts as usable: quiesced). */
  usable: boolean;
  /** Only for services with health checks. */
  health?: 'up' | 'down';
  /** null until the balancer knows it; a server added at runtime gets no flows before. */
  mac: string | null;
  /** Flows in the table now (any state): what lc/wlc read as `active`. */
  activeFlows: number;
  /** Flows scheduled or rescheduled to it since it was added. */
  totalFlows: number;
}

export interface ServiceView {
  name: string;
  mode: LvsServiceConfig['mode'];
  vip: string;
  port: number;
  protocol: LvsServiceConfig['protocol'];
  algorithm: LvsServiceConfig['algorithm'];
  backends: ServerView[];
}

export interface EngineClock {
  /** Monotonic milliseconds. */
  now(): number;
  /** Uniform in [0, 1). */
  rng(): number;
}

export class LvsEngine {
  readonly conntrack: ConnTable;
  readonly neighbours = new Neighbours();
  private readonly services: Service[] = [];
  private readonly byVip = new Map<number, Service[]>();
  private readonly servers: (RealServer | undefined)[] = [];
  /** Servers added at runtime whose MAC is not known yet. */
  private readonly pending = new Set<RealServer>();
  private ipId = 1;
  private readonly pickContext: { key: number; now: () => number; rng: () => number };
  readonly stats: EngineStats = {
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

  constructor(
    private readonly config: LvsConfig,
    /** [outside, inside]; the same link twice when the balancer has one arm. */
    readonly links: readonly [Link, Link],
    private readonly clock: EngineClock,
  ) {
    const needsReverse = config.services.some((s) => s.mode === 'nat');
    this.conntrack = new ConnTable(config.conntrack.maxFlows, config.conntrack.timeouts, needsReverse);
    this.pickContext = { key: 0, now: clock.now, rng: clock.rng };
    for (const sc of config.services) this.addService(sc);
  }

  /** Addresses the BPF filter must let through: VIPs as destinations, NAT real servers as sources. */
  filterAddresses(): { destinations: number[]; sources: number[] } {
    const destinations = [...new Set(this.services.map((s) => s.config.vip))];
    const sources = [...new Set(this.services.filter((s) => s.config.mode === 'nat').flatMap((s) => s.servers.map((r) => r.ip)))];
    return { destinations, sources };
  }

  // ---- control: health, weights, membership (ipvsadm -e/-a/-d; the admin channel calls these) ----

  /** The health checks' verdict: an unhealthy server gets no new flows; its flows continue. */
  setUsable(service: string, id: string, usable: boolean): void {
    const { svc, server } = this.lookupServer(service, id);
    server.healthy = usable;
    this.refresh(svc, server);
  }

  /** Weight 0 quiesces: existing flows continue, no new ones. */
  setWeight(service: string, id: string, weight: number): void {
    const { svc, server } = this.lookupServer(service, id);
    server.weight = weight;
    svc.scheduler.update(svc.servers);
  }

  /** Adds a real server. Until its MAC is known (resolveNeighbours asks) it gets no flows. */
  addServer(service: string, backend: LvsBackendConfig): RealServer {
    const svc = this.lookupService(service);
    if (svc.servers.some((s) => s.id === backend.id)) throw new DuplicateServerError(service, backend.id);
    const issue = backendIssues(svc.config, backend)[0];
    if (issue) throw new InvalidServerError(issue.field, issue.message);
    const server = this.newServer(svc, backend);
    if (this.neighbours.get(server.ip) === undefined) {
      server.resolved = false;
      server.usable = false;
      this.pending.add(server);
    }
    svc.servers.push(server);
    svc.scheduler.update(svc.servers);
    return server;
  }

  /**
   * PUT semantics: adds the server when the service has none with this id (address required), otherwise
   * sets its weight (an address, if given, must be the one it has: a server does not move; remove and add).
   */
  putServer(service: string, id: string, change: ServerChange): PutResult {
    const svc = this.lookupService(service);
    const existing = svc.servers.find((s) => s.id === id);
    if (!existing) {
      if (change.address === undefined) throw new InvalidServerError('address', 'is required to add a real server');
      const server = this.addServer(service, { id, address: change.address, weight: change.weight });
      return { added: true, previousWeight: undefined, server: this.viewOf(svc, server) };
    }
    if (change.address !== undefined && (change.address.ip !== existing.ip || (change.address.port ?? 0) !== existing.port)) {
      const now = serverAddress(existing.ip, existing.port);
      throw new InvalidServerError('address', `real server "${id}" is ${now}; to move it, remove it and add it again`);
    }
    const previousWeight = existing.weight;
    this.setWeight(service, id, change.weight);
    return { added: false, previousWeight, server: this.viewOf(svc, existing) };
  }

  /** Removes a real server: its flows are expired now, or rescheduled on their next packet (conntrack.removedServer). */
  removeServer(service: string, id: string): RemoveResult {
    const { svc, server } = this.lookupServer(service, id);
    server.removed = true;
    server.usable = false;
    this.pending.delete(server);
    svc.servers = svc.servers.filter((s) => s !== server);
    svc.scheduler.update(svc.servers);
    for (const [key, t] of svc.templates) if (t.server === server) svc.templates.delete(key);
    if (!this.services.some((s) => s.servers.some((r) => r.ip === server.ip))) this.neighbours.unwant(server.ip);
    const policy = this.config.conntrack.removedServer;
    if (policy === 'reschedule') return { policy, flows: server.active };
    const flows = this.conntrack.flowsOf(server.index);
    for (const e of flows) this.conntrack.remove(e);
    this.stats.flows = this.conntrack.size;
    return { policy, flows: flows.length };
  }

  serverList(service: string): readonly RealServer[] {
    return this.services.find((s) => s.config.name === service)?.servers ?? [];
  }

  /** Every service with its current real servers (GET /services). */
  describe(): ServiceView[] {
    return this.services.map((svc) => {
      const c = svc.config;
      return { name: c.name, mode: c.mode, vip: formatIPv4(c.vip), port: c.port, protocol: c.protocol, algorithm: c.algorithm, backends: svc.servers.map((r) => this.viewOf(svc, r)) };
    });
  }

  /** Periodic work: expire flows and persistence templates a slice at a time. */
  tick(now: number, budget = 8192): void {
    if (this.pending.size > 0) this.promoteResolved();
    this.conntrack.sweep(now, budget);
    for (const svc of this.services) for (const [key, t] of svc.templates) if (t.expires <= now) svc.templates.delete(key);
    this.stats.flows = this.conntrack.size;
    this.stats.tableFull = this.conntrack.counters.full;
    this.stats.recycled = this.conntrack.counters.recycled;
  }

  /** Queues ARP who-has for real servers whose MAC we lack or have not confirmed for `staleMs`. */
  resolveNeighbours(out: Output, now: number, staleMs = 30_000): number {
    const missing = this.neighbours.toResolve(now, staleMs);
    for (const ip of missing) {
      const link = this.linkFor(ip);
      const l = this.links[link]!;
      const at = out.scratch(VNET_HDR_LEN + ARP_FRAME_LEN);
      clearVnet(out.arena, at);
      writeArpFrame(out.arena, at + VNET_HDR_LEN, BROADCAST_MAC, arpRequest(l.mac, l.ipv4, ip));
      out.send(link, at, VNET_HDR_LEN + ARP_FRAME_LEN);
      this.stats.arp.requests++;
    }
    return missing.length;
  }

  // ---- the data path ----

  /** Handles one received frame at arena[start, start+length) (virtio header first) from `link`. */
  handle(out: Output, start: number, length: number, link: number, pktType: number): void {
    const buf = out.arena;
    this.stats.received++;
    if (pktType & TRUNCATED) return this.drop('truncated');
    if (pktType === PACKET_OUTGOING) return;
    const eth = start + VNET_HDR_LEN;
    const end = start + length;
    if (end - eth < ETH_HDR_LEN) return this.drop('malformed');
    const type = (buf[eth + 12]! << 8) | buf[eth + 13]!;
    if (type === ETHERTYPE_ARP) return this.handleArp(out, eth, end, link);
    if (type === ETHERTYPE_IPV6) return this.drop('ipv6');
    if (type !== ETHERTYPE_IPV4) return this.drop('notForUs');
    // Frames for other hosts reach us while a bridge is still learning: never act on them.
    if (pktType === PACKET_OTHERHOST) return this.drop('notForUs');
    const ip = eth + ETH_HDR_LEN;
    if (end - ip < 20 || buf[ip]! >>> 4 !== 4) return this.drop('malformed');
    const ipEnd = Math.min(end, ip + ipTotalLength(buf, ip));
    const services = this.byVip.get(ipDestination(buf, ip));
    if (services !== undefined) return this.forward(out, services, start, ip, ipEnd, link);
    if (this.conntrack.hasReverse) return this.natReply(out, start, ip, ipEnd);
    this.drop('notForUs');
  }

  private forward(out: Output, services: Service[], start: number, ip: number, ipEnd: number, inLink: number): void {
    const buf = out.arena;
    const now = this.clock.now();
    const proto = ipProtocol(buf, ip);
    const l4 = ip + ipHeaderLength(buf, ip);
    const hasPorts = proto === PROTO_TCP || proto === PROTO_UDP;
    if (hasPorts && ipIsFragment(buf, ip)) return this.drop('fragment');
    if (hasPorts && ipEnd - l4 < (proto === PROTO_TCP ? 20 : 8)) return this.drop('malformed');
    const sport = hasPorts ? read16(buf, l4) : 0;
    const dport = hasPorts ? read16(buf, l4 + 2) : 0;
    const svc = matchService(services, proto, dport);
    if (!svc) return this.drop('noService');
    const flags = proto === PROTO_TCP ? buf[l4 + 13]! : 0;
    const client = ipSource(buf, ip);
    const vip = svc.config.vip;
    const vport = svc.config.port === 0 ? dport : svc.config.port;

    let e = this.conntrack.find(proto, client, sport, vip, vport);
    if (e >= 0 && this.conntrack.expireIfDue(e, now)) e = -1;
    if (e >= 0 && proto === PROTO_TCP && (flags & (TCP_SYN | TCP_ACK | TCP_RST)) === TCP_SYN && this.startsAnew(e)) {
      this.conntrack.recycle(e);
      e = -1;
    }
    let server: RealServer | undefined;
    if (e >= 0) {
      server = this.servers[this.conntrack.server(e)];
      if (server === undefined || server.removed) {
        if (this.config.conntrack.removedServer === 'expire') {
          this.conntrack.remove(e);
          return this.drop('removedServer');
        }
        server = this.schedule(svc, client, sport, now);
        if (!server) return this.drop('noServer');
        this.conntrack.reassign(e, server.index, server.ip, server.port || vport);
        server.scheduled++;
      }
    } else {
      if (proto === PROTO_TCP && (flags & (TCP_SYN | TCP_ACK | TCP_RST)) !== TCP_SYN && !this.config.conntrack.sloppyTcp) return this.drop('noFlow');
      server = this.schedule(svc, client, sport, now);
      if (!server) return this.drop('noServer');
      e = this.conntrack.add(proto, client, sport, vip, vport, server.index, server.ip, server.port || vport, now);
      if (e < 0) return this.drop('tableFull');
      server.scheduled++;
      if (svc.config.mode === 'nat') this.neighbours.learn(client, buf, ip - ETH_HDR_LEN + 6, now);
    }
    this.conntrack.observe(e, flags, now);

    const mode = svc.config.mode;
    if (mode === 'dr') return this.sendDirect(out, start, ipEnd, server, inLink);
    if (mode === 'nat') {
      if (!decrementTtl(buf, ip)) return this.drop('ttl');
      const partial = (vnetFlags(buf, start) & VNET_F_NEEDS_CSUM) !== 0;
      rewriteDestination(buf, ip, l4, proto, partial, server.ip, server.port || vport);
      this.stats.forwarded.nat++;
      return this.sendTo(out, start, ipEnd, server.ip, LINK_INSIDE);
    }
    this.sendTunnelled(out, svc, start, ip, ipEnd, proto, server);
  }

  private natReply(out: Output, start: number, ip: number, ipEnd: number): void {
    const buf = out.arena;
    const proto = ipProtocol(buf, ip);
    if (proto !== PROTO_TCP && proto !== PROTO_UDP) return this.drop('notForUs');
    if (ipIsFragment(buf, ip)) return this.drop('fragment');
    const l4 = ip + ipHeaderLength(buf, ip);
    const src = ipSource(buf, ip);
    const dst = ipDestination(buf, ip);
    const e = this.conntrack.findReverse(proto, src, read16(buf, l4), dst, read16(buf, l4 + 2));
    if (e < 0) return this.drop('notForUs');
    this.conntrack.observe(e, proto === PROTO_TCP ? buf[l4 + 13]! : 0, this.clock.now());
    if (!decrementTtl(buf, ip)) return this.drop('ttl');
    const partial = (vnetFlags(buf, start) & VNET_F_NEEDS_CSUM) !== 0;
    rewriteSource(buf, ip, l4, proto, partial, this.conntrack.vipOf(e), this.conntrack.vportOf(e));
    this.stats.forwarded.natReplies++;
    this.sendTo(out, start, ipEnd, dst, LINK_OUTSIDE);
  }

  /** DR: only the MACs change; the frame leaves on the link it came from (same L2 segment). */
  private sendDirect(out: Output, start: number, ipEnd: number, server: RealServer, inLink: number): void {
    this.stats.forwarded.dr++;
    this.sendTo(out, start, ipEnd, server.ip, inLink);
  }

  private sendTo(out: Output, start: number, ipEnd: number, nextHop: number, link: number): void {
    const mac = this.neighbours.get(nextHop);
    if (!mac) return this.drop('noNeighbour');
    const eth = start + VNET_HDR_LEN;
    writeEthernet(out.arena, eth, mac, this.links[link]!.mac, ETHERTYPE_IPV4);
    out.send(link, start, ipEnd - start);
    this.stats.sent++;
  }

  /**
   * TUN. MTU strategy: nothing we send exceeds the tunnel MTU. TCP that would not fit (GSO super-frames, or
   * full-size segments plus the outer header) is re-segmented here with a smaller MSS, so uploads work without
   * help from either end; other protocols are fragmented in the outer header (the real server reassembles).
   * Checksums left partial by offload are finished here, because the inner packet is later handed to a
   * TUN device on the real server where no one would finish them.
   */
  private sendTunnelled(out: Output, svc: Service, start: number, ip: number, ipEnd: number, proto: number, server: RealServer): void {
    const buf = out.arena;
    const mac = this.neighbours.get(server.ip);
    if (!mac) return this.drop('noNeighbour');
    const link = this.links[LINK_INSIDE]!;
    const kind = svc.config.tunnel.encapsulation as Encapsulation;
    const mtu = svc.config.tunnel.mtu;
    const overhead = svc.overhead;
    const gso = vnetGsoType(buf, start) !== GSO_NONE;
    const innerLen = ipEnd - ip;
    const outer: OuterHeader = { source: link.ipv4, destination: server.ip, id: 0, ttl: 64, dontFragment: false, tos: buf[ip + 1]! };
    if (proto === PROTO_TCP && (gso || innerLen + overhead > mtu)) {
      this.stats.forwarded.tun++;
      const l4 = ip + ipHeaderLength(buf, ip);
      const mss = mtu - overhead - ipHeaderLength(buf, ip) - tcpHeaderLength(buf, l4);
      const n = tcpSegmentCount(buf, ip, ipEnd, mss);
      for (let i = 0; i < n; i++) {
        const at = out.scratch(PREFIX + overhead + mss + 120);
        const innerAt = at + PREFIX + overhead;
        const segLen = writeTcpSegment(buf, ip, ipEnd, mss, i, buf, innerAt);
        clearVnet(buf, at);
        writeEthernet(buf, at + VNET_HDR_LEN, mac, link.mac, ETHERTYPE_IPV4);
        outer.id = this.nextId();
        outer.dontFragment = true; // each segment fits the MTU by construction
        writeOuterHeader(buf, at + PREFIX, segLen, kind, outer);
        out.send(LINK_INSIDE, at, PREFIX + overhead + segLen);
        this.stats.sent++;
      }
      this.stats.tunnel.segmented++;
      return;
    }
    // A non-TCP super-frame (UDP_SEGMENT senders) would need per-datagram splitting; not done yet.
    if (gso) return this.drop('unsupportedGso');
    if ((vnetFlags(buf, start) & VNET_F_NEEDS_CSUM) !== 0 && (proto === PROTO_TCP || proto === PROTO_UDP)) {
      fillL4Checksum(buf, ip, ip + ipHeaderLength(buf, ip), ipEnd, proto);
    }
    this.stats.forwarded.tun++;
    clearVnet(buf, start);
    outer.id = this.nextId();
    outer.dontFragment = ipDontFragment(buf, ip);
    const at = encapsulate(buf, start, PREFIX, ip, ipEnd, kind, outer);
    writeEthernet(buf, at + VNET_HDR_LEN, mac, link.mac, ETHERTYPE_IPV4);
    const outerIp = at + PREFIX;
    const outerEnd = ipEnd;
    if (outerEnd - outerIp <= mtu) {
      out.send(LINK_INSIDE, at, outerEnd - at);
      this.stats.sent++;
      return;
    }
    // Too big and not TCP: fragment the outer packet (its DF bit is cleared for that).
    const n = fragmentCount(buf, outerIp, outerEnd, mtu);
    for (let i = 0; i < n; i++) {
      const f = out.scratch(PREFIX + mtu);
      buf.copy(buf, f, at, at + PREFIX);
      const len = writeFragment(buf, outerIp, outerEnd, mtu, i, buf, f + PREFIX);
      out.send(LINK_INSIDE, f, PREFIX + len);
      this.stats.sent++;
    }
    this.stats.tunnel.fragmented++;
  }

  private handleArp(out: Output, eth: number, end: number, link: number): void {
    const buf = out.arena;
    const arp = readArp(buf, eth + ETH_HDR_LEN, end);
    if (!arp) return this.drop('malformed');
    const now = this.clock.now();
    if (this.neighbours.isWanted(arp.senderIp) || (arp.op === ARP_REPLY && this.neighbours.get(arp.senderIp) === undefined)) {
      this.neighbours.learn(arp.senderIp, buf, eth + ETH_HDR_LEN + 8, now);
      if (this.pending.size > 0) this.promoteResolved();
    }
    if (arp.op !== ARP_REQUEST || link !== LINK_OUTSIDE || !this.byVip.has(arp.targetIp)) return;
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
    const server = this.servers[this.conntrack.server(e)];
    return server === undefined || !server.usable || server.weight === 0;
  }

  private schedule(svc: Service, client: number, sport: number, now: number): RealServer | undefined {
    if (svc.config.persistence) {
      const key = `${(client & svc.persistMask) >>> 0}`;
      const t = svc.templates.get(key);
      if (t && t.expires > now && t.server.usable && !t.server.removed) {
        t.expires = now + svc.config.persistence.timeout;
        return t.server;
      }
      const picked = this.pick(svc, client, sport);
      if (picked) svc.templates.set(key, { server: picked, expires: now + svc.config.persistence.timeout });
      return picked;
    }
    return this.pick(svc, client, sport);
  }

  private pick(svc: Service, client: number, sport: number): RealServer | undefined {
    const ctx = this.pickContext;
    if (svc.needsKey) {
      const k = svc.config.key;
      ctx.key = k === 'source-ip' ? hash32(client) : k === 'source-ip-port' ? hash32(client ^ Math.imul(sport, 0x9e3779b1)) : hash32(svc.config.vip);
    }
    return svc.scheduler.pick(ctx as PickContext) as RealServer | undefined;
  }

  private addService(sc: LvsServiceConfig): void {
    const factory = schedulerFactory(sc.algorithm.name);
    // parseLvsConfig rejects this; a hand-built config reaching here gets the same field-naming message.
    if (!factory) throw new TypeError(`services.${sc.name}.algorithm: unknown algorithm "${sc.algorithm.name}"`);
    const { name: _name, ...options } = sc.algorithm;
    const svc: Service = {
      config: sc,
      protocol: sc.protocol === 'tcp' ? PROTO_TCP : sc.protocol === 'udp' ? PROTO_UDP : 0,
      scheduler: factory.create(options),
      needsKey: factory.needsKey,
      servers: [],
      persistMask: sc.persistence ? prefixMask(sc.persistence.netmask) : 0,
      templates: new Map(),
      overhead: encapsulationOverhead(sc.tunnel.encapsulation),
    };
    for (const b of sc.backends) svc.servers.push(this.newServer(svc, b));
    svc.scheduler.update(svc.servers);
    this.services.push(svc);
    const list = this.byVip.get(sc.vip) ?? [];
    list.push(svc);
    this.byVip.set(sc.vip, list);
  }

  private newServer(_svc: Service, b: LvsBackendConfig): RealServer {
    const index = this.servers.length;
    if (index >= 65_535) throw new RangeError('too many real servers (65535 over the engine lifetime)');
    const server = new RealServer(b.id, index, b.address.ip, b.address.port ?? 0, b.weight, this.conntrack);
    this.servers.push(server);
    this.neighbours.want(b.address.ip);
    return server;
  }

  private lookupService(service: string): Service {
    const svc = this.services.find((s) => s.config.name === service);
    if (!svc) throw new UnknownServiceError(service);
    return svc;
  }

  private lookupServer(service: string, id: string): { svc: Service; server: RealServer } {
    const svc = this.lookupService(service);
    const server = svc.servers.find((s) => s.id === id);
    if (!server) throw new UnknownServerError(service, id);
    return { svc, server };
  }

  private refresh(svc: Service, server: RealServer): void {
    server.usable = server.healthy && server.resolved && !server.removed;
    svc.scheduler.update(svc.servers);
  }

  /** Servers added at runtime become usable once their MAC is known. */
  private promoteResolved(): void {
    for (const server of this.pending) {
      if (this.neighbours.get(server.ip) === undefined) continue;
      this.pending.delete(server);
      server.resolved = true;
      const svc = this.services.find((s) => s.servers.includes(server));
      if (svc) this.refresh(svc, server);
    }
  }

  private viewOf(svc: Service, r: RealServer): ServerView {
    const mac = this.neighbours.get(r.ip);
    return {
      id: r.id,
      address: serverAddress(r.ip, r.port),
      weight: r.weight,
      usable: r.usable,
      ...(svc.config.health ? { health: r.healthy ? ('up' as const) : ('down' as const) } : {}),
      mac: mac ? formatMac(mac) : null,
      activeFlows: r.active,
      totalFlows: r.scheduled,
    };
  }

  private linkFor(ip: number): number {
    const nat = this.services.some((s) => s.config.mode !== 'dr' && s.servers.some((r) => r.ip === ip));
    return nat ? LINK_INSIDE : LINK_OUTSIDE;
  }

  private nextId(): number {
    this.ipId = (this.ipId + 1) & 0xffff;
    return this.ipId;
  }

  private drop(reason: DropReason): void {
    this.stats.dropped[reason]++;
  }
}

function matchService(services: Service[], proto: number, port: number): Service | undefined {
  for (const s of services) {
    if ((s.protocol === 0 || s.protocol === proto) && (s.config.port === 0 || s.config.port === port)) return s;
  }
  return undefined;
}

function serverAddress(ip: number, port: number): string {
  return port ? `${formatIPv4(ip)}:${port}` : formatIPv4(ip);
}

function hash32(x: number): number {
  let h = Math.imul(x ^ (x >>> 16), 0x45d9f3b);
  h = Math.imul(h ^ (h >>> 16), 0x45d9f3b);
  return (h ^ (h >>> 16)) >>> 0;
}

export class UnknownServerError extends Error {
  readonly code = 'FULCRUM_ERR_LVS_UNKNOWN_SERVER';
  constructor(service: string, id: string) {
    super(`service "${service}" has no real server "${id}"`);
    this.name = 'UnknownServerError';
  }
}

export class UnknownServiceError extends Error {
  readonly code = 'FULCRUM_ERR_LVS_UNKNOWN_SERVICE';
  constructor(service: string) {
    super(`no service "${service}"`);
    this.name = 'UnknownServiceError';
  }
}

/** A real server that does not fit its service (or a PUT that cannot apply); `field` names the culprit. */
export class InvalidServerError extends Error {
  readonly code = 'FULCRUM_ERR_LVS_INVALID_SERVER';
  constructor(
    readonly field: string,
    readonly problem: string,
  ) {
    super(`${field}: ${problem}`);
    this.name = 'InvalidServerError';
  }
}

export class DuplicateServerError extends Error {
  readonly code = 'FULCRUM_ERR_LVS_DUPLICATE_SERVER';
  constructor(service: string, id: string) {
    super(`service "${service}" already has a real server "${id}"`);
    this.name = 'DuplicateServerError';
  }
}
