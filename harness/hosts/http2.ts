// HTTP/2 and TLS from a client host (ClientHost.http2, .tlsHandshake): one new connection from the
// client's own address, bounded by a timeout, never retried; failures come back as data.
import { connect as h2Connect, type ClientHttp2Session, type IncomingHttpHeaders } from 'node:http2';
import { connect as netConnect, type Socket } from 'node:net';
import { connect as tlsConnect, type TLSSocket } from 'node:tls';
import { BACKEND_HEADER } from '../agent/protocol.ts';
import type { Endpoint } from '../types.ts';
import type { Http2Exchange, Http2Outcome, HttpOutcome, HttpRequest, TlsOutcome, TlsProbe } from '../topology.ts';

const DEFAULT_TIMEOUT_MS = 10_000;
const PROBE_TIMEOUT_MS = 5_000;

const localOf = (s: Socket | undefined): Endpoint => ({ host: (s?.localAddress ?? '').replace(/^::ffff:/, ''), port: s?.localPort ?? 0 });
const errorText = (err: unknown) => (err as NodeJS.ErrnoException).code ?? (err as Error).message;

function headerMap(h: IncomingHttpHeaders): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(h)) if (v !== undefined && !k.startsWith(':')) out[k] = Array.isArray(v) ? v.join(', ') : String(v);
  return out;
}

/** One stream: its outcome, never a throw. */
function stream(session: ClientHttp2Session, request: HttpRequest, local: Endpoint): Promise<HttpOutcome> {
  const started = performance.now();
  return new Promise((resolve) => {
    const elapsedMs = () => performance.now() - started;
    let head: IncomingHttpHeaders | undefined;
    const chunks: Buffer[] = [];
    let req;
    try {
      req = session.request({ ':method': request.method ?? 'GET', ':path': request.path ?? '/', ...request.headers }, { endStream: request.body === undefined });
    } catch (err) {
      return resolve({ ok: false, error: errorText(err), local, elapsedMs: elapsedMs() });
    }
    req.on('response', (h) => (head = h));
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('error', (err) => resolve({ ok: false, error: req.rstCode ? `stream reset (code ${req.rstCode})` : errorText(err), local, elapsedMs: elapsedMs() }));
    req.on('end', () => {
      if (!head) return resolve({ ok: false, error: 'the stream ended without a response head', local, elapsedMs: elapsedMs() });
      resolve({ ok: true, status: Number(head[':status']), backend: head[BACKEND_HEADER] as string | undefined, headers: headerMap(head), body: Buffer.concat(chunks).toString('utf8'), local, elapsedMs: elapsedMs() });
    });
    req.on('close', () => {
      if (req.rstCode && req.rstCode !== 0) resolve({ ok: false, error: `stream reset (code ${req.rstCode})`, local, elapsedMs: elapsedMs() });
    });
    if (request.body !== undefined) req.end(request.body);
  });
}

export function http2Exchange(address: string, entry: Endpoint, exchange: Http2Exchange): Promise<Http2Outcome> {
  const started = performance.now();
  const timeoutMs = exchange.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  return new Promise((resolve) => {
    let settled = false;
    let socket: Socket | TLSSocket | undefined;
    let session: ClientHttp2Session | undefined;
    const finish = (outcome: Http2Outcome) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      session?.destroy();
      socket?.destroy();
      resolve(outcome);
    };
    const fail = (error: string) => finish({ ok: false, error, elapsedMs: performance.now() - started, ...(socket?.localPort ? { local: localOf(socket) } : {}) });
    const timer = setTimeout(() => fail(`timeout after ${timeoutMs} ms`), timeoutMs);
    const tls = exchange.tls;
    const connectSocket = (): Socket => {
      socket = tls
        ? tlsConnect({ socket: netConnect({ host: entry.host, port: entry.port, localAddress: address }), servername: tls.servername, ca: tls.ca, ALPNProtocols: ['h2'] })
        : netConnect({ host: entry.host, port: entry.port, localAddress: address });
      return socket;
    };
    session = h2Connect(`${tls ? 'https' : 'http'}://${tls ? tls.servername : entry.host}:${entry.port}`, { createConnection: connectSocket });
    session.on('error', (err) => fail(errorText(err)));
    session.once('connect', async () => {
      if (tls && (socket as TLSSocket).alpnProtocol !== 'h2') return fail(`ALPN chose ${(socket as TLSSocket).alpnProtocol || 'no protocol'}, not h2`);
      const local = localOf(socket);
      const responses: HttpOutcome[] = [];
      for (const r of exchange.requests) {
        if (settled) return;
        responses.push(await stream(session as ClientHttp2Session, r, local));
      }
      const certificate = tls ? (socket as TLSSocket).getPeerX509Certificate()?.fingerprint256 : undefined;
      finish({ ok: true, responses, ...(certificate ? { certificate } : {}), local, elapsedMs: performance.now() - started });
    });
  });
}

export function tlsHandshake(address: string, entry: Endpoint, probe: TlsProbe): Promise<TlsOutcome> {
  const started = performance.now();
  const timeoutMs = probe.timeoutMs ?? PROBE_TIMEOUT_MS;
  return new Promise((resolve) => {
    // Verification is judged here (reported, not enforced) so a wrong certificate is evidence, not an error.
    const socket = tlsConnect({ socket: netConnect({ host: entry.host, port: entry.port, localAddress: address }), servername: probe.servername, ca: probe.ca, ...(probe.alpn.length > 0 ? { ALPNProtocols: probe.alpn } : {}), rejectUnauthorized: false });
    let settled = false;
    const finish = (outcome: TlsOutcome) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      socket.destroy();
      resolve(outcome);
    };
    const timer = setTimeout(() => finish({ ok: false, error: `timeout after ${timeoutMs} ms`, elapsedMs: performance.now() - started }), timeoutMs);
    socket.once('error', (err) => finish({ ok: false, error: errorText(err), elapsedMs: performance.now() - started, ...(socket.localPort ? { local: localOf(socket) } : {}) }));
    socket.once('secureConnect', () => {
      const x = socket.getPeerX509Certificate();
      const names = x?.subjectAltName?.split(', ').filter((e) => e.startsWith('DNS:')).map((e) => e.slice(4)) ?? [];
      const verified: true | string = socket.authorized ? true : String(socket.authorizationError ?? 'not verified');
      const reply = { ok: true as const, alpn: socket.alpnProtocol ?? false, certificate: x?.fingerprint256 ?? '', names, version: socket.getProtocol() ?? '', verified, local: localOf(socket) };
      if (probe.http1Path === undefined) return finish({ ...reply, elapsedMs: performance.now() - started });
      let head = '';
      const done = () => finish({ ...reply, http1: parseHead(head), elapsedMs: performance.now() - started });
      socket.setEncoding('latin1');
      socket.on('data', (d: string) => {
        head += d;
        if (head.includes('\r\n\r\n') || head.length > 16_384) done();
      });
      socket.once('end', done);
      socket.once('close', done);
      socket.write(`GET ${probe.http1Path} HTTP/1.1\r\nHost: ${probe.servername}\r\nConnection: close\r\n\r\n`);
    });
  });
}

/** Status and backend header of an HTTP/1.1 reply head (0 when there is no status line). */
function parseHead(head: string): { status: number; backend: string | undefined } {
  const status = /^HTTP\/1\.[01] (\d{3})/.exec(head);
  const backend = new RegExp(`\r\n${BACKEND_HEADER}:[ \t]*([^\r\n]*)`, 'i').exec(head);
  return { status: status ? Number(status[1]) : 0, backend: backend?.[1]?.trim() };
}
