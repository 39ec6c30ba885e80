// IPv6, basic: the fixed header's fields and the upper-layer protocol after extension headers.
// The engine balances IPv4; IPv6 frames are recognised so they can be counted and passed over.
import { read16 } from './checksum.ts';

export const IPV6_HDR_LEN = 40;
const EXTENSION_HEADERS = new Set([0, 43, 60]); // hop-by-hop, routing, destination options

export interface IPv6Summary {
  payloadLength: number;
  /** The upper-layer protocol (TCP 6, UDP 17 …) after skipping hop-by-hop/routing/destination options. */
  protocol: number;
  /** Offset of the upper-layer header from `ip`; -1 when the chain is cut short or fragmented. */
  l4Offset: number;
  hopLimit: number;
  source: string;
  destination: string;
}

function formatAddress(buf: Uint8Array, at: number): string {
  const groups: string[] = [];
  for (let i = 0; i < 16; i += 2) groups.push(read16(buf, at + i).toString(16));
  // Compress the longest run of zero groups, as RFC 5952 asks.
  let bestStart = -1;
  let bestLen = 0;
  for (let i = 0; i < 8; ) {
    if (groups[i] !== '0') {
      i++;
      continue;
    }
    let j = i;
    while (j < 8 && groups[j] === '0') j++;
    if (j - i > bestLen && j - i > 1) [bestStart, bestLen] = [i, j - i];
    i = j;
  }
  if (bestStart < 0) return groups.join(':');
  return `${groups.slice(0, bestStart).join(':')}::${groups.slice(bestStart + bestLen).join(':')}`;
}

export function parseIPv6(buf: Uint8Array, ip: number, end: number): IPv6Summary | undefined {
  if (end - ip < IPV6_HDR_LEN || buf[ip]! >>> 4 !== 6) return undefined;
  let next = buf[ip + 6]!;
  let offset = IPV6_HDR_LEN;
  while (EXTENSION_HEADERS.has(next)) {
    if (ip + offset + 2 > end) return summary(-1);
    const len = (buf[ip + offset + 1]! + 1) * 8;
    next = buf[ip + offset]!;
    offset += len;
  }
  return summary(next === 44 ? -1 : offset);

  function summary(l4Offset: number): IPv6Summary {
    return {
      payloadLength: read16(buf, ip + 4),
      protocol: next,
      l4Offset,
      hopLimit: buf[ip + 7]!,
      source: formatAddress(buf, ip + 8),
      destination: formatAddress(buf, ip + 24),
    };
  }
}
