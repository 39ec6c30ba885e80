import { describe, expect, it } from 'vitest';
import { shareCheck, SHARE_ALPHA, SHARE_SAMPLES, SHARE_WEIGHTS } from './share.ts';
import { p2cHeldCheck, P2C_GAP_LIMIT, P2C_OPENS } from './p2c.ts';
import { gapTail } from './stats.ts';
import { fullReference, substituted } from './testkit/targets.ts';
import { haproxyTarget, runCheck } from './testkit/run.ts';
import quantile from '@stdlib/stats-base-dists-chisquare-quantile';

describe('stated bounds (pure)', () => {
  it('p2c gap limit has false-failure ≤ 1e-4 and is the smallest such', () => {
    const t = gapTail(P2C_OPENS, 3, 2);
    expect(t[P2C_GAP_LIMIT]).toBeLessThanOrEqual(1e-4);
    expect(t[P2C_GAP_LIMIT - 1]).toBeGreaterThan(1e-4);
  });
  it('uniform random against weights 3:2:1 has a noncentrality far past the critical value', () => {
    const total = SHARE_WEIGHTS.reduce((a, b) => a + b, 0);
    const lambda = SHARE_SAMPLES * SHARE_WEIGHTS.reduce((s, w) => s + (1 / 3 - w / total) ** 2 / (w / total), 0);
    expect(lambda).toBeGreaterThan(3 * quantile(1 - SHARE_ALPHA, 2));
  });
});

describe('algorithms.share and algorithms.held.p2c over the network', () => {
  it('share.wrandom passes against the reference and fails when weights are ignored', async () => {
    const ok = await runCheck(shareCheck('wrandom'), fullReference());
    expect(ok, JSON.stringify(ok)).toMatchObject({ status: 'pass' });
    const bad = await runCheck(shareCheck('wrandom'), substituted('wrandom', { name: 'random' }));
    expect(bad.status, JSON.stringify(bad)).toBe('fail');
    expect((bad as { reason: string }).reason).toMatch(/do not follow weights/);
  });

  it('share.p2c passes against the reference (both draw modes) and fails a scheduler that piles work on one backend', async () => {
    for (const draws of ['replacement', 'distinct']) {
      const ok = await runCheck(shareCheck('p2c'), substituted('p2c', { name: 'p2c', draws }));
      expect(ok, JSON.stringify(ok)).toMatchObject({ status: 'pass' });
    }
    const bad = await runCheck(shareCheck('p2c'), substituted('p2c', { name: 'fo' }));
    expect(bad.status, JSON.stringify(bad)).toBe('fail');
    expect((bad as { reason: string }).reason).toMatch(/do not follow weights 1:1:1/);
  });

  it('held.p2c passes against the reference and fails a scheduler that ignores load', async () => {
    const ok = await runCheck(p2cHeldCheck, fullReference());
    expect(ok, JSON.stringify(ok)).toMatchObject({ status: 'pass' });
    const bad = await runCheck(p2cHeldCheck, substituted('p2c', { name: 'fo' }));
    expect(bad.status, JSON.stringify(bad)).toBe('fail');
    expect((bad as { reason: string }).reason).toMatch(/gap 30/);
  });

  it('HAProxy random(2) as p2c: share and held verdicts', async (ctx) => {
    const t = await haproxyTarget();
    if (typeof t === 'string') return ctx.skip(t);
    const share = await runCheck(shareCheck('p2c'), t);
    const held = await runCheck(p2cHeldCheck, t);
    expect(share, JSON.stringify(share)).toMatchObject({ status: 'pass' });
    console.log(`haproxy p2c share: ${JSON.stringify(share).slice(0, 500)}\nhaproxy p2c held: ${JSON.stringify(held).slice(0, 500)}`);
    expect(held, JSON.stringify(held)).toMatchObject({ status: 'pass' });
  });
});
