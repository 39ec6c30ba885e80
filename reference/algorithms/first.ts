// first: HAProxy `balance first`. The first eligible backend in config order (HAProxy's server
// id order) with a free slot (active < maxconn) takes the work, so servers fill one after
// another and idle ones can be powered down. maxconn is a number for all backends or a record
// by backend id; without it a server is never full. When every eligible backend is full, HAProxy
// queues; a scheduler cannot, so the one with the fewest active beyond its maxconn takes it.
// Source: HAProxy configuration manual, "balance first".
import { canTake } from './eligible.ts';
import { allowOnly } from './options.ts';
import { SchedulerOptionError, type BackendView, type PickContext, type Scheduler, type SchedulerFactory, type SchedulerOptions } from './types.ts';

type Maxconn = (id: string) => number;

class First implements Scheduler {
  readonly name = 'first';
  private list: readonly BackendView[] = [];
  private limits = new Float64Array(0);

  constructor(private readonly maxconn: Maxconn) {}

  update(backends: readonly BackendView[]): void {
    this.list = [...backends];
    this.limits = Float64Array.from(backends, (b) => this.maxconn(b.id));
  }

  pick(ctx: PickContext): BackendView | undefined {
    let least: BackendView | undefined;
    let leastExcess = Infinity;
    for (let i = 0; i < this.list.length; i++) {
      const b = this.list[i]!;
      if (!canTake(b, ctx)) continue;
      const excess = b.active - this.limits[i]!;
      if (excess < 0) return b;
      if (excess < leastExcess) {
        least = b;
        leastExcess = excess;
      }
    }
    return least;
  }
}

function maxconnOption(options: SchedulerOptions | undefined): Maxconn {
  const raw = options?.['maxconn'];
  const check = (v: unknown, where: string): number => {
    if (typeof v !== 'number' || !Number.isInteger(v) || v < 1) {
      throw new SchedulerOptionError('first', where, `must be a whole number ≥ 1, got ${JSON.stringify(v)}`);
    }
    return v;
  };
  if (raw === undefined) return () => Infinity;
  if (typeof raw === 'number') {
    const all = check(raw, 'maxconn');
    return () => all;
  }
  if (raw && typeof raw === 'object' && !Array.isArray(raw)) {
    const table = new Map(Object.entries(raw).map(([id, v]) => [id, check(v, `maxconn.${id}`)]));
    return (id) => table.get(id) ?? Infinity;
  }
  throw new SchedulerOptionError('first', 'maxconn', `must be a number or a record of backend id → number, got ${JSON.stringify(raw)}`);
}

export const first: SchedulerFactory = {
  name: 'first',
  description: 'HAProxy first: the first backend in config order with active < maxconn',
  needsKey: false,
  create(options) {
    allowOnly('first', options, ['maxconn']);
    return new First(maxconnOption(options));
  },
};
