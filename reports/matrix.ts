// The matrix: one conformance results file per target → a table of check × target with
// pass / fail / skip(reason), as Markdown (README) and a self-contained HTML page. Pure: drawn
// from results JSON alone.
import { escapeHtml } from './html.ts';
import type { Results } from './schema/index.ts';

export interface MatrixCell {
  status: 'pass' | 'fail' | 'skip' | 'absent';
  reason?: string;
}

export interface Matrix {
  targets: { name: string; version?: string; driver?: string; summary: Results['summary'] }[];
  checks: { id: string; title: string }[];
  /** cells[checkIndex][targetIndex] */
  cells: MatrixCell[][];
}

/** Checks in first-seen order across all results; a check a target never ran is 'absent'. */
export function buildMatrix(runs: readonly Results[]): Matrix {
  const checks: Matrix['checks'] = [];
  const seen = new Set<string>();
  for (const run of runs) {
    for (const c of run.checks) {
      if (!seen.has(c.id)) {
        seen.add(c.id);
        checks.push({ id: c.id, title: c.title });
      }
    }
  }
  const cells = checks.map((check) =>
    runs.map((run): MatrixCell => {
      const c = run.checks.find((x) => x.id === check.id);
      if (!c) return { status: 'absent' };
      return c.reason !== undefined && c.status !== 'pass' ? { status: c.status, reason: c.reason } : { status: c.status };
    }),
  );
  return {
    targets: runs.map((r) => ({
      name: r.target.name,
      ...(r.target.version ? { version: r.target.version } : {}),
      ...(r.target.driver ? { driver: r.target.driver } : {}),
      summary: r.summary,
    })),
    checks,
    cells,
  };
}

const firstLine = (s: string) => s.split('\n')[0] ?? '';

/** Markdown cell text: pipes and newlines would break the table. */
function mdCell(cell: MatrixCell): string {
  const text = cell.status === 'absent' ? '—' : cell.reason ? `${cell.status} (${firstLine(cell.reason)})` : cell.status;
  return text.replace(/\|/g, '\\|');
}

function targetHeading(t: Matrix['targets'][number]): string {
  return `${t.name}${t.version ? ` ${t.version}` : ''}`;
}

export function matrixMarkdown(m: Matrix): string {
  const head = `| check | ${m.targets.map((t) => targetHeading(t).replace(/\|/g, '\\|')).join(' | ')} |`;
  const rule = `|---|${m.targets.map(() => '---').join('|')}|`;
  const rows = m.checks.map((c, i) => `| \`${c.id}\` | ${(m.cells[i] ?? []).map(mdCell).join(' | ')} |`);
  const totals = `| **passed / failed / skipped** | ${m.targets.map((t) => `${t.summary.passed} / ${t.summary.failed} / ${t.summary.skipped}`).join(' | ')} |`;
  const drivers = [...new Set(m.targets.map((t) => t.driver).filter(Boolean))];
  const note = drivers.length > 0 ? `\nDriver: ${drivers.join(', ')}.\n` : '';
  return `${[head, rule, ...rows, totals].join('\n')}\n${note}`;
}

const STYLE = `body{font:14px/1.4 system-ui,sans-serif;margin:2em;color:#222}table{border-collapse:collapse}
th,td{border:1px solid #ccc;padding:.35em .6em;text-align:left;vertical-align:top}th{background:#f4f4f4}
.pass{background:#e6f4e6}.fail{background:#fbe3e3}.skip{background:#f4f1e0;color:#665}.absent{color:#999}
td small{display:block;color:#555;max-width:28em}code{font-size:13px}`;

export function matrixHtml(m: Matrix, title = 'fulcrum conformance matrix'): string {
  const head = `<tr><th>check</th>${m.targets.map((t) => `<th>${escapeHtml(targetHeading(t))}${t.driver ? `<br><small>driver ${escapeHtml(t.driver)}</small>` : ''}</th>`).join('')}</tr>`;
  const rows = m.checks
    .map((c, i) => {
      const cells = (m.cells[i] ?? [])
        .map((cell) => {
          if (cell.status === 'absent') return '<td class="absent">—</td>';
          const reason = cell.reason ? `<small>${escapeHtml(firstLine(cell.reason))}</small>` : '';
          return `<td class="${cell.status}"${cell.reason ? ` title="${escapeHtml(cell.reason)}"` : ''}>${cell.status}${reason}</td>`;
        })
        .join('');
      return `<tr><td><code>${escapeHtml(c.id)}</code><br><small>${escapeHtml(c.title)}</small></td>${cells}</tr>`;
    })
    .join('\n');
  const totals = `<tr><th>passed / failed / skipped</th>${m.targets.map((t) => `<td>${t.summary.passed} / ${t.summary.failed} / ${t.summary.skipped}</td>`).join('')}</tr>`;
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>${escapeHtml(title)}</title><style>${STYLE}</style></head>
<body><h1>${escapeHtml(title)}</h1>
<table>
${head}
${rows}
${totals}
</table>
</body></html>
`;
}
