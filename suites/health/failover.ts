// Health failover: under steady traffic one backend dies; active health checks must take it out
// of rotation, and bring it back once it returns.
//
// Bounds (stated): with interval I, timeout T, fall F, rise R and slack S = 1000 ms (process
// scheduling on a loaded 2-core machine, agent restart jitter):
//  - no request may fail when it starts later than F·I + T + S after the backend died;
//  - the backend must answer a request within R·I + S after it listens again;
//  - no request may fail while it comes back.
// Reported: detection time (end of the last failed request after the stop; absent if none failed),
// requests failed before detection, requests failed after the bound, time until it got work again.
import { sleep } from '../traffic.ts';
import type { Check, ClientHost, ScenarioHealth, Verdict } from '../../harness/index.ts';

export const FAILOVER_HEALTH: ScenarioHealth = { type: 'http', path: '/healthz', intervalMs: 200, timeoutMs: 500, rise: 2, fall: 2 };
export const FAILOVER_SLACK_MS = 1000;
/** Pause between requests: ~100 requests/s, enough to see each phase, light on the machine. */
const PACE_MS = 10;

interface Sample {
  /** Start and end, ms relative to the phase's origin. */
  start: number;
  end: number;
  backend?: string;
  failure?: string;
}

async function drive(client: ClientHost, origin: number, until: (s: Sample[]) => boolean, maxMs: number): Promise<Sample[]> {
  const samples: Sample[] = [];
  const deadline = performance.now() + maxMs;
  while (performance.now() < deadline && !until(samples)) {
    const start = performance.now() - origin;
    const r = await client.http({ path: '/steady', timeoutMs: 2000 });
    const end = performance.now() - origin;
    if (r.ok && r.status >= 200 && r.status < 300 && r.backend) samples.push({ start, end, backend: r.backend });
    else samples.push({ start, end, failure: r.ok ? `HTTP ${r.status}` : r.error });
    await sleep(PACE_MS);
  }
  return samples;
}

const round = (n: number) => Math.round(n);

/** The check with a given slack (LVS modes state a larger one: see suites/lvs/failover.ts). */
export function failoverCheckWith(slackMs: number): Check {
  return {
  id: 'health.failover',
  title: 'Active health checks take a dead backend out and bring it back',
  requires: ['http', 'health:http'],
  notes: `HTTP checks every ${FAILOVER_HEALTH.intervalMs} ms (timeout ${FAILOVER_HEALTH.timeoutMs} ms, fall ${FAILOVER_HEALTH.fall}, rise ${FAILOVER_HEALTH.rise}), slack ${slackMs} ms. Fails if a request fails later than fall×interval+timeout+slack after the stop, if the backend gets no work within rise×interval+slack after it returns, or if requests fail while it returns.`,
  scenario: (base) => ({ ...base, mode: 'http', algorithm: { name: 'rr' }, health: FAILOVER_HEALTH }),
  async run({ topology, log }): Promise<Verdict> {
    const client = topology.clients[0]!;
    const h = topology.scenario.health ?? FAILOVER_HEALTH;
    const ids = topology.backends.map((b) => b.id);
    const victim = topology.backends[0]!;
    const detectBound = h.fall * h.intervalMs + h.timeoutMs + slackMs;
    const returnBound = h.rise * h.intervalMs + slackMs;

    // Warm-up: every backend answers (health checks may need a moment to mark them up).
    const warm = await drive(client, performance.now(), (s) => ids.every((id) => s.some((x) => x.backend === id)), 5000);
    const warmSeen = new Set(warm.map((s) => s.backend).filter(Boolean));
    if (!ids.every((id) => warmSeen.has(id))) {
      return { status: 'fail', reason: `before the outage not every backend got traffic within 5 s (seen: ${[...warmSeen].join(', ') || 'none'})`, evidence: { warmUp: warm.slice(-20) } };
    }

    // Outage: kill the victim and keep the traffic going past the detection bound.
    const stopAt = performance.now();
    await victim.stop();
    log(`stopped ${victim.id}; watching for ${detectBound + 1000} ms`);
    const outage = await drive(client, stopAt, (s) => (s.at(-1)?.start ?? 0) > detectBound + 1000, detectBound + 5000);
    const failed = outage.filter((s) => s.failure);
    const late = failed.filter((s) => s.start > detectBound);
    const routedToVictim = outage.filter((s) => s.backend === victim.id && s.start > 0);
    // Seen from the client, detection is when the last failure ends. A balancer that retries a
    // failed connect on another backend hides the outage: then nothing fails and it is not observable.
    const detectionMs = failed.length ? round(Math.max(...failed.map((s) => s.end))) : undefined;

    // Return: restart it on the same address and wait for it to get work again.
    await victim.start();
    const backAt = performance.now();
    const comeback = await drive(client, backAt, (s) => s.some((x) => x.backend === victim.id), returnBound + 3000);
    const firstBack = comeback.find((s) => s.backend === victim.id);
    const returnMs = firstBack ? round(firstBack.end) : undefined;
    const comebackFailures = comeback.filter((s) => s.failure);

    const metrics: Record<string, number> = {
      ...(detectionMs !== undefined ? { detectionMs } : {}),
      failedBeforeDetection: failed.length - late.length,
      failedAfterBound: late.length,
      detectionBoundMs: detectBound,
      returnBoundMs: returnBound,
      outageRequests: outage.length,
      ...(returnMs !== undefined ? { returnMs } : {}),
      failedDuringReturn: comebackFailures.length,
    };
    const evidence = {
      victim: victim.id,
      detection: detectionMs !== undefined ? `last failed request ended ${detectionMs} ms after the stop` : 'no request failed: the balancer hid the outage (e.g. retried elsewhere), so detection time is not observable from the client',
      health: h,
      slackMs: slackMs,
      failures: failed.slice(0, 20).map((s) => ({ startMs: round(s.start), endMs: round(s.end), what: s.failure })),
      lateFailures: late.slice(0, 20).map((s) => ({ startMs: round(s.start), what: s.failure })),
      answeredByVictimWhileDown: routedToVictim.length,
      comebackFailures: comebackFailures.slice(0, 10).map((s) => ({ startMs: round(s.start), what: s.failure })),
      balancerLogTail: topology.balancer.logs().split('\n').slice(-10),
    };
    if (late.length > 0) {
      return { status: 'fail', reason: `${late.length} requests failed more than ${detectBound} ms after ${victim.id} died (last at ${round(late.at(-1)!.start)} ms): it was not taken out of rotation`, evidence, metrics };
    }
    if (routedToVictim.length > 0) {
      return { status: 'fail', reason: `${routedToVictim.length} replies came from ${victim.id} while it was stopped`, evidence, metrics };
    }
    if (returnMs === undefined || returnMs > returnBound) {
      return { status: 'fail', reason: `${victim.id} got no work within ${returnBound} ms after it came back${returnMs !== undefined ? ` (first after ${returnMs} ms)` : ''}`, evidence, metrics };
    }
    if (comebackFailures.length > 0) {
      return { status: 'fail', reason: `${comebackFailures.length} requests failed while ${victim.id} came back (first: ${comebackFailures[0]?.failure})`, evidence, metrics };
    }
    return { status: 'pass', evidence, metrics };
  },
  };
}

export const failoverCheck: Check = failoverCheckWith(FAILOVER_SLACK_MS);
