// IPv4 fragmentation (RFC 791) of a packet we built ourselves (the outer header of a tunnelled
// non-TCP packet that no longer fits the MTU). The receiver's kernel reassembles before its raw socket sees it.
import { read16, write16 } from './checksum.ts';
import { fillIPv4Checksum, ipHeaderLength } from './ipv4.ts';

/** Payload bytes per fragment for a given MTU: a multiple of 8. */
export function fragmentPayload(mtu: number, headerLength: number): number {
  return Math.floor((mtu - headerLength) / 8) * 8;
}

export function fragmentCount(buf: Uint8Array, ip: number, end: number, mtu: number): number {
  const hl = ipHeaderLength(buf, ip);
  return Math.ceil((end - ip - hl) / fragmentPayload(mtu, hl));
}

/** Writes fragment `index` of [ip, end) at dst[at]; returns its length. The DF bit is cleared. */
export function writeFragment(buf: Uint8Array, ip: number, end: number, mtu: number, index: number, dst: Uint8Array, at: number): number {
  const hl = ipHeaderLength(buf, ip);
  const chunk = fragmentPayload(mtu, hl);
  const from = ip + hl + index * chunk;
  const to = Math.min(end, from + chunk);
  const originalFrag = read16(buf, ip + 6);
  const baseOffset = (originalFrag & 0x1fff) * 8;
  const last = to === end && (originalFrag & 0x2000) === 0;
  dst.set(buf.subarray(ip, ip + hl), at);
  dst.set(buf.subarray(from, to), at + hl);
  write16(dst, at + 2, hl + (to - from));
  write16(dst, at + 6, (last ? 0 : 0x2000) | ((baseOffset + index * chunk) / 8));
  fillIPv4Checksum(dst, at);
  return hl + (to - from);
}
