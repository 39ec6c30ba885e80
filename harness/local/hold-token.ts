// Tokens for held requests (the agent's /hold?token=…, released one by one by token). Several
// client hosts share the backends: under the containers driver each client agent is its own node
// process, and every one of them gets the same pid (each container numbers its own processes from
// 1 and starts the agent the same way), so a counter plus pid repeats across clients. The client's
// address and a random nonce per source keep tokens unique across hosts and across runs.
import { randomBytes } from 'node:crypto';

/** A source of hold tokens for one client address: `h<n>-<address>-<nonce>`, URL-safe. */
export function holdTokenSource(address: string, nonce: string = randomBytes(6).toString('hex')): () => string {
  let n = 0;
  const host = address.replace(/[^A-Za-z0-9.]/g, '_');
  return () => `h${++n}-${host}-${nonce}`;
}
