import { describe, expect, it } from 'vitest';
import { checksum } from './checksum.ts';
import { fragmentCount, writeFragment } from './fragment.ts';
import { PROTO_UDP, ipTotalLength, ipv4HeaderValid, packetPseudoHeaderSum } from './ipv4.ts';
import { TCP_CWR, TCP_FIN, TCP_PSH, tcpFlags, tcpSequence } from './l4.ts';
import { tcpSegmentCount, writeTcpSegment } from './segment.ts';
import { bytes, ipPacket } from './fixtures.test-helpers.ts';

describe('software TCP segmentation', () => {
  it('splits a super-frame into MSS-sized segments with right sequence numbers, flags, ids and checksums', () => {
    const payload = bytes(10_000, 3);
    const src = ipPacket({ payload, seq: 0xfffff000, flags: TCP_PSH | TCP_FIN | TCP_CWR | 0x10, id: 0xfffe });
    const mss = 1440;
    const n = tcpSegmentCount(src, 0, src.length, mss);
    expect(n).toBe(Math.ceil(10_000 / mss));
    const collected: number[] = [];
    const dst = new Uint8Array(2000);
    for (let i = 0; i < n; i++) {
      const len = writeTcpSegment(src, 0, src.length, mss, i, dst, 0);
      expect(len).toBeLessThanOrEqual(40 + mss);
      expect(ipTotalLength(dst, 0)).toBe(len);
      expect(ipv4HeaderValid(dst, 0)).toBe(true);
      expect(checksum(dst, 20, len, packetPseudoHeaderSum(dst, 0, len - 20))).toBe(0);
      expect(tcpSequence(dst, 20)).toBe((0xfffff000 + i * mss) >>> 0);
      expect((dst[4]! << 8) | dst[5]!).toBe((0xfffe + i) & 0xffff);
      const flags = tcpFlags(dst, 20);
      expect((flags & (TCP_FIN | TCP_PSH)) !== 0).toBe(i === n - 1);
      expect((flags & TCP_CWR) !== 0).toBe(i === 0);
      collected.push(...dst.subarray(40, len));
    }
    expect(Buffer.from(collected)).toEqual(Buffer.from(payload));
  });
});

describe('IPv4 fragmentation', () => {
  it('fragments into 8-byte-aligned pieces that reassemble to the original payload', () => {
    const src = ipPacket({ protocol: PROTO_UDP, payload: bytes(3000, 9) });
    const mtu = 1500;
    const n = fragmentCount(src, 0, src.length, mtu);
    expect(n).toBe(3);
    const whole = new Uint8Array(src.length - 20);
    const dst = new Uint8Array(mtu);
    for (let i = 0; i < n; i++) {
      const len = writeFragment(src, 0, src.length, mtu, i, dst, 0);
      expect(len).toBeLessThanOrEqual(mtu);
      expect(ipv4HeaderValid(dst, 0)).toBe(true);
      const frag = (dst[6]! << 8) | dst[7]!;
      expect((frag & 0x2000) !== 0).toBe(i < n - 1); // MF on all but the last
      expect(frag & 0x4000).toBe(0); // DF cleared
      whole.set(dst.subarray(20, len), (frag & 0x1fff) * 8);
    }
    expect(Buffer.from(whole)).toEqual(Buffer.from(src.subarray(20)));
  });
});
