// Internet checksums (RFC 1071) and their incremental updates. Two kinds of checksum field reach us:
// a full one (the one's complement of the sum, as on the wire) and a partial one left by checksum offload
// (the folded pseudo-header sum, not complemented, finished later by the kernel or the NIC).
// Full: RFC 1624 eqn 3, HC' = ~(~HC + ~m + m'). Partial: HC' = HC + ~m + m' (nothing is complemented yet).

/** Adds 16-bit big-endian words of buf[start, end) to `sum` (an odd trailing byte is padded with zero). */
export function sumWords(buf: Uint8Array, start: number, end: number, sum = 0): number {
  let i = start;
  for (; i + 1 < end; i += 2) sum += (buf[i]! << 8) | buf[i + 1]!;
  if (i < end) sum += buf[i]! << 8;
  return sum;
}

/** Folds a 32-bit-or-wider sum of 16-bit words into 16 bits with end-around carry. */
export function fold(sum: number): number {
  while (sum > 0xffff) sum = (sum & 0xffff) + Math.floor(sum / 0x10000);
  return sum;
}

/** The full checksum of buf[start, end) plus an initial sum (e.g. a pseudo-header). */
export function checksum(buf: Uint8Array, start: number, end: number, initial = 0): number {
  return ~fold(sumWords(buf, start, end, initial)) & 0xffff;
}

/** One's complement sum of a 32-bit value's two halves. */
function words32(v: number): number {
  return ((v >>> 16) & 0xffff) + (v & 0xffff);
}

function complement32(v: number): number {
  return (~(v >>> 16) & 0xffff) + (~v & 0xffff);
}

/** New value of a full checksum field after a 16-bit word changes from `from` to `to`. */
export function updateFull16(field: number, from: number, to: number): number {
  return ~fold((~field & 0xffff) + (~from & 0xffff) + (to & 0xffff)) & 0xffff;
}

/** New value of a full checksum field after a 32-bit word (e.g. an IPv4 address) changes. */
export function updateFull32(field: number, from: number, to: number): number {
  return ~fold((~field & 0xffff) + complement32(from) + words32(to)) & 0xffff;
}

/** New value of a partial (offloaded) checksum field after a 16-bit word changes. */
export function updatePartial16(field: number, from: number, to: number): number {
  return fold(field + (~from & 0xffff) + (to & 0xffff));
}

/** New value of a partial (offloaded) checksum field after a 32-bit word changes. */
export function updatePartial32(field: number, from: number, to: number): number {
  return fold(field + complement32(from) + words32(to));
}

/** Reads a big-endian 16-bit word. */
export function read16(buf: Uint8Array, at: number): number {
  return (buf[at]! << 8) | buf[at + 1]!;
}

export function write16(buf: Uint8Array, at: number, v: number): void {
  buf[at] = (v >>> 8) & 0xff;
  buf[at + 1] = v & 0xff;
}

export function read32(buf: Uint8Array, at: number): number {
  return ((buf[at]! << 24) | (buf[at + 1]! << 16) | (buf[at + 2]! << 8) | buf[at + 3]!) >>> 0;
}

export function write32(buf: Uint8Array, at: number, v: number): void {
  buf[at] = (v >>> 24) & 0xff;
  buf[at + 1] = (v >>> 16) & 0xff;
  buf[at + 2] = (v >>> 8) & 0xff;
  buf[at + 3] = v & 0xff;
}
