// Fast, stable 32-bit hashes for keys and table building (the same numbers on every machine).
// murmur3 (x86, 32-bit) is the default: a few multiplies per 4 bytes and full avalanche, so
// `hash % M` and the top bits are both uniform, which tables (maglev, sh) rely on. FNV-1a 32 is
// smaller but its low bits mix poorly for short, similar inputs (10.0.0.1 vs 10.0.0.2); it is
// offered for compatibility. md5 is what ketama rings use (4 points per digest), via node:crypto.
import { createHash } from 'node:crypto';

const encoder = new TextEncoder();
let scratch = new Uint8Array(256);

/** UTF-8 bytes of `text` in a reused buffer (hashing must not allocate on the hot path). */
function utf8(text: string): Uint8Array {
  if (text.length * 3 > scratch.length) scratch = new Uint8Array(text.length * 3);
  const { written } = encoder.encodeInto(text, scratch);
  return scratch.subarray(0, written);
}

/** murmur3 finaliser: a bijective mix of 32 bits (also used to spread integer keys). */
export function fmix32(h: number): number {
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

export function murmur3Bytes(bytes: Uint8Array, seed = 0): number {
  let h = seed >>> 0;
  const n = bytes.length;
  const blocks = n & ~3;
  for (let i = 0; i < blocks; i += 4) {
    let k = bytes[i]! | (bytes[i + 1]! << 8) | (bytes[i + 2]! << 16) | (bytes[i + 3]! << 24);
    k = Math.imul(k, 0xcc9e2d51);
    k = (k << 15) | (k >>> 17);
    k = Math.imul(k, 0x1b873593);
    h ^= k;
    h = (h << 13) | (h >>> 19);
    h = (Math.imul(h, 5) + 0xe6546b64) | 0;
  }
  const rest = n & 3;
  if (rest > 0) {
    let k = 0;
    if (rest === 3) k ^= bytes[blocks + 2]! << 16;
    if (rest >= 2) k ^= bytes[blocks + 1]! << 8;
    k ^= bytes[blocks]!;
    k = Math.imul(k, 0xcc9e2d51);
    k = (k << 15) | (k >>> 17);
    k = Math.imul(k, 0x1b873593);
    h ^= k;
  }
  return fmix32(h ^ n);
}

export function murmur3(text: string, seed = 0): number {
  const n = text.length;
  for (let i = 0; i < n; i++) if (text.charCodeAt(i) > 0x7f) return murmur3Bytes(utf8(text), seed);
  // ASCII: the UTF-8 bytes are the char codes, so hash them without encoding (ids, paths, headers).
  let h = seed >>> 0;
  const blocks = n & ~3;
  for (let i = 0; i < blocks; i += 4) {
    let k = text.charCodeAt(i) | (text.charCodeAt(i + 1) << 8) | (text.charCodeAt(i + 2) << 16) | (text.charCodeAt(i + 3) << 24);
    k = Math.imul(k, 0xcc9e2d51);
    k = (k << 15) | (k >>> 17);
    k = Math.imul(k, 0x1b873593);
    h ^= k;
    h = (h << 13) | (h >>> 19);
    h = (Math.imul(h, 5) + 0xe6546b64) | 0;
  }
  const rest = n & 3;
  if (rest > 0) {
    let k = 0;
    if (rest === 3) k ^= text.charCodeAt(blocks + 2) << 16;
    if (rest >= 2) k ^= text.charCodeAt(blocks + 1) << 8;
    k ^= text.charCodeAt(blocks);
    k = Math.imul(k, 0xcc9e2d51);
    k = (k << 15) | (k >>> 17);
    k = Math.imul(k, 0x1b873593);
    h ^= k;
  }
  return fmix32(h ^ n);
}

export function fnv1aBytes(bytes: Uint8Array): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < bytes.length; i++) h = Math.imul(h ^ bytes[i]!, 0x01000193);
  return h >>> 0;
}

export function fnv1a(text: string): number {
  return fnv1aBytes(utf8(text));
}

/** The four little-endian 32-bit words of md5(text), as ketama uses them for four ring points. */
export function md5Words(text: string): [number, number, number, number] {
  const d = createHash('md5').update(text).digest();
  return [d.readUInt32LE(0), d.readUInt32LE(4), d.readUInt32LE(8), d.readUInt32LE(12)];
}

export type HashName = 'murmur3' | 'fnv1a';

export function hashBytes(name: HashName, bytes: Uint8Array): number {
  return name === 'fnv1a' ? fnv1aBytes(bytes) : murmur3Bytes(bytes);
}
