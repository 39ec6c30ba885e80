import { describe, expect, it } from 'vitest';
import { algorithmLabel } from './types.ts';
import { presets } from './presets.ts';

describe('algorithm labels in result ids', () => {
  it('are the bare name without options, name(k=v,…) with keys sorted', () => {
    expect(algorithmLabel({ algorithm: 'p2c' })).toBe('p2c');
    expect(algorithmLabel({ algorithm: 'p2c', options: { draws: 'distinct', choices: 3 } })).toBe('p2c(choices=3,draws=distinct)');
  });

  it('the algorithms preset compares both p2c draw semantics', () => {
    const labels = presets['algorithms']!.scenarios[0]!.variants.map(algorithmLabel);
    expect(labels).toContain('p2c');
    expect(labels).toContain('p2c(draws=distinct)');
  });
});
