import { describe, expect, it } from 'vitest';
import { buildMatrix, matrixHtml, matrixMarkdown } from './matrix.ts';
import { resultsSchema, summarize, type CheckResult, type Results } from './schema/index.ts';

function run(name: string, checks: CheckResult[], version?: string): Results {
  return resultsSchema.parse({
    schema: 'fulcrum/results@1',
    startedAt: '2026-01-01T00:00:00.000Z',
    durationMs: 10,
    environment: { node: 'v20', os: 'linux', cpus: 2, fulcrumVersion: '0.1.0' },
    target: { name, capabilities: [], driver: 'containers', ...(version ? { version } : {}) },
    checks,
    summary: summarize(checks),
  });
}

const reference = run('reference', [
  { id: 'distribution.rr', title: 'Round robin', status: 'pass' },
  { id: 'health.failover', title: 'Failover', status: 'pass' },
]);
const nginx = run(
  'nginx',
  [
    { id: 'distribution.rr', title: 'Round robin', status: 'pass' },
    { id: 'health.failover', title: 'Failover', status: 'skip', reason: 'target nginx does not claim health:http' },
    { id: 'source.weird', title: 'A <weird> | check', status: 'fail', reason: 'saw <b>|x\nsecond line' },
  ],
  '1.22.1',
);

describe('matrix', () => {
  it('lines up checks × targets, marking checks a target never ran as absent', () => {
    const m = buildMatrix([reference, nginx]);
    expect(m.checks.map((c) => c.id)).toEqual(['distribution.rr', 'health.failover', 'source.weird']);
    expect(m.cells).toEqual([
      [{ status: 'pass' }, { status: 'pass' }],
      [{ status: 'pass' }, { status: 'skip', reason: 'target nginx does not claim health:http' }],
      [{ status: 'absent' }, { status: 'fail', reason: 'saw <b>|x\nsecond line' }],
    ]);
    expect(m.targets.map((t) => [t.name, t.version, t.summary])).toEqual([
      ['reference', undefined, { passed: 2, failed: 0, skipped: 0 }],
      ['nginx', '1.22.1', { passed: 1, failed: 1, skipped: 1 }],
    ]);
  });

  it('renders Markdown with reasons, escaped pipes, and totals', () => {
    const md = matrixMarkdown(buildMatrix([reference, nginx]));
    expect(md.split('\n').slice(0, 6)).toEqual([
      '| check | reference | nginx 1.22.1 |',
      '|---|---|---|',
      '| `distribution.rr` | pass | pass |',
      '| `health.failover` | pass | skip (target nginx does not claim health:http) |',
      '| `source.weird` | — | fail (saw <b>\\|x) |',
      '| **passed / failed / skipped** | 2 / 0 / 0 | 1 / 1 / 1 |',
    ]);
    expect(md).toContain('Driver: containers.');
  });

  it('renders HTML with every untrusted string escaped', () => {
    const html = matrixHtml(buildMatrix([reference, nginx]));
    expect(html).toContain('<td class="fail" title="saw &lt;b&gt;|x\nsecond line">fail<small>saw &lt;b&gt;|x</small></td>');
    expect(html).toContain('A &lt;weird&gt; | check');
    expect(html).not.toContain('<b>');
    expect(html).not.toMatch(/<script|https?:\/\//); // self-contained: nothing loaded from anywhere
  });
});
