import { describe, expect, it } from 'vitest';
import { liveGroups, type Scenario, type Target, type TargetLaunch } from '../../harness/index.ts';
import { benchRunSchema } from '../../reports/schema/index.ts';
import type { BenchScenario } from '../scenarios/types.ts';
import { parseStat } from './cpu.ts';
import { interleave } from './plan.ts';
import { runBench } from './runner.ts';

/** A plain node:http round-robin proxy, launched like any target (files + command). */
const PROXY = `
import http from 'node:http';
const cfg = JSON.parse(process.argv[2]);
const agent = new http.Agent({ keepAlive: true, maxSockets: 64 });
let next = 0;
http.createServer((req, res) => {
  const b = cfg.backends[next++ % cfg.backends.length];
  const up = http.request({ host: b.host, port: b.port, path: req.url, method: req.method, headers: req.headers, agent }, (r) => {
    res.writeHead(r.statusCode, r.headers);
    r.pipe(res);
  });
  up.on('error', () => { res.statusCode = 502; res.end(); });
  req.pipe(up);
}).listen(cfg.listen.port, cfg.listen.host);
`;

const fixtureTarget: Target = {
  name: 'node-proxy',
  capabilities: ['http', 'algorithm:rr'],
  version: async () => 'fixture',
  available: async () => ({ ok: true }),
  render(s: Scenario): TargetLaunch {
    return {
      files: [{ path: 'proxy.mjs', content: PROXY }],
      command: [process.execPath, '{{dir}}/proxy.mjs', JSON.stringify({ listen: s.listen, backends: s.backends })],
      readyWhen: { tcp: s.listen },
    };
  },
};

describe('interleaved plan', () => {
  it('warms every variant up once, then alternates A B A B', () => {
    const plan = interleave(['A', 'B'], 2);
    expect(plan.map((p) => `${p.variant}${p.warmup ? 'w' : p.repetition}`)).toEqual(['Aw', 'Bw', 'A0', 'B0', 'A1', 'B1']);
    expect(plan.map((p) => p.order)).toEqual([0, 1, 2, 3, 4, 5]);
  });
});

describe('/proc stat parsing', () => {
  it('reads pgrp and utime+stime even with spaces in the command name', () => {
    const stat = '1234 (node my proc) S 1 1234 1234 0 -1 4194304 100 0 0 0 250 50 0 0 20 0 11 0 1000 0 0';
    expect(parseStat(stat)).toEqual({ pgrp: 1234, ticks: 300 });
  });
});

describe('runBench', () => {
  it('measures a launched proxy and the null target, interleaved, and cleans up', async () => {
    const scenario: BenchScenario = {
      name: 'fixture',
      question: 'does the runner work end to end?',
      backends: [
        { id: 'a', model: { kind: 'fixed', ms: 0 } },
        { id: 'b', model: { kind: 'uniform', minMs: 0, maxMs: 2 } },
      ],
      variants: [
        { target: 'node-proxy', algorithm: 'rr', mode: 'http' },
        { target: 'node-proxy', algorithm: 'rr', mode: 'lvs-dr' },
        { target: 'nope', algorithm: 'rr', mode: 'http' },
      ],
      load: { kind: 'closed', connections: 4, durationMs: 1000 },
      repetitions: 2,
      warmupMs: 100,
    };
    const lines: string[] = [];
    const groupsUnderLoad: number[] = [];
    const progress = (l: string) => {
      lines.push(l);
      if (l.includes('rep 1')) groupsUnderLoad.push(liveGroups().length);
    };
    const run = await runBench([scenario], { command: ['fulcrum', 'bench', 'test'], progress, resolveTarget: (n) => (n === 'node-proxy' ? fixtureTarget : undefined) });
    // The proxy and the backend host ran as process groups the harness's cleanup tracks; none is left.
    expect(groupsUnderLoad).toEqual([2, 2]);
    expect(liveGroups()).toEqual([]);
    expect(benchRunSchema.safeParse(run).success).toBe(true);
    expect(run.ceiling.fixture!.rps).toHaveLength(2);
    expect(run.environment.targetVersions).toEqual({ 'node-proxy': 'fixture' });
    const [proxied, lvs, missing] = run.results;
    expect(proxied!.samples).toHaveLength(2);
    for (const s of proxied!.samples) {
      expect(s.requests).toBeGreaterThan(20);
      // Every answered request reached exactly one backend; at the stop, up to one request per
      // connection was served but its answer never read.
      const shares = Object.values(s.backendShares);
      const served = shares.reduce((a, b) => a + b, 0);
      expect(served).toBeGreaterThanOrEqual(s.requests);
      expect(served).toBeLessThanOrEqual(s.requests + 4);
      expect(Math.abs(shares[0]! - shares[1]!)).toBeLessThanOrEqual(4);
      expect(s.balancerCpuSeconds).toBeGreaterThan(0);
      expect(s.timeline).toHaveLength(1); // one whole second
      expect(s.timeline[0]!.rps).toBeGreaterThan(0);
    }
    // Samples alternate with the null target's runs: orders are warm-ups (0, 1) then 2,3 and 4,5.
    expect(proxied!.samples.map((s) => s.order)).toEqual([3, 5]);
    // LVS variants need a target of the harness that claims the mode (and a container engine).
    expect(lvs!.unavailable).toMatch(/unknown target "node-proxy"|runs in containers/);
    expect(missing!.unavailable).toBe('no target named "nope"');
    expect(lines.some((l) => l.includes('rep 2'))).toBe(true);
  });
});
