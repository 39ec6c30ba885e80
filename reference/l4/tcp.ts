// The terminating TCP proxy: one backend connection per client connection, picked per connection.
// Half-close is passed through (each direction ends on its own); an error or reset on either side
// closes both; the backend connect is bounded by timeouts.connect and a refused or timed-out connect
// is retried on another backend up to `retries` times (nothing has been sent yet); past maxConnections
// (limits.connections) new clients are closed at accept. With proxyProtocol set, the PROXY header is
// the first thing the backend receives.
import { connect, createServer, type Server, type Socket } from 'node:net';
import type { Lease, Pool, MutablePickContext } from '../pool/index.ts';
import { proxyHeaderV1, proxyHeaderV2 } from './proxy-header.ts';

export interface TcpProxyOptions {
  readonly name: string;
  readonly pool: Pool;
  readonly timeouts: { readonly connect: number; readonly idle: number };
  readonly retries: number;
  readonly proxyProtocol?: 'v1' | 'v2';
  /** Client connections at once; past it new ones are closed at accept, established ones go on. */
  readonly maxConnections?: number | undefined;
  /** Hash key for hashing schedulers, from the client connection (reference/keys). */
  readonly key?: (client: Socket) => number | undefined;
  readonly now: () => number;
  readonly rng: () => number;
}

export class TcpProxy {
  readonly server: Server;
  private readonly clients = new Set<Socket>();
  private readonly ctx: MutablePickContext;

  constructor(private readonly options: TcpProxyOptions) {
    this.ctx = { key: undefined, attempt: 0, avoid: undefined, now: options.now, rng: options.rng };
    this.server = createServer({ allowHalfOpen: true, noDelay: true }, (client) => this.accept(client));
    if (options.maxConnections !== undefined) this.server.maxConnections = options.maxConnections;
  }

  /** Connections open now (client side). */
  get connections(): number {
    return this.clients.size;
  }

  /** Stop accepting, let open connections finish within `drainMs`, then cut what is left. */
  async close(drainMs: number): Promise<void> {
    const closed = new Promise<void>((resolve) => this.server.close(() => resolve()));
    let timer: NodeJS.Timeout | undefined;
    const deadline = new Promise<void>((resolve) => (timer = setTimeout(resolve, drainMs)));
    await Promise.race([closed, deadline]);
    clearTimeout(timer);
    for (const c of this.clients) c.destroy();
    await closed;
  }

  private accept(client: Socket): void {
    this.clients.add(client);
    client.once('close', () => this.clients.delete(client));
    client.on('error', () => client.destroy());
    client.setTimeout(this.options.timeouts.idle, () => client.destroy());
    this.attempt(client, 0, undefined);
  }

  private attempt(client: Socket, attempt: number, avoid: Set<string> | undefined): void {
    const { pool, key, timeouts, proxyProtocol, retries } = this.options;
    const ctx = this.ctx;
    ctx.key = key?.(client);
    ctx.attempt = attempt;
    ctx.avoid = avoid;
    const lease: Lease | undefined = pool.acquire(ctx);
    ctx.avoid = undefined;
    if (lease === undefined) {
      client.destroy();
      return;
    }
    const backend = lease.backend;
    const upstream = connect({ host: backend.host, port: backend.port, allowHalfOpen: true, noDelay: true });
    let connected = false;
    let failed = false;
    const connectTimer = setTimeout(() => {
      const err = Object.assign(new Error(`connect timeout after ${timeouts.connect}ms`), { code: 'ETIMEDOUT' });
      upstream.destroy(err);
    }, timeouts.connect);

    upstream.once('connect', () => {
      clearTimeout(connectTimer);
      connected = true;
      if (proxyProtocol !== undefined) {
        const endpoints = {
          source: { address: client.remoteAddress ?? '', port: client.remotePort ?? -1 },
          destination: { address: client.localAddress ?? '', port: client.localPort ?? -1 },
        };
        upstream.write(proxyProtocol === 'v1' ? proxyHeaderV1(endpoints) : proxyHeaderV2(endpoints));
      }
      client.pipe(upstream);
      upstream.pipe(client);
    });
    upstream.on('error', () => {
      clearTimeout(connectTimer);
      failed = true;
      if (!connected && !client.destroyed && attempt < retries) {
        lease.release({ ok: false });
        const next = avoid ?? new Set<string>();
        next.add(backend.id);
        this.attempt(client, attempt + 1, next);
        return;
      }
      client.destroy();
    });
    upstream.once('close', () => {
      clearTimeout(connectTimer);
      backend.bytesOut += upstream.bytesWritten;
      backend.bytesIn += upstream.bytesRead;
      lease.release({ ok: !failed });
      // A fully closed backend side leaves nothing for the client but an end (pipe sent it) or a reset.
      if (connected && failed) client.destroy();
    });
    // The client side fully closed (both directions, or an error): the backend side is done too.
    const onClientClose = () => upstream.destroy();
    client.once('close', onClientClose);
    upstream.once('close', () => client.off('close', onClientClose));
  }
}
