// The containers driver: the same Driver contract as the local one, with every host a container.
// Two-armed topology: clients on `front`, backends on `back`, the balancer on both (and the
// backends' gateway). Backends run the backend agent, clients run the client agent (remote-
// controlled from here), the balancer runs the target's command with its rendered files. The
// harness reaches every container from the host, which holds each network's bridge address.
import { waitReady } from '../readiness.ts';
import { startedTopology } from '../started-topology.ts';
import { fileURLToPath } from 'node:url';
import { probeEngine, PROJECT_DIR, type HostImage } from '../../docker/index.ts';
import { trackTeardown } from '../local/cleanup.ts';
import type { Driver, StartedTopology, StartOptions, TopologySpec } from '../topology.ts';
import type { Endpoint, Scenario, TargetLaunch } from '../types.ts';
import { connectEngine } from '../../docker/index.ts';
import { ContainerBackend } from './backend.ts';
import { RemoteClient } from './remote-client.ts';
import { startRemoteProcess, type RemoteProcess } from './remote-process.ts';
import { twoArmed } from './shapes.ts';
import { startContainerTopology, type ContainerHost, type StartedContainerTopology } from './topology.ts';

export const LISTEN_PORT = 8000;
export const ADMIN_PORT = 9000;
export const CLIENT_CONTROL_PORT = 7000;
/** The balancer's working directory inside its container (not on a tmpfs: the archive API writes here). */
export const TARGET_DIR = '/fulcrum/target';

const AGENT_MAIN = fileURLToPath(new URL('../agent/main.ts', import.meta.url));
const CLIENT_AGENT_MAIN = fileURLToPath(new URL('./client-agent-main.ts', import.meta.url));
const TSX = fileURLToPath(import.meta.resolve('tsx'));

/** A balancer in a container starts cold (its own /tmp, a shared CPU): more room than the local driver's 10 s. */
export const DEFAULT_READY_TIMEOUT_MS = 60_000;
const CLIENT_READY_TIMEOUT_MS = 60_000;

/** What the containers driver starts: the common contract plus the containers underneath, for
 *  checks that need a host's shell (captures, sysctls, packet-level tools). */
export interface ContainerDriverTopology extends StartedTopology {
  readonly containers: StartedContainerTopology;
}

export class ContainerTopologyError extends Error {
  readonly code = 'FULCRUM_ERR_TOPOLOGY_START';
}

/** Host paths → the same files inside a container started from `image`. */
export function containerPathMapper(image: Pick<HostImage, 'kind' | 'projectDir'>, projectDir = PROJECT_DIR, nodePath = process.execPath): (arg: string) => string {
  return (arg) => {
    if (image.kind !== 'hostroot' && arg === nodePath) return 'node';
    return arg.split(projectDir).join(image.projectDir);
  };
}

export const containersDriver: Driver = {
  name: 'containers',
  async available() {
    const probe = await probeEngine();
    return probe.ok ? { ok: true } : { ok: false, reason: `no container engine: ${probe.reason} (run docker/ensure-engine.sh)` };
  },
  start: (spec, options) => startContainers(spec, options),
};

export async function startContainers(spec: TopologySpec, options: StartOptions = {}): Promise<ContainerDriverTopology> {
  const log = options.log ?? (() => {});
  const started = Date.now();
  const client = await connectEngine();
  const topology = await startContainerTopology(twoArmed({ clients: spec.clients ?? 1, backends: spec.plan.backends.length }), { log });
  // The local driver's signal handler exits the process once its teardowns finish: make it wait for ours.
  const untrack = trackTeardown(() => topology.stop());
  let stopping: Promise<void> | undefined;
  const stop = () =>
    (stopping ??= (async () => {
      try {
        await topology.stop();
      } finally {
        untrack();
      }
    })());

  try {
    const toContainer = containerPathMapper(topology.image);
    const node = toContainer(process.execPath);
    const hostsOf = (role: string) => Object.values(topology.hosts).filter((h) => h.role === role);
    const backendHosts = hostsOf('backend');
    const clientHosts = hostsOf('client');
    const balancerHost = topology.hosts['balancer'] as ContainerHost;

    const backends = spec.plan.backends.map((b, i) => {
      const host = backendHosts[i] as ContainerHost;
      return new ContainerBackend(b.id, b.weight, host.address, host.containerId, client, [node, '--import', toContainer(TSX), toContainer(AGENT_MAIN)]);
    });
    // Client agents need nothing else to start (they connect only when asked): start them meanwhile.
    const listenHost = balancerHost.addresses['front'] as string;
    const clientsStarting = settle(
      clientHosts.map(async (host) => {
        const proc = await startClientAgent(host, { host: listenHost, port: LISTEN_PORT }, [node, '--import', toContainer(TSX), toContainer(CLIENT_AGENT_MAIN)], client);
        return { proc, remote: new RemoteClient(host.address, `http://${host.address}:${proc.controlPort}`) };
      }),
    );
    clientsStarting.catch(() => {}); // awaited below; teardown covers a failure either way
    await settle(backends.map((b) => b.start()));

    const front = listenHost;
    const listen: Endpoint = { host: front, port: LISTEN_PORT };
    const { backends: _planned, admin: wantsAdmin, ...rest } = spec.plan;
    const scenario: Scenario = {
      ...rest,
      listen,
      ...(wantsAdmin ? { admin: { host: front, port: ADMIN_PORT } } : {}),
      backends: backends.map((b) => ({ id: b.id, weight: b.weight, ...b.endpoint })),
    };
    const launch = spec.target.render(scenario);
    const balancer = await startBalancer(spec.target.name, balancerHost, launch, toContainer, client);
    await waitReady(spec.target.name, balancer, scenario, launch, options.readyTimeoutMs ?? DEFAULT_READY_TIMEOUT_MS, (message) => new ContainerTopologyError(message));

    const clients = await clientsStarting;
    log(`${spec.target.name} up on ${listen.host}:${listen.port} in a container with ${backends.length} backends and ${clients.length} client(s), in ${Date.now() - started} ms`);

    // Spread keeps Symbol.asyncDispose (an own enumerable property).
    return { ...startedTopology({ scenario, entry: listen, clients: clients.map((c) => c.remote), backends, balancer, balancerDescription: `${balancer.description} on ${listen.host}:${listen.port}`, stop }), containers: topology };
  } catch (err) {
    await stop();
    throw err;
  }
}

async function settle<T>(promises: Promise<T>[]): Promise<T[]> {
  const results = await Promise.allSettled(promises);
  const failed = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
  if (failed) throw failed.reason;
  return results.map((r) => (r as PromiseFulfilledResult<T>).value);
}

async function startBalancer(
  name: string,
  host: ContainerHost,
  launch: TargetLaunch,
  toContainer: (s: string) => string,
  client: Awaited<ReturnType<typeof connectEngine>>,
): Promise<RemoteProcess> {
  const fill = (s: string) => toContainer(s.replaceAll('{{dir}}', TARGET_DIR));
  // An empty config directory still has to exist: the command may cd into it or write there.
  await host.writeFiles([{ path: `${TARGET_DIR}/.fulcrum`, content: `target ${name}\n` }, ...launch.files.map((f) => ({ path: `${TARGET_DIR}/${f.path}`, content: fill(f.content) }))]);
  try {
    return await startRemoteProcess(client, host.containerId, launch.command.map(fill), {
      label: `target ${name}`,
      ...(launch.env ? { env: Object.fromEntries(Object.entries(launch.env).map(([k, v]) => [k, fill(v)])) } : {}),
      workingDir: TARGET_DIR,
    });
  } catch (err) {
    throw new ContainerTopologyError((err as Error).message);
  }
}

async function startClientAgent(
  host: ContainerHost,
  entry: Endpoint,
  command: string[],
  client: Awaited<ReturnType<typeof connectEngine>>,
): Promise<{ controlPort: number; proc: RemoteProcess }> {
  let resolveReady!: (port: number) => void;
  const ready = new Promise<number>((r) => (resolveReady = r));
  const proc = await startRemoteProcess(client, host.containerId, [...command, '--address', host.address, '--entry', `${entry.host}:${entry.port}`, '--control-port', String(CLIENT_CONTROL_PORT)], {
    label: `client ${host.name}`,
    onStdoutLine: (line) => {
      if (line.startsWith('{"ready":true')) resolveReady((JSON.parse(line) as { controlPort: number }).controlPort);
    },
  });
  let timer: NodeJS.Timeout | undefined;
  const outcome = await Promise.race([
    ready,
    proc.whenExited().then((e) => `exited (code ${e.code})`),
    new Promise<string>((r) => (timer = setTimeout(() => r(`not ready within ${CLIENT_READY_TIMEOUT_MS} ms`), CLIENT_READY_TIMEOUT_MS))),
  ]);
  clearTimeout(timer);
  if (typeof outcome === 'string') throw new ContainerTopologyError(`client agent on ${host.address}: ${outcome}\n${proc.logs()}`);
  return { controlPort: outcome, proc };
}

