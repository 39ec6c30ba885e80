// Packets the engine must drop as malformed, whatever the mode: an IPv4 total length past the frame
// (a cut packet; Linux ip_rcv drops it) and a TCP data offset under 5 words or past the packet (Linux
// tcp_v4_rcv drops it; TUN re-segmentation would build segments without a whole TCP header). Padding
// after the total length is not malformed: the packet goes on without it. Fuzz findings
// forwards-truncated-packet and segments-bad-tcp-header (harness/fuzz).
import { describe, expect, it } from 'vitest';
import { parseLvsConfig } from '../config/lvs.ts';
import { LINK_INSIDE, LINK_OUTSIDE, LvsEngine, type Link } from './engine.ts';
import { Output } from './output.ts';
import { ARP_FRAME_LEN, ARP_REPLY, arpRequest, writeArpFrame } from './packet/arp.ts';
import { ETH_HDR_LEN, parseMac } from './packet/ethernet.ts';
import { ipTotalLength, parseIPv4 } from './packet/ipv4.ts';
import { VNET_HDR_LEN } from './packet/vnet.ts';
import { bytes, ethFrame, ipPacket } from './packet/fixtures.test-helpers.ts';

const LB_OUT: Link = { name: 'out0', mac: parseMac('02:00:00:00:00:02'), ipv4: parseIPv4('198.19.1.2') };
const LB_IN: Link = { name: 'in0', mac: parseMac('02:00:00:00:01:01'), ipv4: parseIPv4('198.19.2.1') };
const HEADROOM = 64;
const SYN = 0x02;

const modes: Record<string, Record<string, unknown>> = {
  nat: { mode: 'nat', backends: [{ id: 'rs1', address: '198.19.2.11:8080' }] },
  dr: { mode: 'dr', backends: [{ id: 'rs1', address: '198.19.2.11' }] },
  // a small MTU, so the 1000-byte segments below are re-segmented for the tunnel
  tun: { mode: 'tun', tunnel: { encapsulation: 'ipip', mtu: 576 }, backends: [{ id: 'rs1', address: '198.19.2.11' }] },
};

/** An engine for one service with its real server's MAC known; `send` returns the frames it sent. */
function rig(mode: string) {
  const config = parseLvsConfig({ interfaces: { outside: 'out0', inside: 'in0' }, services: [{ name: 'svc', vip: '198.19.1.100', port: 80, ...modes[mode] }] }, 'test');
  const engine = new LvsEngine(config, [LB_OUT, LB_IN], { now: () => 1000, rng: () => 0.5 });
  const arena = Buffer.alloc(4_000_000);
  const out = new Output(arena, 2, 140_000);
  const handle = (frame: Uint8Array, link: number) => {
    out.reset();
    arena.fill(0, HEADROOM, HEADROOM + VNET_HDR_LEN);
    arena.set(frame, HEADROOM + VNET_HDR_LEN);
    engine.handle(out, HEADROOM, VNET_HDR_LEN + frame.length, link, 0);
  };
  const arp = new Uint8Array(ARP_FRAME_LEN);
  writeArpFrame(arp, 0, LB_IN.mac, { ...arpRequest(parseMac('02:00:00:00:02:11'), parseIPv4('198.19.2.11'), LB_IN.ipv4), op: ARP_REPLY });
  handle(arp, LINK_INSIDE);
  const send = (ip: Uint8Array, frameLength = ETH_HDR_LEN + ip.length): number => {
    const frame = new Uint8Array(frameLength);
    frame.set(ethFrame(ip).subarray(0, frameLength));
    handle(frame, LINK_OUTSIDE);
    return out.queues[LINK_INSIDE]!.count + out.queues[LINK_OUTSIDE]!.count;
  };
  return { engine, send };
}

const packet = (payload = 1000) => ipPacket({ src: '198.18.0.5', dst: '198.19.1.100', sport: 40000, dport: 80, flags: SYN, payload: bytes(payload) });
const withDataOffset = (ip: Uint8Array, words: number) => {
  ip[20 + 12] = (words << 4) | (ip[20 + 12]! & 0x0f);
  return ip;
};

describe.each(Object.keys(modes))('LVS %s drops malformed IPv4/TCP', (mode) => {
  it('a well-formed packet, and one with padding after its total length, is sent on (the control)', () => {
    const r = rig(mode);
    expect(r.send(packet())).toBeGreaterThan(0);
    const ip = packet();
    const padded = new Uint8Array(ip.length + 6);
    padded.set(ip);
    expect(r.send(padded)).toBeGreaterThan(0);
    expect(r.engine.stats.dropped.malformed).toBe(0);
  });

  it('a frame one byte shorter than the IPv4 total length → dropped, nothing sent', () => {
    const r = rig(mode);
    const ip = packet();
    expect(ipTotalLength(ip, 0)).toBe(ip.length);
    expect(r.send(ip, ETH_HDR_LEN + ip.length - 1)).toBe(0);
    expect(r.engine.stats.dropped.malformed).toBe(1);
  });

  it.each([
    ['under 5 words', packet(), 4],
    ['0 words', packet(), 0],
    ['past the packet', packet(20), 15],
  ] as const)('a TCP data offset %s → dropped, nothing sent', (_what, ip, words) => {
    const r = rig(mode);
    expect(r.send(withDataOffset(Uint8Array.from(ip), words))).toBe(0);
    expect(r.engine.stats.dropped.malformed).toBe(1);
  });
});
