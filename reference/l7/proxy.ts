// The HTTP/1.1 reverse proxy: one pick per request, keep-alive pools to backends (one http.Agent
// each), bodies streamed both ways. Every path ends the client response:
//   503 no usable backend · 502 connect refused/reset or a garbled answer · 504 connect timeout or no
//   response headers within timeouts.response (counted from when the request was fully sent) ·
//   400/413/414/431/501/505 a request refused before any backend sees it (request-head.ts; the
//   client connection is closed) · 408 headers not complete within timeouts.header.
// A failure before anything was sent (connect refused/timeout) is retried on another backend, up to
// `retries` times. A body-less idempotent request that met a pooled connection the backend had
// already closed is re-sent once on a fresh connection to the same backend.
import { Agent, createServer, request, STATUS_CODES, type ClientRequest, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { createConnection, type NetConnectOpts, type Socket } from 'node:net';
import type { Duplex } from 'node:stream';
import type { Lease, Pool, BackendState, MutablePickContext } from '../pool/index.ts';
import { downstreamResponseHeaders, upstreamRequestHeaders } from './headers.ts';
import { proxyUpgrade, type UpgradeHost } from './upgrade.ts';
import { inspectRequestHead, type HeadVerdict, type RequestLimits } from './request-head.ts';
import { sendBody } from './body.ts';
import { rawErrorReply } from './raw-reply.ts';
import { clientConnection, onClientError, type ClientConnection, type OpenExchange } from './client-socket.ts';

export interface HttpLimits extends RequestLimits {
  /** Client connections open at once; past it new ones are closed at accept (fds stay for health checks). */
  readonly connections?: number | undefined;
}

/** Defaults when a caller gives none (the config schema has the same). */
const DEFAULT_HTTP_LIMITS: HttpLimits = { headerBytes: 16_384, headers: 100, urlBytes: 8192 };

export interface HttpProxyOptions {
  readonly name: string;
  readonly pool: Pool;
  readonly timeouts: { readonly connect: number; readonly response: number; readonly idle: number; readonly header?: number | undefined };
  readonly limits?: HttpLimits | undefined;
  /** Extra attempts on another backend after a failure where nothing reached the backend. */
  readonly retries: number;
  /** Hash key for hashing schedulers, from the request (reference/keys). */
  readonly key?: (req: IncomingMessage) => number | undefined;
  /** Monotonic milliseconds and uniform [0,1) randomness, handed to the scheduler. */
  readonly now: () => number;
  readonly rng: () => number;
}

const IDEMPOTENT = new Set(['GET', 'HEAD', 'OPTIONS', 'TRACE', 'PUT', 'DELETE']);
/** Backend sockets idle longer than this are dropped, below Node's 5 s server keep-alive default. */
const UPSTREAM_FREE_SOCKET_MS = 4000;
/** Header-phase timeout when none is given (slowloris). */
const DEFAULT_HEADER_TIMEOUT_MS = 10_000;
/** Room for the method, spaces and version in the parser's head-size bound, above url + headers. */
const REQUEST_LINE_SLACK = 64;
/** Largest backend response head passed on (Node's default); a bigger one is a 502. */
const RESPONSE_HEAD_BYTES = 16_384;

class ConnectTimeoutError extends Error {
  readonly code = 'FULCRUM_ERR_CONNECT_TIMEOUT';
}
class ResponseTimeoutError extends Error {
  readonly code = 'FULCRUM_ERR_RESPONSE_TIMEOUT';
}
class IdleTimeoutError extends Error {
  readonly code = 'FULCRUM_ERR_IDLE_TIMEOUT';
}

export class HttpProxy {
  readonly server: Server;
  private readonly agents = new Map<BackendState, Agent>();
  private readonly ctx: MutablePickContext;
  /** Set when close() starts: responses then carry Connection: close so keep-alive clients leave. */
  closing = false;
  /** Exchanges not yet ended (their response closed), so close() can wait for their leases. */
  inFlight = 0;
  private onIdle: (() => void) | undefined;
  /** Client sockets of upgraded connections (WebSocket tunnels). */
  private readonly tunnels = new Set<Duplex>();

  readonly limits: HttpLimits;

  constructor(private readonly options: HttpProxyOptions) {
    this.ctx = { key: undefined, attempt: 0, avoid: undefined, now: options.now, rng: options.rng };
    const limits = (this.limits = options.limits ?? DEFAULT_HTTP_LIMITS);
    const headerTimeout = options.timeouts.header ?? DEFAULT_HEADER_TIMEOUT_MS;
    this.server = createServer(
      {
        keepAliveTimeout: options.timeouts.idle,
        // The parser's bound on the whole head; the exact header and URL limits are checked after
        // parsing (request-head.ts) so each gets its own status.
        maxHeaderSize: limits.headerBytes + limits.urlBytes + REQUEST_LINE_SLACK,
        headersTimeout: headerTimeout,
        // Bodies are bounded by the idle timeout (a slow upload is fine while it moves), not a total.
        requestTimeout: 0,
        connectionsCheckingInterval: Math.max(100, Math.min(1000, headerTimeout / 4)),
        // request-head.ts answers a missing Host itself, so the connection is marked refused.
        requireHostHeader: false,
      },
      (req, res) => this.handle(req, res),
    );
    // Node's count limit drops extra headers from req.headers silently; request-head.ts refuses them instead.
    this.server.maxHeadersCount = 0;
    if (limits.connections !== undefined) this.server.maxConnections = limits.connections;
    this.server.on('checkContinue', (req: IncomingMessage, res: ServerResponse) => this.handle(req, res, true));
    this.server.on('clientError', (err: NodeJS.ErrnoException, socket: Duplex) => onClientError(err, socket, limits.urlBytes));
    this.server.on('connect', (_req: IncomingMessage, socket: Duplex) => rawErrorReply(socket, 501, 'CONNECT is not supported by a reverse proxy'));
    const upgradeHost: UpgradeHost = {
      timeouts: options.timeouts,
      tunnels: this.tunnels,
      pick: (req) => {
        const ctx = this.ctx;
        ctx.key = options.key?.(req);
        ctx.attempt = 0;
        ctx.avoid = undefined;
        return options.pool.acquire(ctx);
      },
    };
    this.server.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
      const verdict = inspect(req, limits);
      if (!verdict.ok) return rawErrorReply(socket, verdict.status, verdict.reason);
      // A protocol switch carries no body; bytes after its head belong to the new protocol.
      if (verdict.body.kind !== 'none') return rawErrorReply(socket, 400, 'an Upgrade request with a body');
      proxyUpgrade(upgradeHost, req, socket, head, verdict);
    });
  }

  /** Stop accepting, let requests in flight finish within `drainMs`, then cut what is left. */
  async close(drainMs: number): Promise<void> {
    this.closing = true;
    const closed = new Promise<void>((resolve) => this.server.close(() => resolve()));
    this.server.closeIdleConnections();
    let timer: NodeJS.Timeout | undefined;
    const deadline = new Promise<void>((resolve) => (timer = setTimeout(resolve, drainMs)));
    await Promise.race([closed, deadline]);
    clearTimeout(timer);
    this.server.closeAllConnections();
    for (const t of this.tunnels) t.destroy();
    await closed;
    // Cut responses emit 'close' a tick later; wait so every lease is released when close() resolves.
    if (this.inFlight > 0) await new Promise<void>((resolve) => (this.onIdle = resolve));
    for (const agent of this.agents.values()) agent.destroy();
  }

  agentFor(backend: BackendState): Agent {
    let agent = this.agents.get(backend);
    if (agent === undefined) {
      agent = new Agent({ keepAlive: true, noDelay: true, maxSockets: Infinity, maxFreeSockets: 1024, scheduling: 'lifo', timeout: UPSTREAM_FREE_SOCKET_MS });
      // Count bytes once per backend connection, when it closes (no per-chunk work).
      agent.createConnection = (opts: object) => {
        const socket = createConnection(opts as NetConnectOpts);
        socket.once('close', () => {
          backend.bytesOut += socket.bytesWritten;
          backend.bytesIn += socket.bytesRead;
        });
        return socket;
      };
      this.agents.set(backend, agent);
    }
    return agent;
  }

  /** Called by an exchange when its response has closed. */
  ended(): void {
    if (--this.inFlight === 0) this.onIdle?.();
  }

  private handle(req: IncomingMessage, res: ServerResponse, expectsContinue = false): void {
    const conn = clientConnection(req.socket);
    // Requests pipelined behind a refused one are never forwarded; Node closes the socket after
    // the refusal's answer, which closes these responses too.
    if (conn.refused) return;
    this.inFlight++;
    const verdict = inspect(req, this.limits);
    const exchange = new Exchange(this, this.options, this.ctx, req, res, verdict, conn);
    conn.current = exchange;
    if (!verdict.ok) return exchange.refuse(verdict.status, verdict.reason);
    // Only a request we will forward is told to go on with its body.
    if (expectsContinue) res.writeContinue();
    exchange.forward(0);
  }
}

/** One client request and its attempts. All of its state, so every path can be reasoned about. */
class Exchange implements OpenExchange {
  private lease: Lease | undefined;
  private upstream: ClientRequest | undefined;
  private timer: NodeJS.Timeout | undefined;
  private responded = false;
  private backendFailed = false;
  private resent = false;
  private readonly hasBody: boolean;
  private readonly verdict: HeadVerdict & { ok: true };

  constructor(
    private readonly proxy: HttpProxy,
    private readonly options: HttpProxyOptions,
    private readonly ctx: MutablePickContext,
    readonly req: IncomingMessage,
    private readonly res: ServerResponse,
    verdict: HeadVerdict,
    private readonly conn: ClientConnection,
  ) {
    this.verdict = verdict.ok ? verdict : { ok: true, body: { kind: 'none' }, path: '/', authority: undefined };
    this.hasBody = this.verdict.body.kind !== 'none';
    conn.open.add(this);
    res.once('close', () => this.end());
  }

  /** The single end of an exchange: its response closed, or the client connection closed under a
   *  response still queued behind a pipelined one (Node never closes those). Releases the lease and
   *  stops the upstream request; runs once. */
  end(): void {
    if (!this.conn.open.delete(this)) return;
    if (this.conn.current === this) this.conn.current = undefined;
    this.clearTimer();
    if (this.upstream !== undefined && !this.upstream.destroyed && !this.res.writableFinished) this.upstream.destroy();
    this.lease?.release({ ok: !this.backendFailed });
    this.proxy.ended();
    if (this.conn.open.size === 0) this.conn.afterOpen?.();
  }

  forward(attempt: number, avoid?: Set<string>): void {
    const { pool, key } = this.options;
    const ctx = this.ctx;
    ctx.key = key?.(this.req);
    ctx.attempt = attempt;
    ctx.avoid = avoid;
    const lease = pool.acquire(ctx);
    ctx.avoid = undefined;
    if (lease === undefined) return this.reply(503, 'no backend available');
    this.lease = lease;
    this.dispatch(lease, attempt, avoid);
  }

  /** Sends the request to the leased backend (again, after a stale keep-alive connection). */
  private dispatch(lease: Lease, attempt: number, avoid: Set<string> | undefined): void {
    const { timeouts } = this.options;
    this.backendFailed = false;
    const backend = lease.backend;
    const req = this.req;
    let upstream: ClientRequest;
    try {
      upstream = request({
        host: backend.host,
        port: backend.port,
        method: req.method,
        path: this.verdict.path,
        headers: upstreamRequestHeaders(
          req.rawHeaders,
          { address: req.socket.remoteAddress, proto: 'http' },
          { fallbackHost: backend.address, authority: this.verdict.authority, body: this.verdict.body },
        ) as unknown as Record<string, string>,
        setHost: false,
        agent: this.proxy.agentFor(backend),
        // A response head over the proxy's own bound is a garbled answer (502), not a crash.
        maxHeaderSize: RESPONSE_HEAD_BYTES,
      });
    } catch (err) {
      // Node's client refuses some targets its server parser let through (e.g. control characters).
      return this.reply(400, `request cannot be forwarded: ${(err as Error).message}`);
    }
    this.upstream = upstream;
    let sent = false;
    const send = () => {
      sent = true;
      sendBody(req, upstream, this.verdict.body, this.proxy.limits.body, () => this.overLimit(upstream));
    };
    upstream.once('socket', (socket: Socket) => {
      if (!socket.connecting) return send();
      const connectTimer = setTimeout(() => upstream.destroy(new ConnectTimeoutError(`connect timeout after ${timeouts.connect}ms`)), timeouts.connect);
      socket.once('connect', () => {
        clearTimeout(connectTimer);
        send();
      });
      socket.once('close', () => clearTimeout(connectTimer));
    });
    this.clearTimer();
    // The response timeout runs from when the whole request has been handed to the backend: a slow
    // upload is bounded by timeouts.idle while it moves, not by the time its answer may take.
    upstream.once('finish', () => {
      if (this.responded || this.upstream !== upstream) return;
      this.timer = setTimeout(() => upstream.destroy(new ResponseTimeoutError(`no response within ${timeouts.response}ms`)), timeouts.response);
    });
    // A backend that goes quiet mid-body (or a client that stops reading) is cut after timeouts.idle.
    upstream.setTimeout(timeouts.idle, () => upstream.destroy(new IdleTimeoutError(`idle for ${timeouts.idle}ms`)));
    upstream.once('response', (upRes) => this.onResponse(upRes));
    upstream.on('error', (err: NodeJS.ErrnoException) => {
      if (this.upstream !== upstream) return;
      this.clearTimer();
      if (this.responded) {
        // Mid-body failure: the status is gone already; cut the client so it sees a truncated body.
        this.backendFailed = true;
        this.res.destroy();
        return;
      }
      if (this.res.destroyed) return; // the client left; its close handler released the lease
      // A pooled connection the backend closed while it sat idle: the request never reached the
      // backend's application. Re-send it once on a fresh connection to the same backend (not a
      // balancing retry, so independent of `retries`), as HTTP clients do.
      const staleConnection =
        upstream.reusedSocket && !this.hasBody && IDEMPOTENT.has(req.method ?? '') && (err.code === 'ECONNRESET' || err.code === 'EPIPE');
      if (staleConnection && !this.resent) {
        this.resent = true;
        return this.dispatch(lease, attempt, avoid);
      }
      this.backendFailed = true;
      if (!sent && attempt < this.options.retries && !(err instanceof ResponseTimeoutError || err instanceof IdleTimeoutError)) {
        lease.release({ ok: false });
        this.lease = undefined;
        const next = avoid ?? new Set<string>();
        next.add(backend.id);
        return this.forward(attempt + 1, next);
      }
      if (err instanceof ResponseTimeoutError || err instanceof ConnectTimeoutError || err instanceof IdleTimeoutError) this.reply(504, err.message);
      else this.reply(502, `backend ${backend.id}: ${err.code ?? err.message}`);
    });
  }

  /** A request refused before any backend saw it: answer and close the client connection, since
   *  what follows on it (an unread body, pipelined requests) cannot be trusted to be framed. */
  refuse(status: number, detail: string): void {
    this.conn.refused = true;
    this.reply(status, detail, true);
  }

  bodyFailed(): void {
    const upstream = this.upstream;
    this.upstream = undefined; // its error/close events no longer concern this exchange
    upstream?.destroy();
    this.clearTimer();
    this.refuse(400, 'malformed request body');
  }

  /** A chunked body ran past limits.body: the upstream request is gone, the client gets 413. */
  private overLimit(upstream: ClientRequest): void {
    if (this.upstream === upstream) this.upstream = undefined;
    this.clearTimer();
    this.refuse(413, `body is over ${this.proxy.limits.body} bytes`);
  }

  private onResponse(upRes: IncomingMessage): void {
    this.clearTimer();
    this.responded = true;
    const res = this.res;
    if (!plainFraming(upRes.rawHeaders)) return this.garbled(new Error('a transfer coding other than chunked'));
    const headers = downstreamResponseHeaders(upRes.rawHeaders);
    if (this.proxy.closing) headers.push('Connection', 'close');
    try {
      res.writeHead(upRes.statusCode ?? 502, upRes.statusMessage, headers);
    } catch (err) {
      // A response Node will not re-send (invalid status or header bytes) is the backend's garble.
      return this.garbled(err as Error);
    }
    upRes.pipe(res);
    upRes.once('aborted', () => {
      this.backendFailed = true;
      res.destroy();
    });
    upRes.once('error', () => {
      this.backendFailed = true;
      res.destroy();
    });
  }

  /** The backend's response cannot be passed on: 502, and its connection is never reused. */
  private garbled(err: Error): void {
    this.backendFailed = true;
    const upstream = this.upstream;
    this.upstream = undefined; // its error/close events no longer concern this exchange
    upstream?.destroy();
    this.reply(502, `backend ${this.lease?.backend.id}: unusable response (${(err as NodeJS.ErrnoException).code ?? err.message})`);
  }

  private reply(status: number, detail: string, close = false): void {
    const res = this.res;
    if (res.headersSent) {
      res.destroy();
      return;
    }
    const body = `${status} ${STATUS_CODES[status] ?? ''}: ${detail}\n`;
    const headers: string[] = ['Content-Type', 'text/plain; charset=utf-8', 'Content-Length', String(Buffer.byteLength(body))];
    if (close || this.proxy.closing) headers.push('Connection', 'close');
    res.writeHead(status, headers);
    res.end(body);
  }

  private clearTimer(): void {
    if (this.timer !== undefined) {
      clearTimeout(this.timer);
      this.timer = undefined;
    }
  }
}

function inspect(req: IncomingMessage, limits: RequestLimits): HeadVerdict {
  return inspectRequestHead({ method: req.method ?? '', url: req.url ?? '', httpVersion: req.httpVersion, rawHeaders: req.rawHeaders }, limits);
}

/** Whether a response's Transfer-Encoding, if any, is exactly chunked (Node decodes that and we
 *  re-frame; any other coding would reach the client without its name). */
function plainFraming(raw: readonly string[]): boolean {
  for (let i = 0; i < raw.length; i += 2) {
    const name = raw[i] as string;
    if (name.length === 17 && name.toLowerCase() === 'transfer-encoding' && (raw[i + 1] as string).trim().toLowerCase() !== 'chunked') return false;
  }
  return true;
}

