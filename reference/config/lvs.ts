// The LVS engine's part of the balancer config (schema.ts composes it as the optional `lvs` section of a
// version-1 file, beside `listeners`); `fulcrum serve --config` starts the engine when it is present.
//
//   version: 1
//   lvs:
//     interfaces: { outside: eth0, inside: eth1 }   # inside: the real servers' side (NAT, TUN); defaults to outside
//     conntrack: { maxFlows: 1000000, removedServer: expire, timeouts: { tcpEstablished: 15m, udp: 5m } }
//     admin: { listen: 127.0.0.1:9000 }             # optional HTTP/JSON admin channel (admin.ts); no authentication
//     services:
//       - { name: web, mode: dr, vip: 198.19.1.100, port: 80, protocol: tcp, algorithm: wlc,
//           persistence: { timeout: 5m, netmask: 24 },
//           backends: [ { id: rs1, address: 198.19.1.11, weight: 1 } ] }
//       - { name: tunnelled, mode: tun, vip: 198.19.1.101, port: 0, protocol: any,
//           tunnel: { encapsulation: gre, mtu: 1500 }, backends: [ … ] }
import { z } from 'zod';
import { parse as parseYaml } from 'yaml';
import { createScheduler, schedulerFactory, SchedulerOptionError } from '../algorithms/index.ts';
import { addressBytes, defaultKeyConfig } from '../keys/index.ts';
import { ConfigError, describeIssues } from './errors.ts';
// schema.ts imports this file for its `lvs` field; each side reads the other's schemas lazily (at parse time),
// so neither module needs the other evaluated first. parseDuration is a function declaration (hoisted).
import { algorithmSchema, healthSchema, parseDuration } from './schema.ts';

/** Dotted IPv4 text → the address as an unsigned 32-bit number; throws when it is not one. */
function parseIPv4(text: string): number {
  const b = text.includes(':') ? undefined : addressBytes(text.trim());
  if (b?.length !== 4) throw new RangeError(`"${text}" is not an IPv4 address`);
  return ((b[0]! << 24) | (b[1]! << 16) | (b[2]! << 8) | b[3]!) >>> 0;
}

const duration = z.union([z.number(), z.string()]).transform((v, ctx) => {
  const ms = parseDuration(v);
  if (ms === undefined) {
    ctx.addIssue({ code: 'custom', message: `"${v}" is not a duration (use 500, "500ms", "2s" or "1m")` });
    return z.NEVER;
  }
  return ms;
});

const ipv4 = z.string().transform((v, ctx) => {
  try {
    return parseIPv4(v);
  } catch {
    ctx.addIssue({ code: 'custom', message: `"${v}" is not an IPv4 address` });
    return z.NEVER;
  }
});

/** "198.19.2.11" or "198.19.2.11:8080" (a port only in NAT mode). */
const serverAddress = z.string().transform((v, ctx) => {
  const m = /^([\d.]+)(?::(\d{1,5}))?$/.exec(v.trim());
  let ip: number | undefined;
  try {
    ip = m ? parseIPv4(m[1]!) : undefined;
  } catch {
    ip = undefined;
  }
  const port = m?.[2] === undefined ? undefined : Number(m[2]);
  if (ip === undefined || (port !== undefined && port > 65535)) {
    ctx.addIssue({ code: 'custom', message: `"${v}" is not an IPv4 address with an optional :port` });
    return z.NEVER;
  }
  return { ip, port };
});

/** "127.0.0.1:9000", "localhost:9000" or "[::1]:9000"; port 0 picks a free port. */
const listenAddress = z.string().transform((v, ctx) => {
  const m = /^(\[[0-9A-Fa-f:.]+\]|[A-Za-z0-9.-]+):(\d{1,5})$/.exec(v.trim());
  const port = m ? Number(m[2]) : NaN;
  if (!m || port > 65535) {
    ctx.addIssue({ code: 'custom', message: `"${v}" is not host:port (e.g. "127.0.0.1:9000")` });
    return z.NEVER;
  }
  return { host: m[1]!.replace(/^\[(.*)\]$/, '$1'), port };
});

const ifname = z.string().regex(/^[A-Za-z0-9_.@-]{1,15}$/, 'is not an interface name');

export const lvsBackendSchema = z.strictObject({
  id: z.string().regex(/^[A-Za-z0-9_.-]+$/, 'use letters, digits, "_", "." or "-"'),
  address: serverAddress,
  weight: z.int().min(0).max(1_000_000).default(1),
});

export const lvsServiceSchema = z
  .strictObject({
    name: z.string().regex(/^[A-Za-z0-9_.-]+$/, 'use letters, digits, "_", "." or "-"'),
    mode: z.enum(['nat', 'dr', 'tun']),
    vip: ipv4,
    /** 0: every port (DR/TUN only, like IPVS firewall-mark services). */
    port: z.int().min(0).max(65535),
    /** any: every IP protocol, forwarded unchanged (DR/TUN only). */
    protocol: z.enum(['tcp', 'udp', 'any']).default('tcp'),
    algorithm: z.lazy(() => algorithmSchema).default({ name: 'rr' }),
    /** What hashing schedulers hash; by default what reference/keys picks for the algorithm (dh, lblc, lblcr: the destination). */
    key: z.enum(['source-ip', 'source-ip-port', 'destination-ip']).optional(),
    /** IPVS -p/-M: a client network sticks to one real server for `timeout` after its last new flow. */
    persistence: z.strictObject({ timeout: duration, netmask: z.int().min(0).max(32).default(32) }).optional(),
    /** TUN: how to encapsulate and the MTU of the path to the real servers. */
    tunnel: z
      .strictObject({ encapsulation: z.enum(['ipip', 'gre']).default('ipip'), mtu: z.int().min(576).max(65535).default(1500) })
      .default({ encapsulation: 'ipip', mtu: 1500 }),
    /** Active checks against each real server's own address; port defaults to the server's (or the service's) port. */
    health: z.lazy(() => healthSchema.extend({ port: z.int().min(1).max(65535).optional() })).optional(),
    backends: z.array(lvsBackendSchema).min(1, 'needs at least one backend'),
  })
  .superRefine((s, ctx) => {
    if (s.health && s.port === 0 && s.health.port === undefined && s.backends.some((b) => b.address.port === undefined)) {
      ctx.addIssue({ code: 'custom', path: ['health', 'port'], message: 'is needed when the service covers every port (port: 0)' });
    }
    if (s.mode === 'nat' && (s.protocol === 'any' || s.port === 0)) {
      ctx.addIssue({ code: 'custom', path: [s.port === 0 ? 'port' : 'protocol'], message: 'NAT needs one protocol (tcp or udp) and a port' });
    }
    for (const issue of algorithmIssues(s.algorithm)) ctx.addIssue({ code: 'custom', ...issue });
    const seen = new Set<string>();
    s.backends.forEach((b, i) => {
      if (seen.has(b.id)) ctx.addIssue({ code: 'custom', path: ['backends', i, 'id'], message: `duplicate id "${b.id}"` });
      seen.add(b.id);
      for (const issue of backendIssues(s, b)) ctx.addIssue({ code: 'custom', path: ['backends', i, issue.field], message: issue.message });
    });
  })
  .transform((s) => ({ ...s, key: s.key ?? (defaultKeyConfig(s.algorithm.name).from as LvsKey) }));

type LvsKey = 'source-ip' | 'source-ip-port' | 'destination-ip';

/** An unknown algorithm, or options createScheduler refuses (wrappers' included): at load time, naming the option. */
function algorithmIssues(algorithm: { name: string }): { path: (string | number)[]; message: string }[] {
  if (!schedulerFactory(algorithm.name)) return [{ path: ['algorithm'], message: `unknown algorithm "${algorithm.name}"` }];
  try {
    createScheduler(algorithm, { now: () => 0 });
  } catch (err) {
    if (!(err instanceof SchedulerOptionError)) throw err;
    return [{ path: ['algorithm', err.option], message: err.message.replace(/^algorithm \S+: option "[^"]*" /, '') }];
  }
  return [];
}

/** What a backend must satisfy within its service, at load time and when added at runtime (admin channel). */
export function backendIssues(service: { mode: 'nat' | 'dr' | 'tun'; port: number }, b: { address: { port?: number | undefined } }): { field: 'address'; message: string }[] {
  if (service.mode !== 'nat' && b.address.port !== undefined && b.address.port !== service.port) {
    return [{ field: 'address', message: `${service.mode.toUpperCase()} cannot change the port: leave it out or use ${service.port}` }];
  }
  return [];
}

const timeoutsSchema = z
  .strictObject({
    tcpEstablished: duration.default(900_000),
    tcpTransient: duration.default(60_000),
    tcpClosed: duration.default(10_000),
    udp: duration.default(300_000),
    other: duration.default(300_000),
  })
  .default({ tcpEstablished: 900_000, tcpTransient: 60_000, tcpClosed: 10_000, udp: 300_000, other: 300_000 });

export const lvsConfigSchema = z
  .strictObject({
    interfaces: z.strictObject({ outside: ifname, inside: ifname.optional() }),
    conntrack: z
      .strictObject({
        maxFlows: z.int().min(1).max(16_000_000).default(1_000_000),
        timeouts: timeoutsSchema,
        /** A removed real server's flows: dropped at once (expire) or moved to another server on their next packet. */
        removedServer: z.enum(['expire', 'reschedule']).default('expire'),
        /** Schedule mid-stream TCP packets without a flow (after a balancer restart). IPVS: sloppy_tcp. */
        sloppyTcp: z.boolean().default(false),
      })
      .default({
        maxFlows: 1_000_000,
        timeouts: { tcpEstablished: 900_000, tcpTransient: 60_000, tcpClosed: 10_000, udp: 300_000, other: 300_000 },
        removedServer: 'expire',
        sloppyTcp: false,
      }),
    services: z.array(lvsServiceSchema).min(1, 'needs at least one service'),
    /** HTTP/JSON admin channel (admin.ts): stats, services, add/change/remove real servers. Unauthenticated: keep it on loopback. */
    admin: z.strictObject({ listen: listenAddress }).optional(),
  })
  .superRefine((c, ctx) => {
    const names = new Set<string>();
    const keys = new Set<string>();
    c.services.forEach((s, i) => {
      if (names.has(s.name)) ctx.addIssue({ code: 'custom', path: ['services', i, 'name'], message: `duplicate name "${s.name}"` });
      names.add(s.name);
      const key = `${s.vip}/${s.protocol}/${s.port}`;
      if (keys.has(key)) ctx.addIssue({ code: 'custom', path: ['services', i], message: 'another service has the same vip, protocol and port' });
      keys.add(key);
    });
  });

export type LvsConfig = z.output<typeof lvsConfigSchema>;
export type LvsServiceConfig = z.output<typeof lvsServiceSchema>;
export type LvsBackendConfig = z.output<typeof lvsBackendSchema>;

/** Validates the `lvs` section on its own (parsed YAML/JSON); ConfigError names every bad field within it. */
export function parseLvsConfig(raw: unknown, source: string): LvsConfig {
  const parsed = lvsConfigSchema.safeParse(raw);
  if (!parsed.success) throw new ConfigError(source, describeIssues(parsed.error));
  return parsed.data;
}

export function parseLvsConfigText(text: string, source: string): LvsConfig {
  let raw: unknown;
  try {
    raw = parseYaml(text);
  } catch (err) {
    throw new ConfigError(source, [`not valid YAML: ${(err as Error).message.split('\n')[0]}`]);
  }
  return parseLvsConfig(raw, source);
}
