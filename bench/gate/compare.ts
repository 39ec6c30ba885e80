// The gate's verdict for one metric: a regression needs BOTH a significant rank test
// (Mann–Whitney U, two-sided, p < alpha) AND a bootstrap interval of the relative change
// lying wholly beyond the noise band on the bad side. The interval is two-sided 90 %, so each
// of its ends is a one-sided 95 % bound: "worse by more than the band" is a one-sided claim, and a
// 95 % two-sided interval would spend power on a side that is never asked about. Either alone cries wolf too often:
// the rank test flags tiny but consistent shifts, the interval alone is fooled by few samples.
import { bootstrapRelativeChange, type ChangeInterval, type Statistic } from './bootstrap.ts';
import { mannWhitneyU } from './mann-whitney.ts';
import { METRIC_KINDS, type MetricKind, type Series } from './metrics.ts';

export type VerdictKind = 'regression' | 'improvement' | 'unchanged' | 'insufficient' | 'missing' | 'new';

export interface GateOptions {
  /** Significance level of the rank test. */
  alpha?: number;
  /** Override the noise band per kind (relative, e.g. 0.05). */
  bands?: Partial<Record<MetricKind, number>>;
  confidence?: number;
  resamples?: number;
  statistic?: Statistic;
  seed?: number;
}

export interface MetricVerdict {
  key: string;
  kind: MetricKind;
  verdict: VerdictKind;
  band: number;
  baselineN: number;
  currentN: number;
  baselineMedian?: number;
  currentMedian?: number;
  p?: number;
  change?: ChangeInterval;
  note?: string;
}

/** Two-sided; an A/A comparison of exchangeable samples then flags a regression (one side) with
 *  probability ≤ 0.5 %, before the noise band is even applied: the false-alarm goal (≤ 1 %) holds by construction. */
export const DEFAULT_ALPHA = 0.01;
/** Two-sided coverage of the bootstrap interval: each end is a one-sided 95 % bound. */
export const DEFAULT_CONFIDENCE = 0.9;
/** The statistic whose relative change is bootstrapped (see bootstrap.ts for why trimmed). */
export const DEFAULT_STATISTIC: Statistic = 'trimmed-mean';

/** Smallest sample size per side at which the exact two-sided p can fall below alpha. */
export function minSamplesFor(alpha: number): number {
  // With n per side and complete separation, p = 2 / C(2n, n).
  for (let n = 1; n < 50; n++) {
    let c = 1;
    for (let k = 1; k <= n; k++) c = (c * (n + k)) / k;
    if (2 / c < alpha) return n;
  }
  return 50;
}

export function compareSeries(baseline: Series, current: Series, options: GateOptions = {}): MetricVerdict {
  const alpha = options.alpha ?? DEFAULT_ALPHA;
  const info = METRIC_KINDS[baseline.kind];
  const band = options.bands?.[baseline.kind] ?? info.band;
  const base = { key: baseline.key, kind: baseline.kind, band, baselineN: baseline.samples.length, currentN: current.samples.length };
  const need = minSamplesFor(alpha);
  if (baseline.samples.length < need || current.samples.length < need) {
    return { ...base, verdict: 'insufficient', note: `needs at least ${need} samples per side for p < ${alpha}` };
  }
  const mw = mannWhitneyU(current.samples, baseline.samples);
  // Micro-benchmarks bring tens of thousands of samples: bootstrap over their quantiles instead,
  // which keeps the distribution's shape and makes 2000 resamples cost milliseconds, not minutes.
  const change = bootstrapRelativeChange(thin(baseline.samples), thin(current.samples), {
    resamples: options.resamples,
    confidence: options.confidence ?? DEFAULT_CONFIDENCE,
    statistic: options.statistic ?? DEFAULT_STATISTIC,
    seed: options.seed,
  });
  const significant = mw.p < alpha;
  const wholeAbove = change.low > band;
  const wholeBelow = change.high < -band;
  const worse = info.higherIsBetter ? wholeBelow : wholeAbove;
  const better = info.higherIsBetter ? wholeAbove : wholeBelow;
  const verdict: VerdictKind = significant && worse ? 'regression' : significant && better ? 'improvement' : 'unchanged';
  return {
    ...base,
    verdict,
    p: mw.p,
    change,
    baselineMedian: medianOf(baseline.samples),
    currentMedian: medianOf(current.samples),
  };
}

/** Largest sample the bootstrap resamples as it is. */
export const BOOTSTRAP_MAX_N = 1000;

/** At most BOOTSTRAP_MAX_N evenly spaced quantiles (midpoints) of the sample; small samples unchanged. */
export function thin(xs: readonly number[], max = BOOTSTRAP_MAX_N): number[] {
  if (xs.length <= max) return [...xs];
  const sorted = Float64Array.from(xs).sort();
  return Array.from({ length: max }, (_, i) => sorted[Math.floor(((i + 0.5) * sorted.length) / max)] as number);
}

function medianOf(xs: readonly number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? (s[mid] as number) : ((s[mid - 1] as number) + (s[mid] as number)) / 2;
}

export interface GateReport {
  verdicts: MetricVerdict[];
  regressions: number;
  improvements: number;
  alpha: number;
}

/** Compares every series by key; series only on one side are listed, never failed. */
export function gate(baseline: readonly Series[], current: readonly Series[], options: GateOptions = {}): GateReport {
  const currentByKey = new Map(current.map((s) => [s.key, s]));
  const verdicts: MetricVerdict[] = [];
  for (const b of baseline) {
    const c = currentByKey.get(b.key);
    const band = options.bands?.[b.kind] ?? METRIC_KINDS[b.kind].band;
    if (!c) {
      verdicts.push({ key: b.key, kind: b.kind, verdict: 'missing', band, baselineN: b.samples.length, currentN: 0, note: 'not in the current results' });
      continue;
    }
    verdicts.push(compareSeries(b, c, options));
    currentByKey.delete(b.key);
  }
  for (const c of currentByKey.values()) {
    const band = options.bands?.[c.kind] ?? METRIC_KINDS[c.kind].band;
    verdicts.push({ key: c.key, kind: c.kind, verdict: 'new', band, baselineN: 0, currentN: c.samples.length, note: 'not in the baseline' });
  }
  return {
    verdicts,
    regressions: verdicts.filter((v) => v.verdict === 'regression').length,
    improvements: verdicts.filter((v) => v.verdict === 'improvement').length,
    alpha: options.alpha ?? DEFAULT_ALPHA,
  };
}
