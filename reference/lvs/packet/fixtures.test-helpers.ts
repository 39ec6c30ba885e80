// Packet builders for tests: valid Ethernet/IPv4/TCP/UDP frames with correct checksums.
import { write16, write32 } from './checksum.ts';
import { ETHERTYPE_IPV4, ETH_HDR_LEN, parseMac, writeEthernet } from './ethernet.ts';
import { PROTO_TCP, PROTO_UDP, parseIPv4, writeIPv4Header } from './ipv4.ts';
import { fillL4Checksum } from './l4.ts';

export interface SegmentSpec {
  protocol?: number;
  src?: string;
  dst?: string;
  sport?: number;
  dport?: number;
  flags?: number;
  seq?: number;
  payload?: Uint8Array;
  options?: Uint8Array;
  id?: number;
}

/** An IPv4 packet (no Ethernet) with valid checksums. */
export function ipPacket(spec: SegmentSpec = {}): Uint8Array {
  const protocol = spec.protocol ?? PROTO_TCP;
  const payload = spec.payload ?? new Uint8Array(0);
  const options = spec.options ?? new Uint8Array(0);
  const l4Len = protocol === PROTO_TCP ? 20 + options.length : 8;
  const total = 20 + l4Len + payload.length;
  const buf = new Uint8Array(total);
  writeIPv4Header(buf, 0, {
    totalLength: total,
    id: spec.id ?? 0x1234,
    dontFragment: true,
    ttl: 64,
    protocol,
    source: parseIPv4(spec.src ?? '198.19.1.10'),
    destination: parseIPv4(spec.dst ?? '198.19.1.100'),
  });
  write16(buf, 20, spec.sport ?? 40000);
  write16(buf, 22, spec.dport ?? 80);
  if (protocol === PROTO_TCP) {
    write32(buf, 24, spec.seq ?? 1000);
    write32(buf, 28, 0);
    buf[32] = (l4Len / 4) << 4;
    buf[33] = spec.flags ?? 0x18;
    write16(buf, 34, 65535);
    buf.set(options, 40);
  } else if (protocol === PROTO_UDP) {
    write16(buf, 24, 8 + payload.length);
  }
  buf.set(payload, 20 + l4Len);
  if (protocol === PROTO_TCP || protocol === PROTO_UDP) fillL4Checksum(buf, 0, 20, total, protocol);
  return buf;
}

/** An Ethernet frame around an IPv4 packet. */
export function ethFrame(ip: Uint8Array, dst = '02:00:00:00:00:02', src = '02:00:00:00:00:10'): Uint8Array {
  const frame = new Uint8Array(ETH_HDR_LEN + ip.length);
  writeEthernet(frame, 0, parseMac(dst), parseMac(src), ETHERTYPE_IPV4);
  frame.set(ip, ETH_HDR_LEN);
  return frame;
}

export function bytes(n: number, seed = 1): Uint8Array {
  const out = new Uint8Array(n);
  let x = seed;
  for (let i = 0; i < n; i++) {
    x = (Math.imul(x, 1103515245) + 12345) >>> 0;
    out[i] = x >>> 24;
  }
  return out;
}
