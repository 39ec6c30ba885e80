// Network safety: load generators only ever send to loopback (127.0.0.0/8 or ::1).
import { isIP } from 'node:net';

export class NonLoopbackTargetError extends Error {
  readonly code = 'FULCRUM_ERR_NON_LOOPBACK';
  constructor(url: string) {
    super(`refusing to send load to ${url}: only loopback (127.0.0.0/8, ::1) is allowed`);
    this.name = 'NonLoopbackTargetError';
  }
}

export function assertLoopbackUrl(url: string): URL {
  const u = new URL(url);
  const host = u.hostname.replace(/^\[|\]$/g, '');
  const ok = (isIP(host) === 4 && host.startsWith('127.')) || host === '::1';
  if (!ok || u.protocol !== 'http:') throw new NonLoopbackTargetError(url);
  return u;
}
