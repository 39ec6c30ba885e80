// The reference engine's admin channel as checks use it (capability lvs:admin; API in
// reference/lvs/README.md): bounded, never retried, an HTTP error is an exception with the body.
import type { Endpoint } from '../../harness/index.ts';

const TIMEOUT_MS = 5000;
const SERVICE = 'main';

async function call(admin: Endpoint, method: 'PUT' | 'DELETE', id: string, body?: unknown): Promise<unknown> {
  const url = `http://${admin.host}:${admin.port}/services/${SERVICE}/backends/${encodeURIComponent(id)}`;
  const res = await fetch(url, {
    method,
    ...(body === undefined ? {} : { body: JSON.stringify(body), headers: { 'content-type': 'application/json' } }),
    signal: AbortSignal.timeout(TIMEOUT_MS),
  });
  const text = await res.text();
  if (!res.ok) throw new Error(`admin ${method} ${id}: HTTP ${res.status} ${text.trim()}`);
  return text ? JSON.parse(text) : undefined;
}

export const setWeight = (admin: Endpoint, id: string, weight: number) => call(admin, 'PUT', id, { weight });
export const addServer = (admin: Endpoint, id: string, address: string, weight = 1) => call(admin, 'PUT', id, { address, weight });
export const removeServer = (admin: Endpoint, id: string) => call(admin, 'DELETE', id);
