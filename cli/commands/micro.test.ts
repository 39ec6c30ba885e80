import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { microResultsSchema } from '../../reports/schema/index.ts';
import { UsageError } from '../exit.ts';
import { micro } from './micro.ts';

describe('fulcrum micro', () => {
  it('runs a quick, narrowed benchmark and writes a valid fulcrum/micro@1 file with raw samples', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'fulcrum-micro-'));
    try {
      const out = join(dir, 'sub', 'micro.json');
      let printed = '';
      await micro({ quick: true, out, n: '10,30', only: 'rr,maglev', qualityKeys: '300' }, (t) => (printed += t));
      const results = microResultsSchema.parse(JSON.parse(await readFile(out, 'utf8')));
      expect(results.quick).toBe(true);
      expect(results.benchmarks.map((b) => b.name)).toEqual(['pick rr N=10', 'pick rr N=30', 'pick maglev N=10', 'pick maglev N=30', 'build maglev N=100']);
      for (const b of results.benchmarks) {
        expect(b.samplesNs.length).toBeGreaterThan(0);
        expect(b.meanNs).toBeGreaterThan(0);
        expect(b.p99Ns).toBeGreaterThanOrEqual(b.p50Ns);
      }
      expect(results.growth.map((g) => g.scheduler)).toEqual(['rr', 'maglev']);
      expect(results.quality.map((q) => `${q.scheduler}@${q.n}`)).toEqual(['ring@10', 'ring@100', 'maglev@10', 'maglev@100', 'rendezvous@10', 'rendezvous@100']);
      expect(printed).toContain('pick() mean per call');
      expect(printed).toContain('measured growth');
      expect(printed).toContain(`results: ${out}`);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('rejects bad usage with a clear message', async () => {
    await expect(micro({ only: 'rr,nope' }, () => {})).rejects.toThrow(UsageError);
    await expect(micro({ only: 'nope' }, () => {})).rejects.toThrow(/--only: unknown scheduler\(s\) nope/);
    await expect(micro({ n: '10,x' }, () => {})).rejects.toThrow(/--n wants positive whole numbers/);
    await expect(micro({ clock: 'sundial' }, () => {})).rejects.toThrow(/--clock is wall or cpu/);
  });
});
