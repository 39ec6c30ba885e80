import { describe, expect, it } from 'vitest';
import { campaign } from './watchdog.ts';

describe('the fuzz watchdog', () => {
  it('ends a worker stuck on one input and reports that input as a hang', async () => {
    const r = await campaign(
      { target: 'hang-fixture', targetModule: new URL('./hang-fixture.test-helpers.ts', import.meta.url).href, seed: 1, count: 100_000, durationMs: 30_000, hangMs: 250, strict: false },
      1000,
    );
    expect(r.crashes).toHaveLength(1);
    expect(r.crashes[0]!.kind).toBe('hang');
    expect(Buffer.from(r.crashes[0]!.input).toString('latin1')).toMatch(/^PROXY T/);
  }, 40_000);

  it('runs a built-in target to its count without a hang', async () => {
    const r = await campaign({ target: 'proxy-header', seed: 1, count: 2000, durationMs: 20_000, hangMs: 500, strict: false }, 10_000);
    expect(r.inputs).toBe(2000);
    expect(r.crashes).toEqual([]);
  }, 40_000);
});
