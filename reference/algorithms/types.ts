// The scheduler contract shared by every algorithm, the L4/L7 proxies and the LVS engine.
// Schedulers are pure: no I/O, no clock, no Math.random. Time and randomness come in through PickContext.

/** A backend as a scheduler sees it. The pool owns these objects and mutates them in place,
 *  so `active` and `usable` are live values; a scheduler may keep references between calls. */
export interface BackendView {
  /** Stable identity; schedulers sort by it so tables do not depend on list order. */
  readonly id: string;
  /** Effective weight (configured weight after slow start etc.). 0 means: no new work (quiesced). */
  readonly weight: number;
  /** Healthy and not draining. A scheduler never picks a backend with usable === false. */
  readonly usable: boolean;
  /** In-flight work on this backend (connections for L4, requests for L7). */
  readonly active: number;
}

export interface PickContext {
  /** Hash key for hashing schedulers (computed by key extraction, outside the scheduler). */
  readonly key?: number;
  /** Retry attempt, 0 for the first try. */
  readonly attempt?: number;
  /** Backends to avoid (e.g. ones that already failed this request). */
  readonly avoid?: ReadonlySet<string>;
  /** Monotonic milliseconds. */
  now(): number;
  /** Uniform in [0, 1). */
  rng(): number;
}

/** Outcome of one unit of work, reported back to schedulers that learn from it (ewma). */
export interface WorkResult {
  readonly latencyMs: number;
  readonly ok: boolean;
  readonly now: number;
}

export interface Scheduler {
  /** The config string: 'rr', 'wrr', 'lc', 'maglev' … */
  readonly name: string;
  /** Called before the first pick and whenever the set, a weight or usability changes. */
  update(backends: readonly BackendView[]): void;
  /** The backend for this unit of work, or undefined when none is usable. Never throws. */
  pick(ctx: PickContext): BackendView | undefined;
  /** Work on `backend` finished (optional hook; only learning schedulers need it). */
  done?(backend: BackendView, result: WorkResult): void;
}

/** Options for a scheduler as written in config: `{ name: 'wrr', variant: 'smooth' }`. */
export type SchedulerOptions = Readonly<Record<string, unknown>>;

/** One registry entry: the config string, a one-line description, and the factory.
 *  The factory throws SchedulerOptionError for bad options (config load time, not the hot path). */
export interface SchedulerFactory {
  readonly name: string;
  readonly description: string;
  /** True for schedulers that need PickContext.key (hashing). */
  readonly needsKey: boolean;
  create(options?: SchedulerOptions): Scheduler;
}

export class SchedulerOptionError extends Error {
  readonly code = 'FULCRUM_ERR_SCHEDULER_OPTION';
  constructor(
    readonly scheduler: string,
    readonly option: string,
    problem: string,
  ) {
    super(`algorithm ${scheduler}: option "${option}" ${problem}`);
    this.name = 'SchedulerOptionError';
  }
}
