// Finding and removing what the harness created, by label. Used by a topology's teardown (its own
// run id), by every new run (leftovers whose owning process is dead) and by `fulcrum clean`.
import type { ContainerRuntimeClient } from 'testcontainers';
import { LABEL_CREATED, LABEL_OWNER, LABEL_RUN, ownerIsDead } from './labels.ts';

export interface LabelledResource {
  kind: 'container' | 'network';
  id: string;
  name: string;
  runId: string;
  owner?: string;
  createdAt?: string;
}

export interface CleanupSelection {
  /** Only this run's resources. */
  runId?: string;
  /** Only resources whose owning process is gone (a crashed or killed run). */
  deadOwnersOnly?: boolean;
  /** Only resources created at least this long ago (by their fulcrum.created label). */
  minAgeMs?: number;
}

export async function listLabelledResources(client: ContainerRuntimeClient, selection: CleanupSelection = {}): Promise<LabelledResource[]> {
  const docker = client.container.dockerode;
  const label = selection.runId ? [`${LABEL_RUN}=${selection.runId}`] : [LABEL_RUN];
  const [containers, networks] = await Promise.all([
    docker.listContainers({ all: true, filters: { label } }),
    docker.listNetworks({ filters: { label } }),
  ]);
  const resources: LabelledResource[] = [
    ...containers.map((c) => toResource('container', c.Id, (c.Names[0] ?? c.Id).replace(/^\//, ''), c.Labels)),
    ...networks.map((n) => toResource('network', n.Id, n.Name, n.Labels ?? {})),
  ];
  const now = Date.now();
  const oldEnough = (r: LabelledResource) => !selection.minAgeMs || now - Date.parse(r.createdAt ?? '') >= selection.minAgeMs;
  // A resource with an unreadable creation time counts as old: better removed than kept forever.
  return resources.filter((r) => (!selection.deadOwnersOnly || ownerIsDead(r.owner)) && (Number.isNaN(Date.parse(r.createdAt ?? '')) || oldEnough(r)));
}

function toResource(kind: LabelledResource['kind'], id: string, name: string, labels: Record<string, string>): LabelledResource {
  const resource: LabelledResource = { kind, id, name, runId: labels[LABEL_RUN] ?? '' };
  if (labels[LABEL_OWNER] !== undefined) resource.owner = labels[LABEL_OWNER];
  if (labels[LABEL_CREATED] !== undefined) resource.createdAt = labels[LABEL_CREATED];
  return resource;
}

const gone = (err: unknown) => [404, 409].includes((err as { statusCode?: number }).statusCode ?? 0);

/** Remove containers first (force: kill and remove in one call), then their networks. */
export async function removeResources(client: ContainerRuntimeClient, resources: readonly LabelledResource[]): Promise<{ containers: number; networks: number }> {
  const docker = client.container.dockerode;
  const containers = resources.filter((r) => r.kind === 'container');
  const networks = resources.filter((r) => r.kind === 'network');
  const errors: string[] = [];
  await Promise.all(
    containers.map(async (c) => {
      try {
        await docker.getContainer(c.id).remove({ force: true, v: true });
      } catch (err) {
        // 409: removal already in progress (another cleaner); 404: already gone.
        if (!gone(err)) errors.push(`container ${c.name}: ${(err as Error).message}`);
      }
    }),
  );
  await Promise.all(
    networks.map(async (n) => {
      try {
        await docker.getNetwork(n.id).remove();
      } catch (err) {
        if ((err as { statusCode?: number }).statusCode !== 404) errors.push(`network ${n.name}: ${(err as Error).message}`);
      }
    }),
  );
  if (errors.length > 0) throw new Error(`cleanup left resources behind:\n  ${errors.join('\n  ')}`);
  return { containers: containers.length, networks: networks.length };
}

export async function removeRun(client: ContainerRuntimeClient, runId: string): Promise<{ containers: number; networks: number }> {
  return removeResources(client, await listLabelledResources(client, { runId }));
}
