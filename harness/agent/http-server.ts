// The agent's HTTP side: every reply names the backend (header and body) and echoes the request's
// x-fulcrum-id; /healthz, /hold, /bytes, /sha256 and /misbehave behave as protocol.ts says.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { createHash } from 'node:crypto';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { BYTES_MAX, BYTES_PATH, SHA256_PATH, byteChunks, type Sha256Reply } from './byte-stream.ts';
import { BACKEND_HEADER, HEALTH_PATH, HOLD_MAX_MS, HOLD_PATH, MISBEHAVE_PATH, REQUEST_ID_HEADER } from './protocol.ts';
import { isMisbehaviour, misbehave } from './misbehave.ts';
import { peerOf, type AgentState } from './state.ts';

const SELECTED_HEADERS = ['x-forwarded-for', 'forwarded', 'x-forwarded-proto', 'x-real-ip'];

export function createAgentHttp(state: AgentState): Server {
  // Generous limits, so that what a balancer forwards is parsed and captured whole rather than cut
  // by the agent (the security suite judges the balancer's limits, not ours).
  const http = createServer({ maxHeaderSize: 1024 * 1024 }, (req, res) => handle(state, req, res));
  http.keepAliveTimeout = 10_000;
  http.maxHeadersCount = 0;
  return http;
}

function recordRequest(state: AgentState, req: IncomingMessage, url: URL): void {
  const headers: Record<string, string> = {};
  for (const name of SELECTED_HEADERS) {
    const v = req.headers[name];
    if (v !== undefined) headers[name] = Array.isArray(v) ? v.join(', ') : v;
  }
  const proxy = state.proxyOf.get(req.socket);
  state.record({ backend: state.id, protocol: 'http', peer: peerOf(req.socket), at: Date.now(), method: req.method ?? 'GET', path: url.pathname + url.search, headers, ...(proxy ? { proxy } : {}) });
}

function handle(state: AgentState, req: IncomingMessage, res: ServerResponse): void {
  const { id } = state;
  const url = new URL(req.url ?? '/', 'http://agent');
  const requestId = req.headers[REQUEST_ID_HEADER];
  res.setHeader(BACKEND_HEADER, id);
  if (typeof requestId === 'string') res.setHeader(REQUEST_ID_HEADER, requestId);
  res.setHeader('content-type', 'text/plain');
  if (url.pathname === HEALTH_PATH) {
    state.probes++;
    req.resume();
    res.end('ok\n');
    return;
  }
  recordRequest(state, req, url);
  state.active.http++;
  let counted = true;
  res.on('close', () => {
    if (counted) state.active.http--;
    counted = false;
  });
  const kind = url.searchParams.get('kind');
  if (url.pathname === MISBEHAVE_PATH && isMisbehaviour(kind)) return misbehave(kind, id, req, res);
  if (url.pathname === SHA256_PATH) return hashBody(req, res);
  req.resume();
  if (url.pathname === BYTES_PATH) return sendBytes(id, url, res);
  if (url.pathname === HOLD_PATH) return hold(state, url, res);
  const body = typeof requestId === 'string' ? `${id} ${requestId}\n` : `${id}\n`;
  req.on('end', () => res.end(body));
}

/** GET /hold: headers and the first line now, the rest on release, client close or ?ms=. */
function hold(state: AgentState, url: URL, res: ServerResponse): void {
  const ms = Math.min(Number(url.searchParams.get('ms') ?? 30_000) || 30_000, HOLD_MAX_MS);
  const token = url.searchParams.get('token') ?? '';
  res.writeHead(200);
  res.write(`${state.id}\n`);
  const release = () => {
    clearTimeout(timer);
    state.holds.delete(release);
    if (!res.writableEnded) res.end('released\n');
  };
  const timer = setTimeout(release, ms);
  state.holds.set(release, token);
  res.on('close', release);
}

/** GET /bytes?n=N&seed=S: exactly N bytes of the seeded stream, generated as the client reads. */
function sendBytes(id: string, url: URL, res: ServerResponse): void {
  const n = url.searchParams.get('n') ?? '';
  const total = /^\d{1,10}$/.test(n) ? Number(n) : Number.NaN;
  if (!(total <= BYTES_MAX)) {
    res.writeHead(400).end(`${id} n must be a whole number of bytes from 0 to ${BYTES_MAX} (1 GiB), got "${n}"\n`);
    return;
  }
  res.writeHead(200, { 'content-type': 'application/octet-stream', 'content-length': total });
  // A client that goes away mid-body destroys the response; nothing else to clean up.
  pipeline(Readable.from(byteChunks(url.searchParams.get('seed') ?? '', total)), res).catch(() => {});
}

/** POST /sha256: hashes the request body as it arrives; answers its length, digest and sender. */
function hashBody(req: IncomingMessage, res: ServerResponse): void {
  const hash = createHash('sha256');
  let bytes = 0;
  req.on('data', (chunk: Buffer) => {
    bytes += chunk.length;
    hash.update(chunk);
  });
  req.on('end', () => {
    const reply: Sha256Reply = { bytes, sha256: hash.digest('hex'), peer: peerOf(req.socket).address };
    res.setHeader('content-type', 'application/json');
    res.end(JSON.stringify(reply));
  });
}
