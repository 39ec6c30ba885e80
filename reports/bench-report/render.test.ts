import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { benchReportHtml, parseReportInput, ReportInputError, type ReportInput } from '../bench.ts';
import { chartsFor, PERCENTILE_X } from './charts.ts';
import { buildModel, labelsFor, meanTimeline, median } from './model.ts';

const FIXTURES = join(import.meta.dirname, 'fixtures');
const load = (name: string): ReportInput => parseReportInput(name, readFileSync(join(FIXTURES, name), 'utf8'));
const bench = (name: string) => {
  const i = load(name);
  if (i.kind !== 'bench') throw new Error('not bench');
  return i;
};

describe('report model', () => {
  it('medians, labels and per-second means', () => {
    expect(median([3, 1, 2, 10])).toBe(2.5);
    expect(labelsFor([{ target: 'a', algorithm: 'rr', mode: 'http' }, { target: 'b', algorithm: 'rr', mode: 'http' }] as never)).toEqual(['a', 'b']);
    expect(labelsFor([{ target: 'a', algorithm: 'rr', mode: 'http' }, { target: 'a', algorithm: 'lc', mode: 'tcp' }] as never)).toEqual(['rr http', 'lc tcp']);
    expect(meanTimeline([[{ t: 1, rps: 10, p50Ms: 1, p99Ms: 4 }], [{ t: 1, rps: 30, p50Ms: 3, p99Ms: 8 }, { t: 2, rps: 5, p50Ms: 1, p99Ms: 1 }]])).toEqual([
      { t: 1, rps: 20, p50Ms: 2, p99Ms: 6 },
      { t: 2, rps: 5, p50Ms: 1, p99Ms: 1 },
    ]);
  });

  it('one section per scenario; shares are fractions that sum to 1; rows keep the raw repetitions', () => {
    const { run, source } = bench('bench-algorithms.json');
    const model = buildModel([{ source, run }], []);
    expect(model.sections.map((s) => s.title)).toEqual([...new Set(run.results.map((r) => r.scenario))]);
    for (const section of model.sections) {
      for (const row of section.rows.filter((r) => !r.unavailable)) {
        const total = Object.values(row.shares).reduce((a, b) => a + b, 0);
        expect(total).toBeCloseTo(1, 9);
        const result = run.results.find((r) => r.id === row.id)!;
        expect(row.rps.all).toEqual(result.samples.map((s) => s.rps));
        expect(row.rps.min).toBeLessThanOrEqual(row.rps.median);
        expect(row.rps.max).toBeGreaterThanOrEqual(row.rps.median);
      }
    }
  });

  it('charts: throughput with spread, HDR percentile curve, shares; nothing for unavailable rows', () => {
    const { run, source } = bench('bench-targets.json');
    const [section] = buildModel([{ source, run }], []).sections;
    const charts = chartsFor(section!);
    expect(charts.map((c) => c.kind)).toEqual(expect.arrayContaining(['throughput', 'percentiles', 'shares']));
    const available = section!.rows.filter((r) => !r.unavailable);
    const throughput = charts.find((c) => c.kind === 'throughput')!;
    expect(throughput.config.data.labels).toEqual(available.map((r) => r.label));
    expect(throughput.config.data.datasets[1]!.data).toEqual(available.flatMap((r) => r.rps.all.map((y) => ({ x: r.label, y }))));
    const curve = charts.find((c) => c.kind === 'percentiles')!.config.data.datasets[0]!.data as { x: number; y: number }[];
    expect(curve.map((p) => p.x)).toEqual(Object.values(PERCENTILE_X));
    expect(curve[2]!.y).toBeCloseTo(Math.max(0.001, available[0]!.latency.p99), 9);
  });
});

describe('report HTML', () => {
  const inputs = ['bench-algorithms.json', 'bench-targets.json', 'bench-modes.json', 'results-reference.json', 'results-haproxy.json'].map(load);
  const html = benchReportHtml(inputs);

  it('is self-contained: chart.js inlined, no external scripts, styles or images', () => {
    // Booleans, not toContain: a failure must not print 200 kB of minified chart.js.
    expect(html.includes('"undefined"!=typeof window&&(window.Chart=')).toBe(true);
    expect(html.length).toBeGreaterThan(200_000);
    expect(/<(script|link|img|iframe)[^>]+(src|href)=/i.test(html)).toBe(false);
  });

  it('has the environment and command line at the top', () => {
    const top = html.slice(0, html.indexOf('<section'));
    const { run } = bench('bench-targets.json');
    expect(top).toContain(`$ ${run.command.join(' ')}`); // top is short: safe to print
    expect(top).toContain(run.environment.kernel);
    expect(top).toContain(run.environment.cpuModel);
  });

  it('has one canvas per chart spec and the spec JSON parses back', () => {
    const specs = JSON.parse(/<script type="application\/json" id="chart-specs">(.*?)<\/script>/s.exec(html)![1]!) as { id: string }[];
    const canvases = [...html.matchAll(/<canvas id="([^"]+)"/g)].map((m) => m[1]);
    expect(canvases).toEqual(specs.map((s) => s.id));
    expect(specs.length).toBeGreaterThanOrEqual(8);
  });

  it('shows unavailable variants with their reason, and tables beside charts', () => {
    expect(html.includes('lvs-dr needs the LVS packet engine')).toBe(true);
    expect((html.match(/<table class="data"/g) ?? []).length).toBeGreaterThanOrEqual(4);
  });

  it('draws the conformance matrix with the reason on hover, escaped', () => {
    expect(html.includes('<th>reference</th><th>haproxy</th>')).toBe(true);
    expect(html.includes('title="X-Forwarded-For missing: option forwardfor not set for this frontend">FAIL</td>')).toBe(true);
    expect(html.includes('&lt;script&gt;alert(1)&lt;/script&gt;')).toBe(true);
    expect(html.includes('<script>alert(1)</script>')).toBe(false);
  });

  it('escapes text from results everywhere, also inside the chart data', () => {
    const evil = bench('bench-targets.json');
    const run = structuredClone(evil.run);
    run.command = ['fulcrum', 'bench', '--x', '<img src=x onerror=alert(1)>'];
    run.results[0]!.target = '</script><script>alert(2)</script>';
    const out = benchReportHtml([{ kind: 'bench', source: 'e"vil.json', run }]);
    expect(out.includes('<img src=x')).toBe(false);
    expect(out.includes('</script><script>alert(2)')).toBe(false);
    expect(out.includes('&lt;img src=x onerror=alert(1)&gt;')).toBe(true);
    expect(out.includes('e&quot;vil.json')).toBe(true);
  });
});

describe('report inputs', () => {
  it('names the file and the field that is wrong', () => {
    expect(() => parseReportInput('x.json', '{"schema":"fulcrum/bench@1"}')).toThrow(/x\.json: not a valid fulcrum\/bench@1 file: startedAt/);
    expect(() => parseReportInput('y.json', '{"schema":"nope"}')).toThrow(ReportInputError);
    expect(() => parseReportInput('z.json', 'not json')).toThrow(/z\.json: not JSON/);
  });
});

describe('simulated runs (fulcrum simulate)', () => {
  it('draw load imbalance instead of per-backend shares past 24 backends, and say what was simulated', async () => {
    const { parseSimScenario, runSimulation } = await import('../../bench/index.ts');
    const scenario = parseSimScenario('t.yaml', 'name: t\nbackends: [{ count: 30, model: { kind: exponential, meanMs: 5 }, concurrency: 2 }]\nbalancers: 3\nview: local\nalgorithms: [rr, p2c]\narrivals: { rate: 3000 }\nrequests: 3000\n');
    const run = runSimulation(scenario, { command: ['fulcrum', 'simulate'] });
    const [section] = buildModel([{ source: 'sim.json', run }], []).sections;
    expect(section!.load).toMatch(/^simulated \(fulcrum simulate\): poisson arrivals at 3000 req\/s .* 3 balancer\(s\) .* view of backend load: local, 30 backends/);
    expect(section!.rows.map((r) => r.imbalance?.maxOverMean)).toEqual(run.results.map((r) => r.samples[0]!.imbalance!.maxOverMean));
    const kinds = chartsFor(section!).map((c) => c.kind);
    expect(kinds).toContain('imbalance');
    expect(kinds).not.toContain('shares');
    const html = benchReportHtml([{ kind: 'bench', source: 'sim.json', run }]);
    expect(html).toContain('<b>30</b> × exponential mean 5 ms, concurrency 2');
    expect(html).toContain('max/mean load');
  });
});
