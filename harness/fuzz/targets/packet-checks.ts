// Independent readers the packet and engine targets judge with: what a well-formed IPv4/TCP/UDP packet
// is and whether its checksums verify. Written here from RFC 791/793/768, not taken from the reference.

export function u16(b: Uint8Array, at: number): number {
  return ((b[at] ?? 0) << 8) | (b[at + 1] ?? 0);
}

function sum(b: Uint8Array, start: number, end: number, initial = 0): number {
  let s = initial;
  let i = start;
  for (; i + 1 < end; i += 2) s += (b[i]! << 8) | b[i + 1]!;
  if (i < end) s += b[i]! << 8;
  while (s > 0xffff) s = (s & 0xffff) + Math.floor(s / 0x10000);
  return s;
}

export interface Ipv4View {
  ihl: number;
  total: number;
  proto: number;
  fragment: boolean;
  /** The header checksum verifies. */
  headerOk: boolean;
}

/** The IPv4 header at `ip` if it is well formed: version 4, IHL ≥ 5, total length within [ihl, available]. */
export function ipv4At(b: Uint8Array, ip: number, end: number): Ipv4View | undefined {
  if (end - ip < 20 || b[ip]! >>> 4 !== 4) return undefined;
  const ihl = (b[ip]! & 0x0f) * 4;
  const total = u16(b, ip + 2);
  if (ihl < 20 || total < ihl || ip + total > end) return undefined;
  return { ihl, total, proto: b[ip + 9]!, fragment: (u16(b, ip + 6) & 0x3fff) !== 0, headerOk: sum(b, ip, ip + ihl) === 0xffff };
}

/** Whether the TCP/UDP segment of a well-formed packet has a verifying full checksum (UDP 0: none sent). */
export function l4ChecksumOk(b: Uint8Array, ip: number, v: Ipv4View): boolean {
  const l4 = ip + v.ihl;
  const len = v.total - v.ihl;
  const pseudo = sum(b, ip + 12, ip + 20) + v.proto + len;
  if (v.proto === 17 && len >= 8 && u16(b, l4 + 6) === 0) return true;
  return sum(b, l4, l4 + len, pseudo) === 0xffff;
}

/** TCP header length when the segment holds a TCP header that fits (data offset ≥ 5); else undefined. */
export function tcpHeaderAt(b: Uint8Array, ip: number, v: Ipv4View): number | undefined {
  if (v.proto !== 6 || v.total - v.ihl < 20) return undefined;
  const thl = (b[ip + v.ihl + 12]! >>> 4) * 4;
  return thl >= 20 && v.ihl + thl <= v.total ? thl : undefined;
}

export const TCP = 6;
export const UDP = 17;
