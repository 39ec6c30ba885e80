// Pearson's chi-square goodness of fit, with the distribution from @stdlib (no hand-written
// special functions).
import cdf from '@stdlib/stats-base-dists-chisquare-cdf';
import quantile from '@stdlib/stats-base-dists-chisquare-quantile';

export interface ChiSquareResult {
  statistic: number;
  degreesOfFreedom: number;
  pValue: number;
  /** Reject uniformity when statistic > critical, i.e. pValue < alpha. */
  critical: number;
  reject: boolean;
}

export function chiSquareTest(observed: readonly number[], expectedShares: readonly number[], alpha: number): ChiSquareResult {
  const n = observed.reduce((a, b) => a + b, 0);
  let statistic = 0;
  observed.forEach((o, i) => {
    const e = n * (expectedShares[i] as number);
    statistic += ((o - e) * (o - e)) / e;
  });
  const degreesOfFreedom = observed.length - 1;
  const critical = quantile(1 - alpha, degreesOfFreedom);
  return { statistic, degreesOfFreedom, pValue: 1 - cdf(statistic, degreesOfFreedom), critical, reject: statistic > critical };
}
