// The modelled backends: each serves at most `concurrency` requests at once (the rest wait in its
// FIFO queue), draws service times from its model and divides them by its speed; an incident takes
// it down (requests on it fail) or slows it for a while. State sits in typed arrays indexed by
// backend, and the queue is a linked list through the simulator's request slots, so serving ten
// million requests allocates nothing per request.
import type { ServiceTimeModel } from '../../reports/schema/index.ts';
import { meanServiceTimeMs, serviceTimeMs } from '../backends/service-time.ts';
import type { Rng } from '../rng.ts';

export interface SimBackendSpec {
  readonly id: string;
  readonly model: ServiceTimeModel;
  /** What balancers see as its weight (weighted schedulers); 1 unless the scenario says otherwise. */
  readonly weight: number;
  /** Requests served at once; Infinity (the default) is a pure delay, like the harness's bench backends. */
  readonly concurrency: number;
  /** Service times are divided by this: 2 serves twice as fast, 0.25 four times slower. */
  readonly speed: number;
}

export class BackendFleet {
  readonly n: number;
  readonly busy: Int32Array;
  /** In flight at the backend: serving + queued, what a perfectly informed balancer would count. */
  readonly inFlight: Int32Array;
  readonly peakInFlight: Int32Array;
  readonly served: Float64Array;
  readonly failed: Float64Array;
  /** Summed service time, for utilisation. */
  readonly busyMs: Float64Array;
  readonly down: Uint8Array;
  /** Bumped when a backend goes down: work started before that fails when it ends. */
  readonly epoch: Int32Array;
  readonly slowFactor: Float64Array;
  private readonly queueHead: Int32Array;
  private readonly queueTail: Int32Array;
  private readonly concurrency: Float64Array;
  private readonly speed: Float64Array;

  constructor(
    readonly specs: readonly SimBackendSpec[],
    private readonly rng: Rng,
  ) {
    const n = (this.n = specs.length);
    this.busy = new Int32Array(n);
    this.inFlight = new Int32Array(n);
    this.peakInFlight = new Int32Array(n);
    this.served = new Float64Array(n);
    this.failed = new Float64Array(n);
    this.busyMs = new Float64Array(n);
    this.down = new Uint8Array(n);
    this.epoch = new Int32Array(n);
    this.slowFactor = new Float64Array(n).fill(1);
    this.queueHead = new Int32Array(n).fill(-1);
    this.queueTail = new Int32Array(n).fill(-1);
    this.concurrency = Float64Array.from(specs, (s) => s.concurrency);
    this.speed = Float64Array.from(specs, (s) => s.speed);
  }

  /** Service time of one request starting now on backend b (slow incidents included). */
  drawServiceMs(b: number, nowMs: number): number {
    const spec = this.specs[b] as SimBackendSpec;
    return (serviceTimeMs(spec.model, this.rng, nowMs / 1000) * (this.slowFactor[b] as number)) / (this.speed[b] as number);
  }

  /** True when b can start a request now; otherwise the caller queues it with enqueue(). */
  hasFreeSlot(b: number): boolean {
    return (this.busy[b] as number) < (this.concurrency[b] as number);
  }

  enqueue(b: number, slot: number, next: Int32Array): void {
    next[slot] = -1;
    const tail = this.queueTail[b] as number;
    if (tail < 0) this.queueHead[b] = slot;
    else next[tail] = slot;
    this.queueTail[b] = slot;
  }

  /** The next queued slot of b, removed from its queue; −1 when none waits. */
  dequeue(b: number, next: Int32Array): number {
    const head = this.queueHead[b] as number;
    if (head < 0) return -1;
    const after = next[head] as number;
    this.queueHead[b] = after;
    if (after < 0) this.queueTail[b] = -1;
    return head;
  }

  /** Capacity in requests per millisecond (concurrency × speed / mean service time); Infinity-concurrency
   *  backends count by speed alone, for capacity-relative shares. */
  capacityWeight(b: number): number {
    const spec = this.specs[b] as SimBackendSpec;
    const c = Number.isFinite(spec.concurrency) ? spec.concurrency : 1;
    return (c * spec.speed) / Math.max(1e-9, meanServiceTimeMs(spec.model));
  }
}
