import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { describe, expect, it } from 'vitest';
import { formatSummary, toConformanceHtml, toJUnit, writeRunOutputs } from './index.ts';
import { collectEnvironment, RESULTS_SCHEMA, resultsSchema, summarize, type CheckResult, type Results } from './schema/index.ts';

function sampleResults(checks: CheckResult[]): Results {
  return {
    schema: RESULTS_SCHEMA,
    startedAt: '2026-11-24T13:00:00.000Z',
    durationMs: 4200,
    environment: collectEnvironment(),
    target: { name: 'reference', version: '0.1.0', capabilities: ['http', 'algorithm:rr'], driver: 'local' },
    checks,
    summary: summarize(checks),
  };
}

const hostile = 'got <script>alert("x")</script> & \u0001 \'quoted\'';
const checks: CheckResult[] = [
  { id: 'distribution.rr', title: 'round robin gives each backend an equal cyclic share', status: 'pass', durationMs: 800, metrics: { requests: 300 } },
  { id: 'source.xff', title: 'client address in X-Forwarded-For', status: 'fail', reason: hostile, evidence: { seen: ['<b>'] }, durationMs: 120 },
  { id: 'health.failover', title: 'a dead backend stops getting work', status: 'skip', reason: 'target lacks health:http' },
];

describe('results schema', () => {
  it('accepts a consistent results object', () => {
    expect(resultsSchema.safeParse(sampleResults(checks)).success).toBe(true);
  });

  it('rejects a summary that disagrees with the checks, naming the field', () => {
    const bad = { ...sampleResults(checks), summary: { passed: 3, failed: 0, skipped: 0 } };
    const parsed = resultsSchema.safeParse(bad);
    expect(parsed.success).toBe(false);
    expect(parsed.error?.issues.map((i) => i.path.join('.'))).toContain('summary.passed');
  });

  it('requires a reason on fail and skip', () => {
    const noReason = sampleResults([{ id: 'a.b', title: 't', status: 'fail' }]);
    const parsed = resultsSchema.safeParse(noReason);
    expect(parsed.success).toBe(false);
    expect(parsed.error?.issues[0]?.path).toEqual(['checks', 0, 'reason']);
  });

  it('rejects another schema version', () => {
    expect(resultsSchema.safeParse({ ...sampleResults(checks), schema: 'fulcrum/results@2' }).success).toBe(false);
  });
});

describe('junit', () => {
  const xml = toJUnit(sampleResults(checks));

  it('is well-formed XML even with hostile text', () => {
    expect(XMLValidator.validate(xml)).toBe(true);
  });

  it('maps pass, fail and skip to testcases CI understands', () => {
    const doc = new XMLParser({ ignoreAttributes: false }).parse(xml);
    const suite = doc.testsuites.testsuite;
    expect(suite['@_tests']).toBe('3');
    expect(suite['@_failures']).toBe('1');
    expect(suite['@_skipped']).toBe('1');
    const [pass, fail, skip] = suite.testcase;
    expect(pass.failure).toBeUndefined();
    expect(fail.failure['@_message']).toContain('<script>');
    expect(skip.skipped['@_message']).toBe('target lacks health:http');
  });
});

describe('html summary', () => {
  const html = toConformanceHtml(sampleResults(checks));

  it('escapes every untrusted string', () => {
    expect(html).not.toContain('<script>');
    expect(html).toContain('&lt;script&gt;');
    expect(html).toContain('&quot;&lt;b&gt;&quot;');
    expect(html).not.toContain('"<b>"');
  });

  it('shows each check with its verdict and the totals', () => {
    for (const c of checks) expect(html).toContain(`id="${c.id}"`);
    expect(html).toContain('1 passed');
    expect(html).toContain('1 failed');
    expect(html).toContain('1 skipped');
    expect(html).not.toMatch(/<script|https?:\/\//); // self-contained: nothing to fetch
  });
});

describe('terminal summary and outputs', () => {
  it('prints one line per check, the totals and the report path', () => {
    const text = formatSummary(sampleResults(checks), '/tmp/x/report.html');
    expect(text.split('\n')).toHaveLength(checks.length + 3);
    expect(text).toContain('FAIL  source.xff');
    expect(text).toContain('1 passed, 1 failed, 1 skipped');
    expect(text).toContain('report: /tmp/x/report.html');
  });

  it('collapses three or more skips with one reason into one line', () => {
    const why = 'LVS modes need hosts on real L2 segments: run with --driver containers';
    const many = [...checks, ...['lvs.nat.a', 'lvs.dr.b', 'lvs.tun.c'].map((id) => ({ id, title: id, status: 'skip' as const, reason: why }))];
    const results = { ...sampleResults(many), summary: { passed: 1, failed: 1, skipped: 4 } };
    const text = formatSummary(results);
    expect(text.split('\n')).toHaveLength(checks.length + 1 + 2);
    expect(text).toMatch(/skip {2}lvs\.nat\.a … lvs\.tun\.c \(3 checks\) +LVS modes need/);
    expect(text).toContain('FAIL  source.xff');
  });

  it('writes results.json, junit.xml and report.html, and refuses invalid results', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'fulcrum-reports-'));
    try {
      const out = await writeRunOutputs(sampleResults(checks), dir);
      const written = JSON.parse(await readFile(out.resultsPath, 'utf8'));
      expect(resultsSchema.parse(written).checks).toHaveLength(3);
      expect(await readFile(out.junitPath, 'utf8')).toContain('<testsuites');
      expect(await readFile(out.htmlPath, 'utf8')).toContain('<!doctype html>');
      await expect(writeRunOutputs({ ...sampleResults(checks), summary: { passed: 0, failed: 0, skipped: 0 } }, dir)).rejects.toThrow();
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
