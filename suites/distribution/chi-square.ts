// Pearson's chi-square goodness of fit, with the distribution from @stdlib (no hand-written
// special functions).
import cdf from '@stdlib/stats-base-dists-chisquare-cdf';
import quantile from '@stdlib/stats-base-dists-chisquare-quantile';

export interface ChiSquareResult {
  /** Pearson's X² before any widening. */
  statistic: number;
  /** X² / dispersion: what is compared with the χ² quantile (equal to statistic when dispersion is 1). */
  scaled: number;
  /** φ ≥ 1: how much more than multinomial the counts may vary (1: the plain test). */
  dispersion: number;
  degreesOfFreedom: number;
  pValue: number;
  /** Reject uniformity when statistic > critical, i.e. pValue < alpha. */
  critical: number;
  reject: boolean;
}

/** Pearson's goodness of fit. With dispersion φ > 1 the statistic is divided by φ first: counts that
 *  come from shares that are themselves random (a hash ring's arcs) vary φ times more than multinomial
 *  counts, and X²/φ is then approximately χ²(k−1). */
export function chiSquareTest(observed: readonly number[], expectedShares: readonly number[], alpha: number, dispersion = 1): ChiSquareResult {
  const n = observed.reduce((a, b) => a + b, 0);
  let statistic = 0;
  observed.forEach((o, i) => {
    const e = n * (expectedShares[i] as number);
    statistic += ((o - e) * (o - e)) / e;
  });
  const degreesOfFreedom = observed.length - 1;
  const scaled = statistic / dispersion;
  const critical = quantile(1 - alpha, degreesOfFreedom);
  return { statistic, scaled, dispersion, degreesOfFreedom, pValue: 1 - cdf(scaled, degreesOfFreedom), critical, reject: scaled > critical };
}
