// The scheduler registry: one factory per file, looked up by its config string.
// Schedulers treat ctx.avoid as ineligible; wrap with wrappers/avoid.ts to fall back when all are avoided.
import { lc } from './lc.ts';
import { random } from './random.ts';
import { rr } from './rr.ts';
import { wrr } from './wrr.ts';
import type { SchedulerFactory } from './types.ts';

export type * from './types.ts';
export { SchedulerOptionError } from './types.ts';

const factories: readonly SchedulerFactory[] = [rr, wrr, lc, random];

const byName = new Map(factories.map((f) => [f.name, f]));

export function schedulerFactory(name: string): SchedulerFactory | undefined {
  return byName.get(name);
}

export function schedulerNames(): string[] {
  return factories.map((f) => f.name);
}
