// The local driver: every host is a process (or, for clients, a source address) on loopback.
// Clients send from 127.10.0.x, the balancer listens on 127.20.0.1, backends on 127.30.0.x, so that
// source rewriting is observable without privileges. Ports are chosen free at start.
import { describeLogs, waitReady } from '../readiness.ts';
import { startedTopology } from '../started-topology.ts';
import { mkdtemp, mkdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { LoopbackClient } from './client.ts';
import { LocalBackend } from './backend.ts';
import { spawnGroup, type SpawnedProcess } from './process.ts';
import { portIsFree } from './ports.ts';
import { reservePort, type Reservation } from './port-reservations.ts';
import { listenerOwnedByGroup } from './listener-owner.ts';
import { trackTeardown } from './cleanup.ts';
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
const IN_USE = /EADDRINUSE|address already in use/i;

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
    const launch = spec.target.render(scenario);

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


/** Writes the target's files, starts it and waits until it is ready on a listener of its own. */
async function startBalancer(spec: TopologySpec, launch: TargetLaunch, scenario: Scenario, options: LocalStartOptions, undo: Array<() => Promise<void>>): Promise<SpawnedProcess> {
  const dir = await mkdtemp(join(tmpdir(), `fulcrum-${spec.target.name.replace(/[^A-Za-z0-9_.-]/g, '_')}-`));
  undo.push(() => rm(dir, { recursive: true, force: true }));
  for (const file of launch.files) {
    const path = join(dir, file.path);
    await mkdir(dirname(path), { recursive: true });
    await writeFile(path, file.content.replaceAll('{{dir}}', dir));
  }
  const command = launch.command.map((arg) => arg.replaceAll('{{dir}}', dir));
  const proc = await spawnGroup(command, { cwd: dir, env: launch.env, label: `target ${spec.target.name}` }).catch((err: Error) => {
    throw new TopologyStartError(err.message);
  });
  undo.push(() => proc.kill(1500));
  const name = spec.target.name;
  const timeoutMs = options.readyTimeoutMs ?? 20_000;
  const makeError = (message: string) => (IN_USE.test(message) ? new AddressInUseError(message) : new TopologyStartError(message));
  await waitReady(name, proc, scenario, launch, timeoutMs, makeError);
  // UDP readiness is a delay; a datagram sent before the socket is bound is lost. Here /proc shows
  // when the balancer's group holds the UDP socket (a node balancer on a loaded machine took > 500 ms).
  if (scenario.mode === 'udp' && !(launch.readyWhen && 'tcp' in launch.readyWhen)) await udpBound(name, proc, scenario.listen, timeoutMs, makeError);
  // Something accepted: make sure it is the balancer, not another program that took the port.
  const probe = launch.readyWhen && 'tcp' in launch.readyWhen ? launch.readyWhen.tcp : scenario.mode === 'udp' ? undefined : scenario.listen;
  if (probe && listenerOwnedByGroup(probe.host, probe.port, proc.pid) === false) {
    throw new AddressInUseError(`target ${name}: ${probe.host}:${probe.port} accepts, but not through the balancer (another program holds the port)\n${describeLogs(proc.logs())}`);
  }
  return proc;
}

/** Waits (bounded) until the balancer's group holds a UDP socket on listen; no-op where /proc cannot tell. */
async function udpBound(name: string, proc: SpawnedProcess, listen: Endpoint, timeoutMs: number, makeError: (m: string) => Error): Promise<void> {
  const deadline = performance.now() + timeoutMs;
  for (;;) {
    const owned = listenerOwnedByGroup(listen.host, listen.port, proc.pid, 'udp');
    if (owned !== false) return;
    const e = proc.exited();
    if (e) throw makeError(`target ${name} exited (code ${e.code}, signal ${e.signal}) before it bound udp ${listen.host}:${listen.port}\n${describeLogs(proc.logs())}`);
    if (performance.now() > deadline) throw makeError(`target ${name} did not bind udp ${listen.host}:${listen.port} within ${timeoutMs} ms\n${describeLogs(proc.logs())}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}
