import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../reference/index.ts';
import { builtinNames, builtinScenario } from './builtins.ts';
import { parseSimScenario, quickScenario } from './scenario.ts';

const ok = `
name: t
backends:
  - { count: 3, model: { kind: exponential, meanMs: 5 }, concurrency: 2 }
  - { id: big, model: { kind: bimodal, fastMs: 1, slowMs: 40, slowFraction: 0.05 }, speed: 2, weight: 3 }
algorithms: [rr, { name: p2c, draws: distinct }]
arrivals: { rate: 100 }
requests: 5000
incidents: [{ backends: [b2], fromMs: 10, toMs: 20, kind: down }]
`;

function problems(text: string): string[] {
  try {
    parseSimScenario('s.yaml', text);
  } catch (err) {
    expect(err).toBeInstanceOf(ConfigError);
    expect((err as ConfigError).code).toBe('FULCRUM_ERR_CONFIG');
    return [...(err as ConfigError).problems];
  }
  return [];
}

describe('simulation scenarios', () => {
  it('expands backend groups into ids and fills defaults', () => {
    const s = parseSimScenario('s.yaml', ok);
    expect(s.backends.map((b) => b.id)).toEqual(['b1', 'b2', 'b3', 'big']);
    expect(s.backends[0]).toMatchObject({ concurrency: 2, speed: 1, weight: 1 });
    expect(s.backends[3]).toMatchObject({ concurrency: Infinity, speed: 2, weight: 3 });
    expect(s.incidents[0]).toMatchObject({ backends: [1], kind: 'down' });
    expect(s).toMatchObject({ balancers: 1, view: { kind: 'global' }, retries: 1, seed: 1, detectMs: 1000, durationMs: Infinity });
    expect(quickScenario(s).requests).toBe(1000);
  });

  it('names the bad field and what is wrong', () => {
    expect(problems(ok.replace('rate: 100', 'rate: -1'))).toEqual(['arrivals.rate: Too small: expected number to be >0']);
    expect(problems(ok.replace('[rr,', '[rrr,'))[0]).toMatch(/^algorithms\[0\]: algorithm rrr: option "name" is not a known algorithm/);
    expect(problems(ok.replace('draws: distinct', 'draws: sometimes'))[0]).toMatch(/^algorithms\[1\]: algorithm p2c: option "draws"/);
    expect(problems(ok.replace('backends: [b2]', 'backends: [b9]'))).toEqual(['incidents[0].backends[0]: no backend "b9" (ids are b1, b2, b3, big)']);
    expect(problems(ok.replace('toMs: 20', 'toMs: 5'))).toEqual(['incidents[0].toMs: must be after fromMs (10)']);
    expect(problems(ok.replace('kind: down', 'kind: slow'))).toEqual(['incidents[0].factor: a slow incident needs a factor (service times × factor)']);
    expect(problems(ok.replace('requests: 5000', ''))).toEqual(['requests: give requests, durationMs or both (arrivals stop at whichever comes first)']);
    expect(problems(ok.replace('concurrency: 2', 'concurrency: 0'))[0]).toMatch(/^backends\[0\]\.concurrency: /);
    expect(problems(ok.replace('name: t', 'name: t\ncolour: red'))[0]).toMatch(/colour/);
    expect(problems('{')[0]).toMatch(/^not YAML\/JSON/);
  });

  it('every builtin is valid and runs a quick version', () => {
    expect(builtinNames()).toEqual(['herd', 'heterogeneous', 'failure', 'scale']);
    for (const name of builtinNames()) {
      const s = builtinScenario(name);
      expect(s?.name).toBe(name);
      expect(quickScenario(s!).requests).toBeLessThanOrEqual(s!.requests);
    }
    expect(builtinScenario('nope')).toBeUndefined();
  });
});
