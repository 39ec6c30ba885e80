import { describe, expect, it } from 'vitest';
import { HELD_CASES, heldCheck, rules, type HeldAlgorithm } from './held.ts';
import { fullReference, renderedAs, substituted } from './testkit/targets.ts';
import { haproxyTarget, runCheck } from './testkit/run.ts';
import { foFailoverCheck } from './failover-order.ts';

const check = (a: HeldAlgorithm) => heldCheck(HELD_CASES.find((c) => c.algorithm === a)!);
const state = (weights: number[], active: number[]) => ({
  order: weights.map((_, i) => `b${i + 1}`),
  weight: Object.fromEntries(weights.map((w, i) => [`b${i + 1}`, w])),
  active: Object.fromEntries(active.map((a, i) => [`b${i + 1}`, a])),
});

describe('held rules (pure)', () => {
  it('tell the algorithms apart where they differ', () => {
    // Idle light vs idle heavy: sed and nq want the heavy one only when none is idle (nq) / always (sed).
    expect(rules.sed(state([1, 1, 3], [0, 0, 0]))).toEqual(['b3']);
    expect(rules.nq(state([1, 1, 3], [0, 0, 1]))).toEqual(['b1', 'b2']);
    expect(rules.sed(state([1, 1, 3], [0, 0, 1]))).toEqual(['b3']);
    expect(rules.wlc(state([3, 2, 1], [2, 1, 0]))).toEqual(['b3']);
    expect(rules.wlc(state([3, 2, 1], [2, 1, 1]))).toEqual(['b2']);
    expect(rules.ovf(state([2, 3, 1], [0, 3, 0]))).toEqual(['b1']);
    expect(rules.ovf(state([2, 3, 1], [2, 3, 1]))).toEqual(['b1', 'b2', 'b3']);
    expect(rules.first(state([1, 1, 1], [2, 1, 0]))).toEqual(['b2']);
    expect(rules.fo(state([2, 5, 3], [0, 9, 0]))).toEqual(['b2']);
  });
});

// What each broken stand-in gets wrong: it ignores load (fo, rr) or weighs it differently.
const BROKEN: Record<HeldAlgorithm, string> = { lc: 'fo', wlc: 'lc', sed: 'wlc', nq: 'sed', fo: 'wrr', ovf: 'fo', first: 'rr' };

describe('algorithms.failover.fo over the network', () => {
  it('passes against the reference and fails weighted round robin standing in for fo', async () => {
    const ok = await runCheck(foFailoverCheck, fullReference());
    expect(ok, JSON.stringify(ok)).toMatchObject({ status: 'pass' });
    const bad = await runCheck(foFailoverCheck, substituted('fo', { name: 'wrr' }));
    expect(bad.status, JSON.stringify(bad)).toBe('fail');
    expect((bad as { reason: string }).reason).toMatch(/went elsewhere than b2/);
  });
});

describe('algorithms.held over the network', () => {
  it.each(HELD_CASES.map((c) => c.algorithm))('%s passes against the reference and fails a stand-in that breaks it', async (a) => {
    const ok = await runCheck(check(a), fullReference());
    expect(ok, JSON.stringify(ok)).toMatchObject({ status: 'pass', metrics: { wrongPicks: 0 } });
    const bad = await runCheck(check(a), substituted(a, { name: BROKEN[a] }));
    expect(bad.status, JSON.stringify(bad)).toBe('fail');
    expect((bad as { reason: string }).reason).toMatch(/broke the rule/);
  });

  // HAProxy 2.6 (built-in target): leastconn with equal weights is least connections; with weights
  // it sends work to idle servers first, then by (inflight + 1) / weight (lb_fwlc.c): IPVS nq, so the
  // target maps nq (not wlc) to leastconn and wlc is skipped as not claimed. `balance first` gets
  // `maxconn` on the server lines and fills servers in order.
  const HAPROXY: Record<'lc' | 'nq' | 'wlc' | 'first', { status: 'pass' | 'fail' | 'skip'; reason?: RegExp }> = {
    lc: { status: 'pass' },
    nq: { status: 'pass' },
    wlc: { status: 'skip', reason: /does not claim algorithm:wlc/ },
    first: { status: 'pass' },
  };
  it.for(['lc', 'nq', 'wlc', 'first'] as const)('HAProxy: %s verdict is its documented behaviour', async (a, ctx) => {
    const t = await haproxyTarget();
    if (typeof t === 'string') return ctx.skip(t);
    const v = await runCheck(check(a), t);
    expect(v.status, JSON.stringify(v).slice(0, 1500)).toBe(HAPROXY[a].status);
    if (HAPROXY[a].reason) expect((v as { reason: string }).reason).toMatch(HAPROXY[a].reason!);
  });

  // What HAProxy's weighted leastconn is: idle servers first, else the lowest (inflight+1)/weight,
  // i.e. IPVS nq, so it passes nq and fails sed (which would send the first request to the heavy b3).
  it('HAProxy leastconn with weights passes the nq check and fails the sed check', async (ctx) => {
    const t = await haproxyTarget();
    if (typeof t === 'string') return ctx.skip(t);
    const nq = await runCheck(check('nq'), renderedAs(t, 'nq', 'lc'));
    expect(nq, JSON.stringify(nq).slice(0, 1500)).toMatchObject({ status: 'pass' });
    const sed = await runCheck(check('sed'), renderedAs(t, 'sed', 'lc'));
    expect(sed.status, JSON.stringify(sed).slice(0, 1500)).toBe('fail');
  });
});
