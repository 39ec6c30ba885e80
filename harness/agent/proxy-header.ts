// Parses a PROXY protocol header (HAProxy's proxy-protocol.txt, v1 text and v2 binary) at the start
// of a connection. Pure: bytes in, header out. A connection without one is fine: 'none'.
import { isIPv4, isIPv6 } from 'node:net';
import type { AddressPort, ProxyHeaderRecord } from './protocol.ts';

export const V2_SIGNATURE = Buffer.from([0x0d, 0x0a, 0x0d, 0x0a, 0x00, 0x0d, 0x0a, 0x51, 0x55, 0x49, 0x54, 0x0a]);
const V1_PREFIX = Buffer.from('PROXY ');
const V1_MAX = 107;

export type ProxyParse =
  | { kind: 'header'; header: ProxyHeaderRecord; consumed: number }
  | { kind: 'none' }
  | { kind: 'need-more' }
  | { kind: 'invalid'; problem: string };

/** True while `buf` could still be the start of `prefix`. */
function couldStartWith(buf: Buffer, prefix: Buffer): boolean {
  const n = Math.min(buf.length, prefix.length);
  return buf.subarray(0, n).equals(prefix.subarray(0, n));
}

export function parseProxyHeader(buf: Buffer): ProxyParse {
  if (buf.length === 0) return { kind: 'need-more' };
  if (couldStartWith(buf, V2_SIGNATURE)) return buf.length < 16 ? { kind: 'need-more' } : parseV2(buf);
  if (couldStartWith(buf, V1_PREFIX)) return buf.length < V1_PREFIX.length ? { kind: 'need-more' } : parseV1(buf);
  return { kind: 'none' };
}

function parseV1(buf: Buffer): ProxyParse {
  const end = buf.indexOf('\r\n');
  if (end < 0 || end + 2 > V1_MAX) {
    return end >= 0 || buf.length >= V1_MAX ? { kind: 'invalid', problem: 'v1 header longer than 107 bytes' } : { kind: 'need-more' };
  }
  const parts = buf.subarray(0, end).toString('latin1').split(' ');
  const consumed = end + 2;
  if (parts[1] === 'UNKNOWN') return { kind: 'header', header: { version: 1, kind: 'UNKNOWN' }, consumed };
  if (parts.length !== 6 || (parts[1] !== 'TCP4' && parts[1] !== 'TCP6')) {
    return { kind: 'invalid', problem: `v1 header "${parts.join(' ')}" is not "PROXY TCP4|TCP6 src dst sport dport"` };
  }
  const [, kind, src, dst, sport, dport] = parts as [string, string, string, string, string, string];
  // proxy-protocol.txt 2.1: addresses of the announced family, ports decimal in [0..65535].
  const validAddress = (a: string) => (kind === 'TCP4' ? isIPv4(a) : /^[0-9a-fA-F:.]+$/.test(a) && isIPv6(a));
  const bad = [src, dst].find((a) => !validAddress(a)) ?? [sport, dport].find((p) => port(p) === undefined);
  if (bad !== undefined) return { kind: 'invalid', problem: `v1 ${kind} header with "${bad}", not an ${kind === 'TCP4' ? 'IPv4' : 'IPv6'} address or a port` };
  return {
    kind: 'header',
    header: { version: 1, kind, source: { address: src, port: port(sport)! }, destination: { address: dst, port: port(dport)! } },
    consumed,
  };
}

function port(text: string): number | undefined {
  if (!/^(0|[1-9][0-9]{0,4})$/.test(text)) return undefined;
  const n = Number(text);
  return n <= 65535 ? n : undefined;
}

function parseV2(buf: Buffer): ProxyParse {
  const verCmd = buf[12] as number;
  const fam = buf[13] as number;
  const len = buf.readUInt16BE(14);
  if (verCmd >> 4 !== 2) return { kind: 'invalid', problem: `v2 header with version ${verCmd >> 4}` };
  if ((verCmd & 0x0f) > 1) return { kind: 'invalid', problem: `v2 header with command ${verCmd & 0x0f} (0 LOCAL, 1 PROXY)` };
  if (buf.length < 16 + len) return { kind: 'need-more' };
  const consumed = 16 + len;
  const command = (verCmd & 0x0f) === 0 ? 'LOCAL' : 'PROXY';
  const body = buf.subarray(16, 16 + len);
  const family = fam >> 4;
  if (command === 'LOCAL' || family === 0) return { kind: 'header', header: { version: 2, kind: command }, consumed };
  if (family === 1 && len >= 12) {
    const ip = (o: number) => `${body[o]}.${body[o + 1]}.${body[o + 2]}.${body[o + 3]}`;
    return { kind: 'header', header: { version: 2, kind: `${command} TCP4`, ...addresses(ip(0), ip(4), body.readUInt16BE(8), body.readUInt16BE(10)) }, consumed };
  }
  if (family === 2 && len >= 36) {
    const ip = (o: number) => Array.from({ length: 8 }, (_, i) => body.readUInt16BE(o + 2 * i).toString(16)).join(':');
    return { kind: 'header', header: { version: 2, kind: `${command} TCP6`, ...addresses(ip(0), ip(16), body.readUInt16BE(32), body.readUInt16BE(34)) }, consumed };
  }
  if (family === 1 || family === 2) return { kind: 'invalid', problem: `v2 ${family === 1 ? 'IPv4' : 'IPv6'} header with a ${len}-byte address block (needs ${family === 1 ? 12 : 36})` };
  return { kind: 'header', header: { version: 2, kind: `${command} family ${family}` }, consumed };
}

function addresses(src: string, dst: string, sport: number, dport: number): { source: AddressPort; destination: AddressPort } {
  return { source: { address: src, port: sport }, destination: { address: dst, port: dport } };
}

/** Builds a header, for tests and for the deliberately broken targets. */
export function buildProxyHeader(version: 1 | 2, source: AddressPort, destination: AddressPort): Buffer {
  if (version === 1) return Buffer.from(`PROXY TCP4 ${source.address} ${destination.address} ${source.port} ${destination.port}\r\n`, 'latin1');
  const body = Buffer.alloc(12);
  source.address.split('.').forEach((o, i) => body.writeUInt8(Number(o), i));
  destination.address.split('.').forEach((o, i) => body.writeUInt8(Number(o), 4 + i));
  body.writeUInt16BE(source.port, 8);
  body.writeUInt16BE(destination.port, 10);
  const head = Buffer.from([0x21, 0x11, 0, 12]);
  return Buffer.concat([V2_SIGNATURE, head, body]);
}
