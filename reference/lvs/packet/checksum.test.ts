import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { checksum, fold, read16, sumWords, updateFull16, updateFull32, updatePartial16, updatePartial32, write16, write32 } from './checksum.ts';

const hex = (s: string) => Uint8Array.from(Buffer.from(s.replace(/\s+/g, ''), 'hex'));

describe('checksum', () => {
  it('matches the classic IPv4 header example (checksum 0xb861)', () => {
    const header = hex('4500 0073 0000 4000 4011 0000 c0a8 0001 c0a8 00c7');
    expect(checksum(header, 0, 20)).toBe(0xb861);
    write16(header, 10, 0xb861);
    expect(checksum(header, 0, 20)).toBe(0); // a valid header sums to zero
  });

  it('pads an odd trailing byte with zero', () => {
    expect(sumWords(hex('0102 03'), 0, 3)).toBe(0x0102 + 0x0300);
  });

  it('folds carries end-around', () => {
    expect(fold(0x1fffe)).toBe(0xffff);
    expect(fold(0x2_0001)).toBe(0x0003);
  });

  it('full incremental update (RFC 1624) equals recomputation for any 32-bit and 16-bit change', () => {
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 24, maxLength: 64 }), fc.nat({ max: 4 }), fc.nat({ max: 0xffffffff }), fc.nat({ max: 0xffff }), (data, slot, v32, v16) => {
        const buf = Uint8Array.from(data.length % 2 ? [...data, 0] : data);
        write16(buf, 0, 0);
        write16(buf, 0, checksum(buf, 0, buf.length));
        const at = 4 + slot * 4;
        const old32 = ((buf[at]! << 24) | (buf[at + 1]! << 16) | (buf[at + 2]! << 8) | buf[at + 3]!) >>> 0;
        write32(buf, at, v32);
        let field = updateFull32(read16(buf, 0), old32, v32);
        const old16 = read16(buf, 2);
        write16(buf, 2, v16);
        field = updateFull16(field, old16, v16);
        write16(buf, 0, field);
        // The stored field must make the whole buffer sum to zero (±0 in one's complement).
        expect([0, 0xffff]).toContain(fold(sumWords(buf, 0, buf.length)) ^ 0xffff);
      }),
    );
  });

  it('partial update keeps the pseudo-header sum right, so finishing it gives the full checksum', () => {
    fc.assert(
      fc.property(fc.nat({ max: 0xffffffff }), fc.nat({ max: 0xffffffff }), fc.nat({ max: 0xffffffff }), fc.nat({ max: 0xffff }), fc.nat({ max: 0xffff }), (src, dst, newDst, len, newPort) => {
        const pseudo = (s: number, d: number) => fold((s >>> 16) + (s & 0xffff) + (d >>> 16) + (d & 0xffff) + 6 + len);
        const updated = updatePartial32(pseudo(src, dst), dst, newDst);
        expect(fold(updated) % 0xffff).toBe(pseudo(src, newDst) % 0xffff);
        // Ports are not in the pseudo-header: a 16-bit partial update is only for words that are.
        expect(fold(updatePartial16(updated, 0, newPort)) % 0xffff).toBe(fold(pseudo(src, newDst) + newPort) % 0xffff);
      }),
    );
  });
});
