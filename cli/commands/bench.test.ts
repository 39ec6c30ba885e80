import { execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, readlinkSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { benchRunSchema } from '../../reports/schema/index.ts';
import { defaultResolveTarget, parseScenarios, renderVariant, variantScenario } from '../../bench/index.ts';
import { FileTarget, loadTargetFile, referenceConfig, resolveTarget } from '../../harness/index.ts';
import { ConfigError } from '../../reference/index.ts';
import { UsageError } from '../exit.ts';
import { benchCommand, generatorOption, selectScenarios } from './bench.ts';
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
    await expect(selectScenarios({ out: 'x', preset: 'nope' })).rejects.toThrow(/unknown preset "nope": choose algorithms, targets, modes, ceiling, calibration/);
    await expect(selectScenarios({ out: 'x', preset: 'targets', repetitions: '0' })).rejects.toThrow(/--repetitions must be a positive integer/);
  });

  it('--quick shortens every scenario; overrides apply', async () => {
    const { scenarios } = await selectScenarios({ out: 'x', preset: 'algorithms', quick: true, repetitions: '4' });
    for (const s of scenarios) {
      expect(s.load.durationMs).toBe(2000);
      expect(s.repetitions).toBe(4);
    }
  });

  it('--generator takes autocannon, wrk or h2load and names the choices otherwise', () => {
    expect([generatorOption(undefined), generatorOption('wrk'), generatorOption('h2load'), generatorOption('autocannon')]).toEqual([undefined, 'wrk', 'h2load', 'autocannon']);
    expect(() => generatorOption('ab')).toThrow(/unknown --generator "ab": choose autocannon, wrk, h2load/);
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

describe('fulcrum bench --preset targets --quick: the targets of fulcrum conformance', () => {
  const listen = { host: '127.20.0.1', port: 18080 };
  const serving = [1, 2, 3].map((i) => ({ id: `b${i}`, host: `127.30.0.${i}`, port: 19000 + i }));

  it('resolves through the harness registry and renders the harness target files with their bench profile', async () => {
    expect(defaultResolveTarget).toBe(resolveTarget); // the function `fulcrum conformance --target` uses
    const { scenarios } = await selectScenarios({ out: 'x', preset: 'targets', quick: true });
    const variants = scenarios.flatMap((scenario) => scenario.variants.map((variant) => ({ scenario, variant })));
    expect(new Set(variants.map((v) => v.variant.target))).toEqual(new Set(['reference', 'haproxy', 'nginx']));
    for (const { scenario, variant } of variants) {
      const target = (await defaultResolveTarget(variant.target))!;
      const launch = renderVariant(target, scenario, variant, listen, serving);
      const s = variantScenario(scenario, variant, listen, serving);
      expect(s.profile).toBe('bench');
      if (variant.target === 'reference') {
        expect(launch.files[0]!.content).toContain(`listen: ${listen.host}:${listen.port}`);
        expect(referenceConfig(s)).toMatchObject({ listeners: [{ mode: variant.mode, algorithm: { name: 'rr' } }] });
        continue;
      }
      // The very file in harness/targets/files/, rendered with the same view.
      const file = fileURLToPath(new URL(`../../harness/targets/files/${variant.target}.yaml`, import.meta.url));
      expect(launch, `${variant.target} ${variant.mode}`).toEqual(new FileTarget(await loadTargetFile(file), file).render(s));
    }
    const haproxy = (await defaultResolveTarget('haproxy'))!;
    const [scenario] = scenarios;
    const cfg = renderVariant(haproxy, scenario!, scenario!.variants.find((v) => v.target === 'haproxy')!, listen, serving).files[0]!.content;
    expect(cfg).toContain('option forwardfor'); // the target file's own line
    expect(cfg).toContain('nbthread 1'); // its bench profile
    // The algorithm mapping is the target file's: HAProxy's "random" alone would be power of two.
    const random = renderVariant(haproxy, scenario!, { target: 'haproxy', algorithm: 'random', mode: 'http' }, listen, serving).files[0]!.content;
    expect(random).toContain('balance random(1)');
  });
});

/** Descendants of pid (children, their children …) with their command lines. */
function descendants(pid: number): { pid: number; args: string }[] {
  const rows = execFileSync('ps', ['-e', '-o', 'pid=,ppid=,args='], { encoding: 'utf8' })
    .split('\n')
    .map((l) => /^\s*(\d+)\s+(\d+)\s+(.*)$/.exec(l))
    .filter((m): m is RegExpExecArray => m !== null)
    .map((m) => ({ pid: Number(m[1]), ppid: Number(m[2]), args: m[3]! }));
  const found: { pid: number; args: string }[] = [];
  const queue = [pid];
  while (queue.length) {
    const parent = queue.shift()!;
    for (const r of rows.filter((row) => row.ppid === parent)) {
      found.push({ pid: r.pid, args: r.args });
      queue.push(r.pid);
    }
  }
  return found;
}

/** Running, not a zombie (an orphan's zombie lingers until this sandbox's init reaps it). */
function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) !== 'Z';
  } catch {
    return false;
  }
}

/** utime + stime of one process, in clock ticks (/proc/<pid>/stat fields 14 and 15). */
function cpuTicks(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return Number(f[11]) + Number(f[12]);
}

describe('fulcrum bench: Ctrl-C', () => {
  it('under load, SIGINT stops the balancer, the backends and the generator, and exits 130', { timeout: 120_000 }, async () => {
    // Long warm-ups: once the null target's is reported, the balancer takes load for 5 s.
    const scenarioPath = join(dir, 'sigint.yaml');
    writeFileSync(
      scenarioPath,
      `scenarios:
  - name: sigint
    backends: [{ id: a, model: { kind: fixed, ms: 0 } }, { id: b, model: { kind: fixed, ms: 0 } }]
    variants: [{ target: reference, algorithm: rr, mode: http }]
    load: { kind: closed, connections: 4, durationMs: 20000 }
    repetitions: 1
    warmupMs: 5000
`,
    );
    const bin = fileURLToPath(new URL('../../bin/fulcrum.js', import.meta.url));
    const child = spawn(process.execPath, [bin, 'bench', '--scenario', scenarioPath, '-o', join(dir, 'sigint.json'), '--no-html'], { stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    const exited = new Promise<number | null>((r) => child.once('exit', (code) => r(code)));
    try {
      await new Promise<void>((resolve, reject) => {
        child.stderr.on('data', (d: Buffer) => {
          stderr += d.toString();
          if (/\[1\/4\] null target .*warm-up/.test(stderr)) resolve();
        });
        void exited.then((code) => reject(new Error(`bench exited (${code}) before it was under load: ${stderr}`)));
        setTimeout(() => reject(new Error(`bench was not under load within 90 s: ${stderr}`)), 90_000).unref();
      });
      const started = descendants(child.pid!);
      const balancer = started.find((p) => p.args.includes('serve --config'));
      expect(balancer, JSON.stringify(started)).toBeDefined();
      expect(started.some((p) => p.args.includes('host-main'))).toBe(true);
      const balancerDir = readlinkSync(`/proc/${balancer!.pid}/cwd`);
      // Under load: the balancer is busy forwarding the generator's requests.
      const before = cpuTicks(balancer!.pid);
      await new Promise((r) => setTimeout(r, 500));
      expect(cpuTicks(balancer!.pid)).toBeGreaterThan(before);

      child.kill('SIGINT');
      expect(await exited).toBe(130);
      expect(stderr).toContain('fulcrum: SIGINT, stopping everything started');
      expect(started.filter((p) => alive(p.pid))).toEqual([]);
      expect(existsSync(balancerDir)).toBe(false);
      expect(existsSync(join(dir, 'sigint.json'))).toBe(false);
    } finally {
      child.kill('SIGKILL');
    }
  });
});
