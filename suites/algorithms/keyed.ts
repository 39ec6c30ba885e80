// How a check sends "work with key k" for each key source, and what came back. L7 keys travel in
// the request (header, URI, query parameter, cookie) and a `pass` number changes everything else
// in the request, so only the key can keep it on one backend. L4 keys are the client's own source
// address: key k is client k.
import type { ClientHost, Scenario, StartedTopology } from '../../harness/index.ts';

export const KEY_HEADER = 'x-fulcrum-key';
export const KEY_QUERY = 'k';
export const KEY_COOKIE = 'fk';

/** The scenario key for each L7 source this folder uses. */
export const L7_KEYS = {
  header: { from: 'header', name: KEY_HEADER },
  uri: { from: 'uri' },
  query: { from: 'query', name: KEY_QUERY },
  cookie: { from: 'cookie', name: KEY_COOKIE },
} as const satisfies Record<string, NonNullable<Scenario['key']>>;

export type Answer = { backend: string } | { failure: string };

/** One unit of work for key index k on pass `pass`, on a new connection. */
export async function sendKeyed(topology: StartedTopology, k: number, pass: number): Promise<Answer> {
  const s = topology.scenario;
  const from = s.key?.from;
  if (s.mode !== 'http') return stream(topology.clients[k % topology.clients.length]!, `key-${k} pass-${pass}`);
  const client = topology.clients[0]!;
  const key = `key-${k}`;
  const other = `p${pass}`;
  const request =
    from === 'header'
      ? { path: `/other/${other}`, headers: { [s.key?.name ?? KEY_HEADER]: key } }
      : from === 'uri'
        ? { path: `/u/${key}?x=1` }
        : from === 'query'
          ? { path: `/q/${other}?a=${other}&${s.key?.name ?? KEY_QUERY}=${key}&z=${other}` }
          : from === 'cookie'
            ? { path: `/c/${other}`, headers: { cookie: `a=${other}; ${s.key?.name ?? KEY_COOKIE}=${key}; z=${other}` } }
            : { path: `/n/${key}/${other}` };
  const r = await client.http({ ...request, timeoutMs: 5000 });
  if (!r.ok) return { failure: r.error };
  if (r.status < 200 || r.status >= 300 || !r.backend) return { failure: `HTTP ${r.status}${r.backend ? '' : ' without a backend id'}` };
  return { backend: r.backend };
}

async function stream(client: ClientHost, line: string): Promise<Answer> {
  const r = await client.tcp(line, { timeoutMs: 5000 });
  if (!r.ok) return { failure: r.error };
  return r.backend ? { backend: r.backend } : { failure: `reply "${r.reply}" names no backend` };
}
