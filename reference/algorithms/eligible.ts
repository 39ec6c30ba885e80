// What every scheduler means by "may take new work": usable, weight above 0 (weight 0 is quiesce:
// existing work continues, nothing new), and not in ctx.avoid (a retry asked to skip it).
// Schedulers treat avoided backends as ineligible; wrappers/avoid.ts adds the fall-back.
import type { BackendView, PickContext } from './types.ts';

export function canTake(backend: BackendView, ctx: PickContext): boolean {
  return backend.usable && backend.weight > 0 && !(ctx.avoid !== undefined && ctx.avoid.has(backend.id));
}

/** Ids compared as plain strings (code unit order), the same everywhere, so tables never depend on list order. */
export function byId(a: BackendView, b: BackendView): number {
  return a.id < b.id ? -1 : a.id > b.id ? 1 : 0;
}

export function sortedById(backends: readonly BackendView[]): BackendView[] {
  return [...backends].sort(byId);
}
