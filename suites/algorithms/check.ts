// The check shape of this folder: a harness Check that may ask for more than one client address
// (L4 source hashing needs distinct sources). Until the runner passes `clients` to the driver, a
// check that gets fewer clients than it needs skips itself and says so.
import type { Check, StartedTopology, Verdict } from '../../harness/index.ts';

export interface AlgorithmCheck extends Check {
  /** Client hosts (distinct source addresses) the check needs; default 1. */
  readonly clients?: number;
}

export function tooFewClients(topology: StartedTopology, needed: number): Verdict | undefined {
  if (topology.clients.length >= needed) return undefined;
  return { status: 'skip', reason: `needs ${needed} client addresses, the driver started ${topology.clients.length} (the runner must pass Check.clients to the driver)` };
}

/** Runs fn(i) for i in 0..n−1 with at most `width` in flight; results in index order. */
export async function inPool<T>(n: number, width: number, fn: (i: number) => Promise<T>): Promise<T[]> {
  const out: T[] = new Array(n);
  let next = 0;
  const worker = async () => {
    while (next < n) {
      const i = next++;
      out[i] = await fn(i);
    }
  };
  await Promise.all(Array.from({ length: Math.min(width, n) }, worker));
  return out;
}

export const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));
