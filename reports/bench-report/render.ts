// Report model → one self-contained HTML page: chart.js inlined, data embedded, no network.
// Every string from results goes through escapeHtml (markup) or jsonForScript (script data).
import { escapeHtml, jsonForScript } from '../html.ts';
import type { Results } from '../schema/index.ts';
import { chartsFor, colorAt, type ChartSpec } from './charts.ts';
import { chartJsSource } from './chartjs-source.ts';
import { CLIENT_SCRIPT } from './client-script.ts';
import { MAX_SHARE_BACKENDS, type BenchSection, type ReportModel, type VariantRow } from './model.ts';

const e = escapeHtml;

export function fmt(n: number | undefined, digits = 3): string {
  if (n === undefined || !Number.isFinite(n)) return '–';
  if (n === 0) return '0';
  if (Math.abs(n) >= 1000) return Math.round(n).toLocaleString('en-US');
  return Number(n.toPrecision(digits)).toString();
}

function environmentBlock(model: ReportModel): string {
  return model.runs
    .map(({ source, run }) => {
      const env = run.environment;
      const items: [string, string | undefined][] = [
        ['file', source],
        ['preset', run.preset],
        ['started', run.startedAt],
        ['took', `${(run.durationMs / 1000).toFixed(0)} s`],
        ['node', env.node],
        ['kernel', env.kernel],
        ['cpus', `${env.cpus} × ${env.cpuModel}`],
        ['load avg at start', env.loadavg?.join(' ')],
        ['fulcrum', `${env.fulcrumVersion}${env.gitSha ? ` (${env.gitSha.slice(0, 12)})` : ''}`],
        ...Object.entries(env.targetVersions).map(([t, v]): [string, string] => [t, v]),
      ];
      return `<div class="run"><div class="cmd"><code>$ ${e(run.command.join(' '))}</code></div><div class="env">${items
        .filter(([, v]) => v)
        .map(([k, v]) => `<span>${e(k)}: <b>${e(v)}</b></span>`)
        .join('')}</div></div>`;
    })
    .join('');
}

function resultsTable(section: BenchSection): string {
  const sim = section.rows.some((r) => r.imbalance !== undefined);
  const open = !sim && section.rows.some((r) => r.late !== undefined);
  const head = ['variant', 'median req/s', 'min–max req/s', 'reps', 'p50 ms', 'p90 ms', 'p99 ms', 'p99.9 ms', 'max ms', 'errors', 'non-2xx', ...(open ? ['late', 'dropped'] : []), ...(sim ? ['max/mean load', 'peak in flight', 'events/s'] : ['LB CPU ms / 1k req']), 'note'];
  const row = (r: VariantRow, i: number) => {
    if (r.unavailable) return `<tr class="unavailable"><td>${swatch(i)}${e(r.label)}</td><td colspan="${head.length - 2}">unavailable</td><td>${e(r.unavailable)}</td></tr>`;
    const note = r.generatorBound ? '<span class="warn" title="within 10% of what the generator reaches against a null target: the generator, not the target, may be the limit">generator-bound</span>' : '';
    const cells = [
      fmt(r.rps.median),
      `${fmt(r.rps.min)}–${fmt(r.rps.max)}`,
      String(r.repetitions),
      fmt(r.latency.p50),
      fmt(r.latency.p90),
      fmt(r.latency.p99),
      fmt(r.latency.p999),
      fmt(r.latency.max),
      String(r.errors),
      String(r.non2xx),
      ...(open ? [String(r.late ?? 0), String(r.dropped ?? 0)] : []),
      ...(sim ? [fmt(r.imbalance?.maxOverMean), String(r.imbalance?.peakInFlight ?? '–'), fmt(r.eventsPerSecond)] : [fmt(r.cpuMsPer1k)]),
    ];
    return `<tr><td>${swatch(i)}${e(r.label)}</td>${cells.map((c) => `<td class="num">${e(c)}</td>`).join('')}<td>${note}</td></tr>`;
  };
  const ceiling = section.ceilingRps === undefined ? '' : `<caption>generator ceiling against a null target: <b>${e(fmt(section.ceilingRps))}</b> req/s</caption>`;
  return `<table class="data">${ceiling}<thead><tr>${head.map((h) => `<th>${e(h)}</th>`).join('')}</tr></thead><tbody>${section.rows.map(row).join('')}</tbody></table>`;
}

function sharesTable(section: BenchSection): string {
  const rows = section.rows.filter((r) => !r.unavailable && r.repetitions > 0);
  const ids = section.backends.map((b) => b.id);
  return `<table class="data"><thead><tr><th>variant</th>${ids.map((b) => `<th>${e(b)}</th>`).join('')}</tr></thead><tbody>${rows
    .map((r) => `<tr><td>${e(r.label)}</td>${ids.map((b) => `<td class="num">${e(((r.shares[b] ?? 0) * 100).toFixed(1))}%</td>`).join('')}</tr>`)
    .join('')}</tbody></table>`;
}

/** Each backend with its model; past MAX_SHARE_BACKENDS, how many share each description. */
function backendsLine(section: BenchSection): string {
  const describe = (b: BenchSection['backends'][number]) => b.description ?? b.model.kind;
  if (section.backends.length <= MAX_SHARE_BACKENDS) return section.backends.map((b) => `<b>${e(b.id)}</b> (${e(describe(b))})`).join(', ');
  const groups = new Map<string, number>();
  for (const b of section.backends) groups.set(describe(b), (groups.get(describe(b)) ?? 0) + 1);
  return [...groups].map(([d, n]) => `<b>${n.toLocaleString('en-US')}</b> × ${e(d)}`).join(', ');
}

const swatch = (i: number) => `<i class="sw" style="background:${colorAt(i)}"></i>`;

function canvas(spec: ChartSpec): string {
  return `<div class="chart" data-kind="${e(spec.kind)}"><canvas id="${e(spec.id)}" role="img" aria-label="${e(spec.title)}"></canvas></div>`;
}

function sectionHtml(section: BenchSection, charts: ChartSpec[]): string {
  const byKind = new Map(charts.map((c) => [c.kind, c]));
  const pair = (kind: ChartSpec['kind'], side: string) => {
    const c = byKind.get(kind);
    return c ? `<div class="pair">${canvas(c)}${side}</div>` : '';
  };
  const timelines = ['timeline-rps', 'timeline-p99'].map((k) => byKind.get(k as ChartSpec['kind'])).filter((c): c is ChartSpec => !!c);
  return `<section id="${e(section.key)}">
<h2>${e(section.title)}</h2>
${section.question ? `<p class="question">${e(section.question)}</p>` : ''}
<p class="load">${e(section.load)}. Backends: ${backendsLine(section)}.</p>
${resultsTable(section)}
${pair('throughput', '')}
${byKind.has('percentiles') ? `<div class="pair">${canvas(byKind.get('percentiles') as ChartSpec)}</div>` : ''}
${timelines.length ? `<div class="grid2">${timelines.map(canvas).join('')}</div>` : ''}
${pair('shares', sharesTable(section))}
${pair('imbalance', '')}
</section>`;
}

function matrixHtml(conformance: ReportModel['conformance']): string {
  if (conformance.length === 0) return '';
  const names = conformance.map((c) => c.results.target.name);
  const column = (c: { source: string; results: Results }, i: number) => (names.indexOf(names[i] as string) !== names.lastIndexOf(names[i] as string) ? `${c.results.target.name} (${c.source})` : c.results.target.name);
  const checkIds: string[] = [];
  const titles = new Map<string, string>();
  for (const c of conformance)
    for (const ch of c.results.checks) {
      if (!titles.has(ch.id)) checkIds.push(ch.id);
      titles.set(ch.id, ch.title);
    }
  const cell = (c: { results: Results }, id: string) => {
    const ch = c.results.checks.find((x) => x.id === id);
    if (!ch) return '<td class="cell none" title="not run">–</td>';
    const label = ch.status.toUpperCase();
    return `<td class="cell ${ch.status}" title="${e(ch.reason ?? 'passed')}">${label}</td>`;
  };
  return `<section id="conformance"><h2>Conformance matrix</h2>
<p class="question">Each check against each target; hover a cell for the reason.</p>
<table class="data matrix"><thead><tr><th>check</th>${conformance.map((c, i) => `<th>${e(column(c, i))}</th>`).join('')}</tr></thead><tbody>${checkIds
    .map((id) => `<tr><td><code>${e(id)}</code><div class="sub">${e(titles.get(id))}</div></td>${conformance.map((c) => cell(c, id)).join('')}</tr>`)
    .join('')}</tbody></table>
<p class="totals">${conformance.map((c, i) => `${e(column(c, i))}: ${c.results.summary.passed} passed, ${c.results.summary.failed} failed, ${c.results.summary.skipped} skipped`).join(' · ')}</p></section>`;
}

const STYLE = `
  body { font: 14px/1.45 system-ui, sans-serif; margin: 1.5rem auto; max-width: 1180px; color: #1d2330; padding: 0 1rem; }
  h1 { font-size: 1.5rem; margin: 0 0 .4rem; } h2 { font-size: 1.2rem; margin: 2rem 0 .3rem; border-bottom: 2px solid #dde1e8; padding-bottom: .2rem; }
  .run { background: #f5f6f8; border-radius: 6px; padding: .5rem .8rem; margin: .4rem 0; }
  .cmd code { font-size: .9rem; } .env { color: #556; display: flex; flex-wrap: wrap; gap: .1rem 1.1rem; font-size: .85rem; } .env b { color: #1d2330; font-weight: 600; }
  nav a { margin-right: 1rem; }
  .question { font-style: italic; margin: .2rem 0; } .load { color: #445; margin: .2rem 0 .6rem; }
  table.data { border-collapse: collapse; font-size: .85rem; margin: .4rem 0 .8rem; }
  table.data th, table.data td { border-bottom: 1px solid #e3e6ec; padding: .25rem .5rem; text-align: left; }
  table.data th { background: #f0f2f5; font-weight: 600; } table.data caption { text-align: left; color: #445; padding: .2rem 0; }
  td.num { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
  tr.unavailable td { color: #7a8294; }
  .warn { background: #fff3cd; color: #7a5b00; border-radius: 4px; padding: 0 .3rem; font-size: .8rem; white-space: nowrap; }
  .sw { display: inline-block; width: .7rem; height: .7rem; border-radius: 2px; margin-right: .35rem; vertical-align: -1px; }
  .chart { position: relative; height: 340px; min-width: 0; flex: 1 1 0; }
  .pair { display: flex; gap: 1rem; align-items: flex-start; margin: .6rem 0; } .pair > table { flex: 0 0 auto; }
  .grid2 { display: grid; grid-template-columns: 1fr 1fr; gap: 1rem; margin: .6rem 0; }
  .matrix td.cell { text-align: center; font-weight: 700; font-size: .75rem; cursor: help; }
  .cell.pass { background: #e3f5e8; color: #1f8a43; } .cell.fail { background: #fde4e4; color: #c62828; } .cell.skip { background: #eef0f4; color: #7a8294; }
  .sub { color: #667; font-size: .8rem; } .totals { color: #445; }
  footer { margin-top: 2rem; color: #667; font-size: .8rem; border-top: 1px solid #dde1e8; padding-top: .5rem; }
`;

export function renderBenchReport(model: ReportModel, title = 'fulcrum benchmark report'): string {
  const sections = model.sections.map((s) => ({ s, charts: chartsFor(s) }));
  const specs = sections.flatMap(({ charts }) => charts);
  const nav = [...model.sections.map((s) => `<a href="#${e(s.key)}">${e(s.title)}</a>`), ...(model.conformance.length ? ['<a href="#conformance">conformance</a>'] : [])].join('');
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${e(title)}</title>
<style>${STYLE}</style></head>
<body>
<h1>${e(title)}</h1>
${environmentBlock(model)}
<nav>${nav}</nav>
${sections.map(({ s, charts }) => sectionHtml(s, charts)).join('\n')}
${matrixHtml(model.conformance)}
<footer>Latencies are HDR histogram percentiles (µs resolution); open-loop latencies are measured from each request's intended send time (coordinated omission corrected).
Variants run interleaved (A B A B …) after one warm-up each, so drift spreads over all of them. Self-contained: chart.js ${e('4')} is inlined; no network is used.</footer>
<script type="application/json" id="chart-specs">${jsonForScript(specs)}</script>
<script>${chartJsSource()}</script>
<script>${CLIENT_SCRIPT}</script>
</body></html>
`;
}
