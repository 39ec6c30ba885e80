// Software TCP segmentation (what the kernel's GSO does), so the balancer can emit MTU-sized packets
// from a GSO super-frame or shrink segments to make room for a tunnel header. Each segment gets a full
// IPv4 and TCP checksum; sequence numbers, IP ids and flags follow the kernel's tcp_gso_segment rules.
import { read16, write16 } from './checksum.ts';
import { fillIPv4Checksum, ipHeaderLength } from './ipv4.ts';
import { PROTO_TCP } from './ipv4.ts';
import { TCP_CWR, TCP_FIN, TCP_PSH, fillL4Checksum, setTcpSequence, tcpHeaderLength, tcpSequence } from './l4.ts';

export function tcpSegmentCount(buf: Uint8Array, ip: number, end: number, mss: number): number {
  const headers = ipHeaderLength(buf, ip) + tcpHeaderLength(buf, ip + ipHeaderLength(buf, ip));
  const payload = end - ip - headers;
  return Math.max(1, Math.ceil(payload / mss));
}

/** Writes segment `index` of the TCP/IPv4 packet [ip, end) at dst[at]; returns its length. */
export function writeTcpSegment(buf: Uint8Array, ip: number, end: number, mss: number, index: number, dst: Uint8Array, at: number): number {
  const ipLen = ipHeaderLength(buf, ip);
  const l4 = ip + ipLen;
  const headers = ipLen + tcpHeaderLength(buf, l4);
  const payloadStart = ip + headers;
  const from = payloadStart + index * mss;
  const to = Math.min(end, from + mss);
  const count = tcpSegmentCount(buf, ip, end, mss);
  dst.set(buf.subarray(ip, payloadStart), at);
  dst.set(buf.subarray(from, to), at + headers);
  const length = headers + (to - from);
  write16(dst, at + 2, length);
  write16(dst, at + 4, (read16(buf, ip + 4) + index) & 0xffff);
  const dl4 = at + ipLen;
  setTcpSequence(dst, dl4, tcpSequence(buf, l4) + index * mss);
  let flags = dst[dl4 + 13]!;
  if (index !== count - 1) flags &= ~(TCP_FIN | TCP_PSH);
  if (index !== 0) flags &= ~TCP_CWR;
  dst[dl4 + 13] = flags;
  fillIPv4Checksum(dst, at);
  fillL4Checksum(dst, at, dl4, at + length, PROTO_TCP);
  return length;
}
