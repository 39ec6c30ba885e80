import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { benchRunSchema } from '../../reports/schema/index.ts';
import { main } from '../main.ts';

async function inTemp(f: (dir: string) => Promise<void>): Promise<void> {
  const dir = await mkdtemp(join(tmpdir(), 'fulcrum-sim-'));
  try {
    await f(dir);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

function capture(): { text: () => string; restore: () => void } {
  let out = '';
  const write = process.stderr.write.bind(process.stderr);
  const writeOut = process.stdout.write.bind(process.stdout);
  process.stderr.write = ((s: string) => ((out += s), true)) as typeof process.stderr.write;
  process.stdout.write = ((s: string) => ((out += s), true)) as typeof process.stdout.write;
  return { text: () => out, restore: () => ((process.stderr.write = write), (process.stdout.write = writeOut)) };
}

describe('fulcrum simulate', () => {
  it('runs a builtin quickly: a valid bench@1 file with simulation fields, HTML beside it, a summary', async () => {
    await inTemp(async (dir) => {
      const json = join(dir, 'out', 'sim.json');
      const c = capture();
      let code: number;
      try {
        code = await main(['simulate', '--scenario', 'failure', '--quick', '--seed', '7', '--json', json]);
      } finally {
        c.restore();
      }
      expect(code).toBe(0);
      const run = benchRunSchema.parse(JSON.parse(await readFile(json, 'utf8')));
      expect(run.preset).toBe('failure');
      expect(run.results.map((r) => r.id)).toEqual(['failure/sim/rr/http', 'failure/sim/lc/http', 'failure/sim/p2c/http', 'failure/sim/ewma/http']);
      expect(run.results[0]?.simulation).toMatchObject({ balancers: 4, view: 'local', backendCount: 10 });
      expect(run.results[0]?.samples[0]?.simulation?.seed).toBe(7);
      expect(run.results[0]?.samples[0]?.errors).toBeGreaterThan(0);
      expect(await readFile(join(dir, 'out', 'sim.html'), 'utf8')).toContain('<canvas');
      expect(c.text()).toMatch(/\[1\/4\] rr: /); // progress
      expect(c.text()).toMatch(/events\/s/);
    });
  });

  it('exits 2 naming the problem: an unknown builtin, a bad field, a bad seed', async () => {
    await inTemp(async (dir) => {
      const bad = join(dir, 'bad.yaml');
      await writeFile(bad, 'name: x\nbackends: [{ model: { kind: fixed, ms: 1 } }]\nalgorithms: [lc]\narrivals: { rate: 0 }\nrequests: 10\n');
      const c = capture();
      const codes: number[] = [];
      try {
        codes.push(await main(['simulate', '--scenario', 'nosuch']));
        codes.push(await main(['simulate', '--scenario', bad, '--no-html', '--json', join(dir, 'x.json')]));
        codes.push(await main(['simulate', '--scenario', 'herd', '--seed', 'x']));
      } finally {
        c.restore();
      }
      expect(codes).toEqual([2, 2, 2]);
      expect(c.text()).toContain('"nosuch" is no builtin scenario (herd, heterogeneous, failure, scale) and no file');
      expect(c.text()).toContain('arrivals.rate: Too small');
      expect(c.text()).toContain('--seed must be a whole number');
    });
  });
});
