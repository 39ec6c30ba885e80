// Properties every scheduler must keep, whatever the pool looks like (fast-check):
//  1. never a backend that is unusable, quiesced (weight 0) or avoided;
//  2. undefined only when nothing is eligible (checked right after update());
//  3. still never an ineligible backend when usability/weight change without an update();
//  4. the same through createScheduler's wrappers.
// Weight 0 is how a backend is quiesced (no new work, existing work continues): properties 1–4
// cover quiesce for every scheduler.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createScheduler, schedulerFactory, schedulerNames } from './index.ts';
import { context, type TestBackend } from './testkit.ts';
import type { PickContext, SchedulerOptions } from './types.ts';

const variants: Array<[string, SchedulerOptions | undefined]> = [
  ...schedulerNames().map((n): [string, SchedulerOptions | undefined] => [n, undefined]),
  ['wrr', { variant: 'interleaved' }],
  ['p2c', { choices: 3 }],
  ['ring', { hash: 'md5', pointsPerWeight: 8 }],
  ['ring', { ringSize: 64 }],
  ['maglev', { tableSize: 251 }],
  ['first', { maxconn: 2 }],
  ['sh', { tableBits: 3 }],
];

const pool = fc
  .array(
    fc.record({
      weight: fc.oneof(fc.constant(0), fc.integer({ min: 1, max: 6 }), fc.double({ min: 0.1, max: 3, noNaN: true })),
      usable: fc.boolean(),
      active: fc.integer({ min: 0, max: 12 }),
    }),
    { minLength: 0, maxLength: 12 },
  )
  .map((rows) => rows.map((r, i): TestBackend => ({ id: `b${String(i).padStart(2, '0')}`, ...r })));

const eligible = (b: TestBackend) => b.usable && b.weight > 0;

describe.each(variants)('%s %j keeps the eligibility properties', (name, options) => {
  const factory = schedulerFactory(name)!;
  // Maglev at 65537 slots takes a few ms per update; fewer runs keep the suite fast.
  const numRuns = name === 'maglev' && !options ? 25 : 150;

  it('never picks ineligible/avoided, undefined only when nothing is eligible', () => {
    fc.assert(
      fc.property(
        pool,
        fc.array(fc.nat({ max: 0xffffffff }), { minLength: 1, maxLength: 8 }),
        fc.integer({ min: 1, max: 1000 }),
        fc.func(fc.boolean()),
        (backends, keys, seed, avoidPick) => {
          const s = factory.create(options);
          s.update(backends);
          const any = backends.some(eligible);
          for (const key of keys) {
            const ctx = context({ seed: seed + key, key });
            const b = s.pick(ctx);
            if (b) expect(eligible(b as TestBackend), `${b.id} picked`).toBe(true);
            else expect(any, 'undefined with eligible backends').toBe(false);
            if (b) (b as TestBackend).active++;
          }
          // Avoid a subset: never picked; undefined only when every eligible one is avoided.
          const avoid = new Set(backends.filter((b) => avoidPick(b.id)).map((b) => b.id));
          const ctx: PickContext = context({ seed, key: keys[0]!, avoid });
          const b = s.pick(ctx);
          const anyLeft = backends.some((x) => eligible(x) && !avoid.has(x.id));
          if (b) expect(avoid.has(b.id) || !eligible(b as TestBackend)).toBe(false);
          else expect(anyLeft).toBe(false);
        },
      ),
      { numRuns },
    );
  });

  it('never picks a backend that turned unusable or quiesced after update()', () => {
    fc.assert(
      fc.property(pool, fc.array(fc.boolean(), { maxLength: 12 }), fc.nat(), (backends, flips, key) => {
        const s = factory.create(options);
        s.update(backends);
        backends.forEach((b, i) => {
          if (flips[i]) {
            if (i % 2) b.usable = false;
            else b.weight = 0;
          }
        });
        for (let k = 0; k < 4; k++) {
          const b = s.pick(context({ seed: key + k, key: key + k }));
          if (b) expect(eligible(b as TestBackend)).toBe(true);
        }
      }),
      { numRuns },
    );
  });
});

describe.each(schedulerNames())('%s wrapped (createScheduler: slow start, bounded load, avoid-on-retry)', (name) => {
  it('never picks ineligible; undefined only when nothing is eligible, even when all are avoided', () => {
    fc.assert(
      fc.property(pool, fc.nat({ max: 0xffffffff }), fc.integer({ min: 0, max: 20_000 }), (backends, key, elapsed) => {
        let now = 0;
        const config = name === 'maglev' ? { name, tableSize: 1009 } : { name };
        const s = createScheduler({ ...config, boundedLoad: 125, slowStart: { windowMs: 10_000 } }, { now: () => now });
        s.update(backends);
        now = elapsed;
        const any = backends.some(eligible);
        const all = new Set(backends.map((b) => b.id));
        for (const ctx of [context({ key }), context({ key, avoid: all })]) {
          const b = s.pick(ctx);
          if (b) expect(eligible(b as TestBackend)).toBe(true);
          else expect(any).toBe(false);
        }
      }),
      { numRuns: 60 },
    );
  });
});
