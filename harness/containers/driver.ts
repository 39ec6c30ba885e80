// The containers driver: the same Driver contract as the local one, with every host a container.
// Two-armed topology: clients on `front`, backends on `back`, the balancer on both (and the
// backends' gateway). Backends run the backend agent, clients run the client agent (remote-
// controlled from here), the balancer runs the target's command with its rendered files. The
// harness reaches every container from the host, which holds each network's bridge address.
import { startedTopology, trackTeardown, waitReady } from '../hosts/index.ts';
import { fileURLToPath } from 'node:url';
import { probeEngine, PROJECT_DIR, type HostImage, connectEngine } from '../../docker/index.ts';
import type { Driver, StartedTopology, StartOptions, TopologySpec } from '../topology.ts';
import type { Endpoint, Scenario, TargetLaunch } from '../types.ts';
import { BACKEND_PORT, ContainerBackend } from './backend.ts';
import { RemoteClient } from './remote-client.ts';
import { startRemoteProcess, type RemoteProcess } from './remote-process.ts';
import { twoArmed } from './shapes.ts';
import { lvsShape, outsideNetwork, prepareLvs, startRealServerAgents } from './lvs.ts';
import type { LvsView } from '../lvs-view.ts';
import { startContainerTopology, type ContainerHost, type StartedContainerTopology } from './topology.ts';
import { TSX_LOADER } from '../paths.ts';
import { withFdLimit } from '../fd-limit.ts';

export const LISTEN_PORT = 8000;
export const ADMIN_PORT = 9000;
export const CLIENT_CONTROL_PORT = 7000;
/** The balancer's working directory inside its container (not on a tmpfs: the archive API writes here). */
export const TARGET_DIR = '/fulcrum/target';

const AGENT_MAIN = fileURLToPath(new URL('../agent/main.ts', import.meta.url));
const CLIENT_AGENT_MAIN = fileURLToPath(new URL('./client-agent-main.ts', import.meta.url));

/** A balancer in a container starts cold (its own /tmp, a shared CPU): more room than the local driver's 10 s. */
export const DEFAULT_READY_TIMEOUT_MS = 60_000;
const CLIENT_READY_TIMEOUT_MS = 60_000;

/** What the containers driver starts: the common contract plus the containers underneath, for
 *  checks that need a host's shell (captures, sysctls, packet-level tools). */
export interface ContainerDriverTopology extends StartedTopology {
  readonly containers: StartedContainerTopology;
  /** LVS scenarios: the VIP and the wire evidence (see harness/lvs-view.ts). */
  readonly lvs?: LvsView;
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
  forwardsPackets: true,
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
  const lvsPlan = spec.plan.lvs;
  const shape = lvsPlan ? lvsShape(lvsPlan, spec.clients ?? 1, spec.plan.backends.length, spec.target.lvsHosts) : twoArmed({ clients: spec.clients ?? 1, backends: spec.plan.backends.length });
  const topology = await startContainerTopology(shape, { log });
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

    // LVS: the VIP and the counters first (clients are told where to send), real servers set up beside the agents.
    const lvs = lvsPlan ? await prepareLvs(topology, lvsPlan) : undefined;
    const realServersReady = lvs ? startRealServerAgents(topology, lvs.placement, client, toContainer, spec.target.lvsHosts) : Promise.resolve([]);
    realServersReady.catch(() => {}); // awaited below
    const directServerReturn = lvsPlan !== undefined && lvsPlan.mode !== 'nat';
    const backends = spec.plan.backends.map((b, i) => {
      const host = backendHosts[i] as ContainerHost;
      const agent = [node, '--import', toContainer(TSX_LOADER), toContainer(AGENT_MAIN)];
      return new ContainerBackend(b.id, b.weight, host.address, host.containerId, client, agent, directServerReturn ? '0.0.0.0' : host.address);
    });
    // Client agents need nothing else to start (they connect only when asked): start them meanwhile.
    // DR/TUN cannot change the port: the VIP listens on the real servers' port.
    const listen: Endpoint = lvs ? { host: lvs.placement.vip, port: directServerReturn ? BACKEND_PORT : LISTEN_PORT } : { host: balancerHost.addresses['front'] as string, port: LISTEN_PORT };
    const clientsStarting = settle(
      clientHosts.map(async (host) => {
        const proc = await startClientAgent(host, listen, [node, '--import', toContainer(TSX_LOADER), toContainer(CLIENT_AGENT_MAIN)], client);
        return { proc, remote: new RemoteClient(host.address, `http://${host.address}:${proc.controlPort}`) };
      }),
    );
    clientsStarting.catch(() => {}); // awaited below; teardown covers a failure either way

    const front = balancerHost.addresses[lvsPlan ? outsideNetwork(lvsPlan) : 'front'] as string;
    const { backends: _planned, admin: wantsAdmin, lvs: _lvsPlan, ...rest } = spec.plan;
    const scenario: Scenario = {
      ...rest,
      listen,
      ...(lvs ? { lvs: lvs.placement } : {}),
      ...(wantsAdmin ? { admin: { host: front, port: ADMIN_PORT } } : {}),
      backends: backends.map((b) => ({ id: b.id, weight: b.weight, ...b.endpoint })),
    };
    // fdLimit: the host's prlimit (util-linux, bind-mounted /usr) wraps the command, as locally.
    const launch = withFdLimit(spec.target.render(scenario), scenario.fdLimit);
    // Every address is known: without health checks (which would mark not-yet-listening backends down
    // and wait for rise) the balancer starts beside the agents, saving a node start-up per topology.
    const startBalancerNow = () => startBalancer(spec.target.name, balancerHost, launch, toContainer, client);
    const early = spec.plan.health ? undefined : startBalancerNow();
    early?.catch(() => {}); // awaited below; teardown covers a failure either way
    await settle(backends.map((b) => b.start()));
    await realServersReady;
    const balancer = await (early ?? startBalancerNow());
    await waitReady(spec.target.name, balancer, scenario, launch, options.readyTimeoutMs ?? DEFAULT_READY_TIMEOUT_MS, (message) => new ContainerTopologyError(message));

    const clients = await clientsStarting;
    log(`${spec.target.name} up on ${listen.host}:${listen.port} in a container with ${backends.length} backends and ${clients.length} client(s), in ${Date.now() - started} ms`);

    // Spread keeps Symbol.asyncDispose (an own enumerable property).
    return {
      ...startedTopology({ scenario, entry: listen, clients: clients.map((c) => c.remote), backends, balancer, balancerDescription: `${balancer.description} on ${listen.host}:${listen.port}`, stop }),
      containers: topology,
      ...(lvs ? { lvs: lvs.view } : {}),
    };
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

