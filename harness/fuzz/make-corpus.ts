// Writes the seed corpus (harness/fuzz/corpus/<target>/*.bin): the frames, headers and requests the
// project's own tests use (reference/lvs/engine.test.ts, reference/l4/*.test.ts, the framing
// cases), built with the reference's own encoders. Run: npx tsx harness/fuzz/make-corpus.ts
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { lvs, proxyHeaderV1, proxyHeaderV2 } from '../../reference/index.ts';
import { buildProxyHeader } from '../agent/proxy-header.ts';
import { CORPUS_DIR } from './corpus.ts';
import { LB_IN, LB_OUT, SEPARATOR } from './targets/lvs-engine.ts';
const {
  ARP_REPLY,
  BROADCAST_MAC,
  GSO_TCPV4,
  PROTO_GRE,
  PROTO_ICMP,
  PROTO_IPIP,
  PROTO_TCP,
  PROTO_UDP,
  VNET_F_NEEDS_CSUM,
  arpRequest,
  checksum,
  fillL4Checksum,
  parseIPv4,
  parseMac,
  writeArpFrame,
  writeEthernet,
  writeIPv4Header,
  writeVnet,
  ETHERTYPE_IPV4,
  ETHERTYPE_IPV6,
} = lvs;
type VnetHeader = lvs.VnetHeader;

interface Spec {
  protocol?: number;
  src?: string;
  dst?: string;
  sport?: number;
  dport?: number;
  flags?: number;
  payload?: Uint8Array;
  options?: Uint8Array;
  ipOptions?: Uint8Array;
  moreFragments?: boolean;
  fragmentOffset?: number;
}

function ipPacket(s: Spec): Uint8Array {
  const protocol = s.protocol ?? PROTO_TCP;
  const payload = s.payload ?? new Uint8Array(0);
  const options = s.options ?? new Uint8Array(0);
  const ihl = 20 + (s.ipOptions?.length ?? 0);
  const l4Len = protocol === PROTO_TCP ? 20 + options.length : protocol === PROTO_UDP || protocol === PROTO_ICMP ? 8 : 0;
  const total = ihl + l4Len + payload.length;
  const b = new Uint8Array(total);
  writeIPv4Header(b, 0, { totalLength: total, id: 0x1234, dontFragment: !s.moreFragments, moreFragments: s.moreFragments ?? false, fragmentOffset: s.fragmentOffset ?? 0, ttl: 64, protocol, source: parseIPv4(s.src ?? '198.19.1.10'), destination: parseIPv4(s.dst ?? '198.19.1.100') });
  if (s.ipOptions) {
    b.set(s.ipOptions, 20);
    b[0] = 0x40 | (ihl / 4);
    b[10] = 0;
    b[11] = 0;
    const c = checksum(b, 0, ihl);
    b[10] = c >>> 8;
    b[11] = c & 0xff;
  }
  const l4 = ihl;
  const dv = new DataView(b.buffer);
  if (protocol === PROTO_TCP || protocol === PROTO_UDP) {
    dv.setUint16(l4, s.sport ?? 40000);
    dv.setUint16(l4 + 2, s.dport ?? 80);
  }
  if (protocol === PROTO_TCP) {
    dv.setUint32(l4 + 4, 1000);
    b[l4 + 12] = (l4Len / 4) << 4;
    b[l4 + 13] = s.flags ?? 0x18;
    dv.setUint16(l4 + 14, 65535);
    b.set(options, l4 + 20);
  } else if (protocol === PROTO_UDP) dv.setUint16(l4 + 4, 8 + payload.length);
  else if (protocol === PROTO_ICMP) b[l4] = 8;
  b.set(payload, l4 + l4Len);
  if (protocol === PROTO_TCP || protocol === PROTO_UDP) fillL4Checksum(b, 0, l4, total, protocol);
  if (protocol === PROTO_ICMP) {
    const c = checksum(b, l4, total);
    b[l4 + 2] = c >>> 8;
    b[l4 + 3] = c & 0xff;
  }
  return b;
}

function tunnel(inner: Uint8Array, kind: 'ipip' | 'gre', greHeader = new Uint8Array([0, 0, 0x08, 0x00])): Uint8Array {
  const extra = kind === 'gre' ? greHeader.length : 0;
  const b = new Uint8Array(20 + extra + inner.length);
  writeIPv4Header(b, 0, { totalLength: b.length, id: 7, dontFragment: false, ttl: 64, protocol: kind === 'gre' ? PROTO_GRE : PROTO_IPIP, source: parseIPv4('198.19.2.1'), destination: parseIPv4('198.19.2.11') });
  if (kind === 'gre') b.set(greHeader, 20);
  b.set(inner, 20 + extra);
  return b;
}

const text = (s: string) => new Uint8Array(Buffer.from(s, 'latin1'));
const fill = (n: number) => Uint8Array.from({ length: n }, (_, i) => (i * 7 + 3) & 0xff);
const CLIENT_MAC = parseMac('02:00:00:00:00:10');
const RS_MAC = parseMac('02:00:00:00:02:11');
const NO_VNET: VnetHeader = { flags: 0, gsoType: 0, hdrLen: 0, gsoSize: 0, csumStart: 0, csumOffset: 0 };
const SYN_MSS = new Uint8Array([2, 4, 5, 0xb4, 1, 1, 4, 2]);

function ethFrame(packet: Uint8Array, dst: Uint8Array, src: Uint8Array, type = ETHERTYPE_IPV4): Uint8Array {
  const f = new Uint8Array(14 + packet.length);
  writeEthernet(f, 0, dst, src, type);
  f.set(packet, 14);
  return f;
}

/** An engine input frame: meta byte (link, packet type), virtio header, Ethernet frame. */
function engineFrame(link: number, frame: Uint8Array, vnet: VnetHeader = NO_VNET, pktType = 0): Uint8Array {
  const b = new Uint8Array(1 + 10 + frame.length);
  b[0] = link | (pktType << 1);
  writeVnet(b, 1, vnet);
  b.set(frame, 11);
  return b;
}

function sequence(...frames: Uint8Array[]): Uint8Array {
  const parts: Uint8Array[] = [];
  frames.forEach((f, i) => parts.push(...(i === 0 ? [f] : [SEPARATOR, f])));
  return Uint8Array.from(parts.flatMap((p) => Array.from(p)));
}

function packets(): Record<string, Uint8Array> {
  return {
    'tcp-syn-mss': ipPacket({ flags: 0x02, options: SYN_MSS }),
    'tcp-data-1000': ipPacket({ payload: fill(1000) }),
    'tcp-data-3000': ipPacket({ payload: fill(3000) }),
    'tcp-fin': ipPacket({ flags: 0x11 }),
    'udp-dns': ipPacket({ protocol: PROTO_UDP, dport: 53, payload: fill(40) }),
    'udp-no-checksum': (() => {
      const p = ipPacket({ protocol: PROTO_UDP, dport: 53, payload: fill(12) });
      p[26] = 0;
      p[27] = 0;
      return p;
    })(),
    'icmp-echo': ipPacket({ protocol: PROTO_ICMP, payload: fill(56) }),
    'ip-options': ipPacket({ ipOptions: new Uint8Array([0x94, 0x04, 0, 0]), payload: fill(20) }),
    'fragment-first': ipPacket({ protocol: PROTO_UDP, moreFragments: true, payload: fill(600) }),
    'ipip-tcp': tunnel(ipPacket({ flags: 0x02, options: SYN_MSS }), 'ipip'),
    'gre-tcp': tunnel(ipPacket({ payload: fill(100) }), 'gre'),
    'gre-key-seq': tunnel(ipPacket({ protocol: PROTO_UDP, payload: fill(30) }), 'gre', new Uint8Array([0x30, 0, 0x08, 0, 0, 0, 0, 1, 0, 0, 0, 2])),
    arp: (() => {
      const f = new Uint8Array(42);
      writeArpFrame(f, 0, BROADCAST_MAC, arpRequest(CLIENT_MAC, parseIPv4('198.19.1.10'), parseIPv4('198.19.1.100')));
      return f.subarray(14);
    })(),
  };
}

function engineInputs(): Record<string, Uint8Array> {
  const toLb = (p: Uint8Array) => ethFrame(p, LB_OUT.mac, CLIENT_MAC);
  const arpFor = (ip: string) => {
    const f = new Uint8Array(42);
    writeArpFrame(f, 0, BROADCAST_MAC, arpRequest(CLIENT_MAC, parseIPv4('198.19.1.10'), parseIPv4(ip)));
    return f;
  };
  const arpReply = () => {
    const f = new Uint8Array(42);
    writeArpFrame(f, 0, LB_IN.mac, { ...arpRequest(RS_MAC, parseIPv4('198.19.2.12'), LB_IN.ipv4), op: ARP_REPLY });
    return f;
  };
  const gso: VnetHeader = { flags: VNET_F_NEEDS_CSUM, gsoType: GSO_TCPV4, hdrLen: 54, gsoSize: 1448, csumStart: 34, csumOffset: 16 };
  const out: Record<string, Uint8Array> = {};
  for (const [name, vip, dport] of [['nat', '198.19.1.100', 80], ['dr', '198.19.1.101', 22], ['ipip', '198.19.1.102', 80], ['gre', '198.19.1.103', 443]] as const) {
    const syn = engineFrame(0, toLb(ipPacket({ dst: vip, dport, flags: 0x02, options: SYN_MSS })));
    const data = engineFrame(0, toLb(ipPacket({ dst: vip, dport, flags: 0x18, payload: fill(1200) })));
    out[`${name}-syn`] = syn;
    out[`${name}-syn-then-data`] = sequence(syn, data);
  }
  const natSyn = engineFrame(0, toLb(ipPacket({ flags: 0x02, options: SYN_MSS })));
  const reply = engineFrame(1, ethFrame(ipPacket({ src: '198.19.2.11', sport: 8080, dst: '198.19.1.10', dport: 40000, flags: 0x12 }), LB_IN.mac, RS_MAC));
  out['nat-syn-then-reply'] = sequence(natSyn, reply);
  out['nat-udp'] = engineFrame(0, toLb(ipPacket({ protocol: PROTO_UDP, dport: 53, payload: fill(30) })));
  out['dr-icmp'] = engineFrame(0, toLb(ipPacket({ protocol: PROTO_ICMP, dst: '198.19.1.101', payload: fill(56) })));
  out['gre-udp-big'] = engineFrame(0, toLb(ipPacket({ protocol: PROTO_UDP, dst: '198.19.1.103', dport: 9, payload: fill(1400) })));
  out['ipip-gso'] = engineFrame(0, toLb(ipPacket({ dst: '198.19.1.102', flags: 0x18, payload: fill(4000) })), gso);
  out['nat-partial-checksum'] = engineFrame(0, toLb(ipPacket({ payload: fill(100) })), { ...gso, gsoType: 0 });
  out['arp-who-has-vip'] = engineFrame(0, arpFor('198.19.1.100'));
  out['arp-reply-rs'] = engineFrame(1, arpReply());
  out['ipv6'] = engineFrame(0, ethFrame(fill(60), LB_OUT.mac, CLIENT_MAC, ETHERTYPE_IPV6));
  out['truncated'] = engineFrame(0, toLb(ipPacket({ flags: 0x02 })), NO_VNET, 0x80 >>> 1);
  // Reproducers of findings (fixed ones stay as regression seeds, replay.test.ts), built small by hand from what the fuzzer found.
  out['finding-forwards-truncated-packet'] = natSyn.subarray(0, natSyn.length - 1);
  const badTcp = ipPacket({ dst: '198.19.1.103', dport: 443, flags: 0x02, payload: fill(1000) });
  badTcp[20 + 12] = 0x00; // TCP data offset 0
  out['finding-segments-bad-tcp-header'] = engineFrame(0, toLb(badTcp));
  return out;
}

function proxyHeaders(): Record<string, Uint8Array> {
  const v4 = { source: { address: '198.19.1.10', port: 40000 }, destination: { address: '198.19.1.100', port: 80 } };
  const v6 = { source: { address: '2001:db8::10', port: 40000 }, destination: { address: 'fd00::1:2', port: 443 } };
  const mixed = { source: { address: '::ffff:127.10.0.1', port: 1 }, destination: { address: '::1', port: 65535 } };
  const data = text('GET / HTTP/1.1\r\nHost: a\r\n\r\n');
  const withData = (h: Uint8Array) => Uint8Array.from([...h, ...data]);
  const tlv = (() => {
    const h = proxyHeaderV2(v4);
    const t = new Uint8Array([0x04, 0x00, 0x03, 0x61, 0x62, 0x63]);
    const b = Uint8Array.from([...h, ...t]);
    b[14] = 0;
    b[15] = h.length - 16 + t.length;
    return b;
  })();
  return {
    'v1-tcp4': withData(proxyHeaderV1(v4)),
    'v1-tcp6': proxyHeaderV1(v6),
    'v1-mixed': proxyHeaderV1(mixed),
    'v1-unknown': proxyHeaderV1(undefined),
    'v1-harness': buildProxyHeader(1, v4.source, v4.destination),
    'v2-tcp4': withData(proxyHeaderV2(v4)),
    'v2-tcp6': proxyHeaderV2(v6),
    'v2-mixed': proxyHeaderV2(mixed),
    'v2-unspec': proxyHeaderV2(undefined),
    'v2-local': Uint8Array.from([...proxyHeaderV2(undefined).subarray(0, 12), 0x20, 0x00, 0x00, 0x00]),
    'v2-tlv': tlv,
    'no-header': data,
  };
}

const http: Record<string, string> = {
  'get': 'GET / HTTP/1.1\r\nHost: a\r\n\r\n',
  'post-cl': 'POST /upload HTTP/1.1\r\nHost: a\r\nContent-Length: 5\r\n\r\nhello',
  'post-chunked-trailer': 'POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\nTrailer: x-sum\r\n\r\n5;ext=1\r\nhello\r\n0\r\nx-sum: 1\r\n\r\n',
  'smuggle-connection-cl': 'GET / HTTP/1.1\r\nHost: a\r\nContent-Length: 33\r\nConnection: content-length\r\n\r\nGET /admin HTTP/1.1\r\nHost: a\r\n\r\n',
  'connection-host': 'GET / HTTP/1.1\r\nHost: a\r\nConnection: host, keep-alive\r\n\r\n',
  'xff-forwarded': 'GET /p?q=1 HTTP/1.1\r\nHost: a\r\nX-Forwarded-For: 1.2.3.4\r\nForwarded: for=1.2.3.4\r\nX-Forwarded-Proto: https\r\n\r\n',
  'upgrade': 'GET /ws HTTP/1.1\r\nHost: a\r\nConnection: Upgrade\r\nUpgrade: websocket\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n',
  'expect-continue': 'PUT /x HTTP/1.1\r\nHost: a\r\nExpect: 100-continue\r\nContent-Length: 3\r\n\r\nabc',
  'pipelined': 'GET /1 HTTP/1.1\r\nHost: a\r\n\r\nGET /2 HTTP/1.1\r\nHost: a\r\n\r\n',
  'http10-no-host': 'GET / HTTP/1.0\r\n\r\n',
  'absolute-form': 'GET http://example.com/p HTTP/1.1\r\nHost: example.com\r\n\r\n',
  'te-keepalive': 'GET / HTTP/1.1\r\nHost: a\r\nTE: trailers\r\nKeep-Alive: 5\r\nProxy-Connection: keep-alive\r\n\r\n',
  // the strict head check's refusals (request-head.ts; l7-head's bounds: 16 lines, 512 bytes of them, a 128-byte target, a 256-byte body)
  'two-hosts': 'GET / HTTP/1.1\r\nHost: a\r\nHost: b\r\n\r\n',
  'http10-chunked': 'POST / HTTP/1.0\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n0\r\n\r\n',
  'gzip-chunked': 'POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: gzip, chunked\r\n\r\n0\r\n\r\n',
  'asterisk-get': 'GET * HTTP/1.1\r\nHost: a\r\n\r\n',
  'long-target': `GET /${'a'.repeat(130)} HTTP/1.1\r\nHost: a\r\n\r\n`,
  'many-headers': `GET / HTTP/1.1\r\nHost: a\r\n${Array.from({ length: 16 }, (_, i) => `X-${i}: ${i}\r\n`).join('')}\r\n`,
  'big-headers': `GET / HTTP/1.1\r\nHost: a\r\nX-Big: ${'b'.repeat(520)}\r\n\r\n`,
  'big-body': `POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 300\r\n\r\n${'c'.repeat(300)}`,
  'response-200': 'HTTP/1.1 200 OK\r\nContent-Length: 2\r\nX-Backend: b1\r\nConnection: keep-alive\r\n\r\nok',
  'response-chunked': 'HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\nConnection: x-private\r\nX-Private: 1\r\n\r\n2\r\nok\r\n0\r\n\r\n',
  'response-101': 'HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Accept: s3pPLMBiTxaQ9kYGzzhZRbK+xOo=\r\n\r\n',
  'response-204': 'HTTP/1.1 204 No Content\r\nSet-Cookie: a=1\r\nSet-Cookie: b=2\r\n\r\n',
  // Reproducers of findings (fixed ones stay as regression seeds, replay.test.ts)
  'finding-connection-drops-framing': 'GET / HTTP/1.1\r\nHost: a\r\nContent-Length: 33\r\nConnection: content-length\r\n\r\nGET /admin HTTP/1.1\r\nHost: a\r\n\r\n',
  'finding-connection-drops-host': 'GET / HTTP/1.1\r\nHost: a\r\nConnection: host\r\n\r\n',
  'finding-status-not-three-digits': 'HTTP/1.1 001 OK\r\nContent-Length: 0\r\n\r\n',
};

function write(target: string, files: Record<string, Uint8Array>): void {
  const dir = join(CORPUS_DIR, target);
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  for (const [name, bytes] of Object.entries(files)) writeFileSync(join(dir, `${name}.bin`), bytes);
}

write('proxy-header', proxyHeaders());
write('l7-head', Object.fromEntries(Object.entries(http).map(([k, v]) => [k, text(v)])));
write('lvs-packet', packets());
write('lvs-engine', engineInputs());
