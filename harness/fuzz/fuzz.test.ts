// The short fuzz run of the test command: a few seconds per target, fixed seed. Any crash or hang that is
// not a known finding (known-findings.ts) fails, with the replay command in the message.
import { describe, expect, it } from 'vitest';
import { loadSeeds } from './corpus.ts';
import { applyPlan, planArbitrary } from './mutate.ts';
import { runFuzz, signature } from './run.ts';
import { FuzzPropertyError, ascii, type FuzzTarget } from './target.ts';
import { fuzzTargets } from './targets/index.ts';
import fc from 'fast-check';

const SECONDS = 3;

describe('short fuzz run (seed 1)', () => {
  for (const target of fuzzTargets) {
    it(`${target.name}: no crash and no hang`, () => {
      const seeds = loadSeeds(target.name);
      expect(seeds.length).toBeGreaterThan(5);
      const r = runFuzz(target, { seed: 1, count: 60_000, durationMs: SECONDS * 1000, hangMs: 500, seeds });
      const found = r.crashes.map((c) => `${c.kind}: ${c.error.split('\n')[0]} (input ${Buffer.from(c.input).toString('hex').slice(0, 160)}; npm run fuzz -- --target ${target.name} --seed ${c.seed})`);
      expect(found).toEqual([]);
      expect(r.inputs).toBeGreaterThan(1000);
    }, 30_000);
  }
});

/** A parser with a bug deep enough that random bytes alone rarely reach it: PROXY TCP4 with a 0xff in a port. */
const planted: FuzzTarget = {
  name: 'planted',
  title: 'a deliberately broken parser',
  maxLength: 256,
  dictionary: [ascii('\xff')],
  fixups: [],
  check(input) {
    const s = Buffer.from(input).toString('latin1');
    if (s.startsWith('PROXY TCP4 ') && /\xff/.test(s.slice(s.lastIndexOf(' ')))) throw new TypeError('planted crash');
    if (s.startsWith('PROXY TCP6 ') && s.includes('::') && s.length > 40) throw new FuzzPropertyError(`planted property ${s.length}`);
  },
};

describe('the fuzzer itself', () => {
  const seeds = [ascii('PROXY TCP4 198.19.1.10 198.19.1.100 40000 80\r\n'), ascii('PROXY TCP6 ::1 ::1 1 2\r\n')];

  it('finds planted crashes and property failures, shrinks them and reports each once', () => {
    const r = runFuzz(planted, { seed: 1, count: 200_000, durationMs: 20_000, hangMs: 1000, seeds });
    const errors = r.crashes.map((c) => c.error.split('\n')[0]);
    expect(errors).toContain('TypeError: planted crash');
    expect(errors.some((e) => e?.startsWith('FuzzPropertyError: planted property'))).toBe(true);
    for (const c of r.crashes) expect(() => planted.check(c.input)).toThrow();
    const crash = r.crashes.find((c) => c.error.startsWith('TypeError'))!;
    expect(crash.input.length).toBeLessThanOrEqual(seeds[0]!.length + 16); // shrunk: the seed plus a few edits, not a long random mess
  });

  it('stops at the first crash when asked, and the same seed finds the same input', () => {
    const a = runFuzz(planted, { seed: 3, count: 200_000, durationMs: 20_000, hangMs: 1000, seeds, stopOnCrash: true });
    const b = runFuzz(planted, { seed: 3, count: 200_000, durationMs: 20_000, hangMs: 1000, seeds, stopOnCrash: true });
    expect(a.crashes).toHaveLength(1);
    expect(Buffer.from(a.crashes[0]!.input).equals(Buffer.from(b.crashes[0]!.input))).toBe(true);
    expect(a.inputs).toBe(b.inputs);
  });

  it('reports an input slower than the bound as a hang', () => {
    const slow: FuzzTarget = { ...planted, name: 'slow', check: (i) => {
      if (i.length > 0 && i[0] === 0x50 && i[1] === 0x00) {
        const until = performance.now() + 30;
        while (performance.now() < until);
      }
    } };
    const r = runFuzz(slow, { seed: 1, count: 50_000, durationMs: 20_000, hangMs: 20, seeds, stopOnCrash: true });
    expect(r.crashes.map((c) => c.kind)).toEqual(['hang']);
    expect(r.crashes[0]!.error).toMatch(/FuzzHangError: one input took/);
  });

  it('groups failures by the text before their first number or quote', () => {
    expect(signature('FuzzPropertyError: fragment 4 offset 160, expected 65696')).toBe('FuzzPropertyError: fragment');
    expect(signature('FuzzPropertyError: Host ["a"] sent upstream as []')).toBe('FuzzPropertyError: Host');
  });

  it('mutation plans stay within the length cap and apply deterministically', () => {
    for (const target of fuzzTargets) {
      const s = loadSeeds(target.name);
      fc.assert(
        fc.property(planArbitrary(16), (plan) => {
          const a = applyPlan(plan, target, s);
          expect(a.length).toBeLessThanOrEqual(Math.max(target.maxLength, ...s.map((x) => x.length)));
          expect(Buffer.from(applyPlan(plan, target, s)).equals(Buffer.from(a))).toBe(true);
        }),
        { seed: 1, numRuns: 300 },
      );
    }
  });
});
