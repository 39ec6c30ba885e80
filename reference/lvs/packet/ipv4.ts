// IPv4 headers: addresses as unsigned 32-bit numbers, header fields, building a header, the pseudo-header sum.
import { checksum, read16, read32, sumWords, updateFull16, write16, write32 } from './checksum.ts';
import { AddressError } from './ethernet.ts';

export const IPV4_MIN_HDR = 20;
export const PROTO_ICMP = 1;
export const PROTO_IPIP = 4;
export const PROTO_TCP = 6;
export const PROTO_UDP = 17;
export const PROTO_GRE = 47;
export const PROTO_SCTP = 132;
const FLAG_DF = 0x4000;
const FLAG_MF = 0x2000;

export function parseIPv4(text: string): number {
  const parts = text.trim().split('.');
  if (parts.length !== 4 || parts.some((p) => !/^\d{1,3}$/.test(p) || Number(p) > 255)) {
    throw new AddressError(`"${text}" is not an IPv4 address`);
  }
  return parts.reduce((acc, p) => acc * 256 + Number(p), 0) >>> 0;
}

export function formatIPv4(addr: number): string {
  return [addr >>> 24, (addr >>> 16) & 0xff, (addr >>> 8) & 0xff, addr & 0xff].join('.');
}

/** Netmask from a prefix length: 24 → 255.255.255.0. */
export function prefixMask(prefix: number): number {
  return prefix <= 0 ? 0 : (0xffffffff << (32 - Math.min(prefix, 32))) >>> 0;
}

export function ipVersion(buf: Uint8Array, ip: number): number {
  return buf[ip]! >>> 4;
}
export function ipHeaderLength(buf: Uint8Array, ip: number): number {
  return (buf[ip]! & 0x0f) * 4;
}
export function ipTotalLength(buf: Uint8Array, ip: number): number {
  return read16(buf, ip + 2);
}
export function ipProtocol(buf: Uint8Array, ip: number): number {
  return buf[ip + 9]!;
}
export function ipSource(buf: Uint8Array, ip: number): number {
  return read32(buf, ip + 12);
}
export function ipDestination(buf: Uint8Array, ip: number): number {
  return read32(buf, ip + 16);
}
export function ipTtl(buf: Uint8Array, ip: number): number {
  return buf[ip + 8]!;
}
export function ipDontFragment(buf: Uint8Array, ip: number): boolean {
  return (read16(buf, ip + 6) & FLAG_DF) !== 0;
}
/** True for any fragment but a whole packet (more fragments follow, or an offset). */
export function ipIsFragment(buf: Uint8Array, ip: number): boolean {
  return (read16(buf, ip + 6) & (FLAG_MF | 0x1fff)) !== 0;
}

/** Decrements TTL with an incremental header checksum update; false when TTL would reach 0. */
export function decrementTtl(buf: Uint8Array, ip: number): boolean {
  const ttl = buf[ip + 8]!;
  if (ttl <= 1) return false;
  const before = read16(buf, ip + 8);
  buf[ip + 8] = ttl - 1;
  write16(buf, ip + 10, updateFull16(read16(buf, ip + 10), before, read16(buf, ip + 8)));
  return true;
}

export interface IPv4HeaderFields {
  totalLength: number;
  id: number;
  dontFragment: boolean;
  moreFragments?: boolean;
  /** In bytes; must be a multiple of 8. */
  fragmentOffset?: number;
  ttl: number;
  protocol: number;
  source: number;
  destination: number;
  tos?: number;
}

/** Writes a 20-byte header (no options) with its checksum. */
export function writeIPv4Header(buf: Uint8Array, ip: number, f: IPv4HeaderFields): void {
  buf[ip] = 0x45;
  buf[ip + 1] = f.tos ?? 0;
  write16(buf, ip + 2, f.totalLength);
  write16(buf, ip + 4, f.id & 0xffff);
  const frag = (f.dontFragment ? FLAG_DF : 0) | (f.moreFragments ? FLAG_MF : 0) | (((f.fragmentOffset ?? 0) / 8) & 0x1fff);
  write16(buf, ip + 6, frag);
  buf[ip + 8] = f.ttl;
  buf[ip + 9] = f.protocol;
  write16(buf, ip + 10, 0);
  write32(buf, ip + 12, f.source);
  write32(buf, ip + 16, f.destination);
  write16(buf, ip + 10, checksum(buf, ip, ip + IPV4_MIN_HDR));
}

/** Recomputes the header checksum from scratch. */
export function fillIPv4Checksum(buf: Uint8Array, ip: number): void {
  write16(buf, ip + 10, 0);
  write16(buf, ip + 10, checksum(buf, ip, ip + ipHeaderLength(buf, ip)));
}

export function ipv4HeaderValid(buf: Uint8Array, ip: number): boolean {
  return checksum(buf, ip, ip + ipHeaderLength(buf, ip)) === 0;
}

/** Unfolded sum of the TCP/UDP pseudo-header for an L4 segment of `l4Length` bytes. */
export function pseudoHeaderSum(source: number, destination: number, protocol: number, l4Length: number): number {
  return (source >>> 16) + (source & 0xffff) + (destination >>> 16) + (destination & 0xffff) + protocol + l4Length;
}

/** Sum of the pseudo-header fields as stored in the packet at `ip` (for recomputing L4 checksums). */
export function packetPseudoHeaderSum(buf: Uint8Array, ip: number, l4Length: number): number {
  return sumWords(buf, ip + 12, ip + 20) + buf[ip + 9]! + l4Length;
}
