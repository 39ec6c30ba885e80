// Option readers for scheduler factories: validate at config load time, name the bad option.
import { SchedulerOptionError, type SchedulerOptions } from './types.ts';

/** Reject options the scheduler does not know (a typo should not silently fall back to a default). */
export function allowOnly(scheduler: string, options: SchedulerOptions | undefined, known: readonly string[]): void {
  for (const key of Object.keys(options ?? {})) {
    if (key !== 'name' && !known.includes(key)) {
      const hint = known.length ? `(known: ${known.join(', ')})` : '(this algorithm takes no options)';
      throw new SchedulerOptionError(scheduler, key, `is not known ${hint}`);
    }
  }
}

export function numberOption(
  scheduler: string,
  options: SchedulerOptions | undefined,
  key: string,
  spec: { default: number; min: number; max: number; integer?: boolean },
): number {
  const value = options?.[key];
  if (value === undefined) return spec.default;
  if (typeof value !== 'number' || !Number.isFinite(value)) {
    throw new SchedulerOptionError(scheduler, key, `must be a number, got ${JSON.stringify(value)}`);
  }
  if (spec.integer && !Number.isInteger(value)) throw new SchedulerOptionError(scheduler, key, `must be an integer, got ${value}`);
  if (value < spec.min || value > spec.max) {
    throw new SchedulerOptionError(scheduler, key, `must be between ${spec.min} and ${spec.max}, got ${value}`);
  }
  return value;
}

export function enumOption<T extends string>(
  scheduler: string,
  options: SchedulerOptions | undefined,
  key: string,
  values: readonly T[],
  fallback: T,
): T {
  const value = options?.[key];
  if (value === undefined) return fallback;
  if (typeof value !== 'string' || !(values as readonly string[]).includes(value)) {
    throw new SchedulerOptionError(scheduler, key, `must be one of ${values.join(', ')}, got ${JSON.stringify(value)}`);
  }
  return value as T;
}
