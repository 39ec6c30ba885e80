import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { BENCH_SCHEMA, type BenchRun } from '../../reports/schema/index.ts';
import { UsageError } from '../exit.ts';
import { gateCommand } from './gate.ts';

const dir = mkdtempSync(join(tmpdir(), 'fulcrum-gate-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function run(rps: number[], p99: number[]): BenchRun {
  return {
    schema: BENCH_SCHEMA,
    startedAt: '2026-11-24T13:00:00.000Z',
    durationMs: 1,
    command: ['fulcrum', 'bench'],
    environment: { node: 'v20', kernel: 'k', os: 'Linux', cpus: 2, cpuModel: 'x', fulcrumVersion: '0.1.0', targetVersions: {} },
    ceiling: {},
    results: [
      {
        id: 's/haproxy/rr/http',
        scenario: 's',
        target: 'haproxy',
        algorithm: 'rr',
        mode: 'http',
        load: 'closed',
        connections: 8,
        durationMs: 1000,
        backends: [],
        generatorBound: false,
        samples: rps.map((r, i) => ({
          repetition: i,
          order: i,
          requests: Math.round(r),
          rps: r,
          latencyMs: { p50: p99[i]! / 3, p90: p99[i]! / 2, p99: p99[i]!, p999: p99[i]! * 2, max: p99[i]! * 3, mean: p99[i]! / 3 },
          errors: 0,
          non2xx: 0,
          backendShares: {},
          timeline: [],
        })),
      },
    ],
  };
}

const write = (name: string, data: unknown) => {
  const p = join(dir, name);
  writeFileSync(p, typeof data === 'string' ? data : JSON.stringify(data));
  return p;
};

const baseRps = [10_000, 10_150, 9_900, 10_050, 9_950, 10_100];
const baseP99 = [5, 5.2, 4.9, 5.1, 5.05, 4.95];

describe('fulcrum gate', () => {
  it('exit 0 when nothing regressed', async () => {
    const { exitCode, markdown } = await gateCommand({ baseline: write('a.json', run(baseRps, baseP99)), current: write('b.json', run(baseRps.map((x) => x * 1.01), baseP99)) });
    expect(exitCode).toBe(0);
    expect(markdown).toContain('no regression');
  });

  it('exit 1 on a 15 % throughput loss, with the metric in the Markdown', async () => {
    const { exitCode, markdown, report } = await gateCommand({ baseline: write('a.json', run(baseRps, baseP99)), current: write('c.json', run(baseRps.map((x) => x * 0.85), baseP99)) });
    expect(exitCode).toBe(1);
    expect(report.verdicts.find((v) => v.key === 's/haproxy/rr/http rps')!.verdict).toBe('regression');
    expect(markdown).toContain('| s/haproxy/rr/http rps | ❌ regression |');
  });

  it('a wider band given on the command line lets the same loss pass', async () => {
    const { exitCode } = await gateCommand({ baseline: write('a.json', run(baseRps, baseP99)), current: write('c.json', run(baseRps.map((x) => x * 0.85), baseP99)), band: ['throughput=20'] });
    expect(exitCode).toBe(0);
  });

  it('bad input is a usage error (exit 2)', async () => {
    await expect(gateCommand({ baseline: write('a.json', run(baseRps, baseP99)) })).rejects.toBeInstanceOf(UsageError);
    await expect(gateCommand({ baseline: write('bad.json', '{'), current: write('a.json', run(baseRps, baseP99)) })).rejects.toThrow(/bad\.json: not JSON/);
    await expect(gateCommand({ baseline: join(dir, 'missing.json'), current: write('a.json', run(baseRps, baseP99)) })).rejects.toThrow(/missing\.json: cannot read \(ENOENT\)/);
    await expect(gateCommand({ baseline: write('a.json', run(baseRps, baseP99)), current: write('a.json', run(baseRps, baseP99)), band: ['speed=3'] })).rejects.toBeInstanceOf(UsageError);
    const micro = write('m.json', { schema: 'fulcrum/micro@1', benchmarks: [{ name: 'x', samplesNs: [1, 2, 3] }] });
    await expect(gateCommand({ baseline: write('a.json', run(baseRps, baseP99)), current: micro })).rejects.toThrow(/compare like with like/);
  });

  it('several micro runs per side: one median per run', async () => {
    const micro = (name: string, ns: number) => write(name, { schema: 'fulcrum/micro@1', benchmarks: [{ name: 'pick rr N=100', samplesNs: [ns * 0.9, ns, ns * 1.1, ns * 5] }] });
    const base = [10, 10.2, 9.9, 10.1, 10.05].map((ns, i) => micro(`mb${i}.json`, ns));
    const slower = [12, 12.2, 11.9, 12.1, 12.05].map((ns, i) => micro(`mc${i}.json`, ns));
    const { exitCode, report } = await gateCommand({ baseline: base, current: slower });
    expect(report.verdicts[0]).toMatchObject({ key: 'pick rr N=100', verdict: 'regression', baselineN: 5, currentN: 5 });
    expect(exitCode).toBe(1);
  });
});
