// The local driver: every host is a process (or, for clients, a source address) on loopback.
// Clients send from 127.10.0.x, the balancer listens on 127.20.0.1, backends on 127.30.0.x, so that
// source rewriting is observable without privileges. Ports are chosen free at start.
import { waitReady } from '../readiness.ts';
import { startedTopology } from '../started-topology.ts';
import { mkdtemp, mkdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { LoopbackClient } from './client.ts';
import { LocalBackend } from './backend.ts';
import { spawnGroup, type SpawnedProcess } from './process.ts';
import { freePort, portIsFree } from './ports.ts';
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
}

export const localDriver: Driver = {
  name: 'local',
  available: async () => ({ ok: true }),
  start: (spec, options) => startLocal(spec, options),
};

export async function startLocal(spec: TopologySpec, options: LocalStartOptions = {}): Promise<StartedTopology> {
  const log = options.log ?? (() => {});
  // Balancers and agents of an earlier run that was SIGKILLed (no handler ran) die first.
  reapOrphanedGroups({ log: (line) => process.stderr.write(`fulcrum: ${line}\n`) });
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
    const hosts = spec.plan.backends.map((_, i) => `${BACKEND_NET}${i + 1}`);
    const ports = await Promise.all(hosts.map((h) => freePort(h)));
    const port = options.listenPort ?? (await freePort(BALANCER_HOST));
    if (!(await portIsFree(BALANCER_HOST, port))) throw new TopologyStartError(`target ${spec.target.name}: listen address ${BALANCER_HOST}:${port} is already in use`);
    const listen: Endpoint = { host: BALANCER_HOST, port };
    const admin = spec.plan.admin ? { host: BALANCER_HOST, port: await freePort(BALANCER_HOST) } : undefined;
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
        const backend = await LocalBackend.start(b.id, b.weight, hosts[i] as string, ports[i] as number);
        backends.push(backend);
        return backend;
      }),
    );

    const balancerUp = (async () => {
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
      await waitReady(spec.target.name, proc, scenario, launch, options.readyTimeoutMs ?? 20_000, (message) => new TopologyStartError(message));
      return proc;
    })();

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

