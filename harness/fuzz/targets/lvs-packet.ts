// The LVS packet layer (reference/lvs/packet through reference/lvs/index.ts) on arbitrary bytes taken as
// an IPv4 packet, an ARP message and a tunnel packet. Properties: nothing throws; the tunnel decapsulator
// points inside the packet; ARP re-encodes to what it read; NAT rewrites and MSS clamping keep verifying
// checksums verifying and touch only their fields; software segmentation and fragmentation of a
// well-formed packet give MTU-sized pieces with verifying checksums whose payloads add up to the original.
import { lvs } from '../../../reference/index.ts';
import { ascii, expectThat, type FuzzTarget } from '../target.ts';
import { TCP, UDP, ipv4At, l4ChecksumOk, tcpHeaderAt, u16 } from './packet-checks.ts';
const {
  ARP_FRAME_LEN,
  ETH_HDR_LEN,
  clampMss,
  decapsulate,
  fragmentCount,
  readArp,
  rewriteDestination,
  rewriteSource,
  tcpSegmentCount,
  writeArpFrame,
  writeFragment,
  writeTcpSegment,
} = lvs;

const HEADROOM = 64;
const arena = Buffer.alloc(HEADROOM + 70_000);
const scratch = Buffer.alloc(200_000);

function load(input: Uint8Array): { ip: number; end: number } {
  arena.set(input, HEADROOM);
  arena.fill(0xa5, HEADROOM + input.length, HEADROOM + input.length + 64); // poison: reads past the end show up
  return { ip: HEADROOM, end: HEADROOM + input.length };
}

function checkDecapsulate(input: Uint8Array): void {
  const { ip, end } = load(input);
  const d = decapsulate(arena, ip, end);
  if (d === undefined) return;
  expectThat(d.inner > ip && d.inner < d.end && d.end <= end, () => `inner packet [${d.inner - ip}, ${d.end - ip}) outside [0, ${end - ip})`);
  expectThat(d.innerType === 0x0800 || d.innerType === 0x86dd, () => `inner type ${d.innerType}`);
}

function checkArp(input: Uint8Array): void {
  const m = readArp(input, 0, input.length);
  if (m === undefined) return;
  expectThat(input.length >= 28, () => `ARP read from ${input.length} bytes`);
  const frame = new Uint8Array(ARP_FRAME_LEN);
  writeArpFrame(frame, 0, m.targetMac, m);
  const again = readArp(frame, ETH_HDR_LEN, frame.length);
  expectThat(again !== undefined && JSON.stringify(again) === JSON.stringify(m), () => `ARP round trip ${JSON.stringify(m)} → ${JSON.stringify(again)}`);
}

/** NAT both ways on a copy: checksums that verified still verify; nothing but address, port and checksums changes. */
function checkNat(input: Uint8Array): void {
  const v = ipv4At(input, 0, input.length);
  if (v === undefined || (v.proto !== TCP && v.proto !== UDP) || v.fragment || v.total - v.ihl < (v.proto === TCP ? 20 : 8)) return;
  const l4Ok = l4ChecksumOk(input, 0, v);
  for (const dir of [rewriteDestination, rewriteSource]) {
    const b = input.slice();
    dir(b, 0, v.ihl, v.proto, false, 0xc6130211, 8080);
    const after = ipv4At(b, 0, b.length)!;
    expectThat(after.headerOk === v.headerOk, () => `NAT changed header checksum validity ${v.headerOk} → ${after.headerOk}`);
    expectThat(l4ChecksumOk(b, 0, after) === l4Ok, () => `NAT changed L4 checksum validity ${l4Ok} → ${!l4Ok}`);
    for (let i = 0; i < b.length; i++) {
      const field = (i >= 10 && i < 20) || (i >= v.ihl && i < v.ihl + 4) || i === v.ihl + (v.proto === TCP ? 16 : 6) || i === v.ihl + (v.proto === TCP ? 17 : 7);
      expectThat(field || b[i] === input[i], () => `NAT changed byte ${i}`);
    }
  }
}

function checkMss(input: Uint8Array): void {
  const v = ipv4At(input, 0, input.length);
  const thl = v && tcpHeaderAt(input, 0, v);
  if (v === undefined || thl === undefined) return;
  const l4Ok = l4ChecksumOk(input, 0, v);
  const b = input.slice();
  clampMss(b, v.ihl, 536, false);
  const after = ipv4At(b, 0, b.length)!;
  expectThat(l4ChecksumOk(b, 0, after) === l4Ok, () => 'MSS clamping changed L4 checksum validity');
  for (let i = 0; i < b.length; i++) {
    const inOptions = i >= v.ihl + 20 && i < v.ihl + thl;
    expectThat(inOptions || i === v.ihl + 16 || i === v.ihl + 17 || b[i] === input[i], () => `MSS clamping changed byte ${i} outside the options`);
  }
}

function checkSegments(input: Uint8Array): void {
  const v = ipv4At(input, 0, input.length);
  const thl = v && tcpHeaderAt(input, 0, v);
  if (v === undefined || thl === undefined || v.fragment) return;
  const { ip } = load(input.subarray(0, v.total));
  const end = ip + v.total;
  const mss = 536;
  const n = tcpSegmentCount(arena, ip, end, mss);
  const payload = v.total - v.ihl - thl;
  expectThat(n === Math.max(1, Math.ceil(payload / mss)), () => `${n} segments for ${payload} payload bytes`);
  let at = 0;
  let carried = 0;
  for (let i = 0; i < n; i++) {
    const len = writeTcpSegment(arena, ip, end, mss, i, scratch, at);
    const s = ipv4At(scratch, at, at + len);
    expectThat(s !== undefined && s.total === len && len <= v.ihl + thl + mss, () => `segment ${i} of ${len} bytes is not a well-formed packet`);
    expectThat(s!.headerOk && l4ChecksumOk(scratch, at, s!), () => `segment ${i} checksum does not verify`);
    expectThat(scratch.subarray(at + v.ihl + thl, at + len).equals(arena.subarray(ip + v.ihl + thl + carried, ip + v.ihl + thl + carried + len - v.ihl - thl)), () => `segment ${i} payload differs`);
    carried += len - v.ihl - thl;
    at += len;
  }
  expectThat(carried === payload, () => `segments carry ${carried} of ${payload} payload bytes`);
}

function checkFragments(input: Uint8Array): void {
  const v = ipv4At(input, 0, input.length);
  // A fragment whose offset plus length passes 65535 cannot exist (RFC 791); the engine fragments only headers it built.
  if (v === undefined || v.total - v.ihl === 0 || (u16(input, 6) & 0x1fff) * 8 + v.total - v.ihl > 65535) return;
  const { ip } = load(input.subarray(0, v.total));
  const end = ip + v.total;
  const mtu = 576;
  const n = fragmentCount(arena, ip, end, mtu);
  let at = 0;
  let carried = 0;
  const baseOffset = (u16(input, 6) & 0x1fff) * 8;
  for (let i = 0; i < n; i++) {
    const len = writeFragment(arena, ip, end, mtu, i, scratch, at);
    const f = ipv4At(scratch, at, at + len);
    expectThat(f !== undefined && f.total === len && len <= mtu && f.headerOk, () => `fragment ${i} of ${len} bytes is not a well-formed packet within the MTU`);
    expectThat(((u16(scratch, at + 6) & 0x1fff) * 8) === baseOffset + carried, () => `fragment ${i} offset ${(u16(scratch, at + 6) & 0x1fff) * 8}, expected ${baseOffset + carried}`);
    carried += len - v.ihl;
    at += len;
  }
  expectThat(carried === v.total - v.ihl, () => `fragments carry ${carried} of ${v.total - v.ihl} bytes`);
}

function setU16(b: Uint8Array, at: number, v: number): void {
  b[at] = (v >>> 8) & 0xff;
  b[at + 1] = v & 0xff;
}

/** Repairs so mutated packets get past the well-formedness gates: total length, then checksums. */
export const ipv4Fixups: readonly ((b: Uint8Array) => Uint8Array)[] = [
  (b) => {
    if (b.length >= 20) setU16(b, 2, b.length);
    return b;
  },
  (b) => {
    const v = ipv4At(b, 0, b.length);
    if (v === undefined) return b;
    setU16(b, 10, 0);
    let s = 0;
    for (let i = 0; i < v.ihl; i += 2) s += u16(b, i);
    while (s > 0xffff) s = (s & 0xffff) + (s >>> 16);
    setU16(b, 10, ~s & 0xffff);
    return b;
  },
  (b) => {
    const v = ipv4At(b, 0, b.length);
    if (v === undefined || (v.proto !== TCP && v.proto !== UDP) || v.total - v.ihl < (v.proto === TCP ? 20 : 8)) return b;
    const field = v.ihl + (v.proto === TCP ? 16 : 6);
    setU16(b, field, 0);
    let s = v.proto + v.total - v.ihl;
    for (let i = 12; i < 20; i += 2) s += u16(b, i);
    for (let i = v.ihl; i < v.total; i += 2) s += i + 1 < v.total ? u16(b, i) : b[i]! << 8;
    while (s > 0xffff) s = (s & 0xffff) + (s >>> 16);
    setU16(b, field, ~s & 0xffff || (v.proto === UDP ? 0xffff : 0));
    return b;
  },
];

export const packetDictionary: readonly Uint8Array[] = [
  new Uint8Array([0x45, 0x00]),
  new Uint8Array([0x4f]),
  new Uint8Array([0x46]),
  new Uint8Array([0x40, 0x00]), // DF
  new Uint8Array([0x20, 0x00]), // MF
  new Uint8Array([0x08, 0x00]),
  new Uint8Array([0x86, 0xdd]),
  new Uint8Array([0x08, 0x06]),
  new Uint8Array([0x00, 0x01, 0x08, 0x00, 0x06, 0x04]), // ARP for IPv4 over Ethernet
  new Uint8Array([0x02, 0x04, 0x05, 0xb4]), // MSS 1460
  new Uint8Array([0x01, 0x01, 0x00]),
  new Uint8Array([0xb0, 0x00, 0x08, 0x00]), // GRE with checksum, key and sequence
  new Uint8Array([0xc6, 0x13, 0x01, 0x64]), // the fuzz VIPs 198.19.1.100…
  new Uint8Array([0xc6, 0x13, 0x01, 0x65]),
  new Uint8Array([0xc6, 0x13, 0x01, 0x67]),
  new Uint8Array([0xc6, 0x13, 0x02, 0x0b]), // a real server 198.19.2.11
  ascii('GET / HTTP/1.1\r\n'),
];

export const lvsPacketTarget: FuzzTarget = {
  name: 'lvs-packet',
  title: 'LVS packet layer: decapsulate, readArp, NAT rewrite, clampMss, TCP segmentation, fragmentation',
  maxLength: 4096,
  dictionary: packetDictionary,
  fixups: ipv4Fixups,
  check(input) {
    checkDecapsulate(input);
    checkArp(input);
    checkNat(input);
    checkMss(input);
    checkSegments(input);
    checkFragments(input);
  },
};
