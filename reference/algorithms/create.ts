// One call from an algorithm config to a ready scheduler, wrappers included:
//   { name: 'maglev', tableSize: 65537, boundedLoad: 125, slowStart: { windowMs: 30000 } }
// boundedLoad and slowStart are wrapper options, taken out before the scheduler's own options
// are checked; avoid-on-retry always wraps the outside. Unknown names and bad options throw
// SchedulerOptionError (config load time), naming the option.
import { schedulerFactory, schedulerNames } from './registry.ts';
import { allowOnly, numberOption } from './options.ts';
import { SchedulerOptionError, type Scheduler, type SchedulerOptions } from './types.ts';
import { avoidOnRetry } from './wrappers/avoid.ts';
import { boundedLoad } from './wrappers/bounded-load.ts';
import { slowStart } from './wrappers/slow-start.ts';

export interface CreateContext {
  /** Monotonic milliseconds, for slow start. */
  readonly now: () => number;
}

export function createScheduler(config: SchedulerOptions & { readonly name: string }, ctx: CreateContext): Scheduler {
  const { boundedLoad: bound, slowStart: slow, ...own } = config;
  const factory = schedulerFactory(config.name);
  if (!factory) {
    throw new SchedulerOptionError(config.name, 'name', `is not a known algorithm (known: ${schedulerNames().join(', ')})`);
  }
  let s = factory.create(own);
  if (slow !== undefined) {
    if (typeof slow !== 'object' || slow === null || Array.isArray(slow)) {
      throw new SchedulerOptionError(config.name, 'slowStart', 'must be an object like { windowMs: 30000 }');
    }
    // Prefix the keys so errors name the full option ("slowStart.windowMs").
    const o = Object.fromEntries(Object.entries(slow).map(([k, v]) => [`slowStart.${k}`, v]));
    allowOnly(config.name, o, ['slowStart.windowMs', 'slowStart.aggression', 'slowStart.minWeightPercent']);
    if (o['slowStart.windowMs'] === undefined) throw new SchedulerOptionError(config.name, 'slowStart.windowMs', 'is required');
    s = slowStart(s, {
      windowMs: numberOption(config.name, o, 'slowStart.windowMs', { default: 0, min: 1, max: 86_400_000 }),
      aggression: numberOption(config.name, o, 'slowStart.aggression', { default: 1, min: 0.01, max: 100 }),
      minWeightPercent: numberOption(config.name, o, 'slowStart.minWeightPercent', { default: 10, min: 0, max: 100 }),
      now: ctx.now,
    });
  }
  if (bound !== undefined) {
    s = boundedLoad(s, numberOption(config.name, { boundedLoad: bound }, 'boundedLoad', { default: 125, min: 100, max: 10_000 }));
  }
  return avoidOnRetry(s);
}
