import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { benchRunSchema } from '../../reports/schema/index.ts';
import { parseScenarios } from '../../bench/index.ts';
import { ConfigError } from '../../reference/index.ts';
import { UsageError } from '../exit.ts';
import { benchCommand, selectScenarios } from './bench.ts';
import { reportCommand } from './report.ts';

const dir = mkdtempSync(join(tmpdir(), 'fulcrum-bench-cli-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const haproxyInstalled = (() => {
  try {
    execFileSync('haproxy', ['-v'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
})();

const SCENARIO = `
scenarios:
  - name: tiny
    question: does the CLI run a scenario file end to end?
    backends:
      - { id: a, model: { kind: fixed, ms: 0 } }
      - { id: b, model: { kind: fixed, ms: 1 } }
    variants:
      - { target: haproxy, algorithm: rr, mode: http }
      - { target: haproxy, algorithm: rr, mode: lvs-nat }
    load: { kind: closed, connections: 4, durationMs: 300 }
    repetitions: 2
    warmupMs: 100
`;

describe('bench options', () => {
  it('needs exactly one of --preset and --scenario, and a known preset', async () => {
    await expect(selectScenarios({ out: 'x' })).rejects.toBeInstanceOf(UsageError);
    await expect(selectScenarios({ out: 'x', preset: 'nope' })).rejects.toThrow(/unknown preset "nope": choose algorithms, targets, modes, calibration/);
    await expect(selectScenarios({ out: 'x', preset: 'targets', repetitions: '0' })).rejects.toThrow(/--repetitions must be a positive integer/);
  });

  it('--quick shortens every scenario; overrides apply', async () => {
    const { scenarios } = await selectScenarios({ out: 'x', preset: 'algorithms', quick: true, repetitions: '4' });
    for (const s of scenarios) {
      expect(s.load.durationMs).toBe(2000);
      expect(s.repetitions).toBe(4);
    }
  });

  it('a bad scenario file names the field', () => {
    const bad = SCENARIO.replace('kind: closed', 'kind: sometimes');
    expect(() => parseScenarios('s.yaml', bad)).toThrow(ConfigError);
    expect(() => parseScenarios('s.yaml', bad)).toThrow(/scenarios\[0\]\.load\.kind/);
    expect(() => parseScenarios('s.yaml', SCENARIO.replace('durationMs: 300', 'durationMs: 99999999'))).toThrow(/scenarios\[0\]\.load\.durationMs/);
  });
});

describe.skipIf(!haproxyInstalled)('bench + report end to end (skipped: haproxy is not installed)', () => {
  it('runs a scenario file against HAProxy, writes valid JSON and a report', async () => {
    const scenarioPath = join(dir, 'tiny.yaml');
    writeFileSync(scenarioPath, SCENARIO);
    const lines: string[] = [];
    const out = await benchCommand({ scenario: scenarioPath, out: join(dir, 'bench.json') }, ['fulcrum', 'bench', '--scenario', scenarioPath], (l) => lines.push(l));
    const run = benchRunSchema.parse(JSON.parse(readFileSync(out.json, 'utf8')));
    expect(run.command).toEqual(['fulcrum', 'bench', '--scenario', scenarioPath]);
    const [http, lvs] = run.results;
    expect(http!.samples).toHaveLength(2);
    expect(http!.samples.every((s) => s.requests > 0 && s.errors === 0)).toBe(true);
    expect(run.environment.targetVersions.haproxy).toMatch(/^2\./);
    expect(lvs!.unavailable).toMatch(/haproxy does not claim lvs:nat|runs in containers/);
    expect(readFileSync(out.html!, 'utf8')).toContain('<canvas');
    expect(lines.at(-1)).toMatch(/^report: /);

    const html = await reportCommand([out.json], { out: join(dir, 'r.html') });
    expect(readFileSync(html, 'utf8')).toContain('tiny');
    await expect(reportCommand([], { out: join(dir, 'r.html') })).rejects.toBeInstanceOf(UsageError);
    await expect(reportCommand([join(dir, 'none.json')], { out: join(dir, 'r.html') })).rejects.toThrow(/none\.json: cannot read/);
  });
});
