import { describe, expect, it } from 'vitest';
import { normal, seededRng } from '../rng.ts';
import { calibrateSeries, samplesFor95, wilson } from './calibrate.ts';
import { combineRuns } from './combine-runs.ts';
import { seriesFromJson, seriesFromMicro, GateInputError } from './inputs.ts';
import type { Series } from './metrics.ts';

describe('Wilson interval', () => {
  it('matches the textbook value for 5 of 100 (0.0215–0.1118)', () => {
    const r = wilson(5, 100);
    expect(r.rate).toBe(0.05);
    expect(r.low).toBeCloseTo(0.02154, 4);
    expect(r.high).toBeCloseTo(0.11175, 4);
  });
});

describe('gate calibration', () => {
  /** Throughput series with a given coefficient of variation, like repeated real runs. */
  function noisy(key: string, n: number, cv: number, seed: number): Series {
    const rng = seededRng(seed);
    return { key, kind: 'throughput', samples: Array.from({ length: n }, () => 10_000 * (1 + cv * normal(rng))) };
  }

  it('on quiet measurements (CV 2 %): few false alarms, a 10 % loss almost always caught', () => {
    const c = calibrateSeries('synthetic', [noisy('a rps', 20, 0.02, 1), noisy('b rps', 20, 0.02, 2)], { trials: 300, seed: 3 });
    expect(c.perSide).toBe(10);
    expect(c.falseAlarms.rate).toBeLessThanOrEqual(0.01);
    expect(c.detection.rate).toBeGreaterThanOrEqual(0.95);
  });

  it('on very noisy measurements (CV 30 %) the gate stays quiet rather than guessing', () => {
    const c = calibrateSeries('synthetic', [noisy('a rps', 20, 0.3, 4)], { trials: 200, seed: 5 });
    expect(c.falseAlarms.rate).toBeLessThanOrEqual(0.02);
    expect(c.detection.rate).toBeLessThan(0.5);
  });

  it('at CV 5 % the planning figure (28 per side) is enough: ≥ 95 % detection there, less with 10', () => {
    expect(samplesFor95(0.05, 0.1, 0.05)).toBe(28);
    const series = [noisy('a rps', 80, 0.05, 11)];
    const perSideFor95 = calibrateSeries('synthetic', series, { trials: 10, perSide: 10 }).perSideFor95;
    expect(perSideFor95).toBe(29); // this sample's CV is 5.1 %
    const planned = calibrateSeries('synthetic', series, { trials: 400, seed: 12, perSide: perSideFor95 });
    expect(planned.detection.rate).toBeGreaterThanOrEqual(0.95);
    expect(planned.falseAlarms.rate).toBeLessThanOrEqual(0.01);
    const few = calibrateSeries('synthetic', series, { trials: 300, seed: 12, perSide: 10 });
    expect(few.detection.rate).toBeLessThan(planned.detection.rate);
    expect(Object.keys(planned.cvBySeries)).toEqual(['a rps']);
  });

  it('a loss inside the band needs infinitely many samples', () => {
    expect(samplesFor95(0.01, 0.04, 0.05)).toBe(Infinity);
  });

  it('refuses series too short to split', () => {
    expect(() => calibrateSeries('s', [noisy('a', 3, 0.1, 1)], { trials: 10, perSide: 4 })).toThrow(RangeError);
  });
});

describe('combining runs', () => {
  it('pools bench repetitions and reduces each micro run to its median', () => {
    const one: Series[] = [
      { key: 'a rps', kind: 'throughput', samples: [1, 2] },
      { key: 'pick', kind: 'micro-ns', samples: [10, 30, 20] },
    ];
    const two: Series[] = [
      { key: 'a rps', kind: 'throughput', samples: [3] },
      { key: 'pick', kind: 'micro-ns', samples: [40, 50] },
    ];
    expect(combineRuns([one, two])).toEqual([
      { key: 'a rps', kind: 'throughput', samples: [1, 2, 3] },
      { key: 'pick', kind: 'micro-ns', samples: [20, 45] },
    ]);
    expect(combineRuns([one])).toEqual(one);
  });

  it('calibrates micro runs by their medians: the injected slowdown lands on ns', () => {
    const rng = seededRng(8);
    const runs = Array.from({ length: 12 }, (): Series[] => [{ key: 'pick', kind: 'micro-ns', samples: Array.from({ length: 50 }, () => 40 * (1 + 0.01 * normal(rng))) }]);
    const c = calibrateSeries('micro', combineRuns(runs), { trials: 100, seed: 2 });
    expect(c.perSide).toBe(6);
    expect(Object.keys(c.detectionByKind)).toEqual(['micro-ns']);
    expect(c.falseAlarms.hits).toBe(0);
  });
});

describe('gate inputs', () => {
  it('reads micro@1 raw samples by name', () => {
    const s = seriesFromMicro('m.json', { benchmarks: [{ suite: 'algorithms', name: 'rr pick', samplesNs: [10, 11, 12] }] });
    expect(s).toEqual([{ key: 'algorithms › rr pick', kind: 'micro-ns', samples: [10, 11, 12] }]);
    expect(() => seriesFromMicro('m.json', { benchmarks: [{ name: 'x' }] })).toThrow(/benchmarks\[0\] needs a name and raw samples/);
  });

  it('rejects unknown schemas and invalid bench files with the file named', () => {
    expect(() => seriesFromJson('a.json', '{"schema":"x"}')).toThrow(GateInputError);
    expect(() => seriesFromJson('b.json', '{"schema":"fulcrum/bench@1"}')).toThrow(/b\.json: not a valid fulcrum\/bench@1/);
  });
});
