// Images without a registry. Two kinds, picked automatically:
//  - hostroot: an image with an empty root filesystem (`docker import` of an empty tar). Its
//    containers run the host's own node, ip, tcpdump, haproxy … through read-only bind mounts of
//    /usr /lib /lib64 /bin /sbin /etc, and the project checkout mounted read-only at the same path,
//    so agents run from source. Built in well under a second, nothing downloaded. Needs an engine
//    on this same Linux machine (the mounts are host paths).
//  - agents: built by a user with a registry from docker/Dockerfile (node base + Debian packages +
//    the project), used when FULCRUM_IMAGE names it or when the engine is not local.
import { Readable } from 'node:stream';
import { existsSync, realpathSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { ContainerRuntimeClient } from 'testcontainers';
import { probeEngine } from './engine.ts';

export const HOSTROOT_IMAGE = 'fulcrum/hostroot:1';
export const AGENTS_IMAGE = 'fulcrum/agents:latest';
/** The content label: an image carrying it with this value is ours and current. */
export const IMAGE_LABEL = 'fulcrum.image';

/** Host directories the hostroot image borrows, read-only. /lib64 is missing on some arches. */
export const HOST_RUNTIME_DIRS = ['/usr', '/lib', '/lib64', '/bin', '/sbin', '/etc'] as const;

/** The project checkout on this machine (docker/ sits at its top). */
export const PROJECT_DIR = resolve(dirname(fileURLToPath(import.meta.url)), '..');
/** Where docker/Dockerfile puts the project inside the agents image. */
export const IMAGE_PROJECT_DIR = '/opt/fulcrum';

export interface HostImage {
  kind: 'hostroot' | 'agents';
  name: string;
  /** Where the project's source is inside a container started from this image. */
  projectDir: string;
  binds: { source: string; target: string; mode: 'ro' | 'rw' }[];
  tmpfs: Record<string, string>;
  /** One line for the user: which image and why. */
  describe: string;
}

export class ImageError extends Error {
  readonly code = 'FULCRUM_ERR_IMAGE';
  constructor(message: string) {
    super(message);
    this.name = 'ImageError';
  }
}

/** The bind mounts that make an empty root usable: pure, so tests can pin it. */
export function hostRootBinds(projectDir: string, exists: (p: string) => boolean = existsSync): HostImage['binds'] {
  const runtime = HOST_RUNTIME_DIRS.filter(exists).map((dir) => ({ source: dir, target: dir, mode: 'ro' as const }));
  return [...runtime, { source: projectDir, target: projectDir, mode: 'ro' }];
}

// /tmp for agents and tsx's cache, /var and /run for balancers that write pid files and logs there.
const WRITABLE_TMPFS = { '/tmp': 'rw,mode=1777', '/var': 'rw,mode=755', '/run': 'rw,mode=755' };

async function imageLabel(client: ContainerRuntimeClient, name: string): Promise<string | undefined> {
  try {
    const info = await client.container.dockerode.getImage(name).inspect();
    return info.Config?.Labels?.[IMAGE_LABEL] ?? '';
  } catch {
    return undefined; // no such image
  }
}

/** A valid tar archive with no entries: two zero blocks. */
function emptyTar(): Readable {
  return Readable.from([Buffer.alloc(1024)]);
}

/** Build the hostroot image unless an image with our label already exists. Idempotent. */
export async function ensureHostRootImage(client: ContainerRuntimeClient): Promise<{ name: string; built: boolean }> {
  if ((await imageLabel(client, HOSTROOT_IMAGE)) === 'hostroot') return { name: HOSTROOT_IMAGE, built: false };
  const [repo, tag] = HOSTROOT_IMAGE.split(':') as [string, string];
  const stream = await client.container.dockerode.importImage(emptyTar(), {
    repo,
    tag,
    changes: `LABEL ${IMAGE_LABEL}=hostroot`,
  });
  await new Promise<void>((done, fail) => {
    let log = '';
    stream.on('data', (chunk: Buffer) => (log += chunk.toString()));
    stream.on('end', () => (/"error"/.test(log) ? fail(new ImageError(`docker import failed: ${log.trim()}`)) : done()));
    stream.on('error', fail);
  });
  if ((await imageLabel(client, HOSTROOT_IMAGE)) !== 'hostroot') {
    throw new ImageError(`docker import did not produce ${HOSTROOT_IMAGE} with label ${IMAGE_LABEL}=hostroot`);
  }
  return { name: HOSTROOT_IMAGE, built: true };
}

/** Whether the engine runs on this machine, so host paths can be bind-mounted into containers. */
export async function engineIsLocal(): Promise<boolean> {
  const probe = await probeEngine();
  return probe.ok && 'socketPath' in probe.address && process.platform === 'linux';
}

/**
 * Pick the image for host containers: FULCRUM_IMAGE if set (built from docker/Dockerfile), else
 * the hostroot image when the engine is local, else the agents image if the user built it.
 */
export async function resolveHostImage(client: ContainerRuntimeClient, env = process.env): Promise<HostImage> {
  const agents = (name: string, why: string): HostImage => ({
    kind: 'agents',
    name,
    projectDir: IMAGE_PROJECT_DIR,
    binds: [],
    tmpfs: { '/tmp': 'rw,mode=1777' },
    describe: `image ${name} (${why})`,
  });
  const chosen = env['FULCRUM_IMAGE'];
  if (chosen) {
    if ((await imageLabel(client, chosen)) === undefined) {
      throw new ImageError(`FULCRUM_IMAGE=${chosen} is not an image the engine has; build it: docker build -f docker/Dockerfile -t ${chosen} .`);
    }
    return agents(chosen, 'from FULCRUM_IMAGE');
  }
  if (await engineIsLocal()) {
    const { name, built } = await ensureHostRootImage(client);
    const projectDir = realpathSync(PROJECT_DIR);
    return {
      kind: 'hostroot',
      name,
      projectDir,
      binds: hostRootBinds(projectDir),
      tmpfs: WRITABLE_TMPFS,
      describe: `image ${name} (empty root + host runtime mounted read-only, ${built ? 'built now' : 'reused'})`,
    };
  }
  if ((await imageLabel(client, AGENTS_IMAGE)) !== undefined) return agents(AGENTS_IMAGE, 'engine is not local');
  throw new ImageError(
    `the container engine is not on this machine, so host directories cannot be mounted; build the agents image: docker build -f docker/Dockerfile -t ${AGENTS_IMAGE} .`,
  );
}
