// NAT rewrites: the destination on the way in (VIP:port → real server), the source on the way out
// (real server → VIP:port). The IPv4 header checksum is always full; the TCP/UDP checksum is full or,
// when offload left it unfinished, partial — each is updated with its own formula.
import { read16, read32, updateFull16, updateFull32, updatePartial16, updatePartial32, write16, write32 } from './checksum.ts';
import { PROTO_UDP } from './ipv4.ts';
import { checksumFieldOffset } from './l4.ts';

/** Replaces the IPv4 address at ip+addrOffset (12 source, 16 destination) and the L4 port at l4+portOffset. */
function rewrite(
  buf: Uint8Array,
  ip: number,
  l4: number,
  protocol: number,
  partial: boolean,
  addrOffset: number,
  portOffset: number,
  address: number,
  port: number,
): void {
  const oldAddress = read32(buf, ip + addrOffset);
  write32(buf, ip + addrOffset, address);
  write16(buf, ip + 10, updateFull32(read16(buf, ip + 10), oldAddress, address));
  const fieldOffset = checksumFieldOffset(protocol);
  if (fieldOffset < 0 || l4 < 0) return;
  const oldPort = read16(buf, l4 + portOffset);
  write16(buf, l4 + portOffset, port);
  const field = l4 + fieldOffset;
  const sum = read16(buf, field);
  if (partial) {
    // Partial: the field holds the pseudo-header sum, which includes addresses but not ports.
    write16(buf, field, updatePartial32(sum, oldAddress, address));
    return;
  }
  if (protocol === PROTO_UDP && sum === 0) return; // the sender sent no UDP checksum
  let next = updateFull16(updateFull32(sum, oldAddress, address), oldPort, port);
  if (protocol === PROTO_UDP && next === 0) next = 0xffff;
  write16(buf, field, next);
}

/** Client → real server: destination VIP:vport becomes address:port. */
export function rewriteDestination(buf: Uint8Array, ip: number, l4: number, protocol: number, partial: boolean, address: number, port: number): void {
  rewrite(buf, ip, l4, protocol, partial, 16, 2, address, port);
}

/** Real server → client: source becomes VIP:vport. */
export function rewriteSource(buf: Uint8Array, ip: number, l4: number, protocol: number, partial: boolean, address: number, port: number): void {
  rewrite(buf, ip, l4, protocol, partial, 12, 0, address, port);
}

export { updatePartial16 };
