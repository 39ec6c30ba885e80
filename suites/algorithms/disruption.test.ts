import { describe, expect, it } from 'vitest';
import { compare, disruptionCheck, DISRUPTION_ALGORITHMS, DISRUPTION_KEYS, DISRUPTION_LIMIT } from './disruption.ts';
import { binomialUpperTail } from './stats.ts';
import { fullReference, moduloHaproxy } from './testkit/targets.ts';
import { haproxyTarget, runCheck } from './testkit/run.ts';

describe('disruption bookkeeping (pure)', () => {
  it('the limit keeps a 1.5×-ideal balancer under 1e-4 false failures and is tight', () => {
    expect(binomialUpperTail(DISRUPTION_KEYS, 1 / 8, DISRUPTION_LIMIT)).toBeLessThanOrEqual(1e-4);
    expect(binomialUpperTail(DISRUPTION_KEYS, 1 / 8, DISRUPTION_LIMIT - 1)).toBeGreaterThan(1e-4);
  });
  it('counts necessary and excess moves', () => {
    const before = ['a', 'b', 'c', 'b', 'a'];
    expect(compare(before, ['a', 'a', 'c', 'c', 'c'], 'b', 'removal')).toEqual({ moved: 3, necessary: 2, excess: 1 });
    expect(compare(['a', 'a', 'c', 'c', 'c'], before, 'b', 'addition')).toEqual({ moved: 3, necessary: 2, excess: 1 });
  });
});

describe('algorithms.disruption over the network', () => {
  it.each(DISRUPTION_ALGORITHMS)('%s passes against the reference with no excess for ring and rendezvous', async (name) => {
    const v = await runCheck(disruptionCheck(name), fullReference());
    expect(v, JSON.stringify(v)).toMatchObject({ status: 'pass' });
    if (v.status !== 'pass') return;
    expect(v.metrics?.['keysNotBackHome']).toBe(0);
    if (name !== 'maglev') expect(v.metrics?.['removalExcess']).toBe(0);
  });

  it('modulo hashing (HAProxy map-based) claiming a consistent hash fails', async (ctx) => {
    const t = moduloHaproxy();
    const a = await t.available();
    if (!a.ok) return ctx.skip(a.reason);
    const v = await runCheck(disruptionCheck('ring'), t);
    expect(v.status, JSON.stringify(v)).toBe('fail');
    expect((v as { reason: string }).reason).toMatch(/rehashing/);
  });

  it('HAProxy hash-type consistent (ring) passes', async (ctx) => {
    const t = await haproxyTarget();
    if (typeof t === 'string') return ctx.skip(t);
    const v = await runCheck(disruptionCheck('ring'), t);
    expect(v, JSON.stringify(v)).toMatchObject({ status: 'pass' });
  });
});
