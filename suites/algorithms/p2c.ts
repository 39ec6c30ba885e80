// Power of two choices equalises held requests: 30 held requests opened one at a time on 3 equal
// backends; at the end max − min of the active counts must stay below a bound.
//
// Bound (stated, exact): gapTail() in stats.ts computes the distribution of the gap for the least
// loaded of 2 independent uniform draws with replacement (the weakest p2c: HAProxy random(2),
// Envoy least_request and ours may draw the same backend twice). P(gap ≥ 9) ≤ 1e-4 after 30 opens,
// so the check fails at gap ≥ 9: false-failure probability ≤ 1e-4. A scheduler that ignores load
// (fo, first, sh on one client) piles everything on one backend (gap 30) and fails. Honest limit:
// plain uniform random passes this bound with probability 0.87 at 30 opens, so this check does not
// tell p2c from random; algorithms.share.p2c checks its draws, algorithms.held.lc the deterministic
// least-loaded choice.
import { gapBound, gapTail } from './stats.ts';
import type { AlgorithmCheck } from './check.ts';
import type { HeldExchange, Verdict } from '../../harness/index.ts';

export const P2C_OPENS = 30;
export const P2C_ALPHA = 1e-4;
const TAIL = gapTail(P2C_OPENS, 3, 2);
/** Gap at which the check fails. */
export const P2C_GAP_LIMIT = gapBound(TAIL, P2C_ALPHA);

export const p2cHeldCheck: AlgorithmCheck = {
  id: 'algorithms.held.p2c',
  title: 'Power of two choices keeps held requests close to equal',
  requires: ['http', 'algorithm:p2c'],
  falseFailureProbability: P2C_ALPHA,
  notes: `${P2C_OPENS} held requests opened one by one on 3 equal backends; fails when max − min active ≥ ${P2C_GAP_LIMIT}, which a p2c drawing 2 uniform backends with replacement reaches with probability ${TAIL[P2C_GAP_LIMIT]!.toExponential(2)} ≤ ${P2C_ALPHA} (exact Markov-chain computation).`,
  scenario: (base) => ({ ...base, mode: 'http', algorithm: { name: 'p2c' } }),
  async run({ topology }): Promise<Verdict> {
    const client = topology.clients[0]!;
    const ids = topology.backends.map((b) => b.id);
    const held: HeldExchange[] = [];
    const counts: Record<string, number> = Object.fromEntries(ids.map((id) => [id, 0]));
    const picks: string[] = [];
    try {
      for (let i = 0; i < P2C_OPENS; i++) {
        const h = await client.holdHttp({ timeoutMs: 5000 });
        held.push(h);
        const b = h.backend ?? '(unknown)';
        picks.push(b);
        counts[b] = (counts[b] ?? 0) + 1;
      }
      const values = ids.map((id) => counts[id] ?? 0);
      const gap = Math.max(...values) - Math.min(...values);
      const metrics = { opens: P2C_OPENS, gap, limit: P2C_GAP_LIMIT, probabilityOfThisGapOrMore: TAIL[gap] ?? 0 };
      const evidence = { counts, picks: picks.join(' ') };
      if (picks.some((p) => !ids.includes(p))) return { status: 'fail', reason: 'a held request was answered by no known backend', evidence, metrics };
      if (gap >= P2C_GAP_LIMIT) {
        return { status: 'fail', reason: `held requests ${ids.map((id) => `${id}=${counts[id]}`).join(', ')}: gap ${gap} ≥ ${P2C_GAP_LIMIT} (P = ${(TAIL[gap] ?? 0).toExponential(2)} for two choices)`, evidence, metrics };
      }
      return { status: 'pass', evidence, metrics };
    } finally {
      await Promise.all(held.map((h) => h.close()));
    }
  },
};
