// One fuzz campaign for one target, in-process and deterministic for a seed: fast-check draws inputs
// (mutated seeds and raw bytes), the target checks each, the time per input is bounded. A failure is
// shrunk, reported and the campaign goes on with the next seed until the count or the time is spent.
import fc from 'fast-check';
import { knownFinding } from './known-findings.ts';
import { inputArbitrary } from './mutate.ts';
import { FuzzHangError, type FuzzTarget } from './target.ts';

export interface FuzzOptions {
  seed: number;
  /** Stop after this many inputs… */
  count: number;
  /** …or after this long, whichever comes first. */
  durationMs: number;
  /** An input slower than this is a hang (the worker's watchdog catches inputs that never return). */
  hangMs: number;
  seeds: readonly Uint8Array[];
  /** Called before each input (the watchdog copies it); must be cheap. */
  beforeInput?: (input: Uint8Array) => void;
  onProgress?: (inputs: number, elapsedMs: number) => void;
  /** Stop at the first crash (the short run in the tests) instead of going on with the next seed. */
  stopOnCrash?: boolean;
  /** Treat known findings (known-findings.ts) as crashes too. */
  strict?: boolean;
}

export interface FuzzCrash {
  kind: 'crash' | 'hang';
  error: string;
  input: Uint8Array;
  seed: number;
  path: string | undefined;
}

export interface FuzzReport {
  target: string;
  inputs: number;
  elapsedMs: number;
  crashes: FuzzCrash[];
  /** Inputs that hit a known finding, by its id, with the first such input. */
  known: Record<string, { inputs: number; first: Uint8Array }>;
}

const BATCH = 50_000;

/** The first line of an error up to its first number, quote or bracket: crashes with the same signature are one finding. */
export function signature(error: string): string {
  const line = error.split('\n')[0] ?? '';
  return line.replace(/[0-9"'[{(].*$/, '').trim().slice(0, 120);
}

export function runFuzz(target: FuzzTarget, o: FuzzOptions): FuzzReport {
  const started = performance.now();
  const arb = inputArbitrary(target, o.seeds);
  const crashes: FuzzCrash[] = [];
  const seen = new Set<string>();
  const known: FuzzReport['known'] = {};
  let inputs = 0;
  let round = 0;
  const predicate = (input: Uint8Array): void => {
    inputs++;
    o.beforeInput?.(input);
    const t0 = performance.now();
    try {
      target.check(input);
    } catch (err) {
      const k = o.strict ? undefined : knownFinding(target.name, err);
      if (k === undefined) throw err;
      const hit = (known[k.id] ??= { inputs: 0, first: input.slice() });
      hit.inputs++;
    }
    const ms = performance.now() - t0;
    if (ms > o.hangMs) confirmHang(input, ms);
  };
  // Wall time on a loaded machine includes pauses that are not the input's (GC, a descheduled process):
  // a slow input is timed once more, and it is a hang only when it is slow both times.
  const confirmHang = (input: Uint8Array, first: number): void => {
    const t0 = performance.now();
    try {
      target.check(input);
    } catch {
      // its error, if any, was handled on the first run
    }
    const again = performance.now() - t0;
    if (again > o.hangMs) throw new FuzzHangError(Math.min(first, again), o.hangMs);
  };
  while (inputs < o.count) {
    const elapsed = performance.now() - started;
    if (elapsed >= o.durationMs) break;
    const seed = (o.seed + round++) | 0;
    const numRuns = Math.min(BATCH, o.count - inputs);
    const r = fc.check(fc.property(arb, predicate), { seed, numRuns, interruptAfterTimeLimit: o.durationMs - elapsed, markInterruptAsFailure: false });
    o.onProgress?.(inputs, performance.now() - started);
    if (!r.failed || r.counterexample === null) continue;
    const err = r.errorInstance;
    const error = err instanceof Error ? `${err.name}: ${err.message}${err instanceof TypeError || err instanceof RangeError ? `\n${err.stack ?? ''}` : ''}` : String(err);
    const sig = signature(error);
    if (!seen.has(sig)) {
      seen.add(sig);
      crashes.push({ kind: err instanceof FuzzHangError ? 'hang' : 'crash', error, input: r.counterexample[0], seed, path: r.counterexamplePath ?? undefined });
    }
    if (o.stopOnCrash) break;
  }
  return { target: target.name, inputs, elapsedMs: performance.now() - started, crashes, known };
}
