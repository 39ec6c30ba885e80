// The /stats snapshot: plain JSON built from the pools' live state, pure.
import type { BackendStateName, CheckResult, Pool } from '../pool/index.ts';

export interface ListenerInfo {
  readonly name: string;
  readonly mode: 'http' | 'tcp' | 'udp';
  /** The bound address, "host:port". */
  readonly listen: string;
  readonly algorithm: string;
  readonly pool: Pool;
}

export interface BackendStats {
  id: string;
  address: string;
  weight: number;
  state: BackendStateName;
  active: number;
  /** Requests (http) or connections/flows (tcp/udp) handed to this backend. */
  requests: number;
  failures: number;
  bytesIn: number;
  bytesOut: number;
  /** The last active health check, or null when the listener has none (or none ran yet). */
  health: (CheckResult & { atIso: string }) | null;
}

export interface ListenerStats {
  name: string;
  mode: 'http' | 'tcp' | 'udp';
  listen: string;
  algorithm: string;
  backends: BackendStats[];
}

export interface Stats {
  listeners: ListenerStats[];
}

export function statsSnapshot(listeners: readonly ListenerInfo[]): Stats {
  return {
    listeners: listeners.map((l) => ({
      name: l.name,
      mode: l.mode,
      listen: l.listen,
      algorithm: l.algorithm,
      backends: l.pool.backends.map((b) => ({
        id: b.id,
        address: b.address,
        weight: b.weight,
        state: b.state,
        active: b.active,
        requests: b.requests,
        failures: b.failures,
        bytesIn: b.bytesIn,
        bytesOut: b.bytesOut,
        health: b.lastCheck ? { ...b.lastCheck, atIso: new Date(b.lastCheck.at).toISOString() } : null,
      })),
    })),
  };
}
