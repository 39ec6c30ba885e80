// The gate's Markdown summary for CI logs: the verdict first, then one row per metric.
import type { GateReport, MetricVerdict } from './compare.ts';
import { METRIC_KINDS } from './metrics.ts';

const ICON: Record<MetricVerdict['verdict'], string> = {
  regression: '❌ regression',
  improvement: '✅ improvement',
  unchanged: '· unchanged',
  insufficient: '⚠ too few samples',
  missing: '⚠ missing',
  new: '· new',
};

const pct = (x: number) => `${x >= 0 ? '+' : ''}${(x * 100).toFixed(1)}%`;
const num = (x: number | undefined) => (x === undefined ? '–' : x >= 100 ? x.toFixed(0) : x >= 1 ? x.toFixed(2) : x.toPrecision(3));
/** Table cells must not break the row. */
const cell = (s: string) => s.replace(/\|/g, '\\|').replace(/\n/g, ' ');

export function gateMarkdown(report: GateReport, title = 'fulcrum gate'): string {
  const headline =
    report.regressions > 0
      ? `**${report.regressions} regression${report.regressions === 1 ? '' : 's'}** (exit 1)`
      : `no regression (${report.improvements} improvement${report.improvements === 1 ? '' : 's'})`;
  const lines = [
    `## ${title}: ${headline}`,
    '',
    `A metric regresses when the Mann–Whitney U test gives p < ${report.alpha} **and** the bootstrap` +
      ' interval of the relative change of its 20 % trimmed mean (90 % two-sided: each end a one-sided 95 % bound)' +
      ' lies wholly beyond the noise band on the bad side.',
    '',
    '| metric | verdict | baseline median | current median | change [CI] | band | p | n |',
    '|---|---|---:|---:|---|---:|---:|---|',
  ];
  const order: MetricVerdict['verdict'][] = ['regression', 'improvement', 'insufficient', 'missing', 'unchanged', 'new'];
  const sorted = [...report.verdicts].sort((a, b) => order.indexOf(a.verdict) - order.indexOf(b.verdict));
  for (const v of sorted) {
    const unit = METRIC_KINDS[v.kind].unit;
    const change = v.change ? `${pct(v.change.estimate)} [${pct(v.change.low)}, ${pct(v.change.high)}]` : (v.note ?? '–');
    lines.push(
      `| ${cell(v.key)} | ${ICON[v.verdict]} | ${num(v.baselineMedian)} ${unit} | ${num(v.currentMedian)} ${unit} | ${cell(change)} | ±${(v.band * 100).toFixed(0)}% | ${v.p === undefined ? '–' : v.p.toPrecision(2)} | ${v.baselineN}/${v.currentN} |`,
    );
  }
  return `${lines.join('\n')}\n`;
}
