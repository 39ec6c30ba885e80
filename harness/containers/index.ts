// The containers room's door: topologies as containers on internal networks, and their cleanup.
export { startContainerTopology } from './topology.ts';
export type { StartedContainerTopology, ContainerHost, ExecOutcome, StartOptions } from './topology.ts';
export { parseTopologySpec, resolveTopology, HOST_ROLES } from './spec.ts';
export type { TopologySpec, HostRole, ResolvedHost } from './spec.ts';
export { twoArmed, sharedSegment, BALANCER_HOST, ROUTER_HOST, CLIENT_HOST_BASE, BACKEND_HOST_BASE } from './shapes.ts';
export type { ShapeOptions } from './shapes.ts';
export { listLabelledResources, removeResources, removeRun } from './cleanup.ts';
export type { LabelledResource, CleanupSelection } from './cleanup.ts';
export { LABEL_RUN, LABEL_CREATED, LABEL_OWNER, LABEL_TOPOLOGY, LABEL_ROLE } from './labels.ts';
export { containersDriver, startContainers, containerPathMapper, LISTEN_PORT, ADMIN_PORT, TARGET_DIR } from './driver.ts';
export type { ContainerDriverTopology } from './driver.ts';
export { RemoteClient } from './remote-client.ts';
export { startClientAgent } from './client-agent.ts';
export { containerCpuSeconds } from './cpu.ts';
