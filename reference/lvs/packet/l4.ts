// TCP and UDP headers: ports, flags, where the checksum lives, recomputing it, and MSS clamping.
import { checksum, read16, read32, updateFull16, updatePartial16, write16, write32 } from './checksum.ts';
import { PROTO_TCP, PROTO_UDP, packetPseudoHeaderSum } from './ipv4.ts';

export const TCP_FIN = 0x01;
export const TCP_SYN = 0x02;
export const TCP_RST = 0x04;
export const TCP_PSH = 0x08;
export const TCP_ACK = 0x10;
export const TCP_CWR = 0x80;
export const UDP_HDR_LEN = 8;

export function sourcePort(buf: Uint8Array, l4: number): number {
  return read16(buf, l4);
}
export function destinationPort(buf: Uint8Array, l4: number): number {
  return read16(buf, l4 + 2);
}
export function tcpFlags(buf: Uint8Array, l4: number): number {
  return buf[l4 + 13]!;
}
export function tcpHeaderLength(buf: Uint8Array, l4: number): number {
  return (buf[l4 + 12]! >>> 4) * 4;
}
export function tcpSequence(buf: Uint8Array, l4: number): number {
  return read32(buf, l4 + 4);
}
export function setTcpSequence(buf: Uint8Array, l4: number, seq: number): void {
  write32(buf, l4 + 4, seq >>> 0);
}

/** Offset of the checksum field inside the L4 header, or -1 for protocols we do not rewrite. */
export function checksumFieldOffset(protocol: number): number {
  return protocol === PROTO_TCP ? 16 : protocol === PROTO_UDP ? 6 : -1;
}

/** Recomputes a TCP/UDP checksum in full over [l4, end) using the pseudo-header of the IPv4 packet at `ip`. */
export function fillL4Checksum(buf: Uint8Array, ip: number, l4: number, end: number, protocol: number): void {
  const field = l4 + checksumFieldOffset(protocol);
  write16(buf, field, 0);
  let sum = checksum(buf, l4, end, packetPseudoHeaderSum(buf, ip, end - l4));
  if (protocol === PROTO_UDP && sum === 0) sum = 0xffff; // 0 means "no checksum" in UDP over IPv4
  write16(buf, field, sum);
}

/** Lowers the MSS option of a TCP SYN to at most `mss`; returns true when it changed anything. */
export function clampMss(buf: Uint8Array, l4: number, mss: number, partialChecksum: boolean): boolean {
  const end = l4 + tcpHeaderLength(buf, l4);
  for (let i = l4 + 20; i < end; ) {
    const kind = buf[i]!;
    if (kind === 0) break;
    if (kind === 1) {
      i++;
      continue;
    }
    const len = buf[i + 1]!;
    if (len < 2 || i + len > end) break;
    if (kind === 2 && len === 4) {
      const current = read16(buf, i + 2);
      if (current <= mss) return false;
      write16(buf, i + 2, mss);
      // A partial checksum covers only the pseudo-header: option bytes are summed later by the kernel.
      if (!partialChecksum) write16(buf, l4 + 16, updateFull16(read16(buf, l4 + 16), current, mss));
      return true;
    }
    i += len;
  }
  return false;
}

/** Exported for symmetry with full updates: partial checksum fields ignore payload edits. */
export { updatePartial16 };
