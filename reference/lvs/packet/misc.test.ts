import { describe, expect, it } from 'vitest';
import { checksum, write16 } from './checksum.ts';
import { decrementTtl, formatIPv4, ipTtl, ipv4HeaderValid, packetPseudoHeaderSum, parseIPv4, prefixMask } from './ipv4.ts';
import { parseIPv6 } from './ipv6.ts';
import { clampMss } from './l4.ts';
import { GSO_TCPV4, VNET_F_NEEDS_CSUM, readVnet, vnetCsumStart, vnetGsoSize, vnetGsoType, writeVnet } from './vnet.ts';
import { ipPacket } from './fixtures.test-helpers.ts';

describe('virtio-net header', () => {
  it('is 10 little-endian bytes', () => {
    const buf = new Uint8Array(10);
    writeVnet(buf, 0, { flags: VNET_F_NEEDS_CSUM, gsoType: GSO_TCPV4, hdrLen: 66, gsoSize: 1448, csumStart: 34, csumOffset: 16 });
    expect(Buffer.from(buf).toString('hex')).toBe('0101' + '4200' + 'a805' + '2200' + '1000');
    expect(readVnet(buf, 0)).toEqual({ flags: 1, gsoType: 1, hdrLen: 66, gsoSize: 1448, csumStart: 34, csumOffset: 16 });
    expect([vnetGsoType(buf, 0), vnetGsoSize(buf, 0), vnetCsumStart(buf, 0)]).toEqual([GSO_TCPV4, 1448, 34]);
  });
});

describe('IPv4 helpers', () => {
  it('parses and formats addresses, masks', () => {
    expect(parseIPv4('198.19.1.100')).toBe(0xc6130164);
    expect(formatIPv4(0xc6130164)).toBe('198.19.1.100');
    expect(() => parseIPv4('198.19.1')).toThrow(/not an IPv4/);
    expect(() => parseIPv4('1.2.3.256')).toThrow(/not an IPv4/);
    expect(prefixMask(24)).toBe(0xffffff00);
    expect(prefixMask(32)).toBe(0xffffffff);
    expect(prefixMask(0)).toBe(0);
  });

  it('decrements TTL keeping the header checksum valid, and refuses at 1', () => {
    const p = ipPacket();
    expect(decrementTtl(p, 0)).toBe(true);
    expect(ipTtl(p, 0)).toBe(63);
    expect(ipv4HeaderValid(p, 0)).toBe(true);
    p[8] = 1;
    expect(decrementTtl(p, 0)).toBe(false);
  });
});

describe('MSS clamping', () => {
  const synWithMss = (mss: number) => ipPacket({ flags: 0x02, options: Uint8Array.from([1, 1, 2, 4, mss >> 8, mss & 0xff, 4, 2]) });

  it('lowers a larger MSS and keeps a full checksum valid', () => {
    const p = synWithMss(1460);
    expect(clampMss(p, 20, 1440, false)).toBe(true);
    expect((p[44]! << 8) | p[45]!).toBe(1440);
    expect(checksum(p, 20, p.length, packetPseudoHeaderSum(p, 0, p.length - 20))).toBe(0);
  });

  it('leaves a smaller MSS and packets without the option alone', () => {
    expect(clampMss(synWithMss(1200), 20, 1440, false)).toBe(false);
    expect(clampMss(ipPacket({ flags: 0x02 }), 20, 1440, false)).toBe(false);
  });
});

describe('IPv6 (basic)', () => {
  it('reads addresses, hop limit and the upper-layer protocol after extension headers', () => {
    const p = new Uint8Array(40 + 8 + 20);
    p[0] = 0x60;
    write16(p, 4, 28);
    p[6] = 0; // hop-by-hop options first
    p[7] = 64;
    p.set([0x20, 0x01, 0x0d, 0xb8], 8);
    p[23] = 1;
    p.set([0x20, 0x01, 0x0d, 0xb8], 24);
    p[39] = 2;
    p[40] = 6; // then TCP
    p[41] = 0;
    const s = parseIPv6(p, 0, p.length)!;
    expect(s).toMatchObject({ payloadLength: 28, protocol: 6, l4Offset: 48, hopLimit: 64, source: '2001:db8::1', destination: '2001:db8::2' });
    expect(parseIPv6(p, 0, 30)).toBeUndefined();
  });
});
