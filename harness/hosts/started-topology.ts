// The StartedTopology object every driver hands back, built in one place from what it started.
import type { BackendHost, BalancerHandle, ClientHost, StartedTopology } from '../topology.ts';
import type { Endpoint, Scenario } from '../types.ts';

/** What a driver's balancer process offers, local process or container. */
export interface BalancerProcess {
  logs(): string;
  exited(): ReturnType<BalancerHandle['exited']>;
  /** Stop it, escalating to a kill after `graceMs`. */
  kill(graceMs: number): Promise<unknown>;
}

export function startedTopology(parts: {
  scenario: Scenario;
  entry: Endpoint;
  clients: readonly ClientHost[];
  backends: readonly BackendHost[];
  balancer: BalancerProcess;
  balancerDescription: string;
  stop: () => Promise<void>;
}): StartedTopology {
  const { balancer, stop } = parts;
  const byId = new Map(parts.backends.map((b) => [b.id, b]));
  return {
    scenario: parts.scenario,
    entry: parts.entry,
    clients: parts.clients,
    backends: parts.backends,
    balancer: {
      description: parts.balancerDescription,
      logs: () => balancer.logs(),
      exited: () => balancer.exited(),
      stop: async () => {
        await balancer.kill(1500);
      },
    },
    backend(id: string) {
      const b = byId.get(id);
      if (!b) throw new Error(`no backend "${id}" in this topology (have ${[...byId.keys()].join(', ')})`);
      return b;
    },
    stop,
    [Symbol.asyncDispose]: stop,
  };
}
