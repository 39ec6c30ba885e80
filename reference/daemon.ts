// The reference balancer as a running thing: listeners (http, tcp, udp), their pools and health
// checkers, the admin endpoint, and the LVS engine (the config's `lvs` section), started from one
// validated config. The real clock and
// Math.random enter here, at the edge, and are handed down.
import type { IncomingMessage, Server as HttpServer } from 'node:http';
import type { AddressInfo, Server, Socket } from 'node:net';
import type { RemoteInfo } from 'node:dgram';
import { createScheduler, schedulerFactory, schedulerNames, SchedulerOptionError, type Scheduler } from './algorithms/index.ts';
import { keyExtractorFor, KeyConfigError, type KeyExtractor } from './keys/index.ts';
import { DEFAULT_HTTP2, type BalancerConfig, type ListenerConfig } from './config/schema.ts';
import { ConfigError } from './config/errors.ts';
import { Pool } from './pool/index.ts';
import { HealthChecker } from './health/index.ts';
import { H2Front, HttpProxy, TlsConfigError } from './l7/index.ts';
import { TcpProxy, UdpProxy } from './l4/index.ts';
import { createAdminServer, type ListenerInfo } from './admin/index.ts';
import { startLvs, type RunningLvs } from './lvs/index.ts';
import { defaultConnectionCap, openFileLimit } from './fd-budget.ts';

export interface BalancerOptions {
  /** Where health transitions go, one line each (default: stderr). */
  readonly log?: (line: string) => void;
  /** Named in config errors found at start (unknown algorithm, bad key): usually the file path. */
  readonly source?: string;
  readonly now?: () => number;
  readonly rng?: () => number;
  /** The open-file limit that default connection caps are derived from (default: this process's). */
  readonly fdLimit?: number;
}

export interface RunningListener {
  readonly name: string;
  readonly mode: 'http' | 'tcp' | 'udp';
  /** The bound address (the real port when the config said 0). */
  readonly host: string;
  readonly port: number;
  readonly algorithm: string;
  readonly pool: Pool;
}

export interface RunningBalancer extends AsyncDisposable {
  readonly listeners: readonly RunningListener[];
  readonly admin: { readonly host: string; readonly port: number } | undefined;
  /** The LVS engine, when the config has an `lvs` section. */
  readonly lvs: RunningLvs | undefined;
  /** Graceful: stop accepting, let in-flight work finish within config.drainTimeout, then cut the rest. */
  close(): Promise<void>;
}

/** A listener (or the admin endpoint) could not bind its address. */
export class ListenError extends Error {
  readonly code = 'FULCRUM_ERR_LISTEN';
  constructor(
    readonly listener: string,
    readonly address: string,
    override readonly cause: NodeJS.ErrnoException,
  ) {
    super(`${listener}: cannot listen on ${address}: ${explainListenError(cause)}`);
    this.name = 'ListenError';
  }
}

function explainListenError(err: NodeJS.ErrnoException): string {
  switch (err.code) {
    case 'EADDRINUSE':
      return 'address already in use (EADDRINUSE)';
    case 'EADDRNOTAVAIL':
      return 'address not available on this host (EADDRNOTAVAIL)';
    case 'EACCES':
      return 'permission denied (EACCES)';
    default:
      return err.code ? `${err.message} (${err.code})` : err.message;
  }
}

export function formatAddress(host: string, port: number): string {
  return host.includes(':') ? `[${host}]:${port}` : `${host}:${port}`;
}

function listenServer(server: Server, host: string, port: number, label: string): Promise<AddressInfo> {
  return new Promise((resolve, reject) => {
    const onError = (err: NodeJS.ErrnoException) => reject(new ListenError(label, formatAddress(host, port), err));
    server.once('error', onError);
    server.listen({ host, port }, () => {
      server.off('error', onError);
      resolve(server.address() as AddressInfo);
    });
  });
}

interface Built {
  scheduler: Scheduler;
  key: KeyExtractor | undefined;
}

/** Scheduler (with its wrappers: slowStart, boundedLoad, avoid-on-retry) and key extractor for a
 *  listener; config problems name the field. */
function buildScheduling(l: ListenerConfig, index: number, source: string, now: () => number): Built {
  const field = `listeners[${index}]`;
  const name = l.algorithm.name;
  const factory = schedulerFactory(name);
  if (factory === undefined) {
    throw new ConfigError(source, [`${field}.algorithm: unknown algorithm "${name}" (known: ${schedulerNames().join(', ')})`]);
  }
  let scheduler: Scheduler;
  try {
    scheduler = createScheduler(l.algorithm, { now });
  } catch (err) {
    if (err instanceof SchedulerOptionError) throw new ConfigError(source, [`${field}.algorithm.${err.option}: ${err.message}`]);
    throw err;
  }
  let key: KeyExtractor | undefined;
  if (factory.needsKey || l.key !== undefined) {
    try {
      key = keyExtractorFor(name, l.key);
    } catch (err) {
      if (err instanceof KeyConfigError) throw new ConfigError(source, [`${field}.key.${err.field}: ${err.message.replace(/^key\.\S+ /, '')}`]);
      throw err;
    }
  }
  return { scheduler, key };
}

interface Started {
  info: RunningListener;
  close(drainMs: number): Promise<void>;
  health: HealthChecker | undefined;
}

export async function startBalancer(config: BalancerConfig, options: BalancerOptions = {}): Promise<RunningBalancer> {
  const log = options.log ?? ((line: string) => void process.stderr.write(line + '\n'));
  const now = options.now ?? (() => performance.now());
  const rng = options.rng ?? Math.random;
  const source = options.source ?? 'config';

  // Validate everything before binding anything.
  const built = config.listeners.map((l, i) => buildScheduling(l, i, source, now));
  const holders = config.listeners.filter((l) => l.mode !== 'udp').length;
  const cap = defaultConnectionCap(holders, 'fdLimit' in options ? options.fdLimit : openFileLimit());

  const started: Started[] = [];
  let admin: HttpServer | undefined;
  let adminAddress: { host: string; port: number } | undefined;
  let lvs: RunningLvs | undefined;
  try {
    for (const [i, l] of config.listeners.entries()) {
      const b = built[i] as Built;
      started.push(await startListener(l, b, now, rng, log, l.limits.connections ?? cap, i, source));
    }
    if (config.admin !== undefined) {
      admin = createAdminServer(() => started.map(({ info }) => toListenerInfo(info)));
      const a = await listenServer(admin, config.admin.listen.host, config.admin.listen.port, 'admin');
      adminAddress = { host: a.address, port: a.port };
    }
    if (config.lvs !== undefined) lvs = await startLvs(config.lvs, { log });
  } catch (err) {
    await Promise.all(started.map((s) => s.close(0)));
    if (admin?.listening) await new Promise((r) => admin?.close(r));
    throw err;
  }
  for (const s of started) s.health?.start();

  let closing: Promise<void> | undefined;
  const close = () =>
    (closing ??= (async () => {
      await Promise.all(started.map((s) => s.health?.stop()));
      await Promise.all(started.map((s) => s.close(config.drainTimeout)));
      await lvs?.close();
      if (admin !== undefined) {
        const server = admin;
        const done = new Promise((r) => server.close(r));
        server.closeAllConnections();
        await done;
      }
    })());

  return {
    listeners: started.map((s) => s.info),
    admin: adminAddress,
    lvs,
    close,
    [Symbol.asyncDispose]: close,
  };
}

function toListenerInfo(l: RunningListener): ListenerInfo {
  return { name: l.name, mode: l.mode, listen: formatAddress(l.host, l.port), algorithm: l.algorithm, pool: l.pool };
}

async function startListener(
  l: ListenerConfig,
  b: Built,
  now: () => number,
  rng: () => number,
  log: (line: string) => void,
  connections: number | undefined,
  index: number,
  source: string,
): Promise<Started> {
  const pool = new Pool(
    l.backends.map((x) => ({ id: x.id, host: x.address.host, port: x.address.port, weight: x.weight })),
    b.scheduler,
    now,
  );
  const health = l.health ? new HealthChecker({ listener: l.name, pool, config: l.health, log }) : undefined;
  const label = `listener ${l.name}`;
  const { host, port } = l.listen;
  const info = (bound: { host: string; port: number }): RunningListener => ({
    name: l.name,
    mode: l.mode,
    host: bound.host,
    port: bound.port,
    algorithm: l.algorithm.name,
    pool,
  });
  const key = b.key;
  switch (l.mode) {
    case 'http': {
      const proxy = new HttpProxy({
        name: l.name,
        pool,
        timeouts: l.timeouts,
        limits: { ...l.limits, connections },
        retries: l.retries,
        now,
        rng,
        key: key && ((req: IncomingMessage) => key({ flow: flowOf(req.socket), request: { url: req.url ?? '/', headers: req.headers } })),
      });
      if (l.tls !== undefined || l.http2 !== undefined) {
        const front = h2Front(l, index, source, proxy, pool, now, rng, key);
        const a = await listenServer(front.server, host, port, label);
        return { info: info({ host: a.address, port: a.port }), close: (ms) => front.close(ms), health };
      }
      const a = await listenServer(proxy.server, host, port, label);
      return { info: info({ host: a.address, port: a.port }), close: (ms) => proxy.close(ms), health };
    }
    case 'tcp': {
      const proxy = new TcpProxy({
        name: l.name,
        pool,
        timeouts: l.timeouts,
        retries: l.retries,
        proxyProtocol: l.proxyProtocol,
        maxConnections: connections,
        now,
        rng,
        key: key && ((s: Socket) => key({ flow: flowOf(s) })),
      });
      const a = await listenServer(proxy.server, host, port, label);
      return { info: info({ host: a.address, port: a.port }), close: (ms) => proxy.close(ms), health };
    }
    case 'udp': {
      let bound = { host, port };
      const proxy = new UdpProxy({
        name: l.name,
        pool,
        timeouts: l.timeouts,
        now,
        rng,
        key:
          key &&
          ((r: RemoteInfo) =>
            key({ flow: { protocol: 'udp', sourceIp: r.address, sourcePort: r.port, destinationIp: host, destinationPort: bound.port } })),
      });
      try {
        bound = await proxy.bind(host, port);
      } catch (err) {
        throw new ListenError(label, formatAddress(host, port), err as NodeJS.ErrnoException);
      }
      return { info: info(bound), close: () => proxy.close(), health };
    }
  }
}

/** The HTTP/2 (and TLS) front of an http listener; certificate problems name the field. */
function h2Front(l: ListenerConfig, index: number, source: string, proxy: HttpProxy, pool: Pool, now: () => number, rng: () => number, key: KeyExtractor | undefined): H2Front {
  try {
    return new H2Front({
      name: l.name,
      pool,
      http1: proxy,
      http2: l.http2 ?? { ...DEFAULT_HTTP2, enabled: true },
      tls: l.tls,
      upstream: l.upstream,
      timeouts: l.timeouts,
      retries: l.retries,
      now,
      rng,
      field: `listeners[${index}].tls`,
      key: key && ((headers, socket) => key({ flow: flowOf(socket), request: { url: String(headers[':path'] ?? '/'), headers: { ...headers, host: headers[':authority'] ?? headers.host } } })),
    });
  } catch (err) {
    if (err instanceof TlsConfigError) throw new ConfigError(source, [err.message]);
    throw err;
  }
}

function flowOf(s: Socket | undefined) {
  return {
    protocol: 'tcp' as const,
    sourceIp: s?.remoteAddress ?? '',
    sourcePort: s?.remotePort ?? 0,
    destinationIp: s?.localAddress ?? '',
    destinationPort: s?.localPort ?? 0,
  };
}
