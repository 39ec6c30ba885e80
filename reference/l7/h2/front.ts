// The HTTP/2 front of an http listener, beside the HTTP/1.1 proxy (which it does not change): one
// listening socket that speaks
//   cleartext: h2c by prior knowledge (the connection preface "PRI * HTTP/2.0…") or HTTP/1.1;
//   tls:       TLS 1.2/1.3 with SNI picking the certificate, ALPN picking h2 or http/1.1.
// HTTP/1.1 connections are handed to the HttpProxy's server, HTTP/2 sessions to a node:http2
// server whose streams are proxied one pick each (stream.ts). On close() every client session gets
// GOAWAY (streams in flight may finish within drainMs), then what is left is cut.
import { createServer as createNetServer, type Server, type Socket } from 'node:net';
import { createServer as createTlsServer, type TLSSocket } from 'node:tls';
import { createServer as createH2Server, type Http2Server, type Http2Session, type IncomingHttpHeaders, type ServerHttp2Stream } from 'node:http2';
import { constants } from 'node:http2';
import type { HttpProxy } from '../proxy.ts';
import type { MutablePickContext, Pool } from '../../pool/index.ts';
import { StreamExchange, type StreamHost } from './stream.ts';
import { UpstreamSessions, type UpstreamTls } from './sessions.ts';
import { loadSniTable, type CertificateFiles } from './tls.ts';
import { rewound } from './rewound.ts';

/** The client connection preface (RFC 9113 §3.4). */
const PREFACE = Buffer.from('PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n', 'latin1');

export interface H2FrontOptions {
  readonly name: string;
  readonly pool: Pool;
  /** The HTTP/1.1 side: its server takes the connections that are not HTTP/2. */
  readonly http1: HttpProxy;
  readonly http2: { readonly enabled: boolean; readonly maxConcurrentStreams: number; readonly maxHeaderListSize: number; readonly initialWindowSize: number };
  readonly tls?: { readonly certificates: readonly CertificateFiles[]; readonly minVersion: 'TLSv1.2' | 'TLSv1.3'; readonly maxVersion: 'TLSv1.2' | 'TLSv1.3'; readonly alpn: readonly string[] } | undefined;
  readonly upstream: { readonly protocol: 'h1' | 'h2' | 'h2c'; readonly tls?: UpstreamTls | undefined };
  readonly timeouts: { readonly connect: number; readonly response: number; readonly idle: number };
  readonly retries: number;
  readonly key?: ((headers: IncomingHttpHeaders, socket: import('node:net').Socket | undefined) => number | undefined) | undefined;
  readonly now: () => number;
  readonly rng: () => number;
  /** Names a config field in TLS errors, e.g. "listeners[0].tls". */
  readonly field: string;
}

export class H2Front {
  /** What listens: a net server (cleartext) or a tls server. */
  readonly server: Server;
  private readonly h2: Http2Server;
  private readonly sessions = new Set<Http2Session>();
  /** Each client session's own socket (for its addresses: an h2c session reads a rewound Duplex). */
  private readonly clientSockets = new WeakMap<Http2Session, Socket>();
  /** The socket being handed to the h2 server, which emits 'session' synchronously. */
  private handing: Socket | undefined;
  private readonly upstream: UpstreamSessions | undefined;
  private inFlight = 0;
  private onIdle: (() => void) | undefined;

  constructor(private readonly options: H2FrontOptions) {
    const { http2 } = options;
    this.h2 = createH2Server({
      settings: { maxConcurrentStreams: http2.maxConcurrentStreams, maxHeaderListSize: http2.maxHeaderListSize, initialWindowSize: http2.initialWindowSize, enablePush: false },
      maxHeaderListPairs: 256,
      // Streams over the advertised limit are refused by nghttp2 with REFUSED_STREAM.
      peerMaxConcurrentStreams: http2.maxConcurrentStreams,
    });
    this.h2.on('session', (s: Http2Session) => {
      this.sessions.add(s);
      const socket = this.handing ?? (s.socket as Socket | undefined);
      if (socket !== undefined) this.clientSockets.set(s, socket);
      s.once('close', () => this.sessions.delete(s));
      s.on('error', () => {});
      s.setTimeout(options.timeouts.idle, () => s.close());
    });
    const ctx: MutablePickContext = { key: undefined, attempt: 0, avoid: undefined, now: options.now, rng: options.rng };
    this.upstream = options.upstream.protocol === 'h1' ? undefined : new UpstreamSessions(options.upstream.protocol, options.upstream.tls, { maxHeaderListSize: http2.maxHeaderListSize });
    const host: StreamHost = {
      pool: options.pool,
      ctx,
      key: options.key,
      timeouts: options.timeouts,
      retries: options.retries,
      protocol: options.upstream.protocol,
      sessions: this.upstream,
      agentFor: (b) => options.http1.agentFor(b),
      opened: () => void this.inFlight++,
      ended: () => {
        if (--this.inFlight === 0) this.onIdle?.();
      },
    };
    this.h2.on('stream', (stream: ServerHttp2Stream, headers: IncomingHttpHeaders, flags: number) => {
      const socket = stream.session === undefined ? undefined : this.clientSockets.get(stream.session);
      const proto = options.tls ? 'https' : 'http';
      if (headers[':method'] === 'CONNECT') {
        stream.respond({ ':status': 501 }, { endStream: true });
        return;
      }
      new StreamExchange(host, stream, headers, { address: socket?.remoteAddress, proto }, socket, (flags & constants.NGHTTP2_FLAG_END_STREAM) !== 0).start();
    });
    this.server = options.tls ? this.tlsServer(options.tls) : createNetServer((socket) => this.sniff(socket));
  }

  private tlsServer(tls: NonNullable<H2FrontOptions['tls']>): Server {
    const table = loadSniTable(tls.certificates, this.options.field, { min: tls.minVersion, max: tls.maxVersion });
    const alpn = this.options.http2.enabled ? [...tls.alpn] : tls.alpn.filter((p) => p !== 'h2');
    const server = createTlsServer({
      SNICallback: (name, cb) => cb(null, table.lookup(name)),
      secureContext: table.lookup(undefined),
      ALPNProtocols: alpn,
      minVersion: tls.minVersion,
      maxVersion: tls.maxVersion,
    });
    server.on('secureConnection', (socket: TLSSocket) => {
      if (socket.alpnProtocol === 'h2') this.h2.emit('connection', socket);
      else this.options.http1.server.emit('connection', socket);
    });
    server.on('tlsClientError', (_err, socket) => socket.destroy());
    return server;
  }

  /** Cleartext: reads until the first bytes are or are not the HTTP/2 preface, then hands over. */
  private sniff(socket: Socket): void {
    socket.on('error', () => {});
    if (!this.options.http2.enabled) return this.hand(socket, Buffer.alloc(0), false);
    let buf: Buffer = Buffer.alloc(0);
    const onData = (chunk: Buffer) => {
      buf = buf.length === 0 ? chunk : Buffer.concat([buf, chunk]);
      const n = Math.min(buf.length, PREFACE.length);
      const isPrefix = buf.subarray(0, n).equals(PREFACE.subarray(0, n));
      if (isPrefix && buf.length < PREFACE.length) return;
      socket.off('data', onData);
      socket.off('end', onEnd);
      this.hand(socket, buf, isPrefix);
    };
    const onEnd = () => socket.destroy();
    socket.on('data', onData);
    socket.once('end', onEnd);
  }

  private hand(socket: Socket, read: Buffer, h2: boolean): void {
    if (h2) {
      this.handing = socket;
      try {
        this.h2.emit('connection', rewound(socket, read));
      } finally {
        this.handing = undefined;
      }
      return;
    }
    socket.pause();
    if (read.length > 0) socket.unshift(read);
    // We read from this socket in JS; the HTTP/1.1 server must read through the stream (where the
    // unshifted bytes are) rather than consume the native handle directly.
    const handle = (socket as unknown as { _handle?: { _consumed?: boolean } })._handle;
    if (handle && read.length > 0) handle._consumed = true;
    this.options.http1.server.emit('connection', socket);
    socket.resume();
  }

  /** GOAWAY to every client session, let streams finish within drainMs, then cut them. */
  async close(drainMs: number): Promise<void> {
    const closed = new Promise<void>((resolve) => this.server.close(() => resolve()));
    for (const s of this.sessions) s.close();
    const h1 = this.options.http1.close(drainMs);
    if (this.inFlight > 0) {
      let timer: NodeJS.Timeout | undefined;
      await Promise.race([new Promise<void>((r) => (this.onIdle = r)), new Promise<void>((r) => (timer = setTimeout(r, drainMs)))]);
      clearTimeout(timer);
    }
    for (const s of this.sessions) s.destroy();
    this.upstream?.close();
    await h1;
    await closed;
    this.upstream?.destroy();
  }
}
