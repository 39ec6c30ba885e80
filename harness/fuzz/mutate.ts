// Structure-aware mutation as a fast-check arbitrary: a seed from the corpus plus a short plan of edits
// (bit flips, interesting bytes and 16/32-bit values, inserts, deletes, duplicated chunks, dictionary
// tokens, splices with another seed, the target's own repairs such as recomputing a checksum). The plan
// is what fast-check draws and shrinks, so a failure shrinks to the seed and the fewest edits.
import fc from 'fast-check';
import type { FuzzTarget } from './target.ts';

const INTERESTING8 = [0, 1, 0x7f, 0x80, 0xff, 0x0d, 0x0a, 0x20, 0x3a, 0x2c, 0x09, 0x00];
const INTERESTING16 = [0, 1, 0x7fff, 0x8000, 0xffff, 0xfffe, 20, 40, 60, 576, 1500, 1501, 65535];
const OPS = 13;

export type Edit = readonly [op: number, a: number, b: number];

/** Applies one edit; positions and values are taken modulo what fits, so every plan is valid. */
export function applyEdit(input: Uint8Array, edit: Edit, target: FuzzTarget, seeds: readonly Uint8Array[]): Uint8Array {
  const [op, a, b] = edit;
  const n = input.length;
  const at = n === 0 ? 0 : a % n;
  switch (op % OPS) {
    case 0: {
      if (n === 0) return input;
      const out = input.slice();
      out[at] = out[at]! ^ (1 << (b % 8));
      return out;
    }
    case 1: {
      if (n === 0) return input;
      const out = input.slice();
      out[at] = b % 2 === 0 ? INTERESTING8[b % INTERESTING8.length]! : b & 0xff;
      return out;
    }
    case 2:
    case 3: {
      if (n < 2) return input;
      const out = input.slice();
      const pos = at > n - 2 ? n - 2 : at;
      const v = b % 3 === 0 ? (n + (b % 5) - 2) & 0xffff : b % 3 === 1 ? INTERESTING16[b % INTERESTING16.length]! : b & 0xffff;
      out[pos] = v >>> 8;
      out[pos + 1] = v & 0xff;
      return out;
    }
    case 4:
      return concat(input.subarray(0, at), input.subarray(Math.min(n, at + 1 + (b % 16))));
    case 5:
      return cap(concat(input.subarray(0, at), randomBytes(1 + (b % 8), b), input.subarray(at)), target);
    case 6: {
      const len = 1 + (b % 32);
      return cap(concat(input.subarray(0, at), input.subarray(at, at + len), input.subarray(at)), target);
    }
    case 7:
      return input.subarray(0, at);
    case 8:
    case 9: {
      const token = target.dictionary[b % Math.max(1, target.dictionary.length)];
      if (token === undefined) return input;
      return cap(concat(input.subarray(0, at), token, input.subarray(op % OPS === 8 ? at : Math.min(n, at + token.length))), target);
    }
    case 10: {
      const other = seeds[b % Math.max(1, seeds.length)];
      if (other === undefined) return input;
      return cap(concat(input.subarray(0, at), other.subarray(other.length === 0 ? 0 : (b >>> 8) % other.length)), target);
    }
    case 11: {
      if (n === 0) return input;
      const out = input.slice();
      out[at] = (out[at]! + ((b % 35) - 17)) & 0xff;
      return out;
    }
    default: {
      const fix = target.fixups[b % Math.max(1, target.fixups.length)];
      return fix === undefined ? input : fix(input.slice());
    }
  }
}

function concat(...parts: Uint8Array[]): Uint8Array {
  let len = 0;
  for (const p of parts) len += p.length;
  const out = new Uint8Array(len);
  let o = 0;
  for (const p of parts) {
    out.set(p, o);
    o += p.length;
  }
  return out;
}

function cap(input: Uint8Array, target: FuzzTarget): Uint8Array {
  return input.length > target.maxLength ? input.subarray(0, target.maxLength) : input;
}

function randomBytes(n: number, seed: number): Uint8Array {
  const out = new Uint8Array(n);
  let x = seed | 1;
  for (let i = 0; i < n; i++) {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    out[i] = x & 0xff;
  }
  return out;
}

/** A mutation plan: which seed, then up to `maxEdits` edits. */
export interface Plan {
  seed: number;
  edits: Edit[];
}

export function planArbitrary(maxEdits = 8): fc.Arbitrary<Plan> {
  const edit = fc.tuple(fc.nat(OPS - 1), fc.nat(), fc.nat()) as fc.Arbitrary<Edit>;
  return fc.record({ seed: fc.nat(), edits: fc.array(edit, { maxLength: maxEdits }) });
}

export function applyPlan(plan: Plan, target: FuzzTarget, seeds: readonly Uint8Array[]): Uint8Array {
  let input = seeds.length === 0 ? new Uint8Array(0) : seeds[plan.seed % seeds.length]!;
  for (const e of plan.edits) input = applyEdit(input, e, target, seeds);
  return input;
}

/** Inputs for a target: mostly mutated seeds, some raw random bytes (finds what the seeds never reach). */
export function inputArbitrary(target: FuzzTarget, seeds: readonly Uint8Array[]): fc.Arbitrary<Uint8Array> {
  const mutated = planArbitrary().map((p) => applyPlan(p, target, seeds));
  const raw = fc.uint8Array({ maxLength: Math.min(target.maxLength, 256) });
  return fc.oneof({ arbitrary: mutated, weight: 9 }, { arbitrary: raw, weight: 1 });
}
