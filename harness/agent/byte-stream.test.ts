import { describe, expect, it } from 'vitest';
import { createHash } from 'node:crypto';
import { ByteStream, CHUNK_BYTES, byteChunks, streamSha256 } from './byte-stream.ts';

const whole = (seed: string, n: number) => Buffer.concat([...byteChunks(seed, n)]);

describe('byte stream', () => {
  it('is pinned: a change to the generator shows here first', () => {
    expect(whole('', 16).toString('hex')).toMatchInlineSnapshot(`"fad0fedcf8d4bce0ed17f391a30cfbaf"`);
    expect(streamSha256('pin', 1_000_000)).toMatchInlineSnapshot(`"d69ce717ba7fe0a9ce3c8ebe8bccdc7aa022af024b0808a2c77a7d23e68d2bb8"`);
  });

  it('depends on the seed', () => {
    expect(whole('a', 4096).equals(whole('b', 4096))).toBe(false);
    expect(whole('a', 4096).equals(whole('a', 4096))).toBe(true);
  });

  it('does not depend on how it is read', () => {
    const n = 3 * CHUNK_BYTES + 12_345;
    const reference = whole('s', n);
    expect(reference).toHaveLength(n);
    for (const size of [1, 3, 1000, CHUNK_BYTES - 1, CHUNK_BYTES + 7, n]) {
      expect(Buffer.concat([...byteChunks('s', n, size)]).equals(reference)).toBe(true);
    }
    // Irregular reads, each crossing or stopping short of block boundaries.
    const stream = new ByteStream('s');
    const parts: Buffer[] = [];
    let read = 0;
    for (let i = 0; read < n; i++) {
      const size = Math.min(n - read, (i * 7919) % 90_001);
      parts.push(Buffer.from(stream.read(size)));
      read += size;
    }
    expect(Buffer.concat(parts).equals(reference)).toBe(true);
  });

  it('streamSha256 is the sha256 of the bytes; prefixes hash differently', () => {
    const n = 2 * CHUNK_BYTES + 5;
    expect(streamSha256('h', n)).toBe(createHash('sha256').update(whole('h', n)).digest('hex'));
    expect(streamSha256('h', n - 1)).not.toBe(streamSha256('h', n));
    expect(streamSha256('h', 0)).toBe(createHash('sha256').digest('hex'));
  });

  it('looks random: every byte value occurs about equally often', () => {
    const counts = new Array<number>(256).fill(0);
    for (const b of whole('dist', 256 * 1000)) counts[b]!++;
    expect(Math.min(...counts)).toBeGreaterThan(850);
    expect(Math.max(...counts)).toBeLessThan(1150);
  });
});
