// Consistent-hash disruption: with N backends, one is stopped (health checks take it out) and later
// started again (they put it back). A consistent hash moves only the keys that must move: on removal
// the removed backend's keys, on addition the keys the returning backend takes. Keys that move
// between backends that stayed up are "excess" disruption; a hash that rehashes everything (plain
// modulo of the live count) moves most keys and fails.
//
// Bound (stated): K = 200 keys over N = 4 backends. The check fails when the excess count on removal
// or on addition reaches k* = the smallest k with P(Binomial(K, 1/(2N)) ≥ k) ≤ 1e-4 (k* = 45, i.e.
// 22.5 % of the keys). So a balancer whose true excess fraction is at most 1/(2N) — one that moves
// up to 1.5× the ideal 1/N in total — fails with probability ≤ 1e-4. Ring and rendezvous have no
// excess at all; Maglev (M = 65537) has 0.0003 at N = 4 (algorithms.quality); modulo hashing from
// 4 to 3 backends moves about 2/3 of the survivors' keys (excess ≈ 0.5) and fails.
// Health checks: HTTP every 200 ms, timeout 2 s, fall 5, rise 1: slow to flap on a loaded machine
// (with timeout 1 s and fall 3, HAProxy marked live agents down at load average 20).
import { binomialBound } from './stats.ts';
import { L7_KEYS, sendKeyed, type Answer } from './keyed.ts';
import { inPool, sleep, type AlgorithmCheck } from './check.ts';
import type { ScenarioHealth, StartedTopology, Verdict } from '../../harness/index.ts';

export const DISRUPTION_KEYS = 200;
export const DISRUPTION_BACKENDS = 4;
export const DISRUPTION_ALPHA = 1e-4;
/** Excess count at which the check fails. */
export const DISRUPTION_LIMIT = binomialBound(DISRUPTION_KEYS, 1 / (2 * DISRUPTION_BACKENDS), DISRUPTION_ALPHA);
export const DISRUPTION_HEALTH: ScenarioHealth = { type: 'http', path: '/healthz', intervalMs: 200, timeoutMs: 2000, rise: 1, fall: 5 };
/** How long a change may take to show (health detection on a loaded machine). */
const SETTLE_MS = 15_000;
const IN_FLIGHT = 8;
const GRACE_MS = 500;

type Mapping = (string | undefined)[];

async function mapKeys(topology: StartedTopology): Promise<{ mapping: Mapping; failures: { key: number; what: string }[] }> {
  const answers: Answer[] = await inPool(DISRUPTION_KEYS, IN_FLIGHT, (k) => sendKeyed(topology, k, 1));
  const failures = answers.flatMap((a, key) => ('failure' in a ? [{ key, what: a.failure }] : []));
  return { mapping: answers.map((a) => ('backend' in a ? a.backend : undefined)), failures };
}

/** Polls keys (one at a time, cycling from `from`) until `ok(answer)` (bounded); returns the time
 *  it took or undefined. */
async function until(topology: StartedTopology, from: number, ok: (a: Answer) => boolean, cycle = false): Promise<number | undefined> {
  const t0 = performance.now();
  for (let i = 0; performance.now() - t0 < SETTLE_MS; i++) {
    if (ok(await sendKeyed(topology, cycle ? (from + i) % DISRUPTION_KEYS : from, 1))) return Math.round(performance.now() - t0);
    await sleep(cycle ? 10 : 100);
  }
  return undefined;
}

export function compare(before: Mapping, after: Mapping, victim: string, direction: 'removal' | 'addition') {
  let moved = 0;
  let necessary = 0;
  let excess = 0;
  before.forEach((b, k) => {
    const a = after[k];
    const mustMove = direction === 'removal' ? b === victim : a === victim;
    if (mustMove) necessary++;
    if (a !== b) {
      moved++;
      if (!mustMove) excess++;
    }
  });
  return { moved, necessary, excess };
}

export function disruptionCheck(algorithm: string): AlgorithmCheck {
  return {
    id: `algorithms.disruption.${algorithm}`,
    title: `${algorithm}: removing or adding one of ${DISRUPTION_BACKENDS} backends moves only the keys that must move`,
    requires: ['http', `algorithm:${algorithm}`, 'health:http'],
    falseFailureProbability: DISRUPTION_ALPHA,
    notes:
      `${DISRUPTION_KEYS} header keys over ${DISRUPTION_BACKENDS} backends are mapped, one backend is stopped (health checks every ${DISRUPTION_HEALTH.intervalMs} ms, fall ${DISRUPTION_HEALTH.fall}; the check waits fall × interval + 500 ms, then until a key of the stopped backend is answered elsewhere, then ${GRACE_MS} ms), mapped again, started again, mapped again. ` +
      `Excess = keys that changed backend although neither their old nor their new backend was the one removed/added. Fails when excess reaches ${DISRUPTION_LIMIT} (P(Binomial(${DISRUPTION_KEYS}, 1/${2 * DISRUPTION_BACKENDS}) ≥ ${DISRUPTION_LIMIT}) ≤ ${DISRUPTION_ALPHA}: a balancer moving up to 1.5× the ideal 1/N passes with probability ≥ 1 − ${DISRUPTION_ALPHA}), when a request fails after the change has shown plus a ${GRACE_MS} ms grace, or when the change does not show within ${SETTLE_MS / 1000} s. ` +
      'Metrics: disruption fractions against the ideal, and the load imbalance (max/mean) of the keys.',
    scenario: (base) => ({
      ...base,
      mode: 'http',
      algorithm: { name: algorithm },
      key: L7_KEYS.header,
      health: DISRUPTION_HEALTH,
      backends: Array.from({ length: DISRUPTION_BACKENDS }, (_, i) => ({ id: `b${i + 1}`, weight: 1 })),
    }),
    async run({ topology, log }): Promise<Verdict> {
      const ids = topology.backends.map((b) => b.id);
      // Warm-up (not a retry of the check): health checks may need a moment before every backend
      // takes work, so map until every backend has keys and nothing fails, bounded in time.
      const t0 = performance.now();
      let m0 = await mapKeys(topology);
      while ((m0.failures.length > 0 || !ids.every((id) => m0.mapping.includes(id))) && performance.now() - t0 < SETTLE_MS) {
        await sleep(200);
        m0 = await mapKeys(topology);
      }
      if (m0.failures.length > 0 || !ids.every((id) => m0.mapping.includes(id))) {
        return { status: 'fail', reason: `before anything changed, ${m0.failures.length} requests failed and ${ids.filter((id) => !m0.mapping.includes(id)).join(', ') || 'no backend'} got no keys`, evidence: { failures: m0.failures.slice(0, 10) } };
      }
      const counts = ids.map((id) => m0.mapping.filter((b) => b === id).length);
      const imbalance = Math.max(...counts) / (DISRUPTION_KEYS / ids.length);
      // The victim: the backend with the most keys (it has some, so its removal shows).
      const victim = ids[counts.indexOf(Math.max(...counts))]!;
      const probe = m0.mapping.indexOf(victim);
      log(`stopping ${victim}`);
      await topology.backend(victim).stop();
      // A balancer may answer a key of the dead backend from another one before its health checks
      // mark it down (HAProxy retried key-0 elsewhere within 4 ms, then answered 503 for other keys
      // until detection): wait at least fall × interval + 500 ms, then for the probe key.
      const h = topology.scenario.health ?? DISRUPTION_HEALTH;
      await sleep(h.fall * h.intervalMs + 500);
      const removedAfter = await until(topology, probe, (a) => 'backend' in a && a.backend !== victim);
      // Grace after the first sign of the change: a multi-threaded balancer (HAProxy 2.6, 2 threads
      // here) answered 503 for some keys for a moment after its first thread saw the server down.
      await sleep(GRACE_MS);
      const m1 = await mapKeys(topology);
      log(`starting ${victim}`);
      await topology.backend(victim).start();
      // Back in: any key reaching the victim shows it (a hash need not bring the probe key home;
      // keysNotBackHome counts the keys that did not return).
      const addedAfter = await until(topology, probe, (a) => 'backend' in a && a.backend === victim, true);
      await sleep(GRACE_MS);
      const m2 = await mapKeys(topology);

      const removal = compare(m0.mapping, m1.mapping, victim, 'removal');
      const addition = compare(m1.mapping, m2.mapping, victim, 'addition');
      const restored = m0.mapping.filter((b, k) => m2.mapping[k] !== b).length;
      const fraction = (n: number) => Number((n / DISRUPTION_KEYS).toFixed(4));
      const metrics: Record<string, number> = {
        keys: DISRUPTION_KEYS,
        backends: ids.length,
        imbalance: Number(imbalance.toFixed(4)),
        idealDisruption: fraction(DISRUPTION_KEYS / ids.length),
        removalDisruption: fraction(removal.moved),
        removalNecessary: fraction(removal.necessary),
        removalExcess: fraction(removal.excess),
        additionDisruption: fraction(addition.moved),
        additionNecessary: fraction(addition.necessary),
        additionExcess: fraction(addition.excess),
        keysNotBackHome: restored,
        ...(addedAfter !== undefined ? { additionSettledMs: addedAfter } : {}),
      };
      const evidence = { victim, countsBefore: Object.fromEntries(ids.map((id, i) => [id, counts[i]])), removal, addition, limit: DISRUPTION_LIMIT, failures: { removed: m1.failures.slice(0, 10), added: m2.failures.slice(0, 10) } };
      if (removedAfter === undefined) return { status: 'fail', reason: `key-${probe} of stopped ${victim} got no answer from another backend within ${SETTLE_MS} ms`, evidence, metrics };
      if (m1.failures.length > 0) return { status: 'fail', reason: `${m1.failures.length} requests failed after ${victim} was taken out (first: key ${m1.failures[0]!.key}: ${m1.failures[0]!.what})`, evidence, metrics };
      if (addedAfter === undefined) return { status: 'fail', reason: `no key reached ${victim} within ${SETTLE_MS} ms after it came back`, evidence, metrics };
      if (m2.failures.length > 0) return { status: 'fail', reason: `${m2.failures.length} requests failed after ${victim} came back (first: key ${m2.failures[0]!.key}: ${m2.failures[0]!.what})`, evidence, metrics };
      const worst = removal.excess >= addition.excess ? { what: 'removing', ...removal } : { what: 'adding', ...addition };
      if (worst.excess >= DISRUPTION_LIMIT) {
        return {
          status: 'fail',
          reason: `${worst.what} ${victim} moved ${worst.moved} of ${DISRUPTION_KEYS} keys where ${worst.necessary} had to move: ${worst.excess} moved between backends that stayed (limit ${DISRUPTION_LIMIT - 1}); this is rehashing, not consistent hashing`,
          evidence,
          metrics,
        };
      }
      return { status: 'pass', evidence, metrics };
    },
  };
}

export const DISRUPTION_ALGORITHMS = ['ring', 'maglev', 'rendezvous'] as const;
export const disruptionChecks: readonly AlgorithmCheck[] = DISRUPTION_ALGORITHMS.map(disruptionCheck);
