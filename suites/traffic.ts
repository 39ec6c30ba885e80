// Traffic helpers shared by checks: bounded in count and time, never retried.
import type { ClientHost, HeldExchange, HttpOutcome, StartedTopology } from '../harness/index.ts';

export interface Pick {
  backend: string;
}

export interface SequentialResult {
  /** Backend of each answered request, in order. */
  sequence: string[];
  /** Requests that did not get a 2xx from an agent: index, and what happened. */
  failures: { index: number; what: string }[];
}

function describe(r: HttpOutcome): string | undefined {
  if (!r.ok) return r.error;
  if (r.status < 200 || r.status >= 300) return `HTTP ${r.status}`;
  if (!r.backend) return `HTTP ${r.status} without the x-fulcrum-backend header`;
  return undefined;
}

/** n HTTP requests one after another, each on a new connection; stops early after maxMs. */
export async function sequentialHttp(client: ClientHost, n: number, maxMs = 30_000): Promise<SequentialResult> {
  const deadline = performance.now() + maxMs;
  const sequence: string[] = [];
  const failures: SequentialResult['failures'] = [];
  for (let i = 0; i < n && performance.now() < deadline; i++) {
    const r = await client.http({ path: `/seq/${i}`, timeoutMs: 5000 });
    const problem = describe(r);
    if (problem) failures.push({ index: i, what: problem });
    else if (r.ok && r.backend) sequence.push(r.backend);
  }
  return { sequence, failures };
}

/** A check's reason when requests failed: "3 of 40 requests failed (first: ECONNRESET)". */
export function failedLine(failures: readonly { what: string }[], total: number, noun = 'requests'): string {
  return `${failures.length} of ${total} ${noun} failed (first: ${failures[0]?.what})`;
}

export const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/** Waits (bounded) until the agents report `expected` held HTTP requests per backend, then a little
 *  longer so the balancer has seen the same; returns what the agents last reported. */
export async function settleActive(topology: StartedTopology, expected: Record<string, number>, waitMs = 5000): Promise<Record<string, number>> {
  const deadline = performance.now() + waitMs;
  let seen: Record<string, number> = {};
  while (performance.now() < deadline) {
    const snaps = await Promise.all(topology.backends.map(async (b) => [b.id, (await b.snapshot()).active.http] as const));
    seen = Object.fromEntries(snaps);
    if (topology.backends.every((b) => seen[b.id] === expected[b.id])) break;
    await sleep(25);
  }
  await sleep(150);
  return seen;
}

/** Ends held work as the balancer sees it: released on the backend (the response completes), since an
 *  HTTP balancer may keep serving a request whose client left (HAProxy without `option abortonclose`);
 *  then the client side is closed. Drivers without release() fall back to closing the client side. */
export async function finishHeld(topology: StartedTopology, h: HeldExchange): Promise<void> {
  const backend = topology.backends.find((b) => b.id === h.backend);
  if (backend?.running && backend.release && h.token !== undefined) {
    await backend.release(h.token);
    await Promise.race([h.ended?.() ?? sleep(200), sleep(3000)]);
  }
  await h.close();
}
