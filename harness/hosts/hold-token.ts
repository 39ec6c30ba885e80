// Tokens for held requests (the agent's /hold?token=…, released one by one by token). Several
// client hosts share the backends: under the containers driver each client agent is its own node
// process in its own pid namespace, and agents often get the same pid (with three clients, two
// ran as pid 8: harness/containers/hold-tokens.test.ts), so a counter plus pid repeats across
// clients. The client's address and a random nonce per source keep tokens unique across hosts and
// across runs.
import { randomBytes } from 'node:crypto';

/** A source of hold tokens for one client address: `h<n>-<address>-<nonce>`, URL-safe. */
export function holdTokenSource(address: string, nonce: string = randomBytes(6).toString('hex')): () => string {
  let n = 0;
  const host = address.replace(/[^A-Za-z0-9.]/g, '_');
  return () => `h${++n}-${host}-${nonce}`;
}
