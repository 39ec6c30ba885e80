// IP tunnelling for LVS-TUN: IP-in-IP (protocol 4, RFC 2003) and GRE (protocol 47, RFC 2784, 4-byte header).
// Encapsulation happens in place: the link-layer prefix (virtio header + Ethernet) moves left into headroom
// and the outer header is written in the gap. Decapsulation finds the inner packet (real-server agent).
import { read16, write16 } from './checksum.ts';
import { ETHERTYPE_IPV4, ETHERTYPE_IPV6 } from './ethernet.ts';
import { IPV4_MIN_HDR, PROTO_GRE, PROTO_IPIP, ipHeaderLength, ipProtocol, writeIPv4Header } from './ipv4.ts';

export type Encapsulation = 'ipip' | 'gre';
export const GRE_HDR_LEN = 4;

/** Bytes the outer headers add. */
export function encapsulationOverhead(kind: Encapsulation): number {
  return kind === 'gre' ? IPV4_MIN_HDR + GRE_HDR_LEN : IPV4_MIN_HDR;
}

export interface OuterHeader {
  source: number;
  destination: number;
  id: number;
  ttl: number;
  /** Copied from the inner packet's DF bit (RFC 2003 §5.1). */
  dontFragment: boolean;
  tos: number;
}

/**
 * Encapsulates the IPv4 packet at [ip, end) whose link-layer prefix starts at `prefix` (prefixLen bytes).
 * Returns where the prefix now starts; the outer IP header follows it. Needs `encapsulationOverhead` bytes of headroom.
 */
export function encapsulate(buf: Uint8Array, prefix: number, prefixLen: number, ip: number, end: number, kind: Encapsulation, outer: OuterHeader): number {
  const overhead = encapsulationOverhead(kind);
  const newPrefix = prefix - overhead;
  if (newPrefix < 0) throw new RangeError('no headroom for the tunnel header');
  buf.copyWithin(newPrefix, prefix, prefix + prefixLen);
  writeOuterHeader(buf, newPrefix + prefixLen, end - ip, kind, outer);
  return newPrefix;
}

/** Writes the outer IPv4 header (and the GRE header) for an inner packet of innerLength bytes that follows it. */
export function writeOuterHeader(buf: Uint8Array, outerIp: number, innerLength: number, kind: Encapsulation, outer: OuterHeader): void {
  const overhead = encapsulationOverhead(kind);
  writeIPv4Header(buf, outerIp, {
    totalLength: innerLength + overhead,
    id: outer.id,
    dontFragment: outer.dontFragment,
    ttl: outer.ttl,
    protocol: kind === 'gre' ? PROTO_GRE : PROTO_IPIP,
    source: outer.source,
    destination: outer.destination,
    tos: outer.tos,
  });
  if (kind === 'gre') {
    write16(buf, outerIp + IPV4_MIN_HDR, 0); // no checksum, key or sequence; version 0
    write16(buf, outerIp + IPV4_MIN_HDR + 2, ETHERTYPE_IPV4);
  }
}

export interface Decapsulated {
  inner: number;
  end: number;
  /** Ethertype of the inner packet (IPv4 or IPv6). */
  innerType: number;
}

/** Finds the inner packet of an IPIP or GRE packet whose outer IPv4 header is at `ip`; undefined if not a tunnel packet we accept. */
export function decapsulate(buf: Uint8Array, ip: number, end: number): Decapsulated | undefined {
  if (end - ip < IPV4_MIN_HDR || buf[ip]! >>> 4 !== 4) return undefined;
  const hl = ipHeaderLength(buf, ip);
  const outerEnd = Math.min(end, ip + read16(buf, ip + 2));
  // An IHL under 5 would make the outer header its own "inner" packet (found by harness/fuzz).
  if (hl < IPV4_MIN_HDR || outerEnd - ip < hl) return undefined;
  const proto = ipProtocol(buf, ip);
  if (proto === PROTO_IPIP) return outerEnd - ip - hl >= IPV4_MIN_HDR ? { inner: ip + hl, end: outerEnd, innerType: ETHERTYPE_IPV4 } : undefined;
  if (proto !== PROTO_GRE) return undefined;
  const gre = ip + hl;
  if (outerEnd - gre < GRE_HDR_LEN) return undefined;
  const flags = read16(buf, gre);
  if ((flags & 0x0007) !== 0 || (flags & 0x4000) !== 0) return undefined; // version 0, no routing field
  const optional = ((flags & 0x8000) !== 0 ? 4 : 0) + ((flags & 0x2000) !== 0 ? 4 : 0) + ((flags & 0x1000) !== 0 ? 4 : 0);
  const innerType = read16(buf, gre + 2);
  if (innerType !== ETHERTYPE_IPV4 && innerType !== ETHERTYPE_IPV6) return undefined;
  const inner = gre + GRE_HDR_LEN + optional;
  return inner < outerEnd ? { inner, end: outerEnd, innerType } : undefined;
}
