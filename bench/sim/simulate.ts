// The discrete-event loop: arrivals at each balancer, a pick by that balancer's own scheduler (the
// reference's, from createScheduler, wrappers included — no copy), service at the picked backend,
// completion back at the balancer. Time is simulated milliseconds: the scheduler's ctx.now() is the
// simulation clock and ctx.rng() a seeded generator, so a run is a pure function of its spec and seed.
//
// What a balancer does, as the reference's pool and proxy do it: pick with the live views, count the
// request on the picked view (active + 1) until its response is back, report the outcome to learning
// schedulers (done(), ewma), call update() when usability changes. A request to a backend that is down
// but not yet detected fails at once (connection refused) and is retried on another backend up to
// `retries` times with that backend in ctx.avoid, as the reference's L7 proxy does. Work in progress
// on a backend that goes down fails when it would have ended. Health checks see a change detectMs
// after it happens.
import { createScheduler, fmix32, schedulerFactory, type Scheduler } from '../../reference/index.ts';
import { SimRecorder } from './recorder.ts';
import { seededRng, type Rng } from '../rng.ts';
import { ArrivalProcess, type ArrivalSpec } from './arrivals.ts';
import { BackendFleet, type SimBackendSpec } from './backends.ts';
import { EventHeap } from './heap.ts';
import { BalancerViews, type ViewSpec } from './views.ts';

export interface Incident {
  /** Backend indexes it hits. */
  readonly backends: readonly number[];
  readonly fromMs: number;
  readonly toMs: number;
  readonly kind: 'down' | 'slow';
  /** slow: service times are multiplied by this. */
  readonly factor: number;
}

export interface SimRunSpec {
  readonly backends: readonly SimBackendSpec[];
  readonly balancers: number;
  readonly view: ViewSpec;
  /** The algorithm as the reference's config writes it: { name: 'p2c', draws: 'distinct' }. */
  readonly algorithm: Readonly<Record<string, unknown>> & { readonly name: string };
  readonly arrivals: ArrivalSpec;
  /** Arrivals stop after this many requests or after durationMs, whichever comes first. */
  readonly requests: number;
  readonly durationMs: number;
  readonly incidents: readonly Incident[];
  /** Health checks notice a backend going down or coming back this long after it did. */
  readonly detectMs: number;
  readonly retries: number;
  /** Hash keys: this many distinct keys drawn uniformly; 0: a fresh random key per request. */
  readonly keys: number;
  readonly seed: number;
}

export interface SimOutcome {
  readonly recorder: SimRecorder;
  readonly arrived: number;
  readonly completed: number;
  readonly errors: number;
  readonly retried: number;
  /** Arrival window in simulated ms (until the last arrival, or durationMs). */
  readonly arrivalMs: number;
  /** Until the last request finished. */
  readonly endMs: number;
  readonly events: number;
  readonly fleet: BackendFleet;
}

const ARRIVAL = 0;
const COMPLETE = 1;
const INCIDENT_START = 2;
const INCIDENT_END = 3;
const DETECT = 4;
const REFRESH = 5;

/** Mixes a seed with a stream number, so streams of one run are independent but fixed. */
export function streamSeed(seed: number, stream: number): number {
  return fmix32((Math.imul(seed >>> 0, 0x9e3779b1) ^ fmix32(stream + 1)) >>> 0);
}

interface PickState {
  key: number | undefined;
  attempt: number;
  avoid: Set<string> | undefined;
  now(): number;
  rng(): number;
}

export class Simulation {
  private clock = 0;
  private readonly heap = new EventHeap(4096);
  private readonly fleet: BackendFleet;
  private readonly views: BalancerViews;
  private readonly schedulers: Scheduler[];
  private readonly contexts: PickState[];
  private readonly arrivals: ArrivalProcess[];
  private readonly recorder = new SimRecorder();
  private readonly keyRng: Rng;
  private readonly needsKey: boolean;
  // Request slots, reused through a free list.
  private cap = 1024;
  private startedAt = new Float64Array(this.cap);
  private backendOf = new Int32Array(this.cap);
  private balancerOf = new Int32Array(this.cap);
  private epochOf = new Int32Array(this.cap);
  private attemptsOf = new Int32Array(this.cap);
  private keyOf = new Float64Array(this.cap);
  private next = new Int32Array(this.cap);
  private free: number[] = [];
  private used = 0;
  private arrived = 0;
  private completed = 0;
  private errors = 0;
  private retried = 0;
  private arrivalsOpen = 0;
  private lastArrival = 0;
  private events = 0;

  constructor(private readonly spec: SimRunSpec) {
    this.fleet = new BackendFleet(spec.backends, seededRng(streamSeed(spec.seed, 1)));
    this.views = new BalancerViews(spec.view, spec.backends, spec.balancers);
    this.keyRng = seededRng(streamSeed(spec.seed, 2));
    this.needsKey = schedulerFactory(spec.algorithm.name)?.needsKey ?? false;
    const now = () => this.clock;
    this.schedulers = [];
    this.contexts = [];
    this.arrivals = [];
    const arrivalRng = seededRng(streamSeed(spec.seed, 3));
    for (let k = 0; k < spec.balancers; k++) {
      const s = createScheduler(spec.algorithm, { now });
      s.update(this.views.list(k));
      this.schedulers.push(s);
      this.contexts.push({ key: undefined, attempt: 0, avoid: undefined, now, rng: seededRng(streamSeed(spec.seed, 1000 + k)) });
      this.arrivals.push(new ArrivalProcess(spec.arrivals, 1 / spec.balancers, arrivalRng, (k + 1) / spec.balancers));
    }
  }

  /** Runs to the end (every request finished). onProgress gets arrivals so far, every 2^20 events. */
  run(onProgress?: (arrived: number) => void): SimOutcome {
    const { spec, heap } = this;
    for (let k = 0; k < spec.balancers; k++) this.scheduleArrival(k);
    spec.incidents.forEach((inc, i) => {
      heap.push(inc.fromMs, i * 8 + INCIDENT_START);
      heap.push(inc.toMs, i * 8 + INCIDENT_END);
    });
    if (spec.view.kind === 'stale') {
      for (let k = 0; k < spec.balancers; k++) heap.push((spec.view.refreshMs * (k + 1)) / spec.balancers, k * 8 + REFRESH);
    }
    while (heap.size > 0) {
      this.clock = heap.peekTime();
      const p = heap.pop();
      const type = p & 7;
      const i = p >> 3;
      if (type === COMPLETE) this.complete(i);
      else if (type === ARRIVAL) this.arrive(i);
      else this.other(type, i);
      if ((++this.events & 0xfffff) === 0 && onProgress) onProgress(this.arrived);
    }
    return {
      recorder: this.recorder,
      arrived: this.arrived,
      completed: this.completed,
      errors: this.errors,
      retried: this.retried,
      // Arrivals ran out of time (the window is durationMs) or of requests (the window ends with the last).
      arrivalMs: this.arrived < spec.requests && Number.isFinite(spec.durationMs) ? spec.durationMs : this.lastArrival,
      endMs: this.clock,
      events: this.events,
      fleet: this.fleet,
    };
  }

  private scheduleArrival(k: number): void {
    const at = (this.arrivals[k] as ArrivalProcess).next(this.clock);
    if (at < this.spec.durationMs && this.arrived + this.arrivalsOpen < this.spec.requests) {
      this.arrivalsOpen++;
      this.heap.push(at, k * 8 + ARRIVAL);
    }
  }

  private arrive(k: number): void {
    this.arrivalsOpen--;
    this.arrived++;
    this.lastArrival = this.clock;
    this.scheduleArrival(k);
    const slot = this.alloc();
    this.startedAt[slot] = this.clock;
    this.balancerOf[slot] = k;
    this.attemptsOf[slot] = 0;
    if (this.needsKey) {
      const keys = this.spec.keys;
      this.keyOf[slot] = keys > 0 ? fmix32(Math.min(keys - 1, Math.floor(this.keyRng() * keys)) + 1) : Math.floor(this.keyRng() * 4294967296);
    }
    this.dispatch(slot, undefined);
  }

  private dispatch(slot: number, avoid: Set<string> | undefined): void {
    const k = this.balancerOf[slot] as number;
    const ctx = this.contexts[k] as PickState;
    ctx.key = this.needsKey ? (this.keyOf[slot] as number) : undefined;
    ctx.attempt = this.attemptsOf[slot] as number;
    ctx.avoid = avoid;
    const view = (this.schedulers[k] as Scheduler).pick(ctx) as { index: number; id: string } | undefined;
    if (view === undefined) return this.fail(slot); // no usable backend: a 503
    const b = view.index;
    const fleet = this.fleet;
    if (fleet.down[b]) {
      // Connection refused before anything reached the backend: retried elsewhere, as the proxy does.
      fleet.failed[b]!++;
      if ((this.attemptsOf[slot] as number) < this.spec.retries) {
        this.attemptsOf[slot]!++;
        this.retried++;
        const again = avoid ?? new Set<string>();
        again.add(view.id);
        return this.dispatch(slot, again);
      }
      return this.fail(slot);
    }
    this.backendOf[slot] = b;
    this.epochOf[slot] = fleet.epoch[b] as number;
    this.views.count(k, b, 1);
    const inFlight = ++fleet.inFlight[b]!;
    if (inFlight > (fleet.peakInFlight[b] as number)) fleet.peakInFlight[b] = inFlight;
    if (fleet.hasFreeSlot(b)) this.start(slot, b);
    else fleet.enqueue(b, slot, this.next);
  }

  private start(slot: number, b: number): void {
    const fleet = this.fleet;
    fleet.busy[b]!++;
    const ms = fleet.drawServiceMs(b, this.clock);
    fleet.busyMs[b]! += ms;
    this.heap.push(this.clock + ms, slot * 8 + COMPLETE);
  }

  private complete(slot: number): void {
    const fleet = this.fleet;
    const b = this.backendOf[slot] as number;
    const k = this.balancerOf[slot] as number;
    fleet.busy[b]!--;
    fleet.inFlight[b]!--;
    this.views.count(k, b, -1);
    const ok = this.epochOf[slot] === fleet.epoch[b] && !fleet.down[b];
    const latencyMs = this.clock - (this.startedAt[slot] as number);
    if (ok) {
      fleet.served[b]!++;
      this.completed++;
      this.recorder.record(latencyMs, this.clock / 1000);
    } else {
      fleet.failed[b]!++;
      this.errors++;
    }
    const scheduler = this.schedulers[k] as Scheduler;
    if (scheduler.done) scheduler.done(this.views.list(k)[b]!, { latencyMs, ok, now: this.clock });
    this.release(slot);
    const waiting = fleet.dequeue(b, this.next);
    if (waiting >= 0) this.start(waiting, b);
  }

  private fail(slot: number): void {
    this.errors++;
    this.release(slot);
  }

  private other(type: number, i: number): void {
    const { fleet, spec } = this;
    if (type === REFRESH) {
      this.views.refresh(i, fleet.inFlight);
      if (this.arrivalsOpen > 0) this.heap.push(this.clock + (spec.view as { refreshMs: number }).refreshMs, i * 8 + REFRESH);
      return;
    }
    if (type === DETECT) {
      // i: incident × 2 + (0 went down, 1 came back); the checks see the state as it is now.
      const inc = spec.incidents[i >> 1] as Incident;
      for (const b of inc.backends) this.views.setUsable(b, !fleet.down[b]);
      for (let k = 0; k < spec.balancers; k++) (this.schedulers[k] as Scheduler).update(this.views.list(k));
      return;
    }
    const inc = spec.incidents[i] as Incident;
    const starting = type === INCIDENT_START;
    for (const b of inc.backends) {
      if (inc.kind === 'slow') fleet.slowFactor[b] = starting ? (fleet.slowFactor[b] as number) * inc.factor : (fleet.slowFactor[b] as number) / inc.factor;
      else if (starting) {
        fleet.down[b] = 1;
        fleet.epoch[b]!++;
      } else fleet.down[b] = 0;
    }
    if (inc.kind === 'down') this.heap.push(this.clock + spec.detectMs, (i * 2 + (starting ? 0 : 1)) * 8 + DETECT);
  }

  private alloc(): number {
    const s = this.free.pop();
    if (s !== undefined) return s;
    if (this.used === this.cap) this.growSlots();
    return this.used++;
  }

  private release(slot: number): void {
    this.free.push(slot);
  }

  private growSlots(): void {
    const cap = this.cap * 2;
    const grow = <T extends Float64Array | Int32Array>(a: T, make: (n: number) => T): T => {
      const b = make(cap);
      b.set(a);
      return b;
    };
    this.startedAt = grow(this.startedAt, (n) => new Float64Array(n));
    this.keyOf = grow(this.keyOf, (n) => new Float64Array(n));
    this.backendOf = grow(this.backendOf, (n) => new Int32Array(n));
    this.balancerOf = grow(this.balancerOf, (n) => new Int32Array(n));
    this.epochOf = grow(this.epochOf, (n) => new Int32Array(n));
    this.attemptsOf = grow(this.attemptsOf, (n) => new Int32Array(n));
    this.next = grow(this.next, (n) => new Int32Array(n));
    this.cap = cap;
  }
}
