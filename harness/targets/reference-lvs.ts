// The reference balancer for LVS scenarios: the packet engine (reference/lvs) instead of the proxy.
// Renders the engine's config (reference/lvs/config.ts) from a placed scenario. Pure.
import { fileURLToPath } from 'node:url';
import type { Scenario, TargetLaunch } from '../types.ts';
import { TSX_LOADER } from '../paths.ts';

const DAEMON = fileURLToPath(new URL('../../reference/lvs/daemon.ts', import.meta.url));

/** lvs:admin: the engine's HTTP admin channel (reference/lvs/admin.ts) for weights and real servers at runtime. */
export const LVS_CAPABILITIES = ['lvs:nat', 'lvs:dr', 'lvs:tun', 'lvs:admin'] as const;

/** Engine config for one service "main"; `overrides` lets deliberately broken targets change it. */
/** What a deliberately broken variant may change. */
export interface LvsEngineOverrides {
  tunnelMtu?: number;
  conntrack?: Record<string, unknown>;
}

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
    // JSON is YAML: the engine's loader reads either.
    files: [{ path: 'lvs.yaml', content: `${JSON.stringify(lvsEngineConfig(s, overrides), null, 2)}\n` }],
    command: [process.execPath, '--import', TSX_LOADER, DAEMON, '{{dir}}/lvs.yaml'],
    readyWhen: { tcp: s.listen },
  };
}
