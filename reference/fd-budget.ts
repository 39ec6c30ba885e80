// How many client connections a listener may hold by default: below the process's open-file limit,
// so that a flood of clients cannot take the descriptors that backend connections, health checks
// and the admin endpoint need. Each proxied client connection may hold one backend connection, so
// half of what is left after a fixed reserve is shared among the connection-holding listeners.
// Node raises its soft RLIMIT_NOFILE to the hard one at start; /proc shows the result (Linux).
import { readFileSync } from 'node:fs';

/** Descriptors kept back for health checks, the admin endpoint, logs and pooled idle backend sockets. */
export const FD_RESERVE = 64;

/** The soft open-file limit of this process, or undefined where it cannot be read (not Linux). */
export function openFileLimit(limits = '/proc/self/limits'): number | undefined {
  try {
    const m = /^Max open files\s+(\d+|unlimited)/m.exec(readFileSync(limits, 'utf8'));
    return m === null || m[1] === 'unlimited' ? undefined : Number(m[1]);
  } catch {
    return undefined;
  }
}

/** The default `limits.connections` for each of `listeners` connection-holding listeners. */
export function defaultConnectionCap(listeners: number, fdLimit: number | undefined): number | undefined {
  if (fdLimit === undefined || listeners === 0) return undefined;
  return Math.max(1, Math.floor((fdLimit - FD_RESERVE) / 2 / listeners));
}
