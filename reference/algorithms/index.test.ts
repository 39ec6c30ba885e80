import { existsSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { schedulerFactory, schedulerNames } from './index.ts';

describe('registry', () => {
  it('finds every scheduler by its config string, one file each', () => {
    const names = schedulerNames();
    // The whole catalogue of issue 3.
    expect([...names].sort()).toEqual(
      ['dh', 'ewma', 'first', 'fo', 'iphash', 'lblc', 'lblcr', 'lc', 'maglev', 'nq', 'ovf', 'p2c', 'random', 'rendezvous', 'ring', 'rr', 'sed', 'sh', 'wlc', 'wrandom', 'wrr'],
    );
    for (const name of names) expect(schedulerFactory(name)!.needsKey).toBe(['sh', 'dh', 'iphash', 'ring', 'maglev', 'rendezvous', 'lblc', 'lblcr'].includes(name));
    expect(new Set(names).size).toBe(names.length);
    for (const name of names) {
      const f = schedulerFactory(name)!;
      expect(f.name).toBe(name);
      expect(f.description.length).toBeGreaterThan(5);
      expect(f.create().name).toBe(name);
      // One file per scheduler, named after its config string, opening with a comment citing its source.
      const file = new URL(`./${name}.ts`, import.meta.url);
      expect(existsSync(file)).toBe(true);
      expect(readFileSync(file, 'utf8').startsWith(`// ${name}: `)).toBe(true);
    }
  });

  it('answers undefined for an unknown name', () => {
    expect(schedulerFactory('nope')).toBeUndefined();
  });
});
