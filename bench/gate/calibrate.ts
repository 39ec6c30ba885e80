// Measures the gate itself on real measurements. From a bench run with many repetitions per
// variant, each trial splits one variant's samples at random into two disjoint halves of n
// (real noise, same time period because repetitions are interleaved) and gates them:
//  - A/A: the halves as they are; any regression verdict is a false alarm (goal ≤ 1 %);
//  - injected loss: the current half's throughput × 0.9; a regression verdict is a detection
//    (goal ≥ 95 %).
// Given several runs (bench@1 or micro@1 files of the same thing), trials are run-to-run instead:
// every ordered pair of runs, every metric they share, A/A as measured and with the loss injected
// (throughput × 0.9; latency and ns ÷ 0.9), which captures the noise between processes as well.
// Rates come with Wilson 95 % intervals, so a reader sees how sure the figure is.
import { readFile } from 'node:fs/promises';
import { seededRng, below, type Rng } from '../rng.ts';
import { benchRunSchema } from '../schema.ts';
import { compareSeries, DEFAULT_ALPHA, type GateOptions } from './compare.ts';
import { METRIC_KINDS, type Series } from './metrics.ts';
import { readGateInput } from './inputs.ts';

export interface CalibrationOptions extends GateOptions {
  trials: number;
  /** Samples per side; default: half the repetitions, at most 10. */
  perSide?: number;
  /** Injected throughput loss for the detection trials. */
  loss?: number;
}

export interface Rate {
  hits: number;
  trials: number;
  rate: number;
  low: number;
  high: number;
}

export interface CalibrationResult {
  source: string;
  /** 'split': halves of one run's repetitions; 'runs': whole runs against each other. */
  method: 'split' | 'runs';
  perSide: number;
  trials: number;
  loss: number;
  alpha: number;
  series: string[];
  /** A/A on throughput, p50 and p99 series together. */
  falseAlarms: Rate;
  falseAlarmsByKind: Record<string, Rate>;
  detection: Rate;
  detectionByKind: Record<string, Rate>;
  /** Median coefficient of variation of the throughput series (how noisy the machine was). */
  medianCv: number;
}

/** Wilson score interval at 95 %. */
export function wilson(hits: number, trials: number): Rate {
  const z = 1.959963984540054;
  const p = trials ? hits / trials : 0;
  const denom = 1 + (z * z) / trials;
  const centre = (p + (z * z) / (2 * trials)) / denom;
  const half = (z * Math.sqrt((p * (1 - p)) / trials + (z * z) / (4 * trials * trials))) / denom;
  return { hits, trials, rate: p, low: Math.max(0, centre - half), high: Math.min(1, centre + half) };
}

function split(samples: readonly number[], n: number, rng: Rng): [number[], number[]] {
  const idx = samples.map((_, i) => i);
  for (let i = idx.length - 1; i > 0; i--) {
    const j = below(rng, i + 1);
    [idx[i], idx[j]] = [idx[j] as number, idx[i] as number];
  }
  return [idx.slice(0, n).map((i) => samples[i] as number), idx.slice(n, 2 * n).map((i) => samples[i] as number)];
}

export function calibrateSeries(source: string, all: readonly Series[], options: CalibrationOptions): CalibrationResult {
  const minReps = Math.min(...all.map((s) => s.samples.length));
  const perSide = options.perSide ?? Math.min(10, Math.floor(minReps / 2));
  const usable = all.filter((s) => s.samples.length >= 2 * perSide && perSide >= 1);
  if (usable.length === 0) throw new RangeError(`${source}: calibration needs series with at least ${2 * perSide} samples`);
  const throughput = usable.filter((s) => s.kind === 'throughput');
  if (throughput.length === 0) throw new RangeError(`${source}: no throughput series to inject a loss into`);
  const loss = options.loss ?? 0.1;
  const rng = seededRng(options.seed ?? 1);
  const gateOpts: GateOptions = { ...options, seed: undefined };
  const byKind: Record<string, { hits: number; trials: number }> = {};
  let alarms = 0;
  let detected = 0;
  for (let t = 0; t < options.trials; t++) {
    const s = usable[t % usable.length] as Series;
    const [a, b] = split(s.samples, perSide, rng);
    const seed = Math.floor(rng() * 2 ** 32);
    const aa = compareSeries({ ...s, samples: a }, { ...s, samples: b }, { ...gateOpts, seed });
    const k = (byKind[s.kind] ??= { hits: 0, trials: 0 });
    k.trials++;
    if (aa.verdict === 'regression') {
      alarms++;
      k.hits++;
    }
    const ts = throughput[t % throughput.length] as Series;
    const [c, d] = split(ts.samples, perSide, rng);
    const injected = compareSeries({ ...ts, samples: c }, { ...ts, samples: d.map((x) => x * (1 - loss)) }, { ...gateOpts, seed });
    if (injected.verdict === 'regression') detected++;
  }
  const cv = (xs: readonly number[]) => {
    const m = xs.reduce((p, q) => p + q, 0) / xs.length;
    return Math.sqrt(xs.reduce((p, q) => p + (q - m) ** 2, 0) / (xs.length - 1)) / m;
  };
  const cvs = throughput.map((s) => cv(s.samples)).sort((x, y) => x - y);
  return {
    source,
    method: 'split',
    perSide,
    trials: options.trials,
    loss,
    alpha: options.alpha ?? DEFAULT_ALPHA,
    series: usable.map((s) => s.key),
    falseAlarms: wilson(alarms, options.trials),
    falseAlarmsByKind: Object.fromEntries(Object.entries(byKind).map(([k, v]) => [k, wilson(v.hits, v.trials)])),
    detection: wilson(detected, options.trials),
    detectionByKind: { throughput: wilson(detected, options.trials) },
    medianCv: cvs[Math.floor(cvs.length / 2)] as number,
  };
}

/** A 10 % throughput loss, expressed on each metric's own scale. */
function injectLoss(s: Series, loss: number): Series {
  const factor = METRIC_KINDS[s.kind].higherIsBetter ? 1 - loss : 1 / (1 - loss);
  return { ...s, samples: s.samples.map((x) => x * factor) };
}

export function calibrateAcrossRuns(source: string, runs: readonly Series[][], options: Omit<CalibrationOptions, 'trials'>): CalibrationResult {
  if (runs.length < 2) throw new RangeError('run-to-run calibration needs at least two runs');
  const loss = options.loss ?? 0.1;
  const gateOpts: GateOptions = { ...options };
  const byKind: Record<string, { hits: number; trials: number }> = {};
  const detectedByKind: Record<string, { hits: number; trials: number }> = {};
  let trials = 0;
  let alarms = 0;
  let detected = 0;
  const keys = new Set<string>();
  for (let i = 0; i < runs.length; i++) {
    for (let j = 0; j < runs.length; j++) {
      if (i === j) continue;
      const current = new Map((runs[j] as Series[]).map((s) => [s.key, s]));
      for (const base of runs[i] as Series[]) {
        const cur = current.get(base.key);
        if (!cur) continue;
        keys.add(base.key);
        const aa = compareSeries(base, cur, gateOpts);
        if (aa.verdict === 'insufficient') continue;
        trials++;
        const k = (byKind[base.kind] ??= { hits: 0, trials: 0 });
        k.trials++;
        if (aa.verdict === 'regression') {
          alarms++;
          k.hits++;
        }
        const d = (detectedByKind[base.kind] ??= { hits: 0, trials: 0 });
        d.trials++;
        if (compareSeries(base, injectLoss(cur, loss), gateOpts).verdict === 'regression') {
          detected++;
          d.hits++;
        }
      }
    }
  }
  if (trials === 0) throw new RangeError(`${source}: no metric had enough samples in two runs`);
  const throughputCvs = runs.flat().filter((s) => s.kind === 'throughput' || s.kind === 'micro-ns').map((s) => {
    const m = s.samples.reduce((p, q) => p + q, 0) / s.samples.length;
    return Math.sqrt(s.samples.reduce((p, q) => p + (q - m) ** 2, 0) / Math.max(1, s.samples.length - 1)) / m;
  }).sort((x, y) => x - y);
  return {
    source,
    method: 'runs',
    perSide: Math.min(...runs.flat().map((s) => s.samples.length)),
    trials,
    loss,
    alpha: options.alpha ?? DEFAULT_ALPHA,
    series: [...keys],
    falseAlarms: wilson(alarms, trials),
    falseAlarmsByKind: Object.fromEntries(Object.entries(byKind).map(([k, v]) => [k, wilson(v.hits, v.trials)])),
    detection: wilson(detected, trials),
    detectionByKind: Object.fromEntries(Object.entries(detectedByKind).map(([k, v]) => [k, wilson(v.hits, v.trials)])),
    medianCv: throughputCvs[Math.floor(throughputCvs.length / 2)] ?? 0,
  };
}

/** One bench file: split its repetitions. Several files (bench@1 or micro@1): run against run. */
export async function calibrateFiles(paths: readonly string[], options: CalibrationOptions): Promise<CalibrationResult> {
  if (paths.length === 1) return calibrateGate(paths[0] as string, options);
  const inputs = await Promise.all(paths.map((p) => readGateInput(p)));
  const schemas = new Set(inputs.map((i) => i.schema));
  if (schemas.size > 1) throw new RangeError(`calibration runs must share one schema, got ${[...schemas].join(', ')}`);
  return calibrateAcrossRuns(`${paths.length} runs (${[...schemas][0]})`, inputs.map((i) => i.series), options);
}

export async function calibrateGate(path: string, options: CalibrationOptions): Promise<CalibrationResult> {
  const run = benchRunSchema.parse(JSON.parse(await readFile(path, 'utf8')));
  const series: Series[] = [];
  for (const r of run.results) {
    if (r.unavailable || r.samples.length < 2) continue;
    series.push({ key: `${r.id} rps`, kind: 'throughput', samples: r.samples.map((s) => s.rps) });
    series.push({ key: `${r.id} p50`, kind: 'latency-p50', samples: r.samples.map((s) => s.latencyMs.p50) });
    series.push({ key: `${r.id} p99`, kind: 'latency-p99', samples: r.samples.map((s) => s.latencyMs.p99) });
  }
  return calibrateSeries(path, series, options);
}

const pct = (r: Rate) => `${(r.rate * 100).toFixed(2)}% (${r.hits}/${r.trials}; 95% CI ${(r.low * 100).toFixed(2)}–${(r.high * 100).toFixed(2)}%)`;

export function calibrationMarkdown(c: CalibrationResult): string {
  return [
    `## fulcrum gate calibration: ${c.source}`,
    '',
    c.method === 'split'
      ? `${c.trials} trials, ${c.perSide} samples per side drawn without replacement from real repetitions of ${c.series.length / 3} variants; α = ${c.alpha};`
      : `${c.trials} trials: every ordered pair of runs × every shared metric (${c.series.length}), at least ${c.perSide} samples per side; α = ${c.alpha};`,
    `bands: ${Object.entries(METRIC_KINDS).map(([k, v]) => `${k} ±${v.band * 100}%`).join(', ')}. Median CV of the samples (throughput or ns): ${(c.medianCv * 100).toFixed(1)}%.`,
    '',
    `| measure | goal | result |`,
    `|---|---|---|`,
    `| false alarms, A/A (all metrics) | ≤ 1% | ${pct(c.falseAlarms)} |`,
    ...Object.entries(c.falseAlarmsByKind).map(([k, r]) => `| false alarms, A/A, ${k} | ≤ 1% | ${pct(r)} |`),
    ...Object.entries(c.detectionByKind).map(([k, r]) => `| detection of an injected ${(c.loss * 100).toFixed(0)}% throughput loss, ${k}${k === 'throughput' ? '' : ` (÷ ${(1 - c.loss).toFixed(1)}, against a ±${(METRIC_KINDS[k as keyof typeof METRIC_KINDS].band * 100).toFixed(0)}% band)`} | ${k === 'throughput' ? '≥ 95%' : '–'} | ${pct(r)} |`),
    '',
  ].join('\n');
}
