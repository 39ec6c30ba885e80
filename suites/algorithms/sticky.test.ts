import { describe, expect, it } from 'vitest';
import { STICKY_CASES, stickyCheck } from './sticky.ts';
import { fullReference, substituted } from './testkit/targets.ts';
import { haproxyTarget, runCheck } from './testkit/run.ts';

const byId = (id: string) => stickyCheck(STICKY_CASES.find((c) => c.id === id)!);

// These checks do not depend on timing, so their tests run two topologies at a time (a gate, not
// vitest's maxConcurrency, so the rest of the suite keeps its settings).
let running = 0;
const waiting: (() => void)[] = [];
async function gated<T>(fn: () => Promise<T>): Promise<T> {
  while (running >= 2) await new Promise<void>((r) => waiting.push(r));
  running++;
  try {
    return await fn();
  } finally {
    running--;
    waiting.shift()?.();
  }
}
const run: typeof runCheck = (check, target) => gated(() => runCheck(check, target));

describe.concurrent('algorithms.sticky against the reference', () => {
  it.each(STICKY_CASES.map((c) => c.id))('%s passes', async (id) => {
    const v = await run(byId(id), fullReference());
    expect(v, JSON.stringify(v)).toMatchObject({ status: 'pass' });
  });
});

describe.concurrent('algorithms.sticky fails balancers that break it', () => {
  it('a ring that is really random is not sticky', async () => {
    const v = await run(byId('ring.header'), substituted('ring', { name: 'random' }));
    expect(v.status).toBe('fail');
    expect((v as { reason: string }).reason).toMatch(/not sticky/);
  });
  it('a maglev that sends every key to one backend (fo) is sticky but uneven', async () => {
    const v = await run(byId('maglev.cookie'), substituted('maglev', { name: 'fo' }, { key: null }));
    expect(v.status).toBe('fail');
    expect((v as { reason: string }).reason).toMatch(/not spread evenly/);
  });
  // The wrong parameter changes between passes: keys move (or, when both values hash alike, all
  // keys pile on one backend). Either way the check must fail.
  it('a rendezvous that hashes another query parameter than the scenario names fails', async () => {
    const v = await run(byId('rendezvous.query'), substituted('rendezvous', { name: 'rendezvous' }, { key: { from: 'query', name: 'a' } }));
    expect(v.status).toBe('fail');
    expect((v as { reason: string }).reason).toMatch(/not sticky|not spread evenly/);
  });
  it('source hashing done by round robin is not sticky (L4)', async () => {
    const v = await run(byId('sh.source'), substituted('sh', { name: 'rr' }));
    expect(v.status).toBe('fail');
    expect((v as { reason: string }).reason).toMatch(/not sticky|not spread/);
  });
  it('iphash done by hashing the whole address spreads one /24 over backends', async () => {
    const v = await run(byId('iphash.subnet'), substituted('iphash', { name: 'sh' }));
    expect(v.status).toBe('fail');
    expect((v as { reason: string }).reason).toMatch(/went to [23] backends/);
  });
});

describe.concurrent('algorithms.sticky against HAProxy (hash-type consistent for ring, map-based source for sh)', () => {
  it.for(['ring.header', 'ring.uri', 'ring.source', 'sh.source'])('%s passes', async (id, ctx) => {
    const t = await haproxyTarget();
    if (typeof t === 'string') return ctx.skip(t);
    const v = await run(byId(id), t);
    expect(v, JSON.stringify(v).slice(0, 1500)).toMatchObject({ status: 'pass' });
  });
});
