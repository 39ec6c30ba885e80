// Long-run weight respect, for every scheduler, with the bound each one promises.
// Pool: weights 1:2:3 usable, plus one quiesced (weight 0) and one unusable backend that must get nothing.
// All randomness is seeded, so these are exact runs; the bounds are what the algorithm guarantees
// (exact for deterministic ones, about 6 standard deviations of sampling for random/hash ones).
import { describe, expect, it } from 'vitest';
import { schedulerFactory, schedulerNames } from './index.ts';
import { backend, context, seededRng, type TestBackend } from './testkit.ts';
import type { SchedulerOptions } from './types.ts';

function pool(): TestBackend[] {
  return [backend('a', 1), backend('b', 2), backend('c', 3), backend('q', 0), backend('u', 5, 0, false)];
}

/** Shares over `picks`; `hold` keeps every pick's work open (active++), as long connections do. */
function shares(name: string, options: SchedulerOptions | undefined, picks: number, hold: boolean): Record<string, number> {
  const list = pool();
  const s = schedulerFactory(name)!.create(options);
  s.update(list);
  const rng = seededRng(42);
  const counts: Record<string, number> = {};
  for (let i = 0; i < picks; i++) {
    const key = Math.floor(rng() * 4294967296);
    const b = s.pick(context({ seed: i + 1, key })) as TestBackend | undefined;
    if (!b) throw new Error(`${name} picked nothing`);
    counts[b.id] = (counts[b.id] ?? 0) + 1;
    if (hold) b.active++;
    // ewma learns the same latency from everyone, so only active counts separate them.
    s.done?.(b, { latencyMs: 10, ok: true, now: i });
  }
  for (const id of Object.keys(counts)) counts[id]! /= picks;
  return counts;
}

const byWeight = { a: 1 / 6, b: 2 / 6, c: 3 / 6 };
const even = { a: 1 / 3, b: 1 / 3, c: 1 / 3 };

// name, options, expected shares, absolute tolerance, hold connections?
const table: Array<[string, SchedulerOptions | undefined, Record<string, number>, number, boolean]> = [
  ['rr', undefined, even, 1e-9, false],
  ['wrr', undefined, byWeight, 1e-9, false],
  ['wrr', { variant: 'interleaved' }, byWeight, 1e-9, false],
  ['lc', undefined, even, 1e-9, true],
  ['wlc', undefined, byWeight, 1e-9, true],
  ['sed', undefined, byWeight, 1e-3, true],
  ['nq', undefined, byWeight, 1e-3, true],
  ['random', undefined, even, 0.02, false],
  ['wrandom', undefined, byWeight, 0.02, false],
  ['p2c', undefined, byWeight, 0.02, false],
  ['ewma', undefined, even, 1e-3, true],
  ['sh', undefined, byWeight, 0.03, false],
  ['dh', undefined, even, 0.03, false],
  ['iphash', undefined, byWeight, 0.03, false],
  ['ring', undefined, byWeight, 0.06, false],
  ['maglev', undefined, byWeight, 0.02, false],
  ['rendezvous', undefined, byWeight, 0.02, false],
  ['lblc', undefined, byWeight, 1e-3, true],
  ['lblcr', undefined, byWeight, 1e-3, true],
  // Ordering schedulers: fo sends all to the heaviest; ovf fills c to 3, b to 2, a to 1, then goes
  // by active/weight (so by weight); first fills a to maxconn, then b.
  ['fo', undefined, { c: 1 }, 0, true],
  ['ovf', undefined, byWeight, 1e-3, true],
  ['first', { maxconn: 20_000 }, { a: 2 / 3, b: 1 / 3 }, 0, true],
];

describe('long-run shares', () => {
  it('covers every registered scheduler', () => {
    expect(new Set(table.map((r) => r[0]))).toEqual(new Set(schedulerNames()));
  });

  it.each(table)('%s %j', (name, options, expected, tolerance, hold) => {
    const got = shares(name, options, 6000 * 5, hold);
    expect(Object.keys(got).sort()).toEqual(Object.keys(expected).sort()); // never q or u
    for (const [id, share] of Object.entries(expected)) expect(Math.abs(got[id]! - share), `${id}: ${got[id]}`).toBeLessThanOrEqual(tolerance);
  });
});
