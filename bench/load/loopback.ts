// Network safety: load generators only ever send to loopback (127.0.0.0/8 or ::1), or to an
// address the caller names as one the project itself created (a container's VIP, say), and only
// inside the benchmarking range 198.18.0.0/15.
import { isIP } from 'node:net';

export class NonLoopbackTargetError extends Error {
  readonly code = 'FULCRUM_ERR_NON_LOOPBACK';
  constructor(url: string) {
    super(`refusing to send load to ${url}: only loopback (127.0.0.0/8, ::1) and the project's own hosts inside 198.18.0.0/15 are allowed`);
    this.name = 'NonLoopbackTargetError';
  }
}

function inBenchmarkingRange(ip: string): boolean {
  const [a, b] = ip.split('.').map(Number);
  return a === 198 && (b === 18 || b === 19);
}

/** ownHosts: addresses of hosts the project created (containers, namespaces); honoured only inside 198.18.0.0/15. */
export function assertLoopbackUrl(url: string, ownHosts: readonly string[] = []): URL {
  const u = new URL(url);
  const host = u.hostname.replace(/^\[|\]$/g, '');
  const loopback = (isIP(host) === 4 && host.startsWith('127.')) || host === '::1';
  const own = isIP(host) === 4 && inBenchmarkingRange(host) && ownHosts.includes(host);
  if (!(loopback || own) || u.protocol !== 'http:') throw new NonLoopbackTargetError(url);
  return u;
}
