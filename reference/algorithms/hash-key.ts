// The number a hashing scheduler maps to a backend. Without a key (the header was absent, say)
// the pick is random, from ctx.rng(): HAProxy falls back to round robin in that case; random keeps
// schedulers stateless and spreads keyless work evenly.
import type { PickContext } from './types.ts';

export function keyOf(ctx: PickContext): number {
  return ctx.key !== undefined ? ctx.key >>> 0 : Math.floor(ctx.rng() * 4294967296) >>> 0;
}

/** Linux hash_32(): multiply by the 32-bit golden ratio, keep the top `bits` bits. */
export function hash32(value: number, bits: number): number {
  return Math.imul(value, 0x61c88647) >>> (32 - bits);
}
