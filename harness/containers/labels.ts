// Every container and network the harness creates carries these labels, so leftovers of a run that
// crashed (or was killed) are found by the next run and by `fulcrum clean`.
import { hostname } from 'node:os';
import { randomBytes } from 'node:crypto';

export const LABEL_RUN = 'fulcrum.run';
export const LABEL_CREATED = 'fulcrum.created';
/** The process that owns the resource: "<hostname>:<pid>". A dead owner means a crashed run. */
export const LABEL_OWNER = 'fulcrum.owner';
export const LABEL_TOPOLOGY = 'fulcrum.topology';
export const LABEL_ROLE = 'fulcrum.role';

export function newRunId(): string {
  return `${Date.now().toString(36)}-${randomBytes(3).toString('hex')}`;
}

export function ownerOfThisProcess(): string {
  return `${hostname()}:${process.pid}`;
}

export function runLabels(runId: string, topology: string, now = new Date()): Record<string, string> {
  return {
    [LABEL_RUN]: runId,
    [LABEL_CREATED]: now.toISOString(),
    [LABEL_OWNER]: ownerOfThisProcess(),
    [LABEL_TOPOLOGY]: topology,
  };
}

/**
 * Whether the owner recorded in a label is gone. Owners on another machine (a shared remote engine)
 * are never judged dead: we cannot see their processes.
 */
export function ownerIsDead(owner: string | undefined, isAlive: (pid: number) => boolean = pidIsAlive): boolean {
  if (!owner) return true;
  const at = owner.lastIndexOf(':');
  const host = owner.slice(0, at);
  const pid = Number(owner.slice(at + 1));
  if (at < 0 || !Number.isInteger(pid) || pid <= 0) return true;
  if (host !== hostname()) return false;
  return !isAlive(pid);
}

function pidIsAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}
