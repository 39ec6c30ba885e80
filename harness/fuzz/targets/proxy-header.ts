// PROXY protocol v1/v2 (HAProxy's proxy-protocol.txt): the harness's parser of what a balancer sends
// (harness/agent/proxy-header.ts), cross-checked with the reference's encoder (reference/index.ts).
// Properties: the answer is one of the four kinds; a header never consumes more than the input, a v1
// line at most 107 bytes, a v2 header exactly 16 + its length; TCP4/TCP6 addresses are valid IPs of
// that family and ports are integers 0–65535; the same header re-encoded by the reference parses back
// to the same endpoints; a header parses the same when bytes follow it.
import { isIPv4, isIPv6 } from 'node:net';
import { proxyHeaderV1, proxyHeaderV2 } from '../../../reference/index.ts';
import { parseProxyHeader, V2_SIGNATURE, type ProxyParse } from '../../agent/proxy-header.ts';
import type { AddressPort } from '../../agent/protocol.ts';
import { ascii, expectThat, type FuzzTarget } from '../target.ts';

const KINDS = new Set(['header', 'none', 'need-more', 'invalid']);

/** One spelling per address: IPv6 compressed and lower-case, v4-mapped IPv6 as IPv4. */
export function canonicalAddress(a: string): string {
  if (isIPv4(a)) return a;
  const host = new URL(`http://[${a}]/`).hostname.slice(1, -1);
  const mapped = /^::ffff:([0-9a-f]{1,4}):([0-9a-f]{1,4})$/.exec(host);
  if (!mapped) return host;
  const hi = parseInt(mapped[1]!, 16);
  const lo = parseInt(mapped[2]!, 16);
  return `${hi >> 8}.${hi & 0xff}.${lo >> 8}.${lo & 0xff}`;
}

function validEndpoint(e: AddressPort | undefined, family: 'TCP4' | 'TCP6'): boolean {
  if (e === undefined) return false;
  const ipOk = family === 'TCP4' ? isIPv4(e.address) : isIPv6(e.address);
  return ipOk && Number.isInteger(e.port) && e.port >= 0 && e.port <= 65535;
}

function same(a: AddressPort, b: AddressPort): boolean {
  return canonicalAddress(a.address) === canonicalAddress(b.address) && a.port === b.port;
}

function checkHeader(input: Buffer, r: Extract<ProxyParse, { kind: 'header' }>): void {
  const { header, consumed } = r;
  expectThat(consumed > 0 && consumed <= input.length, () => `consumed ${consumed} of ${input.length} bytes`);
  if (header.version === 1) expectThat(consumed <= 107, () => `v1 header of ${consumed} bytes (max 107)`);
  else expectThat(consumed === 16 + input.readUInt16BE(14), () => `v2 consumed ${consumed}, header says ${16 + input.readUInt16BE(14)}`);
  const family = /TCP[46]$/.exec(header.kind)?.[0] as 'TCP4' | 'TCP6' | undefined;
  if (family === undefined) {
    expectThat(header.source === undefined && header.destination === undefined, () => `"${header.kind}" header with endpoints`);
    return;
  }
  expectThat(validEndpoint(header.source, family) && validEndpoint(header.destination, family), () => `${header.kind} with endpoints ${JSON.stringify([header.source, header.destination])}`);
  const endpoints = { source: header.source!, destination: header.destination! };
  for (const encoded of [proxyHeaderV1(endpoints), proxyHeaderV2(endpoints)]) {
    const again = parseProxyHeader(encoded);
    expectThat(again.kind === 'header' && again.consumed === encoded.length, () => `re-encoded header ${encoded.toString('hex')} parses as ${again.kind}`);
    const h = (again as Extract<ProxyParse, { kind: 'header' }>).header;
    expectThat(h.source !== undefined && h.destination !== undefined && same(h.source, endpoints.source) && same(h.destination, endpoints.destination), () => `round trip ${JSON.stringify(endpoints)} → ${JSON.stringify(h)}`);
  }
}

export const proxyHeaderTarget: FuzzTarget = {
  name: 'proxy-header',
  title: 'PROXY protocol v1/v2: harness/agent parseProxyHeader, round-tripped through reference proxyHeaderV1/V2',
  maxLength: 512,
  dictionary: [V2_SIGNATURE, ascii('PROXY '), ascii('TCP4 '), ascii('TCP6 '), ascii('UNKNOWN'), ascii('\r\n'), ascii(' '), ascii('::ffff:'), ascii('65535'), ascii('255.255.255.255'), ascii('::'), new Uint8Array([0x21, 0x11]), new Uint8Array([0x21, 0x21]), new Uint8Array([0x20, 0x00]), new Uint8Array([0x00, 0x0c]), new Uint8Array([0x00, 0x24])],
  fixups: [
    // v2: make the length field match the bytes that follow
    (b) => {
      if (b.length >= 16) {
        b[14] = ((b.length - 16) >>> 8) & 0xff;
        b[15] = (b.length - 16) & 0xff;
      }
      return b;
    },
  ],
  check(bytes) {
    const input = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.length);
    const r = parseProxyHeader(input);
    expectThat(KINDS.has(r.kind), () => `unknown answer kind ${r.kind}`);
    if (r.kind === 'invalid') expectThat(typeof r.problem === 'string' && r.problem !== '', () => 'invalid without a problem');
    if (r.kind !== 'header') return;
    checkHeader(input, r);
    // Bytes after the header (the proxied stream) must not change how it parses.
    const longer = parseProxyHeader(Buffer.concat([input.subarray(0, r.consumed), Buffer.from('GET / HTTP/1.1\r\n\r\n')]));
    expectThat(longer.kind === 'header' && longer.consumed === r.consumed && JSON.stringify(longer.header) === JSON.stringify(r.header), () => `header parses differently when data follows: ${JSON.stringify(longer)}`);
  },
};
