// The HTTP/1.1 reverse proxy: one pick per request, keep-alive pools to backends (one http.Agent
// each), bodies streamed both ways. Every path ends the client response:
//   503 no usable backend · 502 connect refused/reset or a garbled answer · 504 connect timeout or no
//   response headers within timeouts.response · 400 malformed request (socket closed).
// A failure before anything was sent (connect refused/timeout) is retried on another backend, up to
// `retries` times. A body-less idempotent request that met a pooled connection the backend had
// already closed is re-sent once on a fresh connection to the same backend.
import { Agent, createServer, request, STATUS_CODES, type ClientRequest, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { createConnection, type NetConnectOpts, type Socket } from 'node:net';
import type { Duplex } from 'node:stream';
import type { Lease, Pool, BackendState, MutablePickContext } from '../pool/index.ts';
import { downstreamResponseHeaders, requestHasBody, upstreamRequestHeaders } from './headers.ts';
import { proxyUpgrade, type UpgradeHost } from './upgrade.ts';

export interface HttpProxyOptions {
  readonly name: string;
  readonly pool: Pool;
  readonly timeouts: { readonly connect: number; readonly response: number; readonly idle: number };
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

  constructor(private readonly options: HttpProxyOptions) {
    this.ctx = { key: undefined, attempt: 0, avoid: undefined, now: options.now, rng: options.rng };
    this.server = createServer({ keepAliveTimeout: options.timeouts.idle }, (req, res) => this.handle(req, res));
    this.server.on('clientError', onClientError);
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
    this.server.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => proxyUpgrade(upgradeHost, req, socket, head));
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

  private handle(req: IncomingMessage, res: ServerResponse): void {
    this.inFlight++;
    new Exchange(this, this.options, this.ctx, req, res).forward(0);
  }
}

/** One client request and its attempts. All of its state, so every path can be reasoned about. */
class Exchange {
  private lease: Lease | undefined;
  private upstream: ClientRequest | undefined;
  private timer: NodeJS.Timeout | undefined;
  private responded = false;
  private backendFailed = false;
  private resent = false;
  private readonly hasBody: boolean;

  constructor(
    private readonly proxy: HttpProxy,
    private readonly options: HttpProxyOptions,
    private readonly ctx: MutablePickContext,
    private readonly req: IncomingMessage,
    private readonly res: ServerResponse,
  ) {
    this.hasBody = requestHasBody(req.rawHeaders);
    // The single end of an exchange: response finished or client gone. Release and stop the upstream.
    res.once('close', () => {
      this.clearTimer();
      if (this.upstream !== undefined && !this.upstream.destroyed && !res.writableFinished) this.upstream.destroy();
      this.lease?.release({ ok: !this.backendFailed });
      proxy.ended();
    });
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
        path: req.url,
        headers: upstreamRequestHeaders(req.rawHeaders, { address: req.socket.remoteAddress, proto: 'http' }, backend.address) as unknown as Record<string, string>,
        setHost: false,
        agent: this.proxy.agentFor(backend),
      });
    } catch (err) {
      // Node's client refuses some targets its server parser let through (e.g. control characters).
      return this.reply(400, `request cannot be forwarded: ${(err as Error).message}`);
    }
    this.upstream = upstream;
    let sent = false;
    const send = () => {
      sent = true;
      if (this.hasBody) req.pipe(upstream);
      else upstream.end();
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
    this.timer = setTimeout(
      () => upstream.destroy(new ResponseTimeoutError(`no response within ${timeouts.response}ms`)),
      timeouts.response,
    );
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

  private onResponse(upRes: IncomingMessage): void {
    this.clearTimer();
    this.responded = true;
    const res = this.res;
    const headers = downstreamResponseHeaders(upRes.rawHeaders);
    if (this.proxy.closing) headers.push('Connection', 'close');
    try {
      res.writeHead(upRes.statusCode ?? 502, upRes.statusMessage, headers);
    } catch (err) {
      // A response Node will not re-send (invalid status or header bytes) is the backend's garble.
      this.backendFailed = true;
      const upstream = this.upstream;
      this.upstream = undefined; // its error/close events no longer concern this exchange
      upstream?.destroy();
      this.reply(502, `backend ${this.lease?.backend.id}: unusable response (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})`);
      return;
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

  private reply(status: number, detail: string): void {
    const res = this.res;
    if (res.headersSent) {
      res.destroy();
      return;
    }
    const body = `${status} ${STATUS_CODES[status] ?? ''}: ${detail}\n`;
    const headers: string[] = ['Content-Type', 'text/plain; charset=utf-8', 'Content-Length', String(Buffer.byteLength(body))];
    if (this.proxy.closing) headers.push('Connection', 'close');
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

/** Malformed HTTP from a client: answer 400 (431 for oversized headers) and close the socket. */
function onClientError(err: NodeJS.ErrnoException, socket: Duplex): void {
  if (err.code === 'ECONNRESET' || !socket.writable) {
    socket.destroy();
    return;
  }
  const status = err.code === 'HPE_HEADER_OVERFLOW' ? 431 : err.code === 'ERR_HTTP_REQUEST_TIMEOUT' ? 408 : 400;
  socket.end(`HTTP/1.1 ${status} ${STATUS_CODES[status]}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`, () => socket.destroy());
}
