// PROXY protocol headers, as HAProxy's proxy-protocol.txt specifies, pure.
// v1: one text line "PROXY TCP4|TCP6 <src> <dst> <srcport> <dstport>\r\n" ("PROXY UNKNOWN\r\n" when the
//     addresses are not known). v2: the 12-byte signature, 0x21 (version 2, PROXY command), the
//     family/transport byte (0x11 TCP over IPv4, 0x21 TCP over IPv6, 0x00 unspecified), a big-endian
//     length, then src addr, dst addr, src port, dst port.
// Both ends of one header share a family: a v4 peer of a dual-stack socket arrives as ::ffff:a.b.c.d
// and is written as IPv4 when both ends are IPv4; otherwise IPv4 ends are written v4-mapped in TCP6.
import { isIPv4, isIPv6 } from 'node:net';

export interface ProxiedEndpoints {
  /** The client, as the proxy saw it (socket.remoteAddress / remotePort). */
  readonly source: { readonly address: string; readonly port: number };
  /** The address the client connected to (socket.localAddress / localPort). */
  readonly destination: { readonly address: string; readonly port: number };
}

export const V2_SIGNATURE = Buffer.from([0x0d, 0x0a, 0x0d, 0x0a, 0x00, 0x0d, 0x0a, 0x51, 0x55, 0x49, 0x54, 0x0a]);

type Family = 'v4' | 'v6';

function unmapped(address: string): string {
  return address.toLowerCase().startsWith('::ffff:') && isIPv4(address.slice(7)) ? address.slice(7) : address;
}

/** The common family of both ends and their addresses written in it, or undefined if not IP. */
function normalize(e: ProxiedEndpoints | undefined): { family: Family; src: string; dst: string } | undefined {
  if (e === undefined) return undefined;
  const src = unmapped(e.source.address);
  const dst = unmapped(e.destination.address);
  const validPorts = [e.source.port, e.destination.port].every((p) => Number.isInteger(p) && p >= 0 && p <= 65535);
  if (!validPorts) return undefined;
  if (isIPv4(src) && isIPv4(dst)) return { family: 'v4', src, dst };
  const asV6 = (a: string) => (isIPv4(a) ? `::ffff:${a}` : isIPv6(a) ? a : undefined);
  const s6 = asV6(src);
  const d6 = asV6(dst);
  return s6 !== undefined && d6 !== undefined ? { family: 'v6', src: s6, dst: d6 } : undefined;
}

export function proxyHeaderV1(e: ProxiedEndpoints | undefined): Buffer {
  const n = normalize(e);
  if (n === undefined || e === undefined) return Buffer.from('PROXY UNKNOWN\r\n', 'latin1');
  const proto = n.family === 'v4' ? 'TCP4' : 'TCP6';
  return Buffer.from(`PROXY ${proto} ${n.src} ${n.dst} ${e.source.port} ${e.destination.port}\r\n`, 'latin1');
}

export function proxyHeaderV2(e: ProxiedEndpoints | undefined): Buffer {
  const n = normalize(e);
  if (n === undefined || e === undefined) {
    // PROXY command with AF_UNSPEC: the receiver uses the real connection endpoints.
    return Buffer.concat([V2_SIGNATURE, Buffer.from([0x21, 0x00, 0x00, 0x00])]);
  }
  const addrLen = n.family === 'v4' ? 4 : 16;
  const blockLen = addrLen * 2 + 4;
  const out = Buffer.alloc(16 + blockLen);
  V2_SIGNATURE.copy(out, 0);
  out[12] = 0x21;
  out[13] = n.family === 'v4' ? 0x11 : 0x21;
  out.writeUInt16BE(blockLen, 14);
  const write = n.family === 'v4' ? writeIPv4 : writeIPv6;
  write(n.src, out, 16);
  write(n.dst, out, 16 + addrLen);
  out.writeUInt16BE(e.source.port, 16 + addrLen * 2);
  out.writeUInt16BE(e.destination.port, 18 + addrLen * 2);
  return out;
}

function writeIPv4(address: string, out: Buffer, offset: number): void {
  const parts = address.split('.');
  for (let i = 0; i < 4; i++) out[offset + i] = Number(parts[i]);
}

/** Writes a valid IPv6 address (with "::" and an optional dotted IPv4 tail) as 16 bytes. */
export function writeIPv6(address: string, out: Buffer, offset: number): void {
  let text = address.split('%')[0] as string; // a zone id is not part of the address
  let v4Tail: number[] = [];
  const dotted = /^(.*:)(\d+)\.(\d+)\.(\d+)\.(\d+)$/.exec(text);
  if (dotted) {
    const [a, b, c, d] = dotted.slice(2).map(Number) as [number, number, number, number];
    v4Tail = [(a << 8) | b, (c << 8) | d];
    const prefix = dotted[1] as string;
    text = prefix.endsWith('::') ? prefix : prefix.slice(0, -1);
  }
  const parse = (s: string) => (s === '' ? [] : s.split(':').map((g) => parseInt(g, 16)));
  const gap = text.indexOf('::');
  const head = parse(gap === -1 ? text : text.slice(0, gap));
  const rest = gap === -1 ? [] : parse(text.slice(gap + 2));
  const zeros = gap === -1 ? 0 : 8 - head.length - rest.length - v4Tail.length;
  const groups = [...head, ...new Array<number>(zeros).fill(0), ...rest, ...v4Tail];
  for (let i = 0; i < 8; i++) out.writeUInt16BE(groups[i] ?? 0, offset + i * 2);
}
