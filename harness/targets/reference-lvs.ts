// The reference balancer for LVS scenarios: the packet engine (reference/lvs) instead of the proxy.
// Renders a balancer config whose `lvs` section (reference/config/lvs.ts) describes one service from a
// placed scenario, run by `fulcrum serve --config` like the proxy. Pure.
import type { Scenario, TargetLaunch } from '../types.ts';
import { FULCRUM_BIN } from '../paths.ts';

/** lvs:admin: the engine's HTTP admin channel (reference/lvs/admin.ts) for weights and real servers at runtime;
 *  lvs:udp: UDP services (flows kept in the connection table) in every mode it claims. */
export const LVS_CAPABILITIES = ['lvs:nat', 'lvs:dr', 'lvs:tun', 'lvs:admin', 'lvs:udp'] as const;

/** What a deliberately broken variant may change. */
export interface LvsEngineOverrides {
  tunnelMtu?: number;
  conntrack?: Record<string, unknown>;
}

/** The `lvs` section for one service "main"; `overrides` lets deliberately broken targets change it. */
export function lvsEngineConfig(s: Scenario, overrides: LvsEngineOverrides = {}): Record<string, unknown> {
  const lvs = s.lvs;
  if (!lvs) throw new Error('not an LVS scenario');
  const nat = lvs.mode === 'nat';
  return {
    interfaces: { outside: lvs.interfaces.outside, ...(lvs.interfaces.inside ? { inside: lvs.interfaces.inside } : {}) },
    ...(s.admin ? { admin: { listen: `${s.admin.host}:${s.admin.port}` } } : {}),
    conntrack: { maxFlows: 100_000, ...overrides.conntrack },
    services: [
      {
        name: 'main',
        mode: lvs.mode,
        vip: s.listen.host,
        port: s.listen.port,
        protocol: s.mode === 'udp' ? 'udp' : 'tcp',
        algorithm: s.algorithm,
        ...(lvs.mode === 'tun' ? { tunnel: { encapsulation: lvs.encapsulation ?? 'ipip', mtu: overrides.tunnelMtu ?? 1500 } } : {}),
        ...(s.health
          ? { health: { type: s.health.type, path: s.health.path, interval: s.health.intervalMs, timeout: s.health.timeoutMs, rise: s.health.rise, fall: s.health.fall } }
          : {}),
        // DR and TUN cannot change the port: real servers listen on the VIP's port.
        backends: s.backends.map((b) => ({ id: b.id, address: nat ? `${b.host}:${b.port}` : b.host, weight: b.weight })),
      },
    ],
  };
}

export function renderLvs(s: Scenario, overrides: LvsEngineOverrides = {}): TargetLaunch {
  return {
    // JSON is YAML: the config loader reads either.
    files: [{ path: 'lb.yaml', content: `${JSON.stringify({ version: 1, drainTimeout: '1s', lvs: lvsEngineConfig(s, overrides) }, null, 2)}\n` }],
    command: [process.execPath, FULCRUM_BIN, 'serve', '--config', '{{dir}}/lb.yaml'],
    // A UDP-only service accepts no TCP on the VIP: then the admin channel (up once the engine runs) tells.
    readyWhen: s.mode === 'udp' ? (s.admin ? { tcp: s.admin } : { delayMs: 3000 }) : { tcp: s.listen },
  };
}
