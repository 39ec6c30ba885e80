// What a fuzz target is: a parser of network bytes, its seed corpus and the properties every input must keep.
// `check` runs one input through the reference (only through its room doors) and throws on a broken
// property (FuzzPropertyError) or lets through whatever the reference threw (a crash too: none of these
// parsers may throw on bytes from the network).

export interface FuzzTarget {
  readonly name: string;
  /** One line: what is fuzzed and through which entry points. */
  readonly title: string;
  /** Longest input the mutator builds (bytes). */
  readonly maxLength: number;
  /** Tokens the mutator inserts (header names, magic bytes, field values). */
  readonly dictionary: readonly Uint8Array[];
  /** Structure-aware repairs the mutator may apply after byte edits (recompute a length or checksum). */
  readonly fixups: readonly ((input: Uint8Array) => Uint8Array)[];
  /** Runs one input; throws when a property does not hold. Its verdict must not depend on earlier inputs. */
  check(input: Uint8Array): void;
}

export class FuzzPropertyError extends Error {
  readonly code = 'FULCRUM_ERR_FUZZ_PROPERTY';
  constructor(message: string) {
    super(message);
    this.name = 'FuzzPropertyError';
  }
}

/** An input that took longer than the per-input bound (a hang in the making). */
export class FuzzHangError extends Error {
  readonly code = 'FULCRUM_ERR_FUZZ_HANG';
  constructor(readonly ms: number, bound: number) {
    super(`one input took ${ms.toFixed(1)} ms (bound ${bound} ms)`);
    this.name = 'FuzzHangError';
  }
}

export function expectThat(ok: boolean, message: () => string): void {
  if (!ok) throw new FuzzPropertyError(message());
}

export const ascii = (s: string): Uint8Array => new Uint8Array(Buffer.from(s, 'latin1'));
