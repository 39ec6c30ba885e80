// Traffic helpers shared by checks: bounded in count and time, never retried.
import type { ClientHost, HttpOutcome } from '../harness/index.ts';

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

export const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));
