// Networks through the runtime client (dockerode), never testcontainers' Network: that one is
// always non-internal and cannot choose a subnet. Ours are internal (no route off the machine),
// inside 198.18.0.0/15, and labelled for cleanup.
import type { ContainerRuntimeClient } from 'testcontainers';
import { autoSubnet, formatSubnet, gatewayAddress, parseSubnet, type Subnet } from './addressing.ts';

export interface CreatedNetwork {
  name: string;
  id: string;
  subnet: Subnet;
}

export class NetworkCreateError extends Error {
  readonly code = 'FULCRUM_ERR_NETWORK';
  constructor(message: string) {
    super(message);
    this.name = 'NetworkCreateError';
  }
}

function overlaps(err: unknown): boolean {
  return /overlap|already (in use|allocated)/i.test(String((err as Error)?.message ?? err));
}

/**
 * Create one internal network. With no subnet given, pick random /24s from 198.19.0.0/16 until
 * the engine accepts one (other runs may hold some); a bounded number of tries.
 */
export async function createNetwork(
  client: ContainerRuntimeClient,
  options: { name: string; subnet?: string; labels: Record<string, string>; random?: () => number },
): Promise<CreatedNetwork> {
  const random = options.random ?? Math.random;
  const fixed = options.subnet !== undefined ? parseSubnet(options.subnet) : undefined;
  const tries = fixed ? 1 : 64;
  let lastError: unknown;
  for (let i = 0; i < tries; i++) {
    const subnet = fixed ?? autoSubnet(Math.floor(random() * 256));
    try {
      const network = await client.container.dockerode.createNetwork({
        Name: options.name,
        Driver: 'bridge',
        Internal: true,
        CheckDuplicate: true,
        IPAM: { Driver: 'default', Config: [{ Subnet: formatSubnet(subnet), Gateway: gatewayAddress(subnet) }] },
        Labels: options.labels,
      });
      return { name: options.name, id: network.id, subnet };
    } catch (err) {
      lastError = err;
      if (!overlaps(err)) break;
    }
  }
  const what = fixed ? formatSubnet(fixed) : 'any free /24 in 198.19.0.0/16';
  throw new NetworkCreateError(`could not create network ${options.name} on ${what}: ${(lastError as Error)?.message ?? lastError}`);
}

/** Remove a network; a network already gone is fine. */
export async function removeNetwork(client: ContainerRuntimeClient, id: string): Promise<void> {
  try {
    await client.container.dockerode.getNetwork(id).remove();
  } catch (err) {
    if ((err as { statusCode?: number }).statusCode !== 404) throw err;
  }
}
