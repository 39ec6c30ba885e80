// NAT (masquerading, IPVS ip_vs_nat_xmit and its reply path): VIP:port → RS:port on the way in, RS → VIP
// on the way out; TTL decremented; TCP/UDP checksums updated with the partial formula when the virtio header
// says NEEDS_CSUM (offloaded, finished by the NIC or the receiver), with RFC 1624 otherwise. The balancer is
// the real servers' gateway, so replies come back through it and are matched against the reverse table.
import type { ConnTable } from './conntrack.ts';
import type { Output } from './output.ts';
import { read16 } from './packet/checksum.ts';
import { PROTO_TCP, PROTO_UDP, decrementTtl, ipDestination, ipHeaderLength, ipIsFragment, ipProtocol, ipSource } from './packet/ipv4.ts';
import { rewriteDestination, rewriteSource } from './packet/nat.ts';
import { VNET_F_NEEDS_CSUM, vnetFlags } from './packet/vnet.ts';
import type { RealServer } from './service.ts';
import { LINK_INSIDE, LINK_OUTSIDE, type Transmit } from './xmit.ts';

/** A client packet of a flow: rewritten to the real server and sent on the inside link. */
export function transmitNat(tx: Transmit, out: Output, start: number, ip: number, l4: number, ipEnd: number, proto: number, server: RealServer, vport: number, now: number): void {
  const buf = out.arena;
  if (!decrementTtl(buf, ip)) return tx.drop('ttl');
  const partial = (vnetFlags(buf, start) & VNET_F_NEEDS_CSUM) !== 0;
  rewriteDestination(buf, ip, l4, proto, partial, server.ip, server.port || vport);
  tx.stats.forwarded.nat++;
  tx.emit(out, LINK_INSIDE, start, ipEnd - start, server.ip, now);
}

/** A packet not for a VIP: a real server's reply when the reverse table knows its flow, sent to the client as the VIP. */
export function transmitNatReply(tx: Transmit, conntrack: ConnTable, out: Output, start: number, ip: number, ipEnd: number, now: number): void {
  const buf = out.arena;
  const proto = ipProtocol(buf, ip);
  if (proto !== PROTO_TCP && proto !== PROTO_UDP) return tx.drop('notForUs');
  if (ipIsFragment(buf, ip)) return tx.drop('fragment');
  const l4 = ip + ipHeaderLength(buf, ip);
  const src = ipSource(buf, ip);
  const dst = ipDestination(buf, ip);
  const e = conntrack.findReverse(proto, src, read16(buf, l4), dst, read16(buf, l4 + 2));
  if (e < 0) return tx.drop('notForUs');
  conntrack.observe(e, proto === PROTO_TCP ? buf[l4 + 13]! : 0, now);
  if (!decrementTtl(buf, ip)) return tx.drop('ttl');
  const partial = (vnetFlags(buf, start) & VNET_F_NEEDS_CSUM) !== 0;
  rewriteSource(buf, ip, l4, proto, partial, conntrack.vipOf(e), conntrack.vportOf(e));
  tx.stats.forwarded.natReplies++;
  tx.emit(out, LINK_OUTSIDE, start, ipEnd - start, dst, now);
}
