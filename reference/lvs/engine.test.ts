import { describe, expect, it } from 'vitest';
import { parseLvsConfig } from '../config/lvs.ts';
import { InvalidServerError, LINK_INSIDE, LINK_OUTSIDE, LvsEngine, UnknownServerError, UnknownServiceError, type Link } from './engine.ts';
import { Output } from './output.ts';
import { ARP_FRAME_LEN, ARP_REPLY, BROADCAST_MAC, arpRequest, readArp, writeArpFrame } from './packet/arp.ts';
import { checksum, fold, sumWords, write16 } from './packet/checksum.ts';
import { decapsulate } from './packet/encap.ts';
import { ETH_HDR_LEN, formatMac, parseMac } from './packet/ethernet.ts';
import { PROTO_IPIP, PROTO_UDP, formatIPv4, ipDestination, ipProtocol, ipSource, ipTotalLength, ipv4HeaderValid, packetPseudoHeaderSum, parseIPv4 } from './packet/ipv4.ts';
import { destinationPort, sourcePort, tcpSequence } from './packet/l4.ts';
import { GSO_TCPV4, VNET_F_NEEDS_CSUM, VNET_HDR_LEN, writeVnet } from './packet/vnet.ts';
import { bytes, ethFrame, ipPacket, type SegmentSpec } from './packet/fixtures.test-helpers.ts';

const LB_OUT: Link = { name: 'out0', mac: parseMac('02:00:00:00:00:02'), ipv4: parseIPv4('198.19.1.2') };
const LB_IN: Link = { name: 'in0', mac: parseMac('02:00:00:00:01:01'), ipv4: parseIPv4('198.19.2.1') };
const CLIENT_MAC = '02:00:00:00:00:10';
const RS_MAC: Record<string, string> = { '198.19.2.11': '02:00:00:00:02:11', '198.19.2.12': '02:00:00:00:02:12' };
const SLOT = 70_000;
const HEADROOM = 64;

function service(mode: string, extra: Record<string, unknown> = {}) {
  return {
    name: 'svc',
    mode,
    vip: '198.19.1.100',
    port: 80,
    backends: [
      { id: 'rs1', address: mode === 'nat' ? '198.19.2.11:8080' : '198.19.2.11' },
      { id: 'rs2', address: mode === 'nat' ? '198.19.2.12:8080' : '198.19.2.12' },
    ],
    ...extra,
  };
}

class Rig {
  readonly arena = Buffer.alloc(SLOT * 2 + 4_000_000);
  readonly out = new Output(this.arena, 2, SLOT * 2);
  readonly engine: LvsEngine;
  now = 1000;
  /** `resolved: false` starts with no real server's MAC known (the engine's first moments). */
  constructor(svc: Record<string, unknown>, conntrack: Record<string, unknown> = {}, { resolved = true } = {}) {
    const config = parseLvsConfig({ interfaces: { outside: 'out0', inside: 'in0' }, conntrack, services: [svc] }, 'test');
    this.engine = new LvsEngine(config, [LB_OUT, LB_IN], { now: () => this.now, rng: () => 0.5 });
    if (resolved) for (const [ip, mac] of Object.entries(RS_MAC)) this.arp(ARP_REPLY, ip, mac, LINK_INSIDE);
    this.out.reset();
  }

  /** Puts a frame (virtio header + Ethernet) in receive slot 0 and hands it to the engine. */
  receive(frame: Uint8Array, link: number, vnet?: Parameters<typeof writeVnet>[2], pktType = 0): void {
    this.out.reset();
    const start = HEADROOM;
    this.arena.fill(0, start, start + VNET_HDR_LEN);
    if (vnet) writeVnet(this.arena, start, vnet);
    this.arena.set(frame, start + VNET_HDR_LEN);
    this.engine.handle(this.out, start, VNET_HDR_LEN + frame.length, link, pktType);
  }

  arp(op: number, senderIp: string, senderMac: string, link: number, targetIp = '198.19.2.1'): void {
    const frame = new Uint8Array(ARP_FRAME_LEN);
    const req = arpRequest(parseMac(senderMac), parseIPv4(senderIp), parseIPv4(targetIp));
    writeArpFrame(frame, 0, op === ARP_REPLY ? LB_IN.mac : BROADCAST_MAC, op === ARP_REPLY ? { ...req, op } : req);
    this.receive(frame, link);
  }

  fromClient(spec: SegmentSpec, vnet?: Parameters<typeof writeVnet>[2]): void {
    this.receive(ethFrame(ipPacket(spec), formatMac(LB_OUT.mac), CLIENT_MAC), LINK_OUTSIDE, vnet);
  }

  /** Frames sent on `link`, as copies (without the virtio header). */
  sent(link: number): Uint8Array[] {
    const q = this.out.queues[link]!;
    return Array.from({ length: q.count }, (_, i) => Uint8Array.from(this.arena.subarray(q.offsets[i]! + VNET_HDR_LEN, q.offsets[i]! + q.lengths[i]!)));
  }

  only(link: number): Uint8Array {
    const frames = this.sent(link);
    expect(frames.length).toBe(1);
    expect(this.out.queues[1 - link]!.count).toBe(0);
    return frames[0]!;
  }
}

const ip = (frame: Uint8Array) => frame.subarray(ETH_HDR_LEN);
const l4Valid = (p: Uint8Array) => checksum(p, 20, ipTotalLength(p, 0), packetPseudoHeaderSum(p, 0, ipTotalLength(p, 0) - 20)) === 0;
const dstMac = (f: Uint8Array) => formatMac(f, 0);
const srcMac = (f: Uint8Array) => formatMac(f, 6);

describe('LVS engine: ARP', () => {
  it('answers who-has for the VIP on the outside link with its own MAC, and nothing else', () => {
    const rig = new Rig(service('dr'));
    rig.arp(1, '198.19.1.10', CLIENT_MAC, LINK_OUTSIDE, '198.19.1.100');
    const reply = readArp(rig.only(LINK_OUTSIDE), ETH_HDR_LEN, ARP_FRAME_LEN)!;
    expect(reply.op).toBe(ARP_REPLY);
    expect(formatIPv4(reply.senderIp)).toBe('198.19.1.100');
    expect(formatMac(reply.senderMac)).toBe(formatMac(LB_OUT.mac));
    rig.arp(1, '198.19.1.10', CLIENT_MAC, LINK_OUTSIDE, '198.19.1.55');
    expect(rig.out.pending).toBe(0);
  });

  it('names the field of an unknown algorithm in a config that skipped the parser', () => {
    const config = parseLvsConfig({ interfaces: { outside: 'out0' }, services: [service('dr')] }, 'test');
    const handBuilt = { ...config, services: [{ ...config.services[0]!, algorithm: { name: 'nope' } }] };
    expect(() => new LvsEngine(handBuilt, [LB_OUT, LB_OUT], { now: () => 0, rng: () => 0 })).toThrow(/^services\.svc\.algorithm: unknown algorithm "nope"$/);
  });

  it('asks for real servers it cannot reach yet, with a zeroed virtio header', () => {
    const config = parseLvsConfig({ interfaces: { outside: 'out0' }, services: [service('dr')] }, 'test');
    const engine = new LvsEngine(config, [LB_OUT, LB_OUT], { now: () => 0, rng: () => 0 });
    const arena = Buffer.alloc(10_000);
    const out = new Output(arena, 2, 0);
    arena.fill(0xee);
    expect(engine.resolveNeighbours(out, 0)).toBe(2);
    const q = out.queues[LINK_OUTSIDE]!;
    expect(q.count).toBe(2);
    expect([...arena.subarray(q.offsets[0]!, q.offsets[0]! + VNET_HDR_LEN)]).toEqual(new Array(10).fill(0));
    const req = readArp(arena, q.offsets[0]! + VNET_HDR_LEN + ETH_HDR_LEN, q.offsets[0]! + q.lengths[0]!)!;
    expect(formatIPv4(req.targetIp)).toBe('198.19.2.11');
    expect(formatIPv4(req.senderIp)).toBe('198.19.1.2');
  });
});

describe('LVS engine: DR', () => {
  it('rewrites only the MACs, keeps each flow on one server and spreads new flows (rr)', () => {
    const rig = new Rig(service('dr'));
    const original = ipPacket({ flags: 0x02 });
    rig.fromClient({ flags: 0x02 });
    const f = rig.only(LINK_OUTSIDE);
    expect(srcMac(f)).toBe(formatMac(LB_OUT.mac));
    const first = dstMac(f);
    expect(Object.values(RS_MAC)).toContain(first);
    expect(Buffer.from(ip(f))).toEqual(Buffer.from(original)); // IP packet untouched, TTL included
    for (let i = 0; i < 3; i++) {
      rig.fromClient({ flags: 0x10, seq: 2000 + i });
      expect(dstMac(rig.only(LINK_OUTSIDE))).toBe(first);
    }
    rig.fromClient({ flags: 0x02, sport: 40001 });
    expect(dstMac(rig.only(LINK_OUTSIDE))).not.toBe(first);
    expect(rig.engine.stats.forwarded.dr).toBe(5);
  });

  it('drops mid-stream TCP without a flow, frames for other hosts, and unknown ports', () => {
    const rig = new Rig(service('dr'));
    rig.fromClient({ flags: 0x10 });
    rig.receive(ethFrame(ipPacket({ flags: 0x02 })), LINK_OUTSIDE, undefined, 3);
    rig.fromClient({ flags: 0x02, dport: 81 });
    expect(rig.out.pending).toBe(0);
    expect(rig.engine.stats.dropped).toMatchObject({ noFlow: 1, notForUs: 1, noService: 1 });
  });

  it('forwards any IP protocol unchanged for protocol "any" on port 0 (e.g. SCTP)', () => {
    const rig = new Rig(service('dr', { port: 0, protocol: 'any' }));
    const sctp = ipPacket({ protocol: 132, payload: bytes(40) });
    rig.receive(ethFrame(sctp, formatMac(LB_OUT.mac), CLIENT_MAC), LINK_OUTSIDE);
    expect(Buffer.from(ip(rig.only(LINK_OUTSIDE)))).toEqual(Buffer.from(sctp));
  });

  it('weight 0 quiesces: existing flows continue, new ones go elsewhere', () => {
    const rig = new Rig(service('dr'));
    rig.fromClient({ flags: 0x02, sport: 1 });
    const firstMac = dstMac(rig.only(LINK_OUTSIDE));
    const firstId = firstMac === RS_MAC['198.19.2.11'] ? 'rs1' : 'rs2';
    rig.engine.setWeight('svc', firstId, 0);
    rig.fromClient({ flags: 0x10, sport: 1 });
    expect(dstMac(rig.only(LINK_OUTSIDE))).toBe(firstMac);
    for (let p = 2; p < 6; p++) {
      rig.fromClient({ flags: 0x02, sport: p });
      expect(dstMac(rig.only(LINK_OUTSIDE))).not.toBe(firstMac);
    }
  });

  it('a SYN reusing a closed connection\'s port is scheduled afresh; a retransmitted SYN is not', () => {
    const rig = new Rig(service('dr'));
    rig.fromClient({ flags: 0x02, sport: 5 });
    const first = dstMac(rig.only(LINK_OUTSIDE));
    rig.fromClient({ flags: 0x02, sport: 5 });
    expect(dstMac(rig.only(LINK_OUTSIDE))).toBe(first);
    rig.fromClient({ flags: 0x10, sport: 5 });
    rig.fromClient({ flags: 0x11, sport: 5 }); // FIN: the connection closes, its flow lingers
    rig.fromClient({ flags: 0x02, sport: 5 });
    expect(dstMac(rig.only(LINK_OUTSIDE))).not.toBe(first); // rr: the next server
    expect(rig.engine.conntrack.counters.recycled).toBe(1);
    expect(rig.engine.conntrack.size).toBe(1);
  });

  it('a new connection never follows an old flow on the same port to a server that is down', () => {
    const rig = new Rig(service('dr'));
    rig.fromClient({ flags: 0x02, sport: 6 });
    const first = dstMac(rig.only(LINK_OUTSIDE));
    rig.fromClient({ flags: 0x10, sport: 6 });
    rig.engine.setUsable('svc', first === RS_MAC['198.19.2.11'] ? 'rs1' : 'rs2', false);
    rig.fromClient({ flags: 0x10, sport: 6, seq: 2001 });
    expect(dstMac(rig.only(LINK_OUTSIDE))).toBe(first); // its established flow continues
    rig.fromClient({ flags: 0x02, sport: 6 });
    expect(dstMac(rig.only(LINK_OUTSIDE))).not.toBe(first);
  });

  it('removed server, expire: its flows are dropped at once; reschedule: moved to another server', () => {
    for (const policy of ['expire', 'reschedule'] as const) {
      const rig = new Rig(service('dr', { protocol: 'udp' }), { removedServer: policy });
      rig.fromClient({ protocol: PROTO_UDP, sport: 7 });
      const firstMac = dstMac(rig.only(LINK_OUTSIDE));
      rig.engine.removeServer('svc', firstMac === RS_MAC['198.19.2.11'] ? 'rs1' : 'rs2');
      if (policy === 'expire') expect(rig.engine.conntrack.size).toBe(0);
      rig.fromClient({ protocol: PROTO_UDP, sport: 7 });
      const next = dstMac(rig.only(LINK_OUTSIDE));
      expect(next).not.toBe(firstMac);
      expect(rig.engine.conntrack.size).toBe(1);
    }
  });

  it('persistence with a /24 netmask keeps a client network on one server across flows', () => {
    const rig = new Rig(service('dr', { persistence: { timeout: '5m', netmask: 24 } }));
    const macs = new Set<string>();
    for (let host = 10; host < 16; host++) {
      rig.fromClient({ flags: 0x02, src: `198.19.1.${host}`, sport: 1000 + host });
      macs.add(dstMac(rig.only(LINK_OUTSIDE)));
    }
    expect(macs.size).toBe(1);
    rig.fromClient({ flags: 0x02, src: '198.19.9.10' });
    rig.fromClient({ flags: 0x02, src: '198.19.8.10' });
    // rr without persistence would alternate; two fresh networks still get picks from the scheduler.
    expect(rig.engine.stats.forwarded.dr).toBe(8);
  });

  it('counts flows refused when the table is full', () => {
    const rig = new Rig(service('dr', { protocol: 'udp' }), { maxFlows: 2 });
    for (let p = 0; p < 3; p++) rig.fromClient({ protocol: PROTO_UDP, sport: p });
    expect(rig.engine.stats.dropped.tableFull).toBe(1);
    rig.engine.tick(rig.now);
    expect(rig.engine.stats.tableFull).toBe(1);
  });
});

describe('LVS engine: NAT', () => {
  it('rewrites VIP:80 → RS:8080 inbound and RS → VIP:80 outbound with valid checksums and right MACs', () => {
    const rig = new Rig(service('nat'));
    rig.fromClient({ flags: 0x02, payload: bytes(100) });
    const f = rig.only(LINK_INSIDE);
    const p = ip(f);
    const rsIp = formatIPv4(ipDestination(p, 0));
    expect(RS_MAC[rsIp]).toBe(dstMac(f));
    expect(srcMac(f)).toBe(formatMac(LB_IN.mac));
    expect(destinationPort(p, 20)).toBe(8080);
    expect(formatIPv4(ipSource(p, 0))).toBe('198.19.1.10'); // the real client, preserved
    expect(p[8]).toBe(63);
    expect(ipv4HeaderValid(p, 0)).toBe(true);
    expect(l4Valid(p)).toBe(true);

    const reply = ipPacket({ src: rsIp, dst: '198.19.1.10', sport: 8080, dport: 40000, flags: 0x12, payload: bytes(50) });
    rig.receive(ethFrame(reply, formatMac(LB_IN.mac), RS_MAC[rsIp]), LINK_INSIDE);
    const back = rig.only(LINK_OUTSIDE);
    expect(dstMac(back)).toBe(CLIENT_MAC);
    expect(srcMac(back)).toBe(formatMac(LB_OUT.mac));
    expect(formatIPv4(ipSource(ip(back), 0))).toBe('198.19.1.100');
    expect(sourcePort(ip(back), 20)).toBe(80);
    expect(ipv4HeaderValid(ip(back), 0)).toBe(true);
    expect(l4Valid(ip(back))).toBe(true);
    expect(rig.engine.stats.forwarded).toMatchObject({ nat: 1, natReplies: 1 });
  });

  it('updates partial (offloaded) checksums with the partial formula', () => {
    const rig = new Rig(service('nat'));
    const p = ipPacket({ flags: 0x02, payload: bytes(500) });
    write16(p, 36, fold(packetPseudoHeaderSum(p, 0, p.length - 20)));
    rig.receive(ethFrame(p, formatMac(LB_OUT.mac), CLIENT_MAC), LINK_OUTSIDE, { flags: VNET_F_NEEDS_CSUM, gsoType: 0, hdrLen: 0, gsoSize: 0, csumStart: 34, csumOffset: 16 });
    const out = ip(rig.only(LINK_INSIDE));
    // Finish it as the kernel would: sum the L4 segment with the field in place, complement.
    write16(out, 36, ~fold(sumWords(out, 20, out.length)) & 0xffff);
    expect(l4Valid(out)).toBe(true);
  });

  it('ignores replies that belong to no flow', () => {
    const rig = new Rig(service('nat'));
    rig.receive(ethFrame(ipPacket({ src: '198.19.2.11', dst: '198.19.1.10', sport: 8080, dport: 1 })), LINK_INSIDE);
    expect(rig.out.pending).toBe(0);
    expect(rig.engine.stats.dropped.notForUs).toBe(1);
  });
});

describe('LVS engine: TUN', () => {
  for (const encapsulation of ['ipip', 'gre'] as const) {
    it(`${encapsulation}: wraps the client packet for the real server; the inner packet is untouched`, () => {
      const rig = new Rig(service('tun', { tunnel: { encapsulation, mtu: 1500 } }));
      const inner = ipPacket({ flags: 0x02, payload: bytes(200) });
      rig.fromClient({ flags: 0x02, payload: bytes(200) });
      const f = rig.only(LINK_INSIDE);
      const outer = ip(f);
      expect(ipv4HeaderValid(outer, 0)).toBe(true);
      expect(formatIPv4(ipSource(outer, 0))).toBe('198.19.2.1');
      expect(RS_MAC[formatIPv4(ipDestination(outer, 0))]).toBe(dstMac(f));
      if (encapsulation === 'ipip') expect(ipProtocol(outer, 0)).toBe(PROTO_IPIP);
      const d = decapsulate(outer, 0, outer.length)!;
      expect(Buffer.from(outer.subarray(d.inner, d.end))).toEqual(Buffer.from(inner));
    });
  }

  it('re-segments a GSO super-frame so every tunnelled packet fits the MTU, with finished checksums', () => {
    const rig = new Rig(service('tun', { tunnel: { encapsulation: 'gre', mtu: 1500 } }));
    rig.fromClient({ flags: 0x02, sport: 5 });
    const payload = bytes(30_000, 5);
    const p = ipPacket({ flags: 0x18, sport: 5, seq: 77, payload });
    write16(p, 36, fold(packetPseudoHeaderSum(p, 0, p.length - 20))); // partial, as GSO hands it over
    rig.receive(ethFrame(p, formatMac(LB_OUT.mac), CLIENT_MAC), LINK_OUTSIDE, { flags: VNET_F_NEEDS_CSUM, gsoType: GSO_TCPV4, hdrLen: 54, gsoSize: 1448, csumStart: 34, csumOffset: 16 });
    const frames = rig.sent(LINK_INSIDE);
    expect(frames.length).toBe(Math.ceil(30_000 / (1500 - 24 - 40)));
    const got: number[] = [];
    let seq = 77;
    for (const f of frames) {
      const outer = ip(f);
      expect(outer.length).toBeLessThanOrEqual(1500);
      expect(ipv4HeaderValid(outer, 0)).toBe(true);
      const d = decapsulate(outer, 0, outer.length)!;
      const inner = outer.subarray(d.inner, d.end);
      expect(ipv4HeaderValid(inner, 0)).toBe(true);
      expect(l4Valid(inner)).toBe(true);
      expect(tcpSequence(inner, 20)).toBe(seq);
      seq += inner.length - 40;
      got.push(...inner.subarray(40));
    }
    expect(Buffer.from(got)).toEqual(Buffer.from(payload));
    expect(rig.engine.stats.tunnel.segmented).toBe(1);
  });

  it('fragments the outer header of a UDP datagram that no longer fits', () => {
    const rig = new Rig(service('tun', { protocol: 'udp', tunnel: { encapsulation: 'ipip', mtu: 1500 } }));
    const inner = ipPacket({ protocol: PROTO_UDP, payload: bytes(1472) });
    rig.fromClient({ protocol: PROTO_UDP, payload: bytes(1472) });
    const frames = rig.sent(LINK_INSIDE);
    expect(frames.length).toBe(2);
    const whole = new Uint8Array(inner.length);
    for (const f of frames) {
      const outer = ip(f);
      expect(outer.length).toBeLessThanOrEqual(1500);
      expect(ipv4HeaderValid(outer, 0)).toBe(true);
      whole.set(outer.subarray(20), (((outer[6]! << 8) | outer[7]!) & 0x1fff) * 8);
    }
    expect(Buffer.from(whole)).toEqual(Buffer.from(inner));
  });

  it('refuses a UDP super-frame (UDP_SEGMENT) instead of tunnelling it whole', () => {
    const rig = new Rig(service('tun', { protocol: 'udp' }));
    rig.fromClient({ protocol: PROTO_UDP, payload: bytes(3000) }, { flags: VNET_F_NEEDS_CSUM, gsoType: 5, hdrLen: 42, gsoSize: 1000, csumStart: 34, csumOffset: 6 });
    expect(rig.out.pending).toBe(0);
    expect(rig.engine.stats.dropped.unsupportedGso).toBe(1);
  });

  it('every scheduler in the registry can drive the engine', async () => {
    const { schedulerNames } = await import('../algorithms/index.ts');
    for (const name of schedulerNames()) {
      const rig = new Rig(service('tun', { algorithm: name, protocol: 'udp' }));
      for (let p = 0; p < 4; p++) rig.fromClient({ protocol: PROTO_UDP, sport: p });
      expect(rig.engine.stats.forwarded.tun, name).toBe(4);
      expect(rig.engine.stats.dropped.noServer, name).toBe(0);
    }
  });
});

describe('LVS engine: runtime changes (ipvsadm -a/-e/-d, the admin channel)', () => {
  const RS3 = { ip: '198.19.2.13', mac: '02:00:00:00:02:13' };
  const idOf = (mac: string) => ({ [RS_MAC['198.19.2.11']!]: 'rs1', [RS_MAC['198.19.2.12']!]: 'rs2', [RS3.mac]: 'rs3' })[mac];
  /** A new TCP flow from client port `sport`: the id of the real server it went to. */
  const connect = (rig: Rig, sport: number) => {
    rig.fromClient({ flags: 0x02, sport });
    return idOf(dstMac(rig.only(LINK_OUTSIDE)));
  };
  /** A mid-stream segment of that flow: where it went, or undefined when dropped. */
  const segment = (rig: Rig, sport: number) => {
    rig.fromClient({ flags: 0x10, sport, seq: 5000 });
    const frames = rig.sent(LINK_OUTSIDE);
    return frames.length === 0 ? undefined : idOf(dstMac(frames[0]!));
  };

  it('an added server gets no flows until its MAC is known, then takes its share; existing flows stay put', () => {
    const rig = new Rig(service('dr'));
    const before = [connect(rig, 1), connect(rig, 2)];
    const put = rig.engine.putServer('svc', 'rs3', { address: { ip: parseIPv4(RS3.ip), port: undefined }, weight: 1 });
    expect(put).toMatchObject({ added: true, previousWeight: undefined, server: { id: 'rs3', address: RS3.ip, weight: 1, usable: false, mac: null, activeFlows: 0 } });
    for (let p = 10; p < 14; p++) expect(connect(rig, p)).not.toBe('rs3');
    // The runner asks every 200 ms; the ARP request for the new server goes out on the outside link (DR).
    rig.out.reset();
    expect(rig.engine.resolveNeighbours(rig.out, rig.now)).toBe(1);
    expect(formatIPv4(readArp(rig.sent(LINK_OUTSIDE)[0]!, ETH_HDR_LEN, ARP_FRAME_LEN)!.targetIp)).toBe(RS3.ip);
    rig.arp(ARP_REPLY, RS3.ip, RS3.mac, LINK_OUTSIDE);
    const after = [20, 21, 22].map((p) => connect(rig, p));
    expect(new Set(after)).toEqual(new Set(['rs1', 'rs2', 'rs3']));
    expect([segment(rig, 1), segment(rig, 2)]).toEqual(before);
    const rs3 = rig.engine.describe()[0]!.backends.find((b) => b.id === 'rs3')!;
    expect(rs3).toMatchObject({ usable: true, mac: RS3.mac, activeFlows: 1, totalFlows: 1 });
  });

  it('an added server whose MAC is already known is usable at once; a NAT server joins the packet filter', () => {
    const rig = new Rig(service('nat'));
    rig.arp(ARP_REPLY, RS3.ip, RS3.mac, LINK_INSIDE);
    expect(rig.engine.filterAddresses().sources.map(formatIPv4).sort()).toEqual(['198.19.2.11', '198.19.2.12']);
    const put = rig.engine.putServer('svc', 'rs3', { address: { ip: parseIPv4(RS3.ip), port: 9090 }, weight: 1 });
    expect(put.server).toMatchObject({ address: `${RS3.ip}:9090`, usable: true, mac: RS3.mac });
    expect(rig.engine.filterAddresses().sources.map(formatIPv4)).toContain(RS3.ip);
    const ports = new Set<number>();
    for (let p = 1; p <= 3; p++) {
      rig.fromClient({ flags: 0x02, sport: p });
      ports.add(destinationPort(ip(rig.only(LINK_INSIDE)), 20));
    }
    expect(ports).toEqual(new Set([8080, 9090]));
    rig.engine.removeServer('svc', 'rs3');
    expect(rig.engine.filterAddresses().sources.map(formatIPv4)).not.toContain(RS3.ip);
  });

  it('weight 0 through putServer quiesces (flows continue, new ones avoid it); a weight above 0 brings it back', () => {
    const rig = new Rig(service('dr'));
    const first = connect(rig, 1)!;
    const other = first === 'rs1' ? 'rs2' : 'rs1';
    expect(rig.engine.putServer('svc', first, { weight: 0 })).toMatchObject({ added: false, previousWeight: 1, server: { weight: 0, usable: true, activeFlows: 1 } });
    for (let i = 0; i < 3; i++) expect(segment(rig, 1)).toBe(first);
    for (let p = 2; p < 6; p++) expect(connect(rig, p)).toBe(other);
    rig.engine.putServer('svc', first, { address: { ip: parseIPv4(first === 'rs1' ? '198.19.2.11' : '198.19.2.12'), port: undefined }, weight: 3 });
    expect(new Set([6, 7, 8].map((p) => connect(rig, p)))).toContain(first);
  });

  it('removal during a TCP transfer: expire drops the flow at its next segment; reschedule moves it', () => {
    for (const policy of ['expire', 'reschedule'] as const) {
      const rig = new Rig(service('dr'), { removedServer: policy });
      const first = connect(rig, 1)!;
      connect(rig, 2);
      expect(segment(rig, 1)).toBe(first);
      const removed = rig.engine.removeServer('svc', first);
      expect(removed).toEqual({ policy, flows: 1 });
      expect(rig.engine.describe()[0]!.backends.map((b) => b.id)).toEqual([first === 'rs1' ? 'rs2' : 'rs1']);
      if (policy === 'expire') {
        expect(rig.engine.conntrack.size).toBe(1);
        expect(segment(rig, 1)).toBeUndefined();
        expect(rig.engine.stats.dropped.noFlow).toBe(1); // gone already, so a mid-stream segment has no flow
      } else {
        const moved = segment(rig, 1);
        expect(moved).not.toBe(first);
        expect(segment(rig, 1)).toBe(moved);
        expect(rig.engine.describe()[0]!.backends[0]).toMatchObject({ activeFlows: 2, totalFlows: 2 });
      }
      // It is no longer resolved or asked for.
      expect(rig.engine.neighbours.isWanted(parseIPv4(first === 'rs1' ? '198.19.2.11' : '198.19.2.12'))).toBe(false);
    }
  });

  it('a removed id can be added again as a new server (fresh counters)', () => {
    const rig = new Rig(service('dr'));
    connect(rig, 1);
    connect(rig, 2);
    rig.engine.removeServer('svc', 'rs1');
    const again = rig.engine.putServer('svc', 'rs1', { address: { ip: parseIPv4('198.19.2.11'), port: undefined }, weight: 2 });
    expect(again).toMatchObject({ added: true, server: { id: 'rs1', weight: 2, usable: true, activeFlows: 0, totalFlows: 0 } });
  });

  it('health and MAC both gate an added server', () => {
    const rig = new Rig(service('dr', { health: { type: 'tcp' } }));
    rig.engine.putServer('svc', 'rs3', { address: { ip: parseIPv4(RS3.ip), port: undefined }, weight: 1 });
    rig.engine.setUsable('svc', 'rs3', false);
    rig.arp(ARP_REPLY, RS3.ip, RS3.mac, LINK_OUTSIDE);
    const view = () => rig.engine.describe()[0]!.backends.find((b) => b.id === 'rs3')!;
    expect(view()).toMatchObject({ usable: false, health: 'down', mac: RS3.mac });
    rig.engine.setUsable('svc', 'rs3', true);
    expect(view()).toMatchObject({ usable: true, health: 'up' });
  });

  it('refuses unknown services and servers, a missing or different address, and a port DR cannot use', () => {
    const rig = new Rig(service('dr'));
    const addr = { ip: parseIPv4(RS3.ip), port: undefined };
    expect(() => rig.engine.putServer('nope', 'rs3', { address: addr, weight: 1 })).toThrow(UnknownServiceError);
    expect(() => rig.engine.removeServer('svc', 'rs9')).toThrow(UnknownServerError);
    expect(() => rig.engine.removeServer('nope', 'rs1')).toThrow(UnknownServiceError);
    const invalid = (f: () => unknown) => {
      try {
        f();
      } catch (err) {
        expect(err).toBeInstanceOf(InvalidServerError);
        return (err as Error).message;
      }
      throw new Error('expected an InvalidServerError');
    };
    expect(invalid(() => rig.engine.putServer('svc', 'rs3', { weight: 1 }))).toBe('address: is required to add a real server');
    expect(invalid(() => rig.engine.putServer('svc', 'rs1', { address: addr, weight: 1 }))).toMatch(/^address: real server "rs1" is 198\.19\.2\.11; to move it/);
    expect(invalid(() => rig.engine.putServer('svc', 'rs3', { address: { ip: addr.ip, port: 81 }, weight: 1 }))).toMatch(/^address: DR cannot change the port/);
    expect(rig.engine.describe()[0]!.backends.map((b) => b.id)).toEqual(['rs1', 'rs2']);
  });
});

describe('LVS engine: schedulers and keys come from the same door as the proxies', () => {
  /** Real server ids of `n` new TCP flows from one client address (distinct source ports). */
  const spread = (rig: Rig, n: number) => {
    const counts: Record<string, number> = {};
    for (let p = 0; p < n; p++) {
      rig.fromClient({ flags: 0x02, sport: 20_000 + p });
      const mac = dstMac(rig.only(LINK_OUTSIDE));
      counts[mac] = (counts[mac] ?? 0) + 1;
    }
    return Object.values(counts).sort((a, b) => b - a);
  };

  it('maglev + boundedLoad: the wrapper applies, so one hot client key cannot put more than the cap on one server', () => {
    // Without the wrapper every flow of one source address hashes to one server (key: source-ip).
    expect(spread(new Rig(service('dr', { algorithm: { name: 'maglev', tableSize: 101 } })), 40)).toEqual([40]);
    const rig = new Rig(service('dr', { algorithm: { name: 'maglev', tableSize: 101, boundedLoad: 125 } }));
    const counts = spread(rig, 40);
    // Bounded load: a server holds at most ceil((active + 1) × 1.25 / 2) flows: 25 of 40.
    expect(counts[0]).toBeLessThanOrEqual(25);
    expect(counts.reduce((a, b) => a + b, 0)).toBe(40);
    expect(rig.engine.describe()[0]!.backends.map((b) => b.activeFlows).sort((a, b) => b - a)).toEqual(counts);
  });

  it('slowStart and boundedLoad options are checked at load time, naming the option', () => {
    const bad = (algorithm: unknown) => () => parseLvsConfig({ interfaces: { outside: 'out0' }, services: [service('dr', { algorithm })] }, 'lvs.yaml');
    expect(bad({ name: 'maglev', boundedLoad: 50 })).toThrow(/services\[0\]\.algorithm\.boundedLoad: must be between 100/);
    expect(bad({ name: 'rr', slowStart: {} })).toThrow(/services\[0\]\.algorithm\.slowStart\.windowMs: is required/);
  });

  it('dh hashes the destination by default (as reference/keys does): every client of a VIP goes to one server', () => {
    const rig = new Rig(service('dr', { algorithm: 'dh' }));
    expect(rig.engine.describe()[0]).toMatchObject({ algorithm: { name: 'dh' } });
    const macs = new Set<string>();
    for (let host = 10; host < 30; host++) {
      rig.fromClient({ flags: 0x02, src: `198.19.1.${host}`, sport: 3000 + host });
      macs.add(dstMac(rig.only(LINK_OUTSIDE)));
    }
    expect(macs.size).toBe(1);
    // sh (source hash) on the same clients spreads them.
    const sh = new Rig(service('dr', { algorithm: 'sh' }));
    const shMacs = new Set<string>();
    for (let host = 10; host < 30; host++) {
      sh.fromClient({ flags: 0x02, src: `198.19.1.${host}`, sport: 3000 + host });
      shMacs.add(dstMac(sh.only(LINK_OUTSIDE)));
    }
    expect(shMacs.size).toBe(2);
  });

  it('hash keys are the ones reference/keys computes for the L4 proxies (murmur3 of the address bytes)', async () => {
    const { keyExtractorFor } = await import('../keys/index.ts');
    const { createScheduler } = await import('../algorithms/index.ts');
    const key = keyExtractorFor('maglev', { from: 'source-ip' });
    const maglev = createScheduler({ name: 'maglev', tableSize: 101 }, { now: () => 0 });
    const rig = new Rig(service('dr', { algorithm: { name: 'maglev', tableSize: 101 } }));
    maglev.update(rig.engine.serverList('svc'));
    for (let host = 10; host < 20; host++) {
      const src = `198.19.1.${host}`;
      rig.fromClient({ flags: 0x02, src, sport: 4000 + host });
      const expected = maglev.pick({ key: key({ flow: { sourceIp: src, sourcePort: 0, destinationIp: '198.19.1.100', destinationPort: 80 } })!, now: () => 0, rng: () => 0 })!;
      expect(idOfMac(dstMac(rig.only(LINK_OUTSIDE)))).toBe(expected.id);
    }
  });
});

const idOfMac = (mac: string) => (mac === RS_MAC['198.19.2.11'] ? 'rs1' : mac === RS_MAC['198.19.2.12'] ? 'rs2' : undefined);

describe('LVS engine: the neighbour queue (frames wait for ARP instead of being dropped)', () => {
  it('a SYN to a real server whose MAC is not known yet is held, ARP is asked at once, and the SYN leaves on the reply', () => {
    const rig = new Rig(service('dr'), {}, { resolved: false });
    rig.fromClient({ flags: 0x02, sport: 1 });
    // Nothing forwarded yet: the only frame out is the ARP request for the chosen server.
    const ask = readArp(rig.only(LINK_OUTSIDE), ETH_HDR_LEN, ARP_FRAME_LEN)!;
    expect(ask.op).toBe(1);
    const rsIp = formatIPv4(ask.targetIp);
    expect(Object.keys(RS_MAC)).toContain(rsIp);
    rig.fromClient({ flags: 0x02, sport: 1 }); // the client's retransmission waits too, without a second ARP request
    expect(rig.out.pending).toBe(0);
    rig.arp(ARP_REPLY, rsIp, RS_MAC[rsIp]!, LINK_OUTSIDE);
    const released = rig.sent(LINK_OUTSIDE);
    expect(released.length).toBe(2);
    for (const f of released) {
      expect(dstMac(f)).toBe(RS_MAC[rsIp]);
      expect(srcMac(f)).toBe(formatMac(LB_OUT.mac));
      expect(Buffer.from(ip(f))).toEqual(Buffer.from(ipPacket({ flags: 0x02, sport: 1 })));
    }
    expect(rig.engine.stats.dropped.noNeighbour).toBe(0);
  });

  it('NAT and TUN frames wait the same way', () => {
    for (const mode of ['nat', 'tun'] as const) {
      const rig = new Rig(service(mode), {}, { resolved: false });
      rig.fromClient({ flags: 0x02, sport: 2 });
      const ask = readArp(rig.only(LINK_INSIDE), ETH_HDR_LEN, ARP_FRAME_LEN)!;
      const rsIp = formatIPv4(ask.targetIp);
      rig.arp(ARP_REPLY, rsIp, RS_MAC[rsIp]!, LINK_INSIDE);
      const f = rig.only(LINK_INSIDE);
      expect(dstMac(f), mode).toBe(RS_MAC[rsIp]);
      expect(formatIPv4(ipDestination(ip(f), 0)), mode).toBe(rsIp);
    }
  });

  it('is bounded: a few frames per neighbour (oldest dropped first), and frames that wait past 3 s are dropped', () => {
    const rig = new Rig(service('dr', { protocol: 'udp', algorithm: 'sh' }), {}, { resolved: false });
    for (let i = 0; i < 20; i++) rig.fromClient({ protocol: PROTO_UDP, sport: 9, payload: Uint8Array.of(i) });
    expect(rig.engine.stats.dropped.noNeighbour).toBe(4);
    rig.now += 3001;
    rig.engine.tick(rig.now);
    expect(rig.engine.stats.dropped.noNeighbour).toBe(20);
    for (const [ipText, mac] of Object.entries(RS_MAC)) rig.arp(ARP_REPLY, ipText, mac, LINK_OUTSIDE);
    expect(rig.out.pending).toBe(0);
  });
});
