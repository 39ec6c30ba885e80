import { describe, expect, it } from 'vitest';
import { checksum, read16, write16 } from './checksum.ts';
import { ETHERTYPE_IPV4, ETH_HDR_LEN, etherType } from './ethernet.ts';
import { PROTO_GRE, PROTO_IPIP, ipProtocol, ipTotalLength, ipv4HeaderValid, parseIPv4, formatIPv4, ipDestination } from './ipv4.ts';
import { decapsulate, encapsulate, encapsulationOverhead } from './encap.ts';
import { bytes, ethFrame, ipPacket } from './fixtures.test-helpers.ts';
import { VNET_HDR_LEN } from './vnet.ts';

function framed(headroom: number): { buf: Uint8Array; prefix: number; inner: Uint8Array } {
  const inner = ipPacket({ payload: bytes(200) });
  const frame = ethFrame(inner);
  const buf = new Uint8Array(headroom + VNET_HDR_LEN + frame.length);
  buf.set(frame, headroom + VNET_HDR_LEN);
  buf[headroom] = 0x77; // marker in the virtio header, must move with the prefix
  return { buf, prefix: headroom, inner };
}

describe('tunnel encapsulation', () => {
  for (const kind of ['ipip', 'gre'] as const) {
    it(`${kind}: moves the link prefix into headroom, writes a valid outer header, and decapsulates back`, () => {
      const { buf, prefix, inner } = framed(64);
      const ip = prefix + VNET_HDR_LEN + ETH_HDR_LEN;
      const end = ip + inner.length;
      const at = encapsulate(buf, prefix, VNET_HDR_LEN + ETH_HDR_LEN, ip, end, kind, {
        source: parseIPv4('198.19.1.2'),
        destination: parseIPv4('198.19.2.11'),
        id: 7,
        ttl: 64,
        dontFragment: true,
        tos: 0,
      });
      expect(at).toBe(prefix - encapsulationOverhead(kind));
      expect(buf[at]).toBe(0x77);
      expect(etherType(buf, at + VNET_HDR_LEN)).toBe(ETHERTYPE_IPV4);
      const outer = at + VNET_HDR_LEN + ETH_HDR_LEN;
      expect(ipv4HeaderValid(buf, outer)).toBe(true);
      expect(ipProtocol(buf, outer)).toBe(kind === 'gre' ? PROTO_GRE : PROTO_IPIP);
      expect(formatIPv4(ipDestination(buf, outer))).toBe('198.19.2.11');
      expect(ipTotalLength(buf, outer)).toBe(inner.length + encapsulationOverhead(kind));
      const d = decapsulate(buf, outer, end)!;
      expect(Buffer.from(buf.subarray(d.inner, d.end))).toEqual(Buffer.from(inner));
    });
  }

  it('GRE with checksum and key fields skips them; unknown versions are refused', () => {
    const inner = ipPacket({ payload: bytes(10) });
    const pkt = new Uint8Array(20 + 12 + inner.length);
    pkt.set([0x45, 0, 0, 0, 0, 0, 0, 0, 64, PROTO_GRE]);
    write16(pkt, 2, pkt.length);
    write16(pkt, 20, 0xa000); // C and K bits
    write16(pkt, 22, ETHERTYPE_IPV4);
    pkt.set(inner, 32);
    write16(pkt, 10, checksum(pkt, 0, 20));
    expect(decapsulate(pkt, 0, pkt.length)?.inner).toBe(32);
    write16(pkt, 20, 0x0001);
    expect(decapsulate(pkt, 0, pkt.length)).toBeUndefined();
    expect(read16(pkt, 22)).toBe(ETHERTYPE_IPV4);
  });

  it('refuses an outer header whose IHL is under 5 or past the packet (fuzz finding: inner packet at offset 0)', () => {
    const inner = ipPacket({ payload: bytes(20) });
    const outer = new Uint8Array(20 + inner.length);
    outer.set(inner, 20);
    outer.set([0x45, 0, 0, 0, 0, 7, 0, 0, 64, PROTO_IPIP], 0);
    write16(outer, 2, outer.length);
    expect(decapsulate(outer, 0, outer.length)?.inner).toBe(20);
    for (const ihl of [0, 1, 4]) {
      const bad = outer.slice();
      bad[0] = 0x40 | ihl;
      expect(decapsulate(bad, 0, bad.length)).toBeUndefined();
    }
    const short = outer.slice();
    short[0] = 0x4f; // 60-byte header
    write16(short, 2, 40);
    expect(decapsulate(short, 0, short.length)).toBeUndefined();
  });

  it('refuses to encapsulate without headroom', () => {
    const { buf } = framed(4);
    expect(() => encapsulate(buf, 4, 24, 28, buf.length, 'ipip', { source: 1, destination: 2, id: 0, ttl: 64, dontFragment: false, tos: 0 })).toThrow(RangeError);
  });
});
