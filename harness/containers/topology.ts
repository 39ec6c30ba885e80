// Start a declared topology as containers: networks first, then every host at once; everything
// is labelled with this run's id, so teardown (success, failure, Ctrl-C) is "remove by label".
import type { ContainerRuntimeClient, StartedTestContainer } from 'testcontainers';
import { connectEngine, resolveHostImage, type HostImage } from '../../docker/index.ts';
import { formatSubnet, gatewayAddress, type Subnet } from './addressing.ts';
import { listLabelledResources, removeResources, removeRun } from './cleanup.ts';
import { startHostContainer } from './host.ts';
import { newRunId, runLabels } from './labels.ts';
import { createNetwork, type CreatedNetwork } from './networks.ts';
import { teardownOnSignal } from './signals.ts';
import { parseTopologySpec, resolveTopology, type HostRole, type TopologySpec } from './spec.ts';

export interface ExecOutcome {
  exitCode: number;
  stdout: string;
  stderr: string;
}

export interface ContainerHost {
  name: string;
  role: HostRole;
  containerId: string;
  /** network name → address */
  addresses: Record<string, string>;
  /** The address on the host's first network. */
  address: string;
  /** Run a command to completion inside the host. */
  exec(argv: string[], env?: Record<string, string>): Promise<ExecOutcome>;
  /** Write files into the host's filesystem (absolute paths; parent directories are created). */
  writeFiles(files: { path: string; content: string }[]): Promise<void>;
  /** Start a command in the background inside the host; its output goes to `logFile` there. */
  spawn(argv: string[], options?: { env?: Record<string, string>; logFile?: string; workingDir?: string }): Promise<void>;
}

export interface StartedContainerTopology extends AsyncDisposable {
  runId: string;
  name: string;
  image: HostImage;
  networks: Record<string, { name: string; id: string; subnet: string; hostAddress: string }>;
  hosts: Record<string, ContainerHost>;
  /** From the call until every host ran its init (routes set). */
  startupMs: number;
  stop(): Promise<void>;
}

export interface StartOptions {
  runId?: string;
  /** Progress lines for the user (which image was used, how long startup took). */
  log?: (line: string) => void;
  /** Extra mounts per host name (e.g. a balancer's working directory). */
  binds?: Record<string, { source: string; target: string; mode: 'ro' | 'rw' }[]>;
}

/** Like Promise.all, but waits for every promise, so nothing is still being created when teardown lists what exists. */
async function settleAll<T>(promises: Promise<T>[]): Promise<T[]> {
  const results = await Promise.allSettled(promises);
  const failed = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
  if (failed) throw failed.reason;
  return results.map((r) => (r as PromiseFulfilledResult<T>).value);
}

let reapedThisProcess = false;

/**
 * Remove leftovers of crashed runs (owner process gone). Runs still alive are left alone. A new
 * run reaps only leftovers older than a minute, so it never races another process that is
 * cleaning up (or a test that staged a crash); `fulcrum clean` removes them at once.
 */
export const REAP_MIN_AGE_MS = 60_000;
export async function reapCrashedRuns(
  client: ContainerRuntimeClient,
  log: (line: string) => void,
  selection: { runId?: string; minAgeMs?: number } = {},
): Promise<void> {
  const leftovers = await listLabelledResources(client, { deadOwnersOnly: true, minAgeMs: REAP_MIN_AGE_MS, ...selection });
  if (leftovers.length === 0) return;
  const removed = await removeResources(client, leftovers);
  log(`containers: removed leftovers of crashed runs (${removed.containers} containers, ${removed.networks} networks)`);
}

function wrapHost(container: StartedTestContainer, client: ContainerRuntimeClient, base: Omit<ContainerHost, 'exec' | 'spawn' | 'containerId' | 'writeFiles'>): ContainerHost {
  return {
    ...base,
    containerId: container.getId(),
    async exec(argv, env) {
      const result = await container.exec(argv, env ? { env } : {});
      return { exitCode: result.exitCode, stdout: result.stdout, stderr: result.stderr };
    },
    async writeFiles(files) {
      // Through the engine's archive API: works for remote engines too, unlike a bind mount.
      await container.copyContentToContainer(files.map((f) => ({ content: f.content, target: f.path })));
    },
    async spawn(argv, options = {}) {
      const logFile = options.logFile ?? '/dev/null';
      // sh -c so the output lands in a file; exec so the command replaces the shell.
      const quoted = argv.map((a) => `'${a.replace(/'/g, `'\\''`)}'`).join(' ');
      const exec = await client.container.dockerode.getContainer(container.getId()).exec({
        Cmd: ['/bin/sh', '-c', `exec ${quoted} >>'${logFile}' 2>&1 </dev/null`],
        Env: Object.entries(options.env ?? {}).map(([k, v]) => `${k}=${v}`),
        ...(options.workingDir ? { WorkingDir: options.workingDir } : {}),
        AttachStdout: false,
        AttachStderr: false,
      });
      await exec.start({ Detach: true });
    },
  };
}

export async function startContainerTopology(input: TopologySpec, options: StartOptions = {}): Promise<StartedContainerTopology> {
  const started = Date.now();
  const spec = parseTopologySpec(input, `topology ${(input as { name?: string }).name ?? ''}`.trim());
  const log = options.log ?? (() => {});
  const client = await connectEngine();
  if (!reapedThisProcess) {
    reapedThisProcess = true;
    await reapCrashedRuns(client, log);
  }
  const image = await resolveHostImage(client);
  log(`containers: ${image.describe}`);

  const runId = options.runId ?? newRunId();
  const labels = runLabels(runId, spec.name);
  let stopped: Promise<void> | undefined;
  const stop = (): Promise<void> => (stopped ??= removeRun(client, runId).then(() => undefined));
  const unregister = teardownOnSignal(stop);
  try {
    const created = await settleAll(
      spec.networks.map((n) =>
        createNetwork(client, { name: `fulcrum-${runId}-${n.name}`, labels, ...(n.subnet ? { subnet: n.subnet } : {}) }),
      ),
    );
    const networks: Record<string, CreatedNetwork> = Object.fromEntries(spec.networks.map((n, i) => [n.name, created[i] as CreatedNetwork]));
    const subnets: Record<string, Subnet> = Object.fromEntries(Object.entries(networks).map(([k, v]) => [k, v.subnet]));
    const resolved = resolveTopology(spec, subnets);
    const containers = await settleAll(
      resolved.map((host) =>
        startHostContainer(client, {
          image,
          host,
          networks,
          containerName: `fulcrum-${runId}-${host.spec.name}`,
          labels,
          binds: options.binds?.[host.spec.name] ?? [],
        }),
      ),
    );
    const hosts: Record<string, ContainerHost> = {};
    resolved.forEach((host, i) => {
      hosts[host.spec.name] = wrapHost(containers[i] as StartedTestContainer, client, {
        name: host.spec.name,
        role: host.spec.role,
        addresses: host.addresses,
        address: host.addresses[host.primaryNetwork] as string,
      });
    });
    const startupMs = Date.now() - started;
    log(`containers: ${spec.name}: ${resolved.length} hosts on ${created.length} networks up in ${startupMs} ms`);
    const topology: StartedContainerTopology = {
      runId,
      name: spec.name,
      image,
      networks: Object.fromEntries(
        Object.entries(networks).map(([k, v]) => [k, { name: v.name, id: v.id, subnet: formatSubnet(v.subnet), hostAddress: gatewayAddress(v.subnet) }]),
      ),
      hosts,
      startupMs,
      async stop() {
        try {
          await stop();
        } finally {
          unregister();
        }
      },
      async [Symbol.asyncDispose]() {
        await topology.stop();
      },
    };
    return topology;
  } catch (err) {
    try {
      await stop();
    } finally {
      unregister();
    }
    throw err;
  }
}
