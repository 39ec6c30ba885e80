// Finding the container engine. We probe it ourselves (GET /_ping) before handing over to
// testcontainers, so a user whose DOCKER_HOST points nowhere gets one clear message instead of
// testcontainers silently falling back to another socket or failing deep inside a start.
import { request } from 'node:http';
import { existsSync } from 'node:fs';
import { getContainerRuntimeClient, type ContainerRuntimeClient } from 'testcontainers';

export const DEFAULT_SOCKET = '/var/run/docker.sock';

export class EngineUnavailableError extends Error {
  readonly code = 'FULCRUM_ERR_NO_ENGINE';
  constructor(readonly reason: string) {
    super(
      `no container engine answers (${reason}). ` +
        'Run docker/ensure-engine.sh (as root on Debian it installs docker.io and starts dockerd), ' +
        'or install and start Docker or Podman and set DOCKER_HOST to its socket.',
    );
    this.name = 'EngineUnavailableError';
  }
}

/** Where the engine should be, as DOCKER_HOST says or the default socket. */
export type EngineAddress = { socketPath: string } | { host: string; port: number };

export function engineAddress(dockerHost: string | undefined): EngineAddress {
  if (!dockerHost) return { socketPath: DEFAULT_SOCKET };
  if (dockerHost.startsWith('unix://')) return { socketPath: dockerHost.slice('unix://'.length) };
  const tcp = /^tcp:\/\/([^:/]+):(\d+)\/?$/.exec(dockerHost);
  if (tcp) return { host: tcp[1] as string, port: Number(tcp[2]) };
  throw new EngineUnavailableError(`DOCKER_HOST=${dockerHost} is neither unix://PATH nor tcp://HOST:PORT`);
}

export type EngineProbe = { ok: true; address: EngineAddress } | { ok: false; reason: string };

/** Ask the engine's /_ping; bounded by timeoutMs. Never throws. */
export async function probeEngine(dockerHost = process.env['DOCKER_HOST'], timeoutMs = 3000): Promise<EngineProbe> {
  let address: EngineAddress;
  try {
    address = engineAddress(dockerHost);
  } catch (err) {
    return { ok: false, reason: (err as EngineUnavailableError).reason };
  }
  const where = 'socketPath' in address ? address.socketPath : `${address.host}:${address.port}`;
  if ('socketPath' in address && !existsSync(address.socketPath)) {
    return { ok: false, reason: `no socket at ${address.socketPath}` };
  }
  return new Promise((resolve) => {
    const req = request({ ...address, path: '/_ping', method: 'GET', timeout: timeoutMs }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (body += chunk));
      res.on('end', () =>
        resolve(res.statusCode === 200 && body.trim() === 'OK' ? { ok: true, address } : { ok: false, reason: `${where} answered ${res.statusCode} ${body.trim().slice(0, 80)}` }),
      );
    });
    req.on('timeout', () => req.destroy(new Error(`no answer within ${timeoutMs} ms`)));
    req.on('error', (err) => resolve({ ok: false, reason: `${where}: ${err.message}` }));
    req.end();
  });
}

let client: Promise<ContainerRuntimeClient> | undefined;

/** The runtime client (testcontainers' wrapper around dockerode), shared by the process. */
export async function connectEngine(): Promise<ContainerRuntimeClient> {
  // No registry here, so testcontainers' reaper image (ryuk) cannot be pulled; our own labels and
  // `fulcrum clean` do its job. A user who has ryuk can still turn it on explicitly.
  process.env['TESTCONTAINERS_RYUK_DISABLED'] ??= 'true';
  client ??= (async () => {
    const probe = await probeEngine();
    if (!probe.ok) throw new EngineUnavailableError(probe.reason);
    return getContainerRuntimeClient();
  })();
  try {
    return await client;
  } catch (err) {
    client = undefined; // let a later call try again once the engine is up
    throw err instanceof EngineUnavailableError ? err : new EngineUnavailableError((err as Error).message);
  }
}
