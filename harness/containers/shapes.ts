// The two topologies the seed describes, as specs. Host numbers are fixed so addresses are
// predictable within each auto-chosen /24: balancer .2 (on every network it joins), router .3,
// clients from .10, backends from .20.
import type { TopologySpec } from './spec.ts';

export interface ShapeOptions {
  name?: string;
  clients?: number;
  backends?: number;
  /** Extra capabilities for the balancer (NET_RAW for a packet engine). */
  balancerCapabilities?: string[];
  /** Main processes per role; default sleep. */
  commands?: Partial<Record<'client' | 'balancer' | 'backend' | 'router', string[]>>;
}

export const CLIENT_HOST_BASE = 10;
export const BACKEND_HOST_BASE = 20;
export const BALANCER_HOST = 2;
export const ROUTER_HOST = 3;

function hostsOf(count: number, prefix: string): string[] {
  return Array.from({ length: count }, (_, i) => `${prefix}${i + 1}`);
}

/**
 * Two-armed: clients on `front`, backends on `back`, the balancer on both and the backends'
 * default gateway (LVS-NAT needs replies to cross it). Clients reach nothing but the front.
 */
export function twoArmed(options: ShapeOptions = {}): TopologySpec {
  const cmd = options.commands ?? {};
  return {
    name: options.name ?? 'two-armed',
    networks: [{ name: 'front' }, { name: 'back' }],
    hosts: [
      ...hostsOf(options.clients ?? 1, 'client').map((name, i) => ({
        name,
        role: 'client' as const,
        networks: [{ network: 'front', host: CLIENT_HOST_BASE + i }],
        ...(cmd.client ? { command: cmd.client } : {}),
      })),
      {
        name: 'balancer',
        role: 'balancer' as const,
        networks: [
          { network: 'front', host: BALANCER_HOST },
          { network: 'back', host: BALANCER_HOST },
        ],
        capabilities: ['NET_ADMIN', 'NET_RAW', ...(options.balancerCapabilities ?? [])],
        ...(cmd.balancer ? { command: cmd.balancer } : {}),
      },
      ...hostsOf(options.backends ?? 3, 'backend').map((name, i) => ({
        name,
        role: 'backend' as const,
        networks: [{ network: 'back', host: BACKEND_HOST_BASE + i }],
        gateway: 'balancer',
        ...(cmd.backend ? { command: cmd.backend } : {}),
      })),
    ],
  };
}

/**
 * Shared segment: balancer and backends on one L2 network (`segment`, as LVS-DR needs: only the
 * destination MAC changes); clients on their own network behind a router, which forwards. Backends
 * route to the clients via the router, so in DR their replies skip the balancer.
 */
export function sharedSegment(options: ShapeOptions = {}): TopologySpec {
  const cmd = options.commands ?? {};
  return {
    name: options.name ?? 'shared-segment',
    networks: [{ name: 'clients' }, { name: 'segment' }],
    hosts: [
      ...hostsOf(options.clients ?? 1, 'client').map((name, i) => ({
        name,
        role: 'client' as const,
        networks: [{ network: 'clients', host: CLIENT_HOST_BASE + i }],
        routes: [{ to: 'segment', via: 'router' }],
        ...(cmd.client ? { command: cmd.client } : {}),
      })),
      {
        name: 'router',
        role: 'router' as const,
        networks: [
          { network: 'clients', host: ROUTER_HOST },
          { network: 'segment', host: ROUTER_HOST },
        ],
        ...(cmd.router ? { command: cmd.router } : {}),
      },
      {
        name: 'balancer',
        role: 'balancer' as const,
        networks: [{ network: 'segment', host: BALANCER_HOST }],
        routes: [{ to: 'clients', via: 'router' }],
        capabilities: ['NET_ADMIN', 'NET_RAW', ...(options.balancerCapabilities ?? [])],
        ...(cmd.balancer ? { command: cmd.balancer } : {}),
      },
      ...hostsOf(options.backends ?? 3, 'backend').map((name, i) => ({
        name,
        role: 'backend' as const,
        networks: [{ network: 'segment', host: BACKEND_HOST_BASE + i }],
        routes: [{ to: 'clients', via: 'router' }],
        ...(cmd.backend ? { command: cmd.backend } : {}),
      })),
    ],
  };
}
