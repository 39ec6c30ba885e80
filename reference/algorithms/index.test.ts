import { existsSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { schedulerFactory, schedulerNames } from './index.ts';

describe('registry', () => {
  it('finds every scheduler by its config string, one file each', () => {
    const names = schedulerNames();
    expect(names).toEqual(expect.arrayContaining(['rr', 'wrr', 'lc', 'random']));
    expect(new Set(names).size).toBe(names.length);
    for (const name of names) {
      const f = schedulerFactory(name)!;
      expect(f.name).toBe(name);
      expect(f.description.length).toBeGreaterThan(5);
      expect(f.create().name).toBe(name);
      expect(existsSync(new URL(`./${name}.ts`, import.meta.url))).toBe(true);
    }
  });

  it('answers undefined for an unknown name', () => {
    expect(schedulerFactory('nope')).toBeUndefined();
  });
});
