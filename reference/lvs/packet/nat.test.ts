import { describe, expect, it } from 'vitest';
import { checksum, fold, read16, sumWords, write16 } from './checksum.ts';
import { PROTO_TCP, PROTO_UDP, formatIPv4, ipDestination, ipSource, ipv4HeaderValid, packetPseudoHeaderSum, parseIPv4 } from './ipv4.ts';
import { destinationPort, sourcePort } from './l4.ts';
import { rewriteDestination, rewriteSource } from './nat.ts';
import { bytes, ipPacket } from './fixtures.test-helpers.ts';

function l4Valid(p: Uint8Array): boolean {
  return checksum(p, 20, p.length, packetPseudoHeaderSum(p, 0, p.length - 20)) === 0;
}

/** Turns a packet's full TCP checksum into the partial form offload hands us (folded pseudo-header sum). */
function makePartial(p: Uint8Array): void {
  write16(p, 36, fold(packetPseudoHeaderSum(p, 0, p.length - 20)));
}

/** What the kernel does with a partial checksum: sum from csum_start with the field in place, complement. */
function finishPartial(p: Uint8Array, field: number): void {
  write16(p, field, ~fold(sumWords(p, 20, p.length)) & 0xffff);
}

describe('NAT rewrite', () => {
  it('rewrites destination VIP:80 → RS:8080 with valid IP and TCP checksums (full checksum)', () => {
    const p = ipPacket({ payload: bytes(333) });
    expect(l4Valid(p)).toBe(true);
    rewriteDestination(p, 0, 20, PROTO_TCP, false, parseIPv4('198.19.2.11'), 8080);
    expect(formatIPv4(ipDestination(p, 0))).toBe('198.19.2.11');
    expect(destinationPort(p, 20)).toBe(8080);
    expect(ipv4HeaderValid(p, 0)).toBe(true);
    expect(l4Valid(p)).toBe(true);
  });

  it('rewrites the source of a reply back to the VIP (UDP, full checksum)', () => {
    const p = ipPacket({ protocol: PROTO_UDP, src: '198.19.2.12', dst: '198.19.1.10', sport: 5353, dport: 40000, payload: bytes(99) });
    rewriteSource(p, 0, 20, PROTO_UDP, false, parseIPv4('198.19.1.100'), 53);
    expect(formatIPv4(ipSource(p, 0))).toBe('198.19.1.100');
    expect(sourcePort(p, 20)).toBe(53);
    expect(ipv4HeaderValid(p, 0)).toBe(true);
    expect(l4Valid(p)).toBe(true);
  });

  it('leaves a zero UDP checksum (none sent) at zero', () => {
    const p = ipPacket({ protocol: PROTO_UDP, payload: bytes(10) });
    write16(p, 26, 0);
    rewriteDestination(p, 0, 20, PROTO_UDP, false, parseIPv4('198.19.2.11'), 9000);
    expect(read16(p, 26)).toBe(0);
    expect(ipv4HeaderValid(p, 0)).toBe(true);
  });

  it('updates a partial (offloaded) checksum so the kernel finishes it right, both directions', () => {
    const p = ipPacket({ payload: bytes(1000, 7) });
    makePartial(p);
    rewriteDestination(p, 0, 20, PROTO_TCP, true, parseIPv4('198.19.2.11'), 8080);
    rewriteSource(p, 0, 20, PROTO_TCP, true, parseIPv4('198.19.1.99'), 1234);
    finishPartial(p, 36);
    expect(ipv4HeaderValid(p, 0)).toBe(true);
    expect(l4Valid(p)).toBe(true);
  });

  it('applying the full formula to a partial checksum would be wrong (the two formulas differ)', () => {
    const p = ipPacket({ payload: bytes(64) });
    makePartial(p);
    rewriteDestination(p, 0, 20, PROTO_TCP, false, parseIPv4('198.19.2.11'), 8080);
    finishPartial(p, 36);
    expect(l4Valid(p)).toBe(false);
  });
});
