// Weighted failover (fo): all new work goes to the highest-weight backend; the next one by weight
// starts getting work only when that one goes down, and the first takes everything back when it
// returns. Deterministic: every request of a phase must go to that phase's backend; the waits for
// health checks to notice a change are bounded and their durations reported.
import { sleep, type AlgorithmCheck } from './check.ts';
import type { ClientHost, ScenarioHealth, Verdict } from '../../harness/index.ts';

export const FO_WEIGHTS = [2, 5, 3] as const;
const PER_PHASE = 10;
const SETTLE_MS = 15_000;
const HEALTH: ScenarioHealth = { type: 'http', path: '/healthz', intervalMs: 200, timeoutMs: 2000, rise: 1, fall: 5 };

async function phase(client: ClientHost, label: string): Promise<{ label: string; picks: string[]; failures: string[] }> {
  const picks: string[] = [];
  const failures: string[] = [];
  for (let i = 0; i < PER_PHASE; i++) {
    const r = await client.http({ path: `/fo/${encodeURIComponent(label)}/${i}`, timeoutMs: 5000 });
    if (r.ok && r.status >= 200 && r.status < 300 && r.backend) picks.push(r.backend);
    else failures.push(r.ok ? `HTTP ${r.status}` : r.error);
  }
  return { label, picks, failures };
}

/** Bounded wait until one request is answered by `want`; ms taken, or undefined. */
async function waitFor(client: ClientHost, want: string): Promise<number | undefined> {
  const t0 = performance.now();
  while (performance.now() - t0 < SETTLE_MS) {
    const r = await client.http({ path: '/fo/wait', timeoutMs: 2000 });
    if (r.ok && r.backend === want) return Math.round(performance.now() - t0);
    await sleep(100);
  }
  return undefined;
}

export const foFailoverCheck: AlgorithmCheck = {
  id: 'algorithms.failover.fo',
  title: 'Weighted failover: the highest weight takes all work, the next takes over only when it goes down',
  requires: ['http', 'algorithm:fo', 'health:http'],
  notes: `Weights ${FO_WEIGHTS.join(':')}; ${PER_PHASE} sequential requests per phase must all go to b2 (highest weight), then — after b2 is stopped and health checks (every ${HEALTH.intervalMs} ms, fall ${HEALTH.fall}) take it out — all to b3 (next by weight), then — after b2 returns — all to b2 again. Waits bounded by ${SETTLE_MS / 1000} s. Deterministic.`,
  scenario: (base) => ({
    ...base,
    mode: 'http',
    algorithm: { name: 'fo' },
    health: HEALTH,
    backends: FO_WEIGHTS.map((weight, i) => ({ id: base.backends[i]?.id ?? `b${i + 1}`, weight })),
  }),
  async run({ topology }): Promise<Verdict> {
    const client = topology.clients[0]!;
    const ranked = [...topology.backends].sort((a, b) => b.weight - a.weight).map((b) => b.id);
    const [top, next] = [ranked[0]!, ranked[1]!];
    const phases: { label: string; picks: string[]; failures: string[] }[] = [];
    const metrics: Record<string, number> = {};
    const fail = (reason: string): Verdict => ({ status: 'fail', reason, evidence: { expected: { top, next }, phases }, metrics });
    const check = (p: { label: string; picks: string[]; failures: string[] }, want: string): Verdict | undefined => {
      if (p.failures.length > 0) return fail(`${p.failures.length} requests failed while ${p.label} (first: ${p.failures[0]})`);
      const wrong = p.picks.filter((b) => b !== want);
      if (wrong.length > 0) return fail(`while ${p.label}, ${wrong.length} of ${PER_PHASE} requests went elsewhere than ${want} (${[...new Set(wrong)].join(', ')})`);
      return undefined;
    };
    const warm = await waitFor(client, top);
    if (warm === undefined) return fail(`${top} (highest weight) got no request within ${SETTLE_MS} ms`);
    const p1 = await phase(client, 'all are up');
    phases.push(p1);
    const v1 = check(p1, top);
    if (v1) return v1;
    await topology.backend(top).stop();
    const down = await waitFor(client, next);
    if (down === undefined) return fail(`after ${top} stopped, ${next} (next by weight) got no request within ${SETTLE_MS} ms`);
    metrics['failoverMs'] = down;
    const p2 = await phase(client, `${top} is down`);
    phases.push(p2);
    const v2 = check(p2, next);
    if (v2) return v2;
    await topology.backend(top).start();
    const back = await waitFor(client, top);
    if (back === undefined) return fail(`after ${top} returned, it got no request within ${SETTLE_MS} ms`);
    metrics['failbackMs'] = back;
    const p3 = await phase(client, `${top} is back`);
    phases.push(p3);
    const v3 = check(p3, top);
    if (v3) return v3;
    return { status: 'pass', evidence: { expected: { top, next }, phases }, metrics };
  },
};
