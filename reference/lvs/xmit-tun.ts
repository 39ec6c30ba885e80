// TUN (IPVS ip_vs_tunnel_xmit): the client packet goes to the real server inside IPIP (protocol 4) or GRE (47);
// the real server decapsulates and answers the client as the VIP.
//
// MTU strategy: nothing we send exceeds the tunnel MTU. TCP that would not fit (GSO super-frames, or
// full-size segments plus the outer header) is re-segmented here with a smaller MSS, so uploads work without
// help from either end; other protocols are fragmented in the outer header (the real server reassembles).
// Checksums left partial by offload are finished here, because the inner packet is later handed to a
// TUN device on the real server where no one would finish them.
import type { Output } from './output.ts';
import { encapsulate, writeOuterHeader, type Encapsulation, type OuterHeader } from './packet/encap.ts';
import { fragmentCount, writeFragment } from './packet/fragment.ts';
import { PROTO_TCP, PROTO_UDP, ipDontFragment, ipHeaderLength } from './packet/ipv4.ts';
import { fillL4Checksum, tcpHeaderLength } from './packet/l4.ts';
import { tcpSegmentCount, writeTcpSegment } from './packet/segment.ts';
import { GSO_NONE, VNET_F_NEEDS_CSUM, clearVnet, vnetFlags, vnetGsoType } from './packet/vnet.ts';
import type { RealServer, Service } from './service.ts';
import { LINK_INSIDE, PREFIX, type Transmit } from './xmit.ts';

export function transmitTunnelled(tx: Transmit, out: Output, svc: Service, start: number, ip: number, ipEnd: number, proto: number, server: RealServer, now: number): void {
  const buf = out.arena;
  const mtu = svc.config.tunnel.mtu;
  const gso = vnetGsoType(buf, start) !== GSO_NONE;
  const outer: OuterHeader = { source: tx.links[LINK_INSIDE].ipv4, destination: server.ip, id: 0, ttl: 64, dontFragment: false, tos: buf[ip + 1]! };
  if (proto === PROTO_TCP && (gso || ipEnd - ip + svc.overhead > mtu)) return resegment(tx, out, svc, ip, ipEnd, outer, now);
  // A non-TCP super-frame (UDP_SEGMENT senders) would need per-datagram splitting; not done yet.
  if (gso) return tx.drop('unsupportedGso');
  if ((vnetFlags(buf, start) & VNET_F_NEEDS_CSUM) !== 0 && (proto === PROTO_TCP || proto === PROTO_UDP)) {
    fillL4Checksum(buf, ip, ip + ipHeaderLength(buf, ip), ipEnd, proto);
  }
  tx.stats.forwarded.tun++;
  clearVnet(buf, start);
  outer.id = tx.nextId();
  outer.dontFragment = ipDontFragment(buf, ip);
  const at = encapsulate(buf, start, PREFIX, ip, ipEnd, svc.config.tunnel.encapsulation as Encapsulation, outer);
  const outerIp = at + PREFIX;
  if (ipEnd - outerIp <= mtu) return tx.emit(out, LINK_INSIDE, at, ipEnd - at, server.ip, now);
  // Too big and not TCP: fragment the outer packet (its DF bit is cleared for that).
  const n = fragmentCount(buf, outerIp, ipEnd, mtu);
  for (let i = 0; i < n; i++) {
    const f = out.scratch(PREFIX + mtu);
    buf.copy(buf, f, at, at + PREFIX);
    const len = writeFragment(buf, outerIp, ipEnd, mtu, i, buf, f + PREFIX);
    tx.emit(out, LINK_INSIDE, f, PREFIX + len, server.ip, now);
  }
  tx.stats.tunnel.fragmented++;
}

/** TCP that does not fit the tunnel: cut into segments of MSS = mtu − outer − inner headers, each tunnelled. */
function resegment(tx: Transmit, out: Output, svc: Service, ip: number, ipEnd: number, outer: OuterHeader, now: number): void {
  const buf = out.arena;
  const overhead = svc.overhead;
  const kind = svc.config.tunnel.encapsulation as Encapsulation;
  tx.stats.forwarded.tun++;
  const l4 = ip + ipHeaderLength(buf, ip);
  const mss = svc.config.tunnel.mtu - overhead - ipHeaderLength(buf, ip) - tcpHeaderLength(buf, l4);
  const n = tcpSegmentCount(buf, ip, ipEnd, mss);
  for (let i = 0; i < n; i++) {
    const at = out.scratch(PREFIX + overhead + mss + 120);
    const segLen = writeTcpSegment(buf, ip, ipEnd, mss, i, buf, at + PREFIX + overhead);
    clearVnet(buf, at);
    outer.id = tx.nextId();
    outer.dontFragment = true; // each segment fits the MTU by construction
    writeOuterHeader(buf, at + PREFIX, segLen, kind, outer);
    tx.emit(out, LINK_INSIDE, at, PREFIX + overhead + segLen, outer.destination, now);
  }
  tx.stats.tunnel.segmented++;
}
