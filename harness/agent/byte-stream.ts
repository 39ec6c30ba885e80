// Deterministic pseudo-random bytes for bulk transfers: the backend agent sends them (GET /bytes),
// clients upload them (POST /sha256) and derive from them the digest a download must have.
// The generator is Marsaglia's xorshift128 ("Xorshift RNGs", J. Stat. Softw. 8(14), 2003), seeded
// from sha256 of the seed string, its 32-bit words laid out little-endian. Byte i depends only on
// the seed and i, never on how a reader slices the stream.
import { createHash } from 'node:crypto';
import { endianness } from 'node:os';

/** HTTP path: `GET /bytes?n=N&seed=S` answers exactly N bytes of the stream for seed S. */
export const BYTES_PATH = '/bytes';
/** HTTP path: `POST /sha256` answers {"bytes", "sha256", "peer"} for the request body it read. */
export const SHA256_PATH = '/sha256';
/** The most /bytes serves in one response (1 GiB). */
export const BYTES_MAX = 1024 ** 3;
/** Generation block and the size of the chunks byteChunks() yields. */
export const CHUNK_BYTES = 64 * 1024;

/** What POST /sha256 answers. `peer` is the address the agent saw the upload come from. */
export interface Sha256Reply {
  bytes: number;
  sha256: string;
  peer: string;
}

const BIG_ENDIAN = endianness() === 'BE';

/** The stream for one seed, read front to back. */
export class ByteStream {
  private x: number;
  private y: number;
  private z: number;
  private w: number;
  private block = Buffer.alloc(0);
  private used = 0;

  constructor(seed: string) {
    const h = createHash('sha256').update(`fulcrum-byte-stream\0${seed}`).digest();
    this.x = h.readUInt32LE(0);
    this.y = h.readUInt32LE(4);
    this.z = h.readUInt32LE(8);
    this.w = h.readUInt32LE(12);
    if ((this.x | this.y | this.z | this.w) === 0) this.w = 1; // xorshift's one forbidden state
  }

  /** The next n bytes. Do not write into the result: it may share memory with the generator. */
  read(n: number): Buffer {
    if (n <= this.block.length - this.used) {
      const out = this.block.subarray(this.used, this.used + n);
      this.used += n;
      return out;
    }
    const out = Buffer.allocUnsafe(n);
    let filled = 0;
    while (filled < n) {
      if (this.used === this.block.length) this.refill();
      const take = Math.min(n - filled, this.block.length - this.used);
      this.block.copy(out, filled, this.used, this.used + take);
      this.used += take;
      filled += take;
    }
    return out;
  }

  private refill(): void {
    const words = new Uint32Array(CHUNK_BYTES / 4);
    let { x, y, z, w } = this;
    for (let i = 0; i < words.length; i++) {
      const t = x ^ (x << 11);
      x = y;
      y = z;
      z = w;
      w = (w ^ (w >>> 19) ^ (t ^ (t >>> 8))) >>> 0;
      words[i] = w;
    }
    this.x = x;
    this.y = y;
    this.z = z;
    this.w = w;
    // A fresh buffer per block: slices handed out earlier stay valid.
    this.block = Buffer.from(words.buffer);
    if (BIG_ENDIAN) this.block.swap32();
    this.used = 0;
  }
}

/** The first `total` bytes of the stream for `seed`, in chunks of at most `chunkBytes`. */
export function* byteChunks(seed: string, total: number, chunkBytes = CHUNK_BYTES): Generator<Buffer> {
  const stream = new ByteStream(seed);
  for (let left = total; left > 0; left -= chunkBytes) yield stream.read(Math.min(chunkBytes, left));
}

/** Hex sha256 of the first `total` bytes of the stream for `seed`. */
export function streamSha256(seed: string, total: number): string {
  const hash = createHash('sha256');
  for (const chunk of byteChunks(seed, total)) hash.update(chunk);
  return hash.digest('hex');
}
