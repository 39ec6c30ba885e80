// Measures the gate itself on real measurements. Each trial takes one metric's real samples
// (a bench run's repetitions, or one value per micro run), splits them at random into two
// disjoint halves of n (real noise, same period) and gates them:
//  - A/A: the halves as they are; a regression verdict is a false alarm (goal ≤ 1 %);
//  - injected loss: the current half with 10 % less throughput (throughput × 0.9; time per
//    operation ÷ 0.9); a regression verdict is a detection (goal ≥ 95 % for throughput).
// Rates come with Wilson 95 % intervals, so a reader sees how sure the figure is.
import { seededRng, below, type Rng } from '../rng.ts';
import { compareSeries, DEFAULT_ALPHA, type GateOptions } from './compare.ts';
import { METRIC_KINDS, type Series } from './metrics.ts';
import { combineRuns } from './combine-runs.ts';
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
  /** Coefficient of variation of each series the loss was injected into: the noisiest limit detection. */
  cvBySeries: Record<string, number>;
  /** Samples per side that would detect the injected loss 95 % of the time at the median CV
   *  (normal approximation of the default rule; see samplesFor95). */
  perSideFor95: number;
}

/**
 * Samples per side for 95 % detection of a relative loss against a band, at coefficient of
 * variation cv: the estimate of the change has standard error ≈ cv·√(2/n), and its one-sided
 * 95 % bound must clear the band in 95 % of runs: (loss − band) ≥ (1.645 + 1.645)·cv·√(2/n).
 * Then 25 % more: the trimmed mean is a little less efficient than the mean, and percentile
 * intervals from few samples wander (checked in calibrate.test.ts). The rank test is significant
 * long before this. A planning figure, not a promise.
 */
export function samplesFor95(cv: number, loss: number, band: number): number {
  if (loss <= band) return Infinity;
  const z = 1.6448536269514722;
  return Math.max(5, Math.ceil(1.25 * 2 * ((2 * z * cv) / (loss - band)) ** 2));
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

/** A 10 % throughput loss, expressed on each metric's own scale. */
function injectLoss(samples: readonly number[], kind: Series['kind'], loss: number): number[] {
  const factor = METRIC_KINDS[kind].higherIsBetter ? 1 - loss : 1 / (1 - loss);
  return samples.map((x) => x * factor);
}

export function calibrateSeries(source: string, all: readonly Series[], options: CalibrationOptions): CalibrationResult {
  const minReps = Math.min(...all.map((s) => s.samples.length));
  const perSide = options.perSide ?? Math.min(10, Math.floor(minReps / 2));
  const usable = all.filter((s) => s.samples.length >= 2 * perSide && perSide >= 1);
  if (usable.length === 0) throw new RangeError(`${source}: calibration needs series with at least ${2 * perSide} samples`);
  // Inject into the headline metric: throughput for bench runs, ns per operation for micro runs.
  const injectable = usable.some((s) => s.kind === 'throughput') ? usable.filter((s) => s.kind === 'throughput') : usable.filter((s) => s.kind === 'micro-ns');
  if (injectable.length === 0) throw new RangeError(`${source}: no throughput or micro-benchmark series to inject a loss into`);
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
    const ts = injectable[t % injectable.length] as Series;
    const [c, d] = split(ts.samples, perSide, rng);
    const injected = compareSeries({ ...ts, samples: c }, { ...ts, samples: injectLoss(d, ts.kind, loss) }, { ...gateOpts, seed });
    if (injected.verdict === 'regression') detected++;
  }
  const cv = (xs: readonly number[]) => {
    const m = xs.reduce((p, q) => p + q, 0) / xs.length;
    return Math.sqrt(xs.reduce((p, q) => p + (q - m) ** 2, 0) / (xs.length - 1)) / m;
  };
  const cvBySeries = Object.fromEntries(injectable.map((s) => [s.key, cv(s.samples)]));
  const cvs = Object.values(cvBySeries).sort((x, y) => x - y);
  const medianCv = cvs[Math.floor(cvs.length / 2)] as number;
  const injectedKind = (injectable[0] as Series).kind;
  const band = options.bands?.[injectedKind] ?? METRIC_KINDS[injectedKind].band;
  return {
    source,
    perSide,
    trials: options.trials,
    loss,
    alpha: options.alpha ?? DEFAULT_ALPHA,
    series: usable.map((s) => s.key),
    falseAlarms: wilson(alarms, options.trials),
    falseAlarmsByKind: Object.fromEntries(Object.entries(byKind).map(([k, v]) => [k, wilson(v.hits, v.trials)])),
    detection: wilson(detected, options.trials),
    detectionByKind: { [injectedKind]: wilson(detected, options.trials) },
    medianCv,
    cvBySeries,
    perSideFor95: samplesFor95(medianCv, loss, band),
  };
}

/** One or more bench@1 files (repetitions pooled), or several micro@1 runs (one median per run). */
export async function calibrateFiles(paths: readonly string[], options: CalibrationOptions): Promise<CalibrationResult> {
  const inputs = await Promise.all(paths.map((p) => readGateInput(p)));
  const schemas = new Set(inputs.map((i) => i.schema));
  if (schemas.size > 1) throw new RangeError(`calibration inputs must share one schema, got ${[...schemas].join(', ')}`);
  const source = paths.length === 1 ? (paths[0] as string) : `${paths.length} runs (${[...schemas][0]})`;
  return calibrateSeries(source, combineRuns(inputs.map((i) => i.series)), options);
}

const pct = (r: Rate) => `${(r.rate * 100).toFixed(2)}% (${r.hits}/${r.trials}; 95% CI ${(r.low * 100).toFixed(2)}–${(r.high * 100).toFixed(2)}%)`;

export function calibrationMarkdown(c: CalibrationResult): string {
  return [
    `## fulcrum gate calibration: ${c.source}`,
    '',
    `${c.trials} trials over ${c.series.length} metrics, ${c.perSide} samples per side drawn without replacement from real measurements; α = ${c.alpha};`,
    `bands: ${Object.entries(METRIC_KINDS).map(([k, v]) => `${k} ±${v.band * 100}%`).join(', ')}. Median CV of the samples (throughput or ns): ${(c.medianCv * 100).toFixed(1)}%.`,
    '',
    `| measure | goal | result |`,
    `|---|---|---|`,
    `| false alarms, A/A (all metrics) | ≤ 1% | ${pct(c.falseAlarms)} |`,
    ...Object.entries(c.falseAlarmsByKind).map(([k, r]) => `| false alarms, A/A, ${k} | ≤ 1% | ${pct(r)} |`),
    ...Object.entries(c.detectionByKind).map(([k, r]) => `| detection of an injected ${(c.loss * 100).toFixed(0)}% throughput loss, ${k}${k === 'throughput' ? '' : ` (÷ ${(1 - c.loss).toFixed(1)}, against a ±${(METRIC_KINDS[k as keyof typeof METRIC_KINDS].band * 100).toFixed(0)}% band)`} | ${k === 'throughput' ? '≥ 95%' : '–'} | ${pct(r)} |`),
    '',
    `Noise per series (CV): ${Object.entries(c.cvBySeries).map(([k, v]) => `${k} ${(v * 100).toFixed(1)}%`).join(', ')}.`,
    Number.isFinite(c.perSideFor95)
      ? `At the median CV, 95% detection needs about **${c.perSideFor95} samples per side** (normal approximation).`
      : 'The injected loss is inside the noise band: no sample size detects it.',
    '',
  ].join('\n');
}
