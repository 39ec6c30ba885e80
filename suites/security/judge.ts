// Pure verdicts for request-side cases: what the backend parsed out of its raw bytes (strict
// RFC 9112) against what the client sent and got back. A case fails when the backend sees bytes
// that are not valid HTTP/1.1, a request the client did not send as one, a body framed differently
// from what the client sent, more requests than the client was answered for, or when a client gets
// a response that belongs to another request.
import { BACKEND_HEADER, REQUEST_ID_HEADER, http1 } from '../../harness/index.ts';
import { excerpt, type Observed } from './wire.ts';

/** How a correct balancer may deal with a case. */
export type Handling = 'reject' | 'forward' | 'partial';

export interface ExpectedRequest {
  id: string;
  /** The decoded body the backend must get (default empty); null: any (the RFC leaves it open). */
  body?: string | null;
  /** The path the backend must get, when it matters (absolute-form: the authority must go to Host). */
  path?: string;
  /** The Host the backend must get, when it matters. */
  host?: string;
}

export interface RequestCase {
  name: string;
  /** Byte pieces the client writes (latin1). */
  pieces: { data: string; delayMs?: number }[];
  /** The requests an RFC 9112 reading of those bytes yields, in order. */
  requests: ExpectedRequest[];
  /** What a correct balancer may do; 'partial': answer a prefix of the requests, then close. */
  allowed: Handling[];
  /** The RFC section that decides the case. */
  rfc: string;
}

export interface CaseResult {
  case: string;
  ok: boolean;
  /** rejected, forwarded, normalised, partial … or what went wrong. */
  outcome: string;
  rfc: string;
  client: string;
  /** What the backend received on each connection that carried bytes (escaped excerpts). */
  backend: string[];
  /** Response-side cases: what a follow-up request on a new connection got. */
  followUp?: string;
}

interface ClientView {
  ids: (string | undefined)[];
  statuses: number[];
  fromBackend: number;
  error?: string;
}

function clientView(o: Observed, methods: string[]): ClientView {
  if (!o.client.ok) return { ids: [], statuses: [], fromBackend: 0, error: o.client.error };
  const parsed = http1.parseResponses(o.client.bytes, methods);
  const finals = parsed.messages.filter((m) => m.status >= 200);
  return {
    ids: finals.map((m) => http1.field(m, REQUEST_ID_HEADER)),
    statuses: finals.map((m) => m.status),
    fromBackend: finals.filter((m) => http1.field(m, BACKEND_HEADER) !== undefined).length,
    ...(parsed.error ? { error: `the client got bytes that are not valid HTTP/1.1: ${parsed.error.message} (${parsed.error.rfc})` } : {}),
  };
}

/** Every request the backend parsed, or the first problem in its bytes. A request cut short on a
 *  connection the balancer then closed is an aborted upload (a streaming balancer that found the
 *  rest invalid), which the backend discards; cut short on a connection left open, it would be
 *  completed by whatever the balancer sends next. */
function backendRequests(o: Observed): { requests: http1.Request[]; problem?: string; aborted: number } {
  const requests: http1.Request[] = [];
  let aborted = 0;
  for (const conn of o.backend) {
    const parsed = http1.parseRequests(conn.bytes);
    requests.push(...parsed.messages);
    if (parsed.error) return { requests, aborted, problem: `the backend received bytes that are not valid HTTP/1.1: ${parsed.error.message} (${parsed.error.rfc}) at "${excerpt(conn.bytes.slice(parsed.error.offset), 80)}"` };
    if (parsed.rest && conn.closed) aborted++;
    else if (parsed.rest && !conn.truncated) return { requests, aborted, problem: `the backend received ${parsed.rest.length} bytes that do not make a whole request, on a connection left open: "${excerpt(parsed.rest, 80)}"` };
  }
  return { requests, aborted };
}

/** Backend requests are matched to the client's by id, not by order: a balancer may spread one
 *  client connection's requests over several backend connections. */
function checkForwarded(c: RequestCase, got: http1.Request[]): string | undefined {
  const seen = new Set<string>();
  for (const r of got) {
    const id = http1.field(r, REQUEST_ID_HEADER);
    const want = c.requests.find((w) => w.id === id);
    if (!want || id === undefined) return `the backend got a request with id ${id ?? '(none)'} for ${r.target}, which the client never sent as a request (smuggled)`;
    if (seen.has(id)) return `the backend got request ${id} twice`;
    seen.add(id);
    if (want.body !== null && r.body !== (want.body ?? '')) return `request ${want.id} reached the backend with body "${excerpt(r.body, 60)}", the client sent "${excerpt(want.body ?? '', 60)}" (framed differently)`;
    const path = r.form === 'absolute' ? r.target.replace(/^[a-z]+:\/\/[^/]*/i, '') : r.target;
    if (want.path !== undefined && path !== want.path) return `request ${want.id} reached the backend for ${r.target}, not ${want.path}`;
    const host = http1.field(r, 'host');
    if (want.host !== undefined && host !== want.host) return `request ${want.id} reached the backend with Host "${host}", not "${want.host}" (the request target's authority)`;
  }
  const prefix = c.requests.slice(0, seen.size).every((w) => seen.has(w.id));
  if (!prefix) return `the backend got ${[...seen].join(', ')}, not the first ${seen.size} of the client's requests`;
  return undefined;
}

export function judgeRequests(c: RequestCase, o: Observed): CaseResult {
  const methods = c.requests.map(() => 'GET');
  const client = clientView(o, methods);
  const be = backendRequests(o);
  const base = { case: c.name, rfc: c.rfc, client: o.client.ok ? `${excerpt(o.client.bytes, 160)} [${o.client.end}]` : o.client.error, backend: o.backend.map((b) => excerpt(b.bytes, 200)) };
  const failed = (outcome: string): CaseResult => ({ ...base, ok: false, outcome });
  if (be.problem) return failed(be.problem);
  if (client.error && o.client.ok) return failed(client.error);
  const mismatch = checkForwarded(c, be.requests);
  if (mismatch) return failed(mismatch);
  const alien = client.ids.find((id, i) => id !== undefined && id !== c.requests[i]?.id);
  if (alien !== undefined) return failed(`the client got a response for ${alien}, which belongs to another request`);
  if (be.requests.length > client.fromBackend) return failed(`the backend got ${be.requests.length} requests, the client was answered for ${client.fromBackend}`);
  const n = be.requests.length;
  const handling: Handling = n === 0 ? 'reject' : n === c.requests.length ? 'forward' : 'partial';
  if (handling === 'reject' && client.statuses.length === 0 && o.client.ok && o.client.end === 'timeout') return failed('no answer and no close within the exchange\'s timeout');
  if (handling === 'reject' && client.statuses.some((s) => s < 400)) return failed(`the client got HTTP ${client.statuses.join(', ')} though nothing reached the backend`);
  const how = handling === 'reject' ? (client.statuses.length ? `rejected (HTTP ${client.statuses[0]})` : `rejected (closed without a response${o.client.ok ? `, ${o.client.end}` : ''})`) : handling === 'partial' ? `answered ${n} of ${c.requests.length}, then closed` : 'forwarded';
  const noted = be.aborted ? `${how}; the upload to the backend was aborted` : how;
  if (!c.allowed.includes(handling)) return failed(`${noted}; a correct balancer must ${c.allowed.map((a) => (a === 'reject' ? 'reject it' : a === 'forward' ? 'forward it' : 'answer a prefix')).join(' or ')} (${c.rfc})`);
  return { ...base, ok: true, outcome: noted };
}
