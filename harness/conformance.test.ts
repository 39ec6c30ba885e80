import { describe, expect, it } from 'vitest';
import { resultsSchema } from '../reports/schema/index.ts';
import { basePlan, globToRegExp, runConformance, selectChecks } from './conformance.ts';
import type { Check, Target, Verdict } from './types.ts';
import type { Driver, StartedTopology } from './topology.ts';

const target = (over: Partial<Target> = {}): Target => ({
  name: 'fake',
  capabilities: ['http', 'algorithm:rr'],
  version: async () => '1.2.3',
  available: async () => ({ ok: true }),
  render: () => ({ files: [], command: ['true'] }),
  ...over,
});

function fakeDriver(log: string[], fail = false): Driver {
  return {
    name: 'fake',
    available: async () => ({ ok: true }),
    async start(spec) {
      log.push(`start ${spec.plan.algorithm.name}`);
      if (fail) throw new Error('balancer did not come up');
      const stop = async () => void log.push('stop');
      return { scenario: {} as never, entry: { host: '127.20.0.1', port: 1 }, clients: [], backends: [], balancer: { description: 'x', logs: () => 'last words', exited: () => undefined, stop }, backend: () => { throw new Error('none'); }, stop, [Symbol.asyncDispose]: stop } satisfies StartedTopology;
    },
  };
}

const check = (id: string, requires: string[], run: () => Promise<Verdict>): Check => ({ id, title: `title of ${id}`, requires, scenario: (b) => b, run });

describe('conformance runner', () => {
  it('selects checks by glob', () => {
    const checks = ['distribution.rr', 'distribution.wrr', 'source.xff', 'health.failover'].map((id) => check(id, [], async () => ({ status: 'pass' })));
    expect(selectChecks(checks, 'distribution.*').map((c) => c.id)).toEqual(['distribution.rr', 'distribution.wrr']);
    expect(selectChecks(checks, 'source.xff, health.*').map((c) => c.id)).toEqual(['source.xff', 'health.failover']);
    expect(selectChecks(checks, 'distribution.?r').map((c) => c.id)).toEqual(['distribution.rr']);
    expect(globToRegExp('a.b').test('aXb')).toBe(false);
    expect(basePlan().backends.map((b) => b.id)).toEqual(['b1', 'b2', 'b3']);
  });

  it('runs each check once, skips on missing capabilities, records failures and errors, tears down every topology', async () => {
    const log: string[] = [];
    let runs = 0;
    const checks = [
      check('a.pass', ['http'], async () => (runs++, { status: 'pass', metrics: { x: 1 } })),
      check('a.fail', ['http'], async () => (runs++, { status: 'fail', reason: 'wrong backend', evidence: { seq: 'b1 b1' } })),
      check('a.throws', [], async () => {
        runs++;
        throw new Error('socket hang up');
      }),
      check('a.needs', ['udp', 'forwarded'], async () => (runs++, { status: 'pass' })),
    ];
    const lines: string[] = [];
    const results = await runConformance({ target: target(), driver: fakeDriver(log), checks, progress: (l) => lines.push(l) });
    expect(runs).toBe(3);
    expect(resultsSchema.parse(results)).toBeTruthy();
    expect(results.checks.map((c) => [c.id, c.status])).toEqual([['a.pass', 'pass'], ['a.fail', 'fail'], ['a.throws', 'fail'], ['a.needs', 'skip']]);
    expect(results.checks[1]).toMatchObject({ reason: 'wrong backend', evidence: { seq: 'b1 b1' } });
    expect(results.checks[2]).toMatchObject({ reason: 'the check stopped with an error: socket hang up', evidence: { balancerLogTail: ['last words'] } });
    expect(results.checks[3]?.reason).toBe('target fake does not claim udp, forwarded');
    expect(results.summary).toEqual({ passed: 1, failed: 2, skipped: 1 });
    expect(results.target).toEqual({ name: 'fake', version: '1.2.3', capabilities: ['http', 'algorithm:rr'], driver: 'fake' });
    expect(log).toEqual(['start rr', 'stop', 'start rr', 'stop', 'start rr', 'stop']);
    expect(lines.filter((l) => l.startsWith('['))).toEqual([
      expect.stringMatching(/^\[1\/4\] a\.pass … pass \d+\.\ds$/),
      expect.stringMatching(/^\[2\/4\] a\.fail … fail \d+\.\ds — wrong backend$/),
      expect.stringMatching(/^\[3\/4\] a\.throws … fail/),
      expect.stringMatching(/^\[4\/4\] a\.needs … skip \d+\.\ds — target fake does not claim udp, forwarded$/),
    ]);
  });

  it('hands a topology on only between sharing checks with equal scenarios, never after an error', async () => {
    const log: string[] = [];
    const sharing = (id: string, algorithm: string, run: () => Promise<Verdict> = async () => ({ status: 'pass' })): Check => ({
      ...check(id, [], run),
      sharesTopology: true,
      scenario: (b) => ({ ...b, algorithm: { name: algorithm } }),
    });
    const checks = [
      sharing('s.one', 'rr'),
      sharing('s.two', 'rr'), // reuses s.one's
      { ...sharing('s.three', 'rr'), sharesTopology: false }, // same scenario, does not share: its own
      sharing('s.four', 'lc'), // a different scenario: its own
      sharing('s.five', 'lc', async () => {
        throw new Error('broke it');
      }), // reuses, then throws: stopped, not handed on
      sharing('s.six', 'lc'),
    ];
    const results = await runConformance({ target: target({ capabilities: [] }), driver: fakeDriver(log), checks });
    expect(results.checks.map((c) => c.status)).toEqual(['pass', 'pass', 'pass', 'pass', 'fail', 'pass']);
    expect(log).toEqual(['start rr', 'stop', 'start rr', 'stop', 'start lc', 'stop', 'start lc', 'stop']);
  });

  it('skips everything with the reason when the target is unavailable', async () => {
    const log: string[] = [];
    const results = await runConformance({
      target: target({ available: async () => ({ ok: false, reason: 'haproxy is not installed' }) }),
      driver: fakeDriver(log),
      checks: [check('a.one', [], async () => ({ status: 'pass' }))],
    });
    expect(results.checks).toEqual([{ id: 'a.one', title: 'title of a.one', status: 'skip', reason: 'haproxy is not installed', durationMs: expect.any(Number) }]);
    expect(log).toEqual([]);
    expect(resultsSchema.parse(results)).toBeTruthy();
  });

  it('a topology that cannot start fails the check with the message', async () => {
    const results = await runConformance({ target: target(), driver: fakeDriver([], true), checks: [check('a.one', [], async () => ({ status: 'pass' }))] });
    expect(results.checks[0]).toMatchObject({ status: 'fail', reason: 'could not start the topology: balancer did not come up' });
  });
});
