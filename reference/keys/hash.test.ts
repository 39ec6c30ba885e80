import { describe, expect, it } from 'vitest';
import { fmix32, fnv1a, md5Words, murmur3, murmur3Bytes } from './hash.ts';

describe('hashes match their published test vectors', () => {
  it('murmur3 x86 32', () => {
    // Vectors from the reference implementation's test suite (SMHasher / common ports).
    expect(murmur3('')).toBe(0);
    expect(murmur3('', 1)).toBe(0x514e28b7);
    expect(murmur3('', 0xffffffff)).toBe(0x81f16f39);
    expect(murmur3('test')).toBe(0xba6bd213);
    expect(murmur3('Hello, world!', 1234)).toBe(0xfaf6cdb3);
    expect(murmur3('The quick brown fox jumps over the lazy dog')).toBe(0x2e4ff723);
    expect(murmur3('aaaa', 0x9747b28c)).toBe(0x5a97808a);
    expect(murmur3('abc', 0x9747b28c)).toBe(0xc84a62dd);
  });

  it('fnv-1a 32', () => {
    expect(fnv1a('')).toBe(0x811c9dc5);
    expect(fnv1a('a')).toBe(0xe40c292c);
    expect(fnv1a('foobar')).toBe(0xbf9cf968);
  });

  it('md5 words (RFC 1321: md5("") = d41d8cd98f00b204e9800998ecf8427e)', () => {
    expect(md5Words('')).toEqual([0xd98c1dd4, 0x04b2008f, 0x980980e9, 0x7e42f8ec]);
  });

  it('fmix32 is a bijection on a sample and maps 0 to 0', () => {
    expect(fmix32(0)).toBe(0);
    const seen = new Set<number>();
    for (let i = 0; i < 10_000; i++) seen.add(fmix32(i));
    expect(seen.size).toBe(10_000);
  });

  it('the ASCII fast path agrees with hashing the UTF-8 bytes', () => {
    for (const t of ['', 'a', 'ab', 'abc', 'abcd', 'b00042-17', '/shop/cart?x=1', '\x7f\x01']) {
      for (const seed of [0, 1, 0x9747b28c]) expect(murmur3(t, seed)).toBe(murmur3Bytes(new TextEncoder().encode(t), seed));
    }
  });

  it('handles non-ASCII and long input through the reused buffer', () => {
    const long = 'é'.repeat(500);
    expect(murmur3(long)).toBe(murmur3(long));
    expect(murmur3('é')).not.toBe(murmur3('e'));
  });
});
