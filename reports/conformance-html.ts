// results.json → a self-contained HTML summary of one conformance run: no scripts, no network,
// readable offline and attachable to a CI run. Each check shows its verdict, reason, metrics and evidence.
import { escapeHtml } from './html.ts';
import type { CheckResult, Results } from './schema/index.ts';

const STATUS_LABEL = { pass: 'PASS', fail: 'FAIL', skip: 'SKIP' } as const;

function metricsTable(metrics: Record<string, number> | undefined): string {
  if (!metrics || Object.keys(metrics).length === 0) return '';
  const rows = Object.entries(metrics)
    .map(([k, v]) => `<tr><th>${escapeHtml(k)}</th><td>${escapeHtml(formatNumber(v))}</td></tr>`)
    .join('');
  return `<table class="metrics">${rows}</table>`;
}

function formatNumber(v: number): string {
  if (Number.isInteger(v)) return String(v);
  if (Math.abs(v) > 0 && Math.abs(v) < 1e-3) return v.toExponential(3);
  return v.toFixed(3);
}

function checkRow(check: CheckResult): string {
  const evidence =
    check.evidence === undefined
      ? ''
      : `<details${check.status === 'fail' ? ' open' : ''}><summary>evidence</summary><pre>${escapeHtml(JSON.stringify(check.evidence, null, 2))}</pre></details>`;
  const ffp =
    check.falseFailureProbability === undefined
      ? ''
      : `<div class="note">false-failure probability ≤ ${escapeHtml(formatNumber(check.falseFailureProbability))}</div>`;
  const duration = check.durationMs === undefined ? '' : `${(check.durationMs / 1000).toFixed(1)} s`;
  return `<tr class="${check.status}" id="${escapeHtml(check.id)}">
  <td><span class="badge ${check.status}">${STATUS_LABEL[check.status]}</span></td>
  <td><code>${escapeHtml(check.id)}</code><div>${escapeHtml(check.title)}</div>${ffp}</td>
  <td>${check.reason ? escapeHtml(check.reason) : ''}${metricsTable(check.metrics)}${evidence}</td>
  <td class="num">${duration}</td>
</tr>`;
}

export function toConformanceHtml(results: Results): string {
  const { target, environment: env, summary } = results;
  const title = `fulcrum conformance: ${target.name}`;
  const envItems: Array<[string, string | undefined]> = [
    ['target', `${target.name}${target.version ? ` ${target.version}` : ''}`],
    ['driver', target.driver],
    ['started', results.startedAt],
    ['duration', `${(results.durationMs / 1000).toFixed(1)} s`],
    ['node', env.node],
    ['os', env.os],
    ['cpus', String(env.cpus)],
    ['fulcrum', `${env.fulcrumVersion}${env.gitSha ? ` (${env.gitSha.slice(0, 12)})` : ''}`],
  ];
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(title)}</title>
<style>
  body { font: 14px/1.45 system-ui, sans-serif; margin: 2rem auto; max-width: 1100px; color: #1d2330; padding: 0 1rem; }
  h1 { font-size: 1.4rem; margin-bottom: .2rem; }
  .env { color: #556; display: flex; flex-wrap: wrap; gap: .3rem 1.2rem; margin: .5rem 0 1rem; }
  .env b { color: #1d2330; font-weight: 600; }
  .summary { display: flex; gap: 1rem; margin: 1rem 0; }
  .summary div { padding: .6rem 1rem; border-radius: 6px; font-size: 1.1rem; }
  .summary .pass { background: #e3f5e8; } .summary .fail { background: #fde4e4; } .summary .skip { background: #eef0f4; }
  table.checks { border-collapse: collapse; width: 100%; }
  table.checks > tbody > tr > td, table.checks > thead th { border-top: 1px solid #dde1e8; padding: .5rem; vertical-align: top; text-align: left; }
  .badge { display: inline-block; font-weight: 700; font-size: .75rem; padding: .15rem .45rem; border-radius: 4px; color: #fff; }
  .badge.pass { background: #1f8a43; } .badge.fail { background: #c62828; } .badge.skip { background: #7a8294; }
  tr.fail { background: #fff7f7; }
  .note { color: #667; font-size: .8rem; }
  table.metrics { border-collapse: collapse; margin: .3rem 0; font-size: .85rem; }
  table.metrics th { text-align: left; font-weight: 500; color: #556; padding-right: 1rem; }
  pre { background: #f5f6f8; padding: .5rem; overflow: auto; max-height: 24rem; font-size: .8rem; }
  .num { text-align: right; white-space: nowrap; }
</style></head>
<body>
<h1>${escapeHtml(title)}</h1>
<div class="env">${envItems
    .filter(([, v]) => v !== undefined && v !== '')
    .map(([k, v]) => `<span>${escapeHtml(k)}: <b>${escapeHtml(v)}</b></span>`)
    .join('')}</div>
<div class="env">capabilities: ${target.capabilities.map((c) => `<code>${escapeHtml(c)}</code>`).join(' ')}</div>
<div class="summary"><div class="pass">${summary.passed} passed</div><div class="fail">${summary.failed} failed</div><div class="skip">${summary.skipped} skipped</div></div>
<table class="checks">
<thead><tr><th>verdict</th><th>check</th><th>reason, metrics, evidence</th><th class="num">time</th></tr></thead>
<tbody>
${results.checks.map(checkRow).join('\n')}
</tbody></table>
</body></html>
`;
}
