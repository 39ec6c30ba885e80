// Which CPU the generator gets, and which are left for the rest.
import { describe, expect, it } from 'vitest';
import { generatorUsed } from './measure.ts';
import { parseCpuList, planCpus } from './pinning.ts';
import { generatorHeadroom } from './runner.ts';
import type { BenchResult } from '../../reports/schema/index.ts';

describe('pinning the generator', () => {
  it('reads Cpus_allowed_list', () => {
    expect(parseCpuList('0-1')).toEqual([0, 1]);
    expect(parseCpuList('0-2,4,6-7\n')).toEqual([0, 1, 2, 4, 6, 7]);
    expect(parseCpuList('3')).toEqual([3]);
  });

  it('gives an external generator the last allowed CPU and the rest to the others, and says why not otherwise', () => {
    const wrk = { name: 'wrk', pinnable: true };
    expect(planCpus(wrk, [0, 1], '/usr/bin/taskset')).toEqual({ pinned: true, generatorCpu: 1, otherCpus: '0', note: 'wrk pinned to CPU 1; balancers and backends to CPU 0' });
    expect(planCpus(wrk, [0, 1, 2, 3], '/usr/bin/taskset')).toMatchObject({ generatorCpu: 3, otherCpus: '0,1,2' });
    expect(planCpus(wrk, [0], '/usr/bin/taskset')).toMatchObject({ pinned: false, note: 'only 1 CPU allowed: nothing to pin apart' });
    expect(planCpus(wrk, [0, 1], undefined)).toMatchObject({ pinned: false, note: 'taskset (util-linux) not found: not pinned' });
    expect(planCpus({ name: 'autocannon', pinnable: false }, [0, 1], '/usr/bin/taskset')).toMatchObject({ pinned: false, note: "autocannon runs inside fulcrum's own process: not pinned" });
  });
});

describe('what drives a scenario', () => {
  const wrk = { name: 'wrk' as const };
  const h2load = { name: 'h2load' as const, closeConnectionsUnsupported: 'no' };
  it('open loop is always the built-in generator; close-per-request falls back where the generator cannot', () => {
    expect(generatorUsed({ kind: 'open', connections: 4, durationMs: 1000, rate: 10 }, wrk)).toBe('open-loop');
    expect(generatorUsed({ kind: 'closed', connections: 4, durationMs: 1000 }, wrk)).toBe('wrk');
    expect(generatorUsed({ kind: 'closed', connections: 4, durationMs: 1000, closeConnections: true }, wrk)).toBe('wrk');
    expect(generatorUsed({ kind: 'closed', connections: 4, durationMs: 1000, closeConnections: true }, h2load)).toBe('new-connection-loop');
    expect(generatorUsed({ kind: 'closed', connections: 4, durationMs: 1000, closeConnections: true }, { name: 'autocannon' })).toBe('new-connection-loop');
  });

  it('headroom is the median ceiling over the median req/s, closed loop only', () => {
    const r = { samples: [{ rps: 10 }, { rps: 30 }, { rps: 20 }] } as unknown as BenchResult;
    expect(generatorHeadroom(r, { kind: 'closed', connections: 1, durationMs: 1 }, [50, 70, 60])).toBe(3);
    expect(generatorHeadroom(r, { kind: 'open', connections: 1, durationMs: 1, rate: 5 }, [60])).toBeUndefined();
    expect(generatorHeadroom({ samples: [] } as unknown as BenchResult, { kind: 'closed', connections: 1, durationMs: 1 }, [60])).toBeUndefined();
  });
});
