// The LVS engine's ingress (LvsEngine.handle through reference/lvs/index.ts) on arbitrary frames: a fresh
// engine per input with NAT, DR and TUN (IPIP and GRE, small MTU) services, real servers' MACs known.
// An input is one or more frames split by SEPARATOR, each [meta byte][10-byte virtio header][Ethernet frame];
// meta bit 0 is the link (outside/inside), bits 1–7 the packet type (0x80: truncated).
// Properties: handle never throws; every frame sent lies in the arena and holds at least the link headers;
// an IPv4 frame sent carries a packet no longer than the frame and (TUN) no longer than the tunnel MTU;
// headers the engine built verify, and checksums that verified on the way in still verify on the way out.
import { lvs } from '../../../reference/index.ts';
import { expectThat, type FuzzTarget } from '../target.ts';
import { ipv4At, l4ChecksumOk, tcpHeaderAt, u16 } from './packet-checks.ts';
import { ipv4Fixups, packetDictionary } from './lvs-packet.ts';
const {
  LINK_INSIDE,
  LINK_OUTSIDE,
  LvsEngine,
  Output,
  VNET_F_NEEDS_CSUM,
  VNET_HDR_LEN,
  parseIPv4,
  parseLvsConfig,
  parseMac,
} = lvs;
type LvsConfig = lvs.LvsConfig;
type Link = lvs.Link;
type LvsEngine = lvs.LvsEngine;

export const SEPARATOR = new Uint8Array([0xf0, 0x0d, 0xfa, 0xce]);
const PREFIX = VNET_HDR_LEN + 14;
const TUN_MTU = 576;
const SLOT = 70_000;
const HEADROOM = 64;
export const LB_OUT: Link = { name: 'out0', mac: parseMac('02:00:00:00:00:02'), ipv4: parseIPv4('198.19.1.2') };
export const LB_IN: Link = { name: 'in0', mac: parseMac('02:00:00:00:01:01'), ipv4: parseIPv4('198.19.2.1') };
export const REAL_SERVERS = ['198.19.2.11', '198.19.2.12'];
const RS_MAC = new Uint8Array([0x02, 0, 0, 0, 0x02, 0x11]);

const config: LvsConfig = parseLvsConfig(
  {
    interfaces: { outside: 'out0', inside: 'in0' },
    conntrack: { maxFlows: 64 },
    services: [
      { name: 'nat', mode: 'nat', vip: '198.19.1.100', port: 80, backends: REAL_SERVERS.map((a, i) => ({ id: `n${i}`, address: `${a}:8080` })) },
      { name: 'nat-udp', mode: 'nat', vip: '198.19.1.100', port: 53, protocol: 'udp', algorithm: { name: 'sh' }, backends: REAL_SERVERS.map((a, i) => ({ id: `u${i}`, address: `${a}:5353` })) },
      { name: 'dr', mode: 'dr', vip: '198.19.1.101', port: 0, protocol: 'any', backends: REAL_SERVERS.map((a, i) => ({ id: `d${i}`, address: a })) },
      { name: 'ipip', mode: 'tun', vip: '198.19.1.102', port: 80, tunnel: { encapsulation: 'ipip', mtu: TUN_MTU }, backends: REAL_SERVERS.map((a, i) => ({ id: `i${i}`, address: a })) },
      { name: 'gre', mode: 'tun', vip: '198.19.1.103', port: 0, protocol: 'any', persistence: { timeout: 60_000 }, tunnel: { encapsulation: 'gre', mtu: TUN_MTU }, backends: REAL_SERVERS.map((a, i) => ({ id: `g${i}`, address: a })) },
    ],
  },
  'fuzz',
);

const arena = Buffer.alloc(SLOT + 4_000_000);
const out = new Output(arena, 2, SLOT, 4096, (o) => o.reset());

/** The frames of one input: [meta, vnet+frame] each. */
export function splitFrames(input: Uint8Array): { link: number; pktType: number; bytes: Uint8Array }[] {
  const frames: { link: number; pktType: number; bytes: Uint8Array }[] = [];
  let from = 0;
  for (let i = 0; i <= input.length; i++) {
    const atSep = i + SEPARATOR.length <= input.length && input[i] === SEPARATOR[0] && input[i + 1] === SEPARATOR[1] && input[i + 2] === SEPARATOR[2] && input[i + 3] === SEPARATOR[3];
    if (!atSep && i < input.length) continue;
    const part = input.subarray(from, i);
    if (part.length > 0) frames.push({ link: part[0]! & 1, pktType: part[0]! >>> 1, bytes: part.subarray(1) });
    from = i + SEPARATOR.length;
    i += SEPARATOR.length - 1;
    if (frames.length === 8) break;
  }
  return frames;
}

interface InputFacts {
  headerOk: boolean;
  l4Ok: boolean;
  /** The input packet's IPv4 total length. */
  total: number;
}

function factsOf(bytes: Uint8Array): InputFacts | undefined {
  const v = ipv4At(bytes, PREFIX, bytes.length);
  if (v === undefined) return undefined;
  const partial = (bytes[0]! & VNET_F_NEEDS_CSUM) !== 0;
  return { headerOk: v.headerOk, l4Ok: !partial && !v.fragment && l4ChecksumOk(bytes, PREFIX, v), total: v.total };
}

let framesChecked = 0;
/** IPv4 frames the engine sent and the checks looked at so far (ARP not counted): a test keeps the
 *  properties from holding vacuously. */
export function sentFramesChecked(): number {
  return framesChecked;
}

function checkSent(facts: InputFacts | undefined): void {
  for (const link of [LINK_OUTSIDE, LINK_INSIDE]) {
    const q = out.queues[link]!;
    for (let i = 0; i < q.count; i++) checkFrame(q.offsets[i]!, q.lengths[i]!, facts);
  }
}

function checkFrame(at: number, length: number, facts: InputFacts | undefined): void {
  expectThat(at + length <= arena.length && length >= PREFIX, () => `frame [${at}, +${length}) outside the arena or shorter than its link headers`);
  const type = u16(arena, at + VNET_HDR_LEN + 12);
  if (type === 0x0806) return expectThat(length === VNET_HDR_LEN + 42, () => `ARP frame of ${length} bytes`);
  expectThat(type === 0x0800, () => `sent a frame of ethertype ${type.toString(16)}`);
  framesChecked++;
  const ip = at + PREFIX;
  const end = at + length;
  const total = u16(arena, ip + 2);
  expectThat(end - ip >= 20 && total <= end - ip, () => `sent an IPv4 packet of ${total} bytes in ${end - ip} bytes of frame`);
  const proto = arena[ip + 9]!;
  const src = ((arena[ip + 12]! << 24) | (arena[ip + 13]! << 16) | (arena[ip + 14]! << 8) | arena[ip + 15]!) >>> 0;
  const tunnelled = (proto === 4 || proto === 47) && src === LB_IN.ipv4;
  if (!tunnelled) {
    if (facts === undefined) return;
    const v = ipv4At(arena, ip, end);
    expectThat(!facts.headerOk || (v !== undefined && v.headerOk), () => 'a valid IPv4 header checksum was broken on the way through');
    expectThat(!facts.l4Ok || v === undefined || v.fragment || l4ChecksumOk(arena, ip, v), () => 'a valid L4 checksum was broken on the way through');
    return;
  }
  const outer = ipv4At(arena, ip, end);
  expectThat(outer !== undefined && outer.headerOk && outer.total === end - ip, () => 'a tunnel header the engine built does not verify or does not match the frame');
  expectThat(end - ip <= TUN_MTU, () => `a tunnelled packet of ${end - ip} bytes exceeds the tunnel MTU ${TUN_MTU}`);
  const fragment = (u16(arena, ip + 6) & 0x3fff) !== 0;
  if (fragment || facts === undefined) return;
  const innerAt = ip + outer!.ihl + (proto === 47 ? 4 : 0);
  const inner = ipv4At(arena, innerAt, end);
  expectThat(!facts.headerOk || (inner !== undefined && inner.headerOk), () => 'an inner IPv4 header checksum does not verify');
  if (inner === undefined || inner.fragment || (inner.proto !== 6 && inner.proto !== 17)) return;
  const segmented = inner.total < facts.total;
  if (inner.proto === 6 && segmented) {
    expectThat(tcpHeaderAt(arena, innerAt, inner) !== undefined, () => 'a TCP segment the engine built has no complete TCP header');
    expectThat(l4ChecksumOk(arena, innerAt, inner), () => 'a TCP segment the engine built does not verify');
  }
}

export const lvsEngineTarget: FuzzTarget = {
  name: 'lvs-engine',
  title: 'LVS engine ingress: LvsEngine.handle on arbitrary frames (NAT, DR, TUN ipip/gre), sent frames checked',
  maxLength: 8192,
  dictionary: [SEPARATOR, ...packetDictionary, new Uint8Array([0x02, 0x00, 0x00, 0x00, 0x00, 0x02]), new Uint8Array([0x01, 0x01]), new Uint8Array([0x00, 0x00, 0x00, 0x00])],
  fixups: ipv4Fixups.map((fix) => (b: Uint8Array) => {
    // the repairs address the first frame's IPv4 packet, after meta + virtio + Ethernet
    const head = 1 + PREFIX;
    if (b.length <= head) return b;
    const sep = indexOfSeparator(b);
    const pkt = fix(b.slice(head, sep));
    b.set(pkt, head);
    return b;
  }),
  check(input) {
    const engine = freshEngine();
    for (const f of splitFrames(input)) {
      out.reset();
      arena.set(f.bytes, HEADROOM);
      arena.fill(0xa5, HEADROOM + f.bytes.length, HEADROOM + f.bytes.length + 128);
      engine.handle(out, HEADROOM, f.bytes.length, f.link, f.pktType);
      checkSent(factsOf(f.bytes));
    }
  },
};

// A new LvsEngine allocates a conntrack table with per-server counters (~300 KiB): one per input would
// spend most of the run in the garbage collector. So one engine is reused and brought back to a fresh
// state before each input: the clock jumps past every timeout and a tick expires all flows and
// persistence templates; the neighbour table (shared by the engine's transmit and control, so cleared in
// place, never replaced) forgets everything and learns only the real servers.
// What carries over (scheduler positions, IP ids, counters) changes no property checked here.
const clock = { now: 1000 };
let shared: LvsEngine | undefined;

function freshEngine(): LvsEngine {
  shared ??= new LvsEngine(config, [LB_OUT, LB_IN], { now: () => clock.now, rng: () => 0.25 });
  clock.now += 1e9;
  shared.tick(clock.now, 1 << 20);
  const neighbours = shared.neighbours;
  neighbours.clear();
  for (const ip of [...REAL_SERVERS.map(parseIPv4), parseIPv4('198.19.1.10')]) neighbours.learn(ip, RS_MAC, 0, clock.now);
  return shared;
}

function indexOfSeparator(b: Uint8Array): number {
  for (let i = 0; i + 3 < b.length; i++) if (b[i] === 0xf0 && b[i + 1] === 0x0d && b[i + 2] === 0xfa && b[i + 3] === 0xce) return i;
  return b.length;
}
