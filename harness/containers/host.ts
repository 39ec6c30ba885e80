// One host of a topology as a testcontainers container: the chosen image, static addresses on
// the harness's networks, capabilities, sysctls (through create options: /proc/sys is read-only
// inside), labels, and docker/host-init.sh as its first process to fix up routes.
import { GenericContainer, Wait, type ContainerRuntimeClient, type StartedTestContainer } from 'testcontainers';
import type { HostImage } from '../../docker/index.ts';
import { LABEL_ROLE } from './labels.ts';
import type { CreatedNetwork } from './networks.ts';
import type { ResolvedHost } from './spec.ts';

const PATH = '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin';
const READY_LINE = 'fulcrum-host-ready';

export interface HostContainerSetup {
  image: HostImage;
  host: ResolvedHost;
  networks: Record<string, CreatedNetwork>;
  containerName: string;
  labels: Record<string, string>;
  /** Extra read-write or read-only mounts (e.g. a balancer's working directory). */
  binds?: { source: string; target: string; mode: 'ro' | 'rw' }[];
  startupTimeoutMs?: number;
}

class HostContainer extends GenericContainer {
  constructor(
    private readonly setup: HostContainerSetup,
    private readonly client: ContainerRuntimeClient,
  ) {
    super(setup.image.name);
  }

  protected override async beforeContainerCreated(): Promise<void> {
    const { host, networks } = this.setup;
    this.hostConfig.Sysctls = host.sysctls;
    if (host.spec.devices.length > 0) {
      this.hostConfig.Devices = host.spec.devices.map((d) => ({ PathOnHost: d, PathInContainer: d, CgroupPermissions: 'rwm' }));
    }
    const primary = networks[host.primaryNetwork] as CreatedNetwork;
    this.createOpts.NetworkingConfig = {
      EndpointsConfig: { [primary.name]: { IPAMConfig: { IPv4Address: host.addresses[host.primaryNetwork] as string } } },
    };
  }

  protected override async containerCreated(containerId: string): Promise<void> {
    // Engines before API 1.44 take one network at create; attach the others before start.
    const { host, networks } = this.setup;
    for (const [network, address] of Object.entries(host.addresses)) {
      if (network === host.primaryNetwork) continue;
      const created = networks[network] as CreatedNetwork;
      await this.client.container.dockerode.getNetwork(created.id).connect({
        Container: containerId,
        EndpointConfig: { IPAMConfig: { IPv4Address: address } },
      });
    }
  }
}

export async function startHostContainer(client: ContainerRuntimeClient, setup: HostContainerSetup): Promise<StartedTestContainer> {
  const { image, host } = setup;
  const env: Record<string, string> = { PATH, HOME: '/tmp', ...host.spec.env };
  if (host.gateway) env['FULCRUM_GATEWAY'] = host.gateway;
  if (host.routes.length > 0) env['FULCRUM_ROUTES'] = host.routes.join(';');
  // NET_ADMIN is always needed: host-init.sh removes the default route the engine installs.
  const capabilities = [...new Set(['NET_ADMIN', ...host.spec.capabilities])];
  const primary = setup.networks[host.primaryNetwork] as CreatedNetwork;
  const container = new HostContainer(setup, client)
    .withName(setup.containerName)
    .withHostname(host.spec.name)
    .withLabels({ ...setup.labels, [LABEL_ROLE]: host.spec.role })
    .withNetworkMode(primary.name)
    .withAddedCapabilities(...capabilities)
    .withBindMounts([...image.binds, ...(setup.binds ?? [])])
    .withTmpFs(image.tmpfs)
    .withEnvironment(env)
    .withEntrypoint(['/bin/sh', `${image.projectDir}/docker/host-init.sh`])
    .withCommand(host.spec.command ?? ['sleep', 'infinity'])
    .withWaitStrategy(Wait.forLogMessage(READY_LINE))
    .withStartupTimeout(setup.startupTimeoutMs ?? 60_000);
  return container.start();
}
