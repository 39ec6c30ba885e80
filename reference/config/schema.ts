// The reference balancer's config schema, in one place. Version 1.
// Durations accept milliseconds as a number or a string with a unit: 500, "500ms", "2s", "1m".
import { z } from 'zod';
import { lvsConfigSchema } from './lvs.ts';

const DURATION = /^(\d+(?:\.\d+)?)(ms|s|m)$/;

export function parseDuration(value: number | string): number | undefined {
  if (typeof value === 'number') return Number.isFinite(value) && value >= 0 ? value : undefined;
  const m = DURATION.exec(value.trim());
  if (!m) return undefined;
  const n = Number(m[1]);
  return m[2] === 'ms' ? n : m[2] === 's' ? n * 1000 : n * 60_000;
}

const duration = z
  .union([z.number(), z.string()])
  .transform((v, ctx) => {
    const ms = parseDuration(v);
    if (ms === undefined) {
      ctx.addIssue({ code: 'custom', message: `"${v}" is not a duration (use 500, "500ms", "2s" or "1m")` });
      return z.NEVER;
    }
    return ms;
  });

/** A duration that must be more than zero (an interval of 0 would spin, a timeout of 0 fire at once). */
const positiveDuration = duration.refine((ms) => ms > 0, { message: 'must be more than 0' });

const SIZE = /^(\d+)\s*(k|ki|kib|kb|m|mi|mib|mb)?$/i;

/** Bytes as a number or a string with a binary unit: 8192, "16k", "16KiB", "1m". */
export function parseSize(value: number | string): number | undefined {
  if (typeof value === 'number') return Number.isSafeInteger(value) && value >= 0 ? value : undefined;
  const m = SIZE.exec(value.trim());
  if (!m) return undefined;
  const unit = (m[2] ?? '').toLowerCase();
  return Number(m[1]) * (unit === '' ? 1 : unit.startsWith('k') ? 1024 : 1024 * 1024);
}

const size = (min: number, max: number) =>
  z.union([z.number(), z.string()]).transform((v, ctx) => {
    const bytes = parseSize(v);
    if (bytes === undefined) {
      ctx.addIssue({ code: 'custom', message: `"${v}" is not a size in bytes (use 8192, "16k" or "1m")` });
      return z.NEVER;
    }
    if (bytes < min || bytes > max) {
      ctx.addIssue({ code: 'custom', message: `${bytes} bytes is outside ${min}..${max}` });
      return z.NEVER;
    }
    return bytes;
  });

/** "host:port" or "[v6]:port" → { host, port }. */
export const hostPort = z.string().transform((v, ctx) => {
  const m = /^(?:\[([0-9a-fA-F:.]+)\]|([^:\[\]]+)):(\d{1,5})$/.exec(v.trim());
  const port = m ? Number(m[3]) : NaN;
  if (!m || port > 65535) {
    ctx.addIssue({ code: 'custom', message: `"${v}" is not host:port (e.g. 127.20.0.1:8080 or [::1]:8080)` });
    return z.NEVER;
  }
  return { host: (m[1] ?? m[2]) as string, port };
});
export type HostPort = z.output<typeof hostPort>;

export const algorithmSchema = z
  .union([z.string().min(1), z.looseObject({ name: z.string().min(1) })])
  .transform((v) => (typeof v === 'string' ? { name: v } : v));
export type AlgorithmConfig = z.output<typeof algorithmSchema>;

export const healthSchema = z.strictObject({
  type: z.enum(['tcp', 'http']),
  /** HTTP checks: path requested with GET; 2xx/3xx is healthy. */
  path: z.string().startsWith('/').default('/healthz'),
  interval: positiveDuration.default(1000),
  timeout: positiveDuration.default(500),
  /** Consecutive successes before an unhealthy backend is used again. */
  rise: z.int().min(1).default(2),
  /** Consecutive failures before a healthy backend stops getting work. */
  fall: z.int().min(1).default(3),
});
export type HealthConfig = z.output<typeof healthSchema>;

export const backendSchema = z.strictObject({
  id: z.string().regex(/^[A-Za-z0-9_.-]+$/, 'use letters, digits, "_", "." or "-"'),
  address: hostPort,
  weight: z.int().min(0).max(1_000_000).default(1),
});
export type BackendConfig = z.output<typeof backendSchema>;

/** Hash key extraction for hashing schedulers (see reference/algorithms). */
export const keySchema = z.strictObject({
  from: z.enum(['source-ip', 'source-ip-port', 'five-tuple', 'destination-ip', 'uri', 'path', 'header', 'cookie', 'query']),
  /** Header, cookie or query parameter name, for those sources. */
  name: z.string().min(1).optional(),
});
export type KeyConfig = z.output<typeof keySchema>;

/** Per-listener bounds on what a client may send and hold (http; `connections` also tcp). */
export const limitsSchema = z.strictObject({
  /** Header lines of one request, request line excluded → 431. */
  headerBytes: size(256, 1024 * 1024).default(16_384),
  /** Header lines per request → 431 (never dropped silently). */
  headers: z.int().min(1).max(10_000).default(100),
  /** Request target (path and query) → 414. */
  urlBytes: size(16, 1024 * 1024).default(8192),
  /** Request body → 413; unset: no limit (bodies are streamed, not buffered). */
  body: size(0, Number.MAX_SAFE_INTEGER).optional(),
  /** Client connections at once; past it new ones are closed at accept. Unset: from the process's
   *  open-file limit, leaving room for backend connections and health checks. */
  connections: z.int().min(1).max(10_000_000).optional(),
});
export type LimitsConfig = z.output<typeof limitsSchema>;
const DEFAULT_LIMITS = { headerBytes: 16_384, headers: 100, urlBytes: 8192 };

/** TLS termination on an http listener: certificates from PEM files, the one whose names match
 *  the client's SNI is shown (the first when none match or no SNI was sent). */
export const tlsSchema = z.strictObject({
  certificates: z
    .array(
      z.strictObject({
        /** PEM certificate (chain) file. */
        cert: z.string().min(1),
        /** PEM private key file. */
        key: z.string().min(1),
        /** SNI names this certificate answers ("*.example.com" matches one label); default: the
         *  certificate's own DNS names. */
        names: z.array(z.string().min(1)).optional(),
      }),
    )
    .min(1, 'needs at least one certificate'),
  minVersion: z.enum(['TLSv1.2', 'TLSv1.3']).default('TLSv1.2'),
  maxVersion: z.enum(['TLSv1.2', 'TLSv1.3']).default('TLSv1.3'),
  /** Protocols offered in ALPN, in order of preference. */
  alpn: z.array(z.enum(['h2', 'http/1.1'])).min(1).default(['h2', 'http/1.1']),
});
export type TlsConfig = z.output<typeof tlsSchema>;

/** HTTP/2 on an http listener (h2c by prior knowledge on cleartext, h2 by ALPN under tls), with
 *  its limits. Safe defaults: 100 streams, 16 KiB of headers, 64 KiB - 1 windows (RFC 9113's). */
export const http2Schema = z.strictObject({
  enabled: z.boolean().default(true),
  /** SETTINGS_MAX_CONCURRENT_STREAMS per client connection; more are refused (REFUSED_STREAM). */
  maxConcurrentStreams: z.int().min(1).max(10_000).default(100),
  /** SETTINGS_MAX_HEADER_LIST_SIZE: a header block over it is refused (431 / stream reset). */
  maxHeaderListSize: size(1024, 1024 * 1024).default(16_384),
  /** SETTINGS_INITIAL_WINDOW_SIZE for each stream. */
  initialWindowSize: size(1024, 2 ** 31 - 1).default(65_535),
});
export type Http2Config = z.output<typeof http2Schema>;
const DEFAULT_HTTP2 = { enabled: true, maxConcurrentStreams: 100, maxHeaderListSize: 16_384, initialWindowSize: 65_535 };

/** How an http listener talks to its backends: HTTP/1.1 (h1), HTTP/2 over TLS (h2) or cleartext
 *  HTTP/2 by prior knowledge (h2c). gRPC needs h2 or h2c (trailers). */
export const upstreamSchema = z.strictObject({
  protocol: z.enum(['h1', 'h2', 'h2c']).default('h1'),
  /** TLS to backends (required by h2, optional for h1). */
  tls: z
    .strictObject({
      /** PEM CA file the backend's certificate must chain to; unset: the system's CAs. */
      ca: z.string().min(1).optional(),
      /** Name checked against the backend's certificate and sent as SNI; default the backend host. */
      servername: z.string().min(1).optional(),
      /** false turns verification off (never for production; the config says so). */
      verify: z.boolean().default(true),
    })
    .optional(),
});
export type UpstreamConfig = z.output<typeof upstreamSchema>;

export const listenerSchema = z
  .strictObject({
    name: z.string().regex(/^[A-Za-z0-9_.-]+$/, 'use letters, digits, "_", "." or "-"'),
    mode: z.enum(['http', 'tcp', 'udp']),
    listen: hostPort,
    algorithm: algorithmSchema.default({ name: 'rr' }),
    key: keySchema.optional(),
    /** tcp mode: send a PROXY protocol header to backends. */
    proxyProtocol: z.enum(['v1', 'v2']).optional(),
    timeouts: z
      .strictObject({
        /** Backend connect (http, tcp); a timed-out connect counts as a connect failure (retried). */
        connect: duration.default(2000),
        /** http: time to wait for a backend's response headers → 504. */
        response: duration.default(30_000),
        /** No traffic for this long closes it: http client keep-alive and stalled bodies, a tcp
         *  connection, a udp flow. */
        idle: duration.default(60_000),
        /** http: a request head not complete this long after it started → 408, closed (slowloris). */
        header: positiveDuration.default(10_000),
      })
      .default({ connect: 2000, response: 30_000, idle: 60_000, header: 10_000 }),
    limits: limitsSchema.default(DEFAULT_LIMITS),
    health: healthSchema.optional(),
    /** http: TLS termination (SNI, ALPN h2 / http/1.1). */
    tls: tlsSchema.optional(),
    /** http: HTTP/2 from clients (h2c prior knowledge, h2 over tls) and its limits. */
    http2: http2Schema.optional(),
    /** http: the protocol to backends. */
    upstream: upstreamSchema.default({ protocol: 'h1' }),
    /** Extra attempts on another backend when the connect failed, so nothing reached the backend
     *  (refused or timed out; http also: a reset reused keep-alive connection for a body-less
     *  idempotent request). 0 turns retries off (conformance runs of "no silent retries"). */
    retries: z.int().min(0).max(10).default(1),
    backends: z.array(backendSchema).min(1, 'needs at least one backend'),
  })
  .superRefine((l, ctx) => {
    if (l.proxyProtocol && l.mode !== 'tcp') {
      ctx.addIssue({ code: 'custom', path: ['proxyProtocol'], message: 'is only for mode tcp' });
    }
    for (const field of ['tls', 'http2'] as const) {
      if (l[field] !== undefined && l.mode !== 'http') ctx.addIssue({ code: 'custom', path: [field], message: 'is only for mode http' });
    }
    if (l.upstream.protocol !== 'h1' && l.mode !== 'http') ctx.addIssue({ code: 'custom', path: ['upstream', 'protocol'], message: 'is only for mode http' });
    if (l.upstream.protocol === 'h2' && l.upstream.tls === undefined) {
      ctx.addIssue({ code: 'custom', path: ['upstream', 'tls'], message: 'is required for protocol h2 (HTTP/2 over TLS); use h2c for cleartext' });
    }
    if (l.upstream.protocol === 'h2c' && l.upstream.tls !== undefined) {
      ctx.addIssue({ code: 'custom', path: ['upstream', 'tls'], message: 'is not for protocol h2c (cleartext); use h2 for HTTP/2 over TLS' });
    }
    if (l.tls && l.tls.minVersion === 'TLSv1.3' && l.tls.maxVersion === 'TLSv1.2') {
      ctx.addIssue({ code: 'custom', path: ['tls', 'maxVersion'], message: 'is below tls.minVersion' });
    }
    const seen = new Set<string>();
    l.backends.forEach((b, i) => {
      if (seen.has(b.id)) ctx.addIssue({ code: 'custom', path: ['backends', i, 'id'], message: `duplicate id "${b.id}"` });
      seen.add(b.id);
    });
  });
export { DEFAULT_HTTP2 };
export type ListenerConfig = z.output<typeof listenerSchema>;

export const balancerConfigSchema = z
  .strictObject({
    version: z.literal(1),
    admin: z.strictObject({ listen: hostPort }).optional(),
    /** Graceful shutdown: how long in-flight work may take after a stop signal. */
    drainTimeout: duration.default(10_000),
    listeners: z.array(listenerSchema).default([]),
    /** The LVS packet engine (NAT, DR, TUN): reference/config/lvs.ts. */
    lvs: z.lazy(() => lvsConfigSchema).optional(), // lazy: lvs.ts reads this file's parts lazily too (no load order)
  })
  .superRefine((c, ctx) => {
    if (c.listeners.length === 0 && !c.lvs) ctx.addIssue({ code: 'custom', path: ['listeners'], message: 'needs at least one listener (or an lvs section)' });
    const names = new Set<string>();
    c.listeners.forEach((l, i) => {
      if (names.has(l.name)) ctx.addIssue({ code: 'custom', path: ['listeners', i, 'name'], message: `duplicate name "${l.name}"` });
      names.add(l.name);
    });
  });
export type BalancerConfig = z.output<typeof balancerConfigSchema>;
