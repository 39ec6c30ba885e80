// The declarative topology: networks and hosts with roles, static addresses, capabilities,
// sysctls and routes. Validated in one place; `resolveTopology` turns it into concrete addresses
// and routes without touching the engine, so the addressing logic is tested without containers.
import { z } from 'zod';
import { ConfigError, describeIssues } from '../../reference/index.ts';
import { formatSubnet, hostAddress, isSafeSubnet, parseSubnet, type Subnet } from './addressing.ts';

export const HOST_ROLES = ['client', 'router', 'balancer', 'backend'] as const;
export type HostRole = (typeof HOST_ROLES)[number];

const name = z.string().regex(/^[a-z][a-z0-9-]{0,30}$/, 'must be lowercase letters, digits and dashes, starting with a letter');

const networkSpec = z.strictObject({
  name,
  /** A subnet inside 198.18.0.0/15; picked automatically (a free /24 in 198.19.0.0/16) when absent. */
  subnet: z
    .string()
    .refine((s) => {
      try {
        return isSafeSubnet(parseSubnet(s));
      } catch {
        return false;
      }
    }, 'must be a CIDR subnet inside 198.18.0.0/15 (the benchmarking range)')
    .optional(),
});

const hostSpec = z.strictObject({
  name,
  role: z.enum(HOST_ROLES),
  /** Attachments with the host number within each network's subnet (2 and up; .1 is the host's bridge). */
  networks: z.array(z.strictObject({ network: name, host: z.int().min(2).max(254) })).min(1),
  capabilities: z.array(z.string().regex(/^[A-Z_]+$/, 'a Linux capability such as NET_ADMIN')).default([]),
  sysctls: z
    .record(z.string(), z.string())
    .superRefine((sysctls, ctx) => {
      for (const key of Object.keys(sysctls)) {
        if (!key.startsWith('net.')) ctx.addIssue({ code: 'custom', path: [key], message: 'only net.* sysctls are per container' });
      }
    })
    .default({}),
  /** Device nodes to pass in (an LVS-TUN real server needs /dev/net/tun for userspace decapsulation). */
  devices: z.array(z.enum(['/dev/net/tun'])).default([]),
  /** Default route via this host (a NAT real server's gateway is the balancer). No default route otherwise. */
  gateway: name.optional(),
  /** Extra routes: reach network `to` via host `via` (a client behind a router). */
  routes: z.array(z.strictObject({ to: name, via: name })).default([]),
  /** The container's main process; it keeps the container alive. Default: sleep. */
  command: z.array(z.string()).min(1).optional(),
  env: z.record(z.string(), z.string()).default({}),
});

export const topologySpecSchema = z.strictObject({
  name,
  networks: z.array(networkSpec).min(1),
  hosts: z.array(hostSpec).min(1),
});

export type TopologySpec = z.input<typeof topologySpecSchema>;
export type ParsedTopologySpec = z.output<typeof topologySpecSchema>;
export type HostSpec = ParsedTopologySpec['hosts'][number];

/** Validate shape and cross-references; throws ConfigError naming the field. */
export function parseTopologySpec(input: unknown, source = 'topology'): ParsedTopologySpec {
  const parsed = topologySpecSchema.safeParse(input);
  if (!parsed.success) throw new ConfigError(source, describeIssues(parsed.error));
  const spec = parsed.data;
  const problems: string[] = [];
  const networks = new Set(spec.networks.map((n) => n.name));
  const hosts = new Map(spec.hosts.map((h) => [h.name, h]));
  if (networks.size !== spec.networks.length) problems.push('networks: names must be unique');
  if (hosts.size !== spec.hosts.length) problems.push('hosts: names must be unique');
  const taken = new Map<string, string>();
  spec.hosts.forEach((h, i) => {
    h.networks.forEach((a, j) => {
      if (!networks.has(a.network)) problems.push(`hosts[${i}].networks[${j}].network: no network named "${a.network}"`);
      const key = `${a.network}/${a.host}`;
      const other = taken.get(key);
      if (other) problems.push(`hosts[${i}].networks[${j}].host: ${a.host} on ${a.network} is already ${other}'s`);
      taken.set(key, h.name);
    });
    const shares = (other: string) => hosts.get(other)?.networks.some((b) => h.networks.some((a) => a.network === b.network)) ?? false;
    if (h.gateway !== undefined && !shares(h.gateway)) problems.push(`hosts[${i}].gateway: "${h.gateway}" is not a host on a network ${h.name} is on`);
    h.routes.forEach((r, j) => {
      if (!networks.has(r.to)) problems.push(`hosts[${i}].routes[${j}].to: no network named "${r.to}"`);
      if (!shares(r.via)) problems.push(`hosts[${i}].routes[${j}].via: "${r.via}" is not a host on a network ${h.name} is on`);
    });
  });
  if (problems.length > 0) throw new ConfigError(source, problems);
  return spec;
}

export interface ResolvedHost {
  spec: HostSpec;
  /** network name → this host's address on it */
  addresses: Record<string, string>;
  /** The first attachment's network: the one the container is created on. */
  primaryNetwork: string;
  gateway?: string;
  /** `ip route add` arguments, e.g. "198.19.4.0/24 via 198.19.3.2". */
  routes: string[];
  sysctls: Record<string, string>;
}

/** Per-role defaults: only a router forwards; a balancer's kernel must not (DESIGN.md). */
function defaultSysctls(role: HostRole): Record<string, string> {
  return { 'net.ipv4.ip_forward': role === 'router' ? '1' : '0' };
}

/** Concrete addresses and routes for every host, given each network's subnet. Pure. */
export function resolveTopology(spec: ParsedTopologySpec, subnets: Record<string, Subnet>): ResolvedHost[] {
  const addressOf = (host: string, network: string): string | undefined => {
    const h = spec.hosts.find((x) => x.name === host);
    const attachment = h?.networks.find((a) => a.network === network);
    const subnet = subnets[network];
    return attachment && subnet ? hostAddress(subnet, attachment.host) : undefined;
  };
  /** The address of `via` on a network this host shares with it. */
  const nextHop = (h: HostSpec, via: string): string => {
    for (const a of h.networks) {
      const address = addressOf(via, a.network);
      if (address) return address;
    }
    throw new Error(`${h.name}: ${via} shares no network with it`);
  };
  return spec.hosts.map((h) => {
    const addresses: Record<string, string> = {};
    for (const a of h.networks) {
      const subnet = subnets[a.network];
      if (!subnet) throw new Error(`no subnet for network ${a.network}`);
      addresses[a.network] = hostAddress(subnet, a.host);
    }
    const routes = h.routes.map((r) => {
      const subnet = subnets[r.to];
      if (!subnet) throw new Error(`no subnet for network ${r.to}`);
      return `${formatSubnet(subnet)} via ${nextHop(h, r.via)}`;
    });
    const resolved: ResolvedHost = {
      spec: h,
      addresses,
      primaryNetwork: (h.networks[0] as { network: string }).network,
      routes,
      sysctls: { ...defaultSysctls(h.role), ...h.sysctls },
    };
    if (h.gateway !== undefined) resolved.gateway = nextHop(h, h.gateway);
    return resolved;
  });
}
