// Runs one algorithm check against a target on the local driver, as the conformance runner does,
// plus the number of client addresses the check asks for.
import { basePlan, resolveTarget, startLocal, type Target, type Verdict } from '../../../harness/index.ts';
import type { AlgorithmCheck } from '../check.ts';

export async function runCheck(check: AlgorithmCheck, target: Target): Promise<Verdict> {
  const missing = check.requires.filter((c) => !target.capabilities.includes(c));
  if (missing.length > 0) return { status: 'skip', reason: `target ${target.name} does not claim ${missing.join(', ')}` };
  // Generous start-up time: the machine is shared and a loaded 2-core box starts node slowly.
  await using topology = await startLocal({ target, plan: check.scenario(basePlan()), clients: check.clients ?? 1 }, { readyTimeoutMs: 30_000 });
  const verdict = await check.run({ topology, capabilities: target.capabilities, log: () => {} });
  // A failing verdict carries the balancer's state, so a test failure shows why.
  if (verdict.status === 'fail') return { ...verdict, reason: `${verdict.reason} [balancer exited: ${JSON.stringify(topology.balancer.exited())}; log tail: ${topology.balancer.logs().split('\n').slice(-8).join(' | ')}]` };
  return verdict;
}

/** The built-in HAProxy target when haproxy is installed here, else the reason it is not. */
export async function haproxyTarget(): Promise<Target | string> {
  const t = await resolveTarget('haproxy');
  const a = await t.available();
  return a.ok ? t : a.reason;
}
