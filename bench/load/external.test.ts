// External generators: found on PATH or a clear, coded error; pinned with taskset; killed at their bound.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { findOnPath, GeneratorMissingError, pinnedArgv, runBounded } from './external.ts';
import { generatorNamed, isGeneratorName } from './generators.ts';

const dir = mkdtempSync(join(tmpdir(), 'fulcrum-external-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('external generators', () => {
  it('finds executables on PATH only', () => {
    writeFileSync(join(dir, 'fake-gen'), '#!/bin/sh\n', { mode: 0o755 });
    writeFileSync(join(dir, 'not-exec'), '', { mode: 0o644 });
    expect(findOnPath('fake-gen', `/nonexistent:${dir}`)).toBe(join(dir, 'fake-gen'));
    expect(findOnPath('not-exec', dir)).toBeUndefined();
  });

  it('names the missing generator and how to install it', async () => {
    const path = process.env.PATH;
    process.env.PATH = dir;
    try {
      for (const name of ['wrk', 'h2load'] as const) {
        const err = await generatorNamed(name).version().catch((e: unknown) => e);
        expect(err).toBeInstanceOf(GeneratorMissingError);
        expect((err as GeneratorMissingError).code).toBe('FULCRUM_ERR_GENERATOR_MISSING');
        expect((err as Error).message).toMatch(new RegExp(`"${name}" needs the program ${name}.*apt-get install`));
      }
    } finally {
      process.env.PATH = path;
    }
    expect(await generatorNamed('autocannon').version()).toMatch(/^autocannon \d+\./);
    expect([isGeneratorName('wrk'), isGeneratorName('ab')]).toEqual([true, false]);
  });

  it('puts taskset in front only with a CPU and a taskset', () => {
    expect(pinnedArgv(['wrk', '-t1'], 1, '/usr/bin/taskset')).toEqual(['/usr/bin/taskset', '-c', '1', 'wrk', '-t1']);
    expect(pinnedArgv(['wrk', '-t1'], undefined, '/usr/bin/taskset')).toEqual(['wrk', '-t1']);
    expect(pinnedArgv(['wrk', '-t1'], 1, undefined)).toEqual(['wrk', '-t1']);
  });

  it('kills a run that outlives its bound, with its group', async () => {
    const t0 = performance.now();
    await expect(runBounded(['sh', '-c', 'sleep 5 & sleep 5'], 200, 'sleepy')).rejects.toThrow(/sleepy did not finish within 200 ms and was killed/);
    expect(performance.now() - t0).toBeLessThan(2000);
    expect((await runBounded(['sh', '-c', 'echo out; echo err >&2; exit 3'], 5000, 'sh')).code).toBe(3);
  });
});
