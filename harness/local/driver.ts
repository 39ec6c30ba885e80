// The local driver: every host is a process (or, for clients, a source address) on loopback.
// Clients send from 127.10.0.x, the balancer listens on 127.20.0.1, backends on 127.30.0.x, so that
// source rewriting is observable without privileges. Ports are chosen free at start.
import { startedTopology, LoopbackClient, portIsFree, trackTeardown } from '../hosts/index.ts';
import { LocalBackend } from './backend.ts';
import { spawnBalancer } from './balancer.ts';
import { withFdLimit } from '../fd-limit.ts';
import type { SpawnedProcess } from './process.ts';
import { reservePort, type Reservation } from './port-reservations.ts';
import { reapOrphanedGroups } from './group-registry.ts';
import type { Driver, StartOptions, StartedTopology, TopologySpec } from '../topology.ts';
import type { Endpoint, Scenario, TargetLaunch } from '../types.ts';

export const CLIENT_NET = '127.10.0.';
export const BALANCER_HOST = '127.20.0.1';
export const BACKEND_NET = '127.30.0.';

/** The balancer did not come up, or a host could not start. The message names the target, the
 *  address and carries the tail of the balancer's output. */
export class TopologyStartError extends Error {
  readonly code = 'FULCRUM_ERR_TOPOLOGY_START';
}

export interface LocalStartOptions extends StartOptions {
  /** Listen on this port instead of a free one (users with firewall rules; tests of "port in use"). */
  listenPort?: number;
  /** Called once ports are reserved, before anything binds them (tests: another program takes one). */
  afterPortsChosen?: (ports: { listen: Endpoint; backends: Endpoint[] }) => Promise<void> | void;
}

export const localDriver: Driver = {
  name: 'local',
  available: async () => ({ ok: true }),
  start: (spec, options) => startLocal(spec, options),
};

/** The balancer or an agent could not bind its port because another program holds it. */
export class AddressInUseError extends TopologyStartError {}

/** Starts on fresh ports after an AddressInUseError, at most this many times in all. */
export const START_ATTEMPTS = 3;
const IN_USE = /EADDRINUSE|address already in use|another program holds the port/i;

export async function startLocal(spec: TopologySpec, options: LocalStartOptions = {}): Promise<StartedTopology> {
  const log = options.log ?? (() => {});
  // Balancers and agents of an earlier run that was SIGKILLed (no handler ran) die first.
  reapOrphanedGroups({ log: (line) => process.stderr.write(`fulcrum: ${line}\n`) });
  for (let attempt = 1; ; attempt++) {
    try {
      return await startOnce(spec, options);
    } catch (err) {
      // Nothing a check sees is retried: no check has run yet. A fixed listen port stays fixed.
      if (!(err instanceof AddressInUseError) || options.listenPort !== undefined || attempt >= START_ATTEMPTS) throw err;
      log(`${err.message.split('\n')[0]}; starting again on other ports (attempt ${attempt + 1} of ${START_ATTEMPTS})`);
    }
  }
}

async function startOnce(spec: TopologySpec, options: LocalStartOptions): Promise<StartedTopology> {
  const log = options.log ?? (() => {});
  const undo: Array<() => Promise<void>> = [];
  let stopping: Promise<void> | undefined;
  const stop = () =>
    (stopping ??= (async () => {
      for (const step of undo.reverse()) await step().catch(() => {});
      untrack();
    })());
  const untrack = trackTeardown(stop);

  try {
    // Every address and port is chosen first, so that the agents and the balancer start together
    // (each is a node/tsx or balancer process: starting them one after another doubles the wait).
    // Ports are reserved (port-reservations.ts) and released last on stop.
    const reserved: Reservation[] = [];
    undo.push(async () => reserved.forEach((r) => r.release()));
    const reserve = async (host: string) => {
      const r = await reservePort(host);
      reserved.push(r);
      return r.port;
    };
    const hosts = spec.plan.backends.map((_, i) => `${BACKEND_NET}${i + 1}`);
    const ports = await Promise.all(hosts.map((h) => reserve(h)));
    const port = options.listenPort ?? (await reserve(BALANCER_HOST));
    if (!(await portIsFree(BALANCER_HOST, port))) throw new TopologyStartError(`target ${spec.target.name}: listen address ${BALANCER_HOST}:${port} is already in use`);
    const listen: Endpoint = { host: BALANCER_HOST, port };
    const admin = spec.plan.admin ? { host: BALANCER_HOST, port: await reserve(BALANCER_HOST) } : undefined;
    await options.afterPortsChosen?.({ listen, backends: hosts.map((host, i) => ({ host, port: ports[i] as number })) });
    const { backends: planned, admin: _wantsAdmin, lvs, ...rest } = spec.plan;
    if (lvs) throw new TopologyStartError(`LVS ${lvs.mode.toUpperCase()} forwards packets between hosts on real L2 segments: use --driver containers`);
    const scenario: Scenario = {
      ...rest,
      listen,
      ...(admin ? { admin } : {}),
      backends: planned.map((b, i) => ({ id: b.id, weight: b.weight, host: hosts[i] as string, port: ports[i] as number })),
    };
    // Rendering can fail (an unmapped algorithm): before anything runs.
    const launch = withFdLimit(spec.target.render(scenario), scenario.fdLimit);

    const backends: LocalBackend[] = [];
    undo.push(async () => void (await Promise.all(backends.map((b) => b.stop()))));
    const backendsUp = Promise.allSettled(
      planned.map(async (b, i) => {
        const backend = await LocalBackend.start(b.id, b.weight, hosts[i] as string, ports[i] as number).catch((err: Error) => {
          throw IN_USE.test(err.message) ? new AddressInUseError(`backend ${b.id}: ${hosts[i]}:${ports[i]} is in use by another program`) : err;
        });
        backends.push(backend);
        return backend;
      }),
    );

    const balancerUp = startBalancer(spec, launch, scenario, options, undo);

    const [agents, balancerResult] = await Promise.all([backendsUp, balancerUp.then((p) => ({ ok: true as const, p }), (err: unknown) => ({ ok: false as const, err }))]);
    if (!balancerResult.ok) throw balancerResult.err;
    const failed = agents.find((a): a is PromiseRejectedResult => a.status === 'rejected');
    if (failed) throw failed.reason;
    const balancer = balancerResult.p;
    // Keep the plan's order (agents come up in any order).
    backends.sort((a, b) => planned.findIndex((p) => p.id === a.id) - planned.findIndex((p) => p.id === b.id));
    log(`${spec.target.name} up on ${listen.host}:${listen.port} with ${backends.length} backends`);

    const clients = Array.from({ length: spec.clients ?? 1 }, (_, i) => new LoopbackClient(`${CLIENT_NET}${i + 1}`, listen));
    return startedTopology({ scenario, entry: listen, clients, backends, balancer, balancerDescription: balancer.description, stop });
  } catch (err) {
    await stop();
    throw err;
  }
}


/** Starts the target's balancer (balancer.ts) and waits until it is ready on a listener of its own;
 *  a port another program holds is an AddressInUseError, so the start is redone on other ports. */
async function startBalancer(spec: TopologySpec, launch: TargetLaunch, scenario: Scenario, options: LocalStartOptions, undo: Array<() => Promise<void>>): Promise<SpawnedProcess> {
  const makeError = (message: string) => (IN_USE.test(message) ? new AddressInUseError(message) : new TopologyStartError(message));
  const balancer = await spawnBalancer(spec.target.name, launch, makeError);
  undo.push(() => balancer.stop());
  await balancer.waitReady(scenario, options.readyTimeoutMs ?? 20_000);
  return balancer.proc;
}
