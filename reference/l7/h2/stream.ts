// One client HTTP/2 stream and its backend exchange: a pick per stream (so one connection's
// requests spread by the scheduler), then HTTP/1.1 or HTTP/2 to the backend. Every path ends the
// stream: 503 no usable backend · 502 the backend refused, reset or went away before answering
// (its RST_STREAM/GOAWAY) · 504 no response head within timeouts.response · a backend that goes
// away mid-response resets the client stream (INTERNAL_ERROR) so the client sees a cut, never a
// short body passed as whole. gRPC requests get the same outcomes as gRPC statuses in a
// trailers-only response (UNAVAILABLE), trailers relayed as they came, and grpc-timeout enforced
// here: when it passes the backend stream is cancelled and the client gets DEADLINE_EXCEEDED.
// A failed connect (nothing sent) of a request without body is retried on another backend up to
// `retries` times, as the HTTP/1.1 proxy does.
import { request as httpRequest, type Agent, type IncomingMessage } from 'node:http';
import { constants, type ClientHttp2Stream, type IncomingHttpHeaders, type OutgoingHttpHeaders, type ServerHttp2Stream } from 'node:http2';
import type { Lease, MutablePickContext, Pool, BackendState } from '../../pool/index.ts';
import { downstreamResponseHeaders, upstreamRequestHeaders } from '../headers.ts';
import type { BodyFraming } from '../request-head.ts';
import { GrpcStatus, grpcStatusForHttp, isGrpc, parseGrpcTimeout, trailersOnly } from './grpc.ts';
import type { UpstreamSessions } from './sessions.ts';

/** Request headers an HTTP/2 intermediary never forwards (RFC 9113 §8.2.2), plus ours to rewrite. */
const NOT_FORWARDED = new Set(['connection', 'keep-alive', 'proxy-connection', 'transfer-encoding', 'upgrade', 'host', 'http2-settings', 'x-forwarded-proto']);
const RESPONSE_DROPPED = new Set(['connection', 'keep-alive', 'proxy-connection', 'transfer-encoding', 'upgrade']);

export interface StreamHost {
  readonly pool: Pool;
  readonly ctx: MutablePickContext;
  readonly key: ((headers: IncomingHttpHeaders, socket: import('node:net').Socket | undefined) => number | undefined) | undefined;
  readonly timeouts: { readonly connect: number; readonly response: number; readonly idle: number };
  readonly retries: number;
  readonly protocol: 'h1' | 'h2' | 'h2c';
  readonly sessions: UpstreamSessions | undefined;
  agentFor(backend: BackendState): Agent;
  /** Counted while a stream is open, for drain. */
  opened(): void;
  ended(): void;
}

function plain(v: string | string[] | undefined): string | undefined {
  return Array.isArray(v) ? v.join(', ') : v;
}

export class StreamExchange {
  private lease: Lease | undefined;
  private timer: NodeJS.Timeout | undefined;
  private deadline: NodeJS.Timeout | undefined;
  private responded = false;
  private finished = false;
  private failed = false;
  private upstreamCancel: (() => void) | undefined;
  private trailers: OutgoingHttpHeaders | undefined;
  private deadlineHit = false;
  private readonly grpc: boolean;
  private readonly hasBody: boolean;

  constructor(
    private readonly host: StreamHost,
    private readonly stream: ServerHttp2Stream,
    private readonly headers: IncomingHttpHeaders,
    private readonly remote: { address: string | undefined; proto: 'http' | 'https' },
    private readonly socket: import('node:net').Socket | undefined,
    endStream: boolean,
  ) {
    this.grpc = isGrpc(headers['content-type']);
    this.hasBody = !endStream;
    host.opened();
    stream.once('close', () => this.end());
    stream.on('error', () => {});
    const timeout = this.grpc ? parseGrpcTimeout(headers['grpc-timeout']) : undefined;
    if (timeout !== undefined) this.deadline = setTimeout(() => this.onDeadline(timeout), Math.max(1, Math.round(timeout)));
    stream.on('wantTrailers', () => {
      if (this.deadlineHit) return stream.sendTrailers({ 'grpc-status': String(GrpcStatus.DEADLINE_EXCEEDED), 'grpc-message': encodeURIComponent(`deadline of ${timeout} ms passed at the balancer`) });
      stream.sendTrailers(this.trailers ?? {});
    });
  }

  private end(): void {
    if (this.finished) return;
    this.finished = true;
    clearTimeout(this.timer);
    clearTimeout(this.deadline);
    this.upstreamCancel?.();
    this.lease?.release({ ok: !this.failed });
    this.host.ended();
  }

  start(attempt = 0, avoid?: Set<string>): void {
    const { ctx, pool, key } = this.host;
    ctx.key = key?.(this.headers, this.socket);
    ctx.attempt = attempt;
    ctx.avoid = avoid;
    const lease = pool.acquire(ctx);
    ctx.avoid = undefined;
    if (lease === undefined) return this.fail(503, 'no backend available');
    this.lease = lease;
    if (this.host.protocol === 'h1') this.viaH1(lease, attempt, avoid);
    else this.viaH2(lease, attempt, avoid);
  }

  private onDeadline(ms: number): void {
    if (this.finished) return;
    this.deadlineHit = true;
    this.upstreamCancel?.();
    this.upstreamCancel = undefined;
    const message = `deadline of ${ms} ms passed at the balancer`;
    if (!this.responded) {
      this.responded = true;
      this.stream.respond(trailersOnly(GrpcStatus.DEADLINE_EXCEEDED, message), { endStream: true });
    } else this.stream.end(); // wantTrailers sends DEADLINE_EXCEEDED
  }

  /** Before a response head: an HTTP status, or its gRPC status in a trailers-only response. */
  private fail(status: number, detail: string): void {
    if (this.finished || this.stream.destroyed) return;
    if (this.responded) {
      this.stream.close(constants.NGHTTP2_INTERNAL_ERROR);
      return;
    }
    this.responded = true;
    if (this.grpc) {
      this.stream.respond(trailersOnly(grpcStatusForHttp(status), `${status}: ${detail}`), { endStream: true });
      return;
    }
    const body = `${status}: ${detail}\n`;
    this.stream.respond({ ':status': status, 'content-type': 'text/plain; charset=utf-8', 'content-length': Buffer.byteLength(body) });
    this.stream.end(body);
  }

  private retryable(attempt: number, sent: boolean): boolean {
    return !sent && !this.hasBody && attempt < this.host.retries;
  }

  private retry(lease: Lease, attempt: number, avoid: Set<string> | undefined): void {
    lease.release({ ok: false });
    this.lease = undefined;
    const next = avoid ?? new Set<string>();
    next.add(lease.backend.id);
    this.start(attempt + 1, next);
  }

  private responseTimer(onTimeout: () => void): void {
    clearTimeout(this.timer);
    this.timer = setTimeout(onTimeout, this.host.timeouts.response);
  }

  private viaH2(lease: Lease, attempt: number, avoid: Set<string> | undefined): void {
    const sessions = this.host.sessions as UpstreamSessions;
    const backend = lease.backend;
    const out: OutgoingHttpHeaders = {};
    for (const [name, value] of Object.entries(this.headers)) {
      if (name.startsWith(':') || NOT_FORWARDED.has(name) || value === undefined) continue;
      if (name === 'te' && value !== 'trailers') continue;
      if (name === 'x-forwarded-for' || name === 'forwarded') continue;
      out[name] = value;
    }
    const address = this.remote.address?.replace(/^::ffff:/, '') ?? 'unknown';
    out[':method'] = this.headers[':method'];
    out[':path'] = this.headers[':path'];
    out[':scheme'] = this.headers[':scheme'] ?? 'http';
    out[':authority'] = this.headers[':authority'] ?? plain(this.headers.host) ?? backend.address;
    const xff = plain(this.headers['x-forwarded-for']);
    out['x-forwarded-for'] = xff ? `${xff}, ${address}` : address;
    out['x-forwarded-proto'] = this.remote.proto;
    let up: ClientHttp2Stream;
    try {
      up = sessions.get(backend).request(out, { endStream: !this.hasBody });
    } catch (err) {
      this.failed = true;
      return this.fail(502, `backend ${backend.id}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
    }
    let sent = false;
    up.once('ready', () => (sent = true));
    this.upstreamCancel = () => {
      if (!up.closed && !up.destroyed) up.close(constants.NGHTTP2_CANCEL);
    };
    if (this.hasBody) this.stream.pipe(up);
    this.responseTimer(() => {
      this.failed = true;
      this.upstreamCancel?.();
      this.fail(504, `no response within ${this.host.timeouts.response}ms`);
    });
    up.on('response', (h, flags) => {
      clearTimeout(this.timer);
      if (this.finished || this.deadlineHit) return;
      this.responded = true;
      const head: OutgoingHttpHeaders = {};
      for (const [name, value] of Object.entries(h)) {
        if (value === undefined || RESPONSE_DROPPED.has(name) || (name.startsWith(':') && name !== ':status')) continue;
        head[name] = value;
      }
      const endStream = (flags & constants.NGHTTP2_FLAG_END_STREAM) !== 0;
      if (endStream) return this.stream.respond(head, { endStream: true });
      this.stream.respond(head, { waitForTrailers: true });
      up.pipe(this.stream);
    });
    up.on('trailers', (t) => {
      const tr: OutgoingHttpHeaders = {};
      for (const [name, value] of Object.entries(t)) if (value !== undefined && !name.startsWith(':')) tr[name] = value as string | string[];
      this.trailers = tr;
    });
    up.on('error', (err: NodeJS.ErrnoException) => this.upstreamFailed(lease, attempt, avoid, sent, err));
    up.on('close', () => {
      // A reset after the head (rstCode other than NO_ERROR): cut the client stream too.
      if (this.responded && !this.finished && up.rstCode !== undefined && up.rstCode !== constants.NGHTTP2_NO_ERROR && !this.deadlineHit) {
        this.failed = true;
        if (!this.stream.destroyed) this.stream.close(constants.NGHTTP2_INTERNAL_ERROR);
      } else if (!this.responded && !this.finished && !this.deadlineHit && up.rstCode !== undefined && up.rstCode !== constants.NGHTTP2_NO_ERROR) {
        this.upstreamFailed(lease, attempt, avoid, sent, Object.assign(new Error(`stream reset (code ${up.rstCode})`), { code: up.rstCode === constants.NGHTTP2_REFUSED_STREAM ? 'REFUSED_STREAM' : `RST_STREAM ${up.rstCode}` }));
      }
    });
  }

  private upstreamFailed(lease: Lease, attempt: number, avoid: Set<string> | undefined, sent: boolean, err: NodeJS.ErrnoException): void {
    if (this.finished || this.deadlineHit || this.lease !== lease) return;
    clearTimeout(this.timer);
    this.failed = true;
    if (!this.responded && this.retryable(attempt, sent) && (err.code === 'ECONNREFUSED' || err.code === 'REFUSED_STREAM')) return this.retry(lease, attempt, avoid);
    this.fail(502, `backend ${lease.backend.id}: ${err.code ?? err.message}`);
  }

  private viaH1(lease: Lease, attempt: number, avoid: Set<string> | undefined): void {
    const backend = lease.backend;
    const raw: string[] = [];
    const authority = this.headers[':authority'] ?? plain(this.headers.host);
    if (authority !== undefined) raw.push('host', authority);
    for (const [name, value] of Object.entries(this.headers)) {
      if (name.startsWith(':') || name === 'host' || value === undefined) continue;
      if (name === 'cookie' && Array.isArray(value)) raw.push(name, value.join('; '));
      else if (Array.isArray(value)) for (const v of value) raw.push(name, v);
      else raw.push(name, value);
    }
    const length = this.headers['content-length'];
    const body: BodyFraming = !this.hasBody ? { kind: 'none' } : typeof length === 'string' && /^\d+$/.test(length) ? { kind: 'length', length: Number(length) } : { kind: 'chunked' };
    const headers = upstreamRequestHeaders(raw, this.remote, { fallbackHost: backend.address, body });
    let up: ReturnType<typeof httpRequest>;
    try {
      up = httpRequest({
        host: backend.host,
        port: backend.port,
        method: this.headers[':method'],
        path: this.headers[':path'],
        headers: headers as unknown as Record<string, string>,
        setHost: false,
        agent: this.host.agentFor(backend),
      });
    } catch (err) {
      // HTTP/2 allows control bytes in values and methods HTTP/1.1 cannot carry; never forward them.
      lease.release({ ok: true });
      this.lease = undefined;
      return this.fail(400, `request not representable in HTTP/1.1 (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})`);
    }
    let sent = false;
    up.once('socket', (s) => {
      if (!s.connecting) sent = true;
      else s.once('connect', () => (sent = true));
    });
    this.upstreamCancel = () => {
      if (!up.destroyed) up.destroy();
    };
    if (this.hasBody) this.stream.pipe(up);
    else up.end();
    up.once('finish', () =>
      this.responseTimer(() => {
        this.failed = true;
        up.destroy();
        this.fail(504, `no response within ${this.host.timeouts.response}ms`);
      }),
    );
    up.setTimeout(this.host.timeouts.idle, () => up.destroy(Object.assign(new Error(`idle for ${this.host.timeouts.idle}ms`), { code: 'IDLE_TIMEOUT' })));
    up.once('response', (res: IncomingMessage) => {
      clearTimeout(this.timer);
      if (this.finished || this.deadlineHit) return res.resume();
      this.responded = true;
      const head: OutgoingHttpHeaders = { ':status': res.statusCode ?? 502 };
      const filtered = downstreamResponseHeaders(res.rawHeaders);
      for (let i = 0; i < filtered.length; i += 2) {
        const name = (filtered[i] as string).toLowerCase();
        const value = filtered[i + 1] as string;
        const prev = head[name];
        head[name] = prev === undefined ? value : Array.isArray(prev) ? [...prev, value] : [String(prev), value];
      }
      try {
        this.stream.respond(head, { waitForTrailers: true });
      } catch (err) {
        this.responded = false;
        this.failed = true;
        up.destroy();
        return this.fail(502, `backend ${backend.id}: unusable response (${(err as Error).message})`);
      }
      res.on('end', () => {
        const t: OutgoingHttpHeaders = {};
        for (const [k, v] of Object.entries(res.trailers)) if (v !== undefined) t[k] = v;
        this.trailers = t;
      });
      res.once('aborted', () => {
        this.failed = true;
        if (!this.stream.destroyed) this.stream.close(constants.NGHTTP2_INTERNAL_ERROR);
      });
      res.pipe(this.stream);
    });
    up.on('error', (err: NodeJS.ErrnoException) => {
      if (this.responded) {
        this.failed = true;
        if (!this.stream.destroyed) this.stream.close(constants.NGHTTP2_INTERNAL_ERROR);
        return;
      }
      this.upstreamFailed(lease, attempt, avoid, sent, err);
    });
  }
}
