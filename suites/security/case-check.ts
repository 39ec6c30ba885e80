// A security check is a list of cases run one after another on the same topology; it passes when
// every case does, and its evidence lists every case with what happened and the bytes seen.
import type { Check, CheckContext, ScenarioPlan, Verdict } from '../../harness/index.ts';
import { judgeRequests, type CaseResult, type RequestCase } from './judge.ts';
import { observe } from './wire.ts';

/** Every security check runs on this scenario: one backend (so every request lands where the
 *  capture is), HTTP, round robin. Equal plans let the runner share one balancer between checks. */
export function securityPlan(base: ScenarioPlan): ScenarioPlan {
  return { ...base, mode: 'http', algorithm: { name: 'rr' }, backends: [{ id: 'b1', weight: 1 }] };
}

export function verdictOf(results: CaseResult[]): Verdict {
  const failed = results.filter((r) => !r.ok);
  const evidence = { cases: results };
  if (failed.length === 0) return { status: 'pass', evidence, metrics: { cases: results.length } };
  const reason = `${failed.length} of ${results.length} cases failed: ${failed.map((f) => `${f.case}: ${f.outcome}`).join('; ')}`;
  return { status: 'fail', reason, evidence, metrics: { cases: results.length, failed: failed.length } };
}

export async function runCases<T>(ctx: CheckContext, cases: readonly T[], one: (c: T) => Promise<CaseResult>): Promise<Verdict> {
  const results: CaseResult[] = [];
  for (const c of cases) {
    const r = await one(c);
    ctx.log(`${r.case}: ${r.ok ? 'ok' : 'FAIL'} — ${r.outcome}`);
    results.push(r);
  }
  return verdictOf(results);
}

export function requestCheck(id: string, title: string, cases: readonly RequestCase[], notes: string): Check {
  return {
    id,
    title,
    requires: ['http'],
    notes: `${notes} Cases: ${cases.map((c) => `${c.name} (${c.allowed.join('/')}, ${c.rfc})`).join(', ')}.`,
    scenario: securityPlan,
    sharesTopology: true,
    run: (ctx) => runCases(ctx, cases, async (c) => judgeRequests(c, await observe(ctx, { pieces: c.pieces }))),
  };
}
