// A tiny round-robin scheduler for tests of the pool and the proxies, so they do not depend on
// reference/algorithms (tested on its own). Honours usable, weight 0 and ctx.avoid.
import type { BackendView, PickContext, Scheduler } from '../algorithms/types.ts';

export function testRoundRobin(): Scheduler & { updates: number } {
  let views: readonly BackendView[] = [];
  let next = 0;
  return {
    name: 'test-rr',
    updates: 0,
    update(backends) {
      views = backends;
      this.updates++;
    },
    pick(ctx: PickContext) {
      for (let i = 0; i < views.length; i++) {
        const b = views[(next + i) % views.length];
        if (b && b.usable && b.weight > 0 && !ctx.avoid?.has(b.id)) {
          next = (next + i + 1) % views.length;
          return b;
        }
      }
      return undefined;
    },
  };
}

export const fixedClock = { now: () => 0, rng: () => 0 };
