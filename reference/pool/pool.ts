// A listener's backends and their live state. The pool owns the BackendView objects a scheduler
// sees and mutates them in place; every change of the set, a weight or usability calls
// scheduler.update(), so schedulers rebuild their tables only when something changed.
// Work goes out through leases: acquire() picks and counts, release() uncounts exactly once.
import type { BackendView, PickContext, Scheduler } from '../algorithms/types.ts';

export interface BackendSpec {
  readonly id: string;
  readonly host: string;
  readonly port: number;
  readonly weight: number;
}

/** The last active health check of a backend, for /stats. */
export interface CheckResult {
  readonly ok: boolean;
  /** Wall-clock milliseconds (Date.now()) of the check. */
  readonly at: number;
  /** e.g. "connect ECONNREFUSED", "http 500", "timeout after 500ms". */
  readonly detail: string;
}

export type BackendStateName = 'up' | 'down' | 'draining';

export class BackendState implements BackendView {
  weight: number;
  /** Kept as a plain field (not a getter) so schedulers read it without a call on the hot path. */
  usable = true;
  healthy = true;
  draining = false;
  active = 0;
  /** Units of work handed out: requests (http) or connections/flows (tcp/udp). */
  requests = 0;
  failures = 0;
  /** Bytes from the client to the backend, and back. */
  bytesOut = 0;
  bytesIn = 0;
  lastCheck: CheckResult | undefined;

  constructor(
    readonly id: string,
    readonly host: string,
    readonly port: number,
    readonly configuredWeight: number,
  ) {
    this.weight = configuredWeight;
  }

  get address(): string {
    return this.host.includes(':') ? `[${this.host}]:${this.port}` : `${this.host}:${this.port}`;
  }

  get state(): BackendStateName {
    return !this.healthy ? 'down' : this.draining ? 'draining' : 'up';
  }
}

export interface ReleaseResult {
  /** False when the backend failed this unit of work (counts a failure). */
  readonly ok: boolean;
}

export class Lease {
  private released = false;
  constructor(
    private readonly pool: Pool,
    readonly backend: BackendState,
    readonly startedAt: number,
  ) {}

  /** Idempotent: only the first call counts, so every error path may call it safely. */
  release(result: ReleaseResult): void {
    if (this.released) return;
    this.released = true;
    this.pool.finish(this, result.ok);
  }

  get isReleased(): boolean {
    return this.released;
  }
}

export class PoolError extends Error {
  readonly code = 'FULCRUM_ERR_POOL';
}

export class Pool {
  private list: BackendState[];
  private readonly byId = new Map<string, BackendState>();

  constructor(
    backends: readonly BackendSpec[],
    readonly scheduler: Scheduler,
    /** Monotonic milliseconds; handed to schedulers that learn from latency. */
    private readonly now: () => number,
  ) {
    this.list = backends.map((b) => new BackendState(b.id, b.host, b.port, b.weight));
    for (const b of this.list) this.byId.set(b.id, b);
    this.scheduler.update(this.list);
  }

  get backends(): readonly BackendState[] {
    return this.list;
  }

  get(id: string): BackendState | undefined {
    return this.byId.get(id);
  }

  /** Picks a backend and counts the work on it; undefined when none is usable. */
  acquire(ctx: PickContext): Lease | undefined {
    const view = this.scheduler.pick(ctx);
    if (view === undefined) return undefined;
    // Schedulers return the views we gave them; look up by id only if one hands back a copy.
    const backend = view instanceof BackendState ? view : this.byId.get(view.id);
    if (backend === undefined || !backend.usable) return undefined;
    backend.active++;
    backend.requests++;
    return new Lease(this, backend, this.now());
  }

  /** Called by Lease.release; not for direct use. */
  finish(lease: Lease, ok: boolean): void {
    const b = lease.backend;
    b.active--;
    if (!ok) b.failures++;
    const done = this.scheduler.done;
    if (done !== undefined) {
      const now = this.now();
      done.call(this.scheduler, b, { latencyMs: now - lease.startedAt, ok, now });
    }
  }

  setHealthy(id: string, healthy: boolean): void {
    const b = this.require(id);
    if (b.healthy === healthy) return;
    b.healthy = healthy;
    this.refresh(b);
  }

  setDraining(id: string, draining: boolean): void {
    const b = this.require(id);
    if (b.draining === draining) return;
    b.draining = draining;
    this.refresh(b);
  }

  setWeight(id: string, weight: number): void {
    if (!Number.isInteger(weight) || weight < 0) throw new PoolError(`weight ${weight} for ${id} is not a non-negative integer`);
    const b = this.require(id);
    if (b.weight === weight) return;
    b.weight = weight;
    this.scheduler.update(this.list);
  }

  add(spec: BackendSpec): BackendState {
    if (this.byId.has(spec.id)) throw new PoolError(`backend ${spec.id} already exists`);
    const b = new BackendState(spec.id, spec.host, spec.port, spec.weight);
    this.list = [...this.list, b];
    this.byId.set(b.id, b);
    this.scheduler.update(this.list);
    return b;
  }

  /** Removes a backend from scheduling; leases already out still release into its (detached) state. */
  remove(id: string): void {
    const b = this.require(id);
    this.list = this.list.filter((x) => x !== b);
    this.byId.delete(id);
    this.scheduler.update(this.list);
  }

  private refresh(b: BackendState): void {
    b.usable = b.healthy && !b.draining;
    this.scheduler.update(this.list);
  }

  private require(id: string): BackendState {
    const b = this.byId.get(id);
    if (b === undefined) throw new PoolError(`no backend ${id}`);
    return b;
  }
}

/** A PickContext a proxy allocates once and refills for every pick (picks are synchronous, so one
 *  object per proxy is enough and the hot path allocates nothing). */
export interface MutablePickContext {
  key: number | undefined;
  attempt: number;
  avoid: Set<string> | undefined;
  now(): number;
  rng(): number;
}
