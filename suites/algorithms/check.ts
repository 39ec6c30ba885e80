// Helpers shared by this folder's checks. L4 source hashing needs distinct sources (Check.clients);
// a driver that starts fewer clients than asked makes the check skip, saying so.
import type { Check, StartedTopology, Verdict } from '../../harness/index.ts';

export type AlgorithmCheck = Check;

export function tooFewClients(topology: StartedTopology, needed: number): Verdict | undefined {
  if (topology.clients.length >= needed) return undefined;
  return { status: 'skip', reason: `needs ${needed} client addresses, the driver started ${topology.clients.length} (the driver cannot give this many source addresses)` };
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
