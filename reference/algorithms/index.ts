// The algorithms room: the scheduler registry, one-call creation with wrappers, the wrappers
// themselves, and the pure table builders used by quality figures and benchmarks.
// Every scheduler treats ctx.avoid as ineligible; createScheduler adds avoid-on-retry, which
// falls back when every eligible backend is avoided.
export type * from './types.ts';
export { SchedulerOptionError } from './types.ts';
export { schedulerFactory, schedulerNames } from './registry.ts';
export { createScheduler, type CreateContext } from './create.ts';
export { avoidOnRetry } from './wrappers/avoid.ts';
export { boundedLoad } from './wrappers/bounded-load.ts';
export { slowStart, slowStartFactor, type SlowStartOptions } from './wrappers/slow-start.ts';
export { buildRing, ringIndex, type Ring, type RingOptions } from './ring.ts';
export { populate as populateMaglev, permutationFor as maglevPermutation, isPrime } from './maglev.ts';
