// Hashing algorithms: the same key always reaches the same backend, and many distinct keys spread
// over the backends as the algorithm's structure allows. One check function, cases as data.
//
// Each of K distinct keys is sent twice (two passes, the second in reverse order, every unit of
// work on a new connection, everything but the key changed between passes). Deterministic part:
// every key must get the same backend on both passes. Statistical part ('even' cases): the first
// pass's counts per backend pass Pearson's chi-square against equal shares at α = 1e-4, the
// statistic divided by the dispersion φ the algorithm's structure adds:
//  - maglev (equal weights): table slots per backend differ by at most one in M, so shares are
//    1/N to within 1/M: φ = 1;
//  - rendezvous: every backend wins a random key with probability exactly 1/N: φ = 1;
//  - sh (IPVS): 2^8 buckets dealt in turn, shares within 1/256 of 1/N: φ = 1;
//  - ring: a backend's share is the sum of its P arcs, ~Beta(P, (N−1)P), so its count is
//    Beta-binomial: φ = (NP + K)/(NP + 1). We assume P ≥ 100 points per backend (nginx: 160 per
//    weight; HAProxy: 16 per weight unit, so ring cases give every backend weight 10).
// X²/φ is approximately χ²(N−1), so a correct balancer fails with probability ≈ α = 1e-4.
// 'one' cases (iphash: all local clients share one /24; dh: one destination) need every key on a
// single backend: deterministic. No retries: a failed request fails the check.
import { ringDispersion } from './stats.ts';
import { chiSquareTest } from '../distribution/chi-square.ts';
import { L7_KEYS, sendKeyed, type Answer } from './keyed.ts';
import { inPool, tooFewClients, type AlgorithmCheck } from './check.ts';
import type { Scenario, Verdict } from '../../harness/index.ts';

export const STICKY_ALPHA = 1e-4;
/** Ring implementations are assumed to place at least this many points per backend. */
export const RING_MIN_POINTS = 100;
const IN_FLIGHT = 8;

export interface StickyCase {
  id: string;
  algorithm: string;
  mode: 'http' | 'tcp';
  key?: NonNullable<Scenario['key']>;
  /** Distinct keys (for L4 source keys: client addresses). */
  keys: number;
  spread: 'even' | 'one';
  weight?: number;
  /** Points per backend assumed for the dispersion (ring only). */
  ringPoints?: number;
  why: string;
}

export const STICKY_CASES: readonly StickyCase[] = [
  { id: 'ring.header', algorithm: 'ring', mode: 'http', key: L7_KEYS.header, keys: 300, spread: 'even', weight: 10, ringPoints: RING_MIN_POINTS, why: 'ring hash of a request header' },
  { id: 'ring.uri', algorithm: 'ring', mode: 'http', key: L7_KEYS.uri, keys: 300, spread: 'even', weight: 10, ringPoints: RING_MIN_POINTS, why: 'ring hash of the whole URI' },
  { id: 'ring.source', algorithm: 'ring', mode: 'tcp', keys: 240, spread: 'even', weight: 10, ringPoints: RING_MIN_POINTS, why: 'ring hash of the client address (L4)' },
  { id: 'maglev.cookie', algorithm: 'maglev', mode: 'http', key: L7_KEYS.cookie, keys: 300, spread: 'even', why: 'Maglev lookup of a cookie value' },
  { id: 'rendezvous.query', algorithm: 'rendezvous', mode: 'http', key: L7_KEYS.query, keys: 300, spread: 'even', why: 'rendezvous hash of a query parameter' },
  { id: 'sh.source', algorithm: 'sh', mode: 'tcp', keys: 240, spread: 'even', why: 'IPVS source hashing of the client address (L4)' },
  { id: 'iphash.subnet', algorithm: 'iphash', mode: 'tcp', keys: 24, spread: 'one', why: 'nginx ip_hash keys on the first three octets: every client in 127.10.0.0/24 shares one backend' },
  { id: 'dh.destination', algorithm: 'dh', mode: 'tcp', keys: 24, spread: 'one', why: 'IPVS destination hashing: every connection goes to the one listen address, so to one backend' },
];

const describeKey = (c: StickyCase) => (c.key ? `key ${c.key.from}${c.key.name ? ` "${c.key.name}"` : ''}` : c.mode === 'tcp' ? 'source address' : 'default key');

export function stickyCheck(c: StickyCase): AlgorithmCheck {
  const l4 = c.mode === 'tcp';
  const dispersion = (n: number) => (c.ringPoints ? ringDispersion(c.ringPoints, n, c.keys) : 1);
  return {
    id: `algorithms.sticky.${c.id}`,
    title: `${c.algorithm}: the same ${describeKey(c)} always reaches the same backend${c.spread === 'even' ? ', and keys spread evenly' : ''}`,
    requires: [c.mode, `algorithm:${c.algorithm}`],
    ...(c.spread === 'even' ? { falseFailureProbability: STICKY_ALPHA } : {}),
    ...(l4 ? { clients: c.keys } : {}),
    notes:
      `${c.why}. ${c.keys} distinct keys${l4 ? ' (one client address each)' : ''}, each sent twice on new connections (second pass reversed, all but the key changed); ` +
      `fails if any key changes backend or any request fails. ` +
      (c.spread === 'even'
        ? `Counts per backend: chi-square against equal shares, α = ${STICKY_ALPHA}${c.ringPoints ? `, statistic divided by the ring dispersion φ = (N·P + K)/(N·P + 1) with P = ${c.ringPoints} points per backend assumed` : ''}.`
        : 'Every key must land on one and the same backend.'),
    scenario: (base) => ({
      ...base,
      mode: c.mode,
      algorithm: { name: c.algorithm },
      ...(c.key ? { key: c.key } : {}),
      backends: base.backends.map((b) => ({ ...b, weight: c.weight ?? b.weight })),
    }),
    async run({ topology }): Promise<Verdict> {
      if (l4) {
        const short = tooFewClients(topology, c.keys);
        if (short) return short;
      }
      const ids = topology.backends.map((b) => b.id);
      const first = await inPool(c.keys, IN_FLIGHT, (k) => sendKeyed(topology, k, 1));
      const second = (await inPool(c.keys, IN_FLIGHT, (i) => sendKeyed(topology, c.keys - 1 - i, 2))).reverse();
      const failures: { key: number; pass: number; what: string }[] = [];
      const moved: { key: number; first: string; second: string }[] = [];
      const counts: Record<string, number> = Object.fromEntries(ids.map((id) => [id, 0]));
      const name = (a: Answer) => ('backend' in a ? a.backend : undefined);
      for (let k = 0; k < c.keys; k++) {
        const [a, b] = [first[k]!, second[k]!];
        if ('failure' in a) failures.push({ key: k, pass: 1, what: a.failure });
        if ('failure' in b) failures.push({ key: k, pass: 2, what: b.failure });
        const [x, y] = [name(a), name(b)];
        if (x !== undefined) counts[x] = (counts[x] ?? 0) + 1;
        if (x !== undefined && y !== undefined && x !== y) moved.push({ key: k, first: x, second: y });
      }
      const used = Object.values(counts).filter((n) => n > 0).length;
      const mean = c.keys / ids.length;
      const metrics: Record<string, number> = { keys: c.keys, keysThatMoved: moved.length, backendsUsed: used, imbalance: Number((Math.max(...Object.values(counts)) / mean).toFixed(4)) };
      const evidence: Record<string, unknown> = { counts, moved: moved.slice(0, 10), failures: failures.slice(0, 10) };
      if (failures.length > 0) return { status: 'fail', reason: `${failures.length} of ${2 * c.keys} requests failed (first: key ${failures[0]!.key}: ${failures[0]!.what})`, evidence, metrics };
      if (moved.length > 0) {
        const m = moved[0]!;
        return { status: 'fail', reason: `not sticky: ${moved.length} of ${c.keys} keys reached a different backend the second time (key-${m.key}: ${m.first} then ${m.second})`, evidence, metrics };
      }
      if (c.spread === 'one') {
        if (used !== 1) return { status: 'fail', reason: `keys that share one hash input went to ${used} backends: ${JSON.stringify(counts)}`, evidence, metrics };
        return { status: 'pass', evidence, metrics };
      }
      const test = chiSquareTest(ids.map((id) => counts[id] ?? 0), ids.map(() => 1 / ids.length), STICKY_ALPHA, dispersion(ids.length));
      Object.assign(metrics, { chiSquare: Number(test.statistic.toFixed(3)), dispersion: Number(test.dispersion.toFixed(3)), critical: Number(test.critical.toFixed(3)), pValue: test.pValue });
      evidence['chiSquare'] = test;
      if (test.reject) {
        return { status: 'fail', reason: `keys not spread evenly: ${ids.map((id) => `${id}=${counts[id]}`).join(', ')}; χ²/φ = ${test.scaled.toFixed(1)} > ${test.critical.toFixed(2)} (p = ${test.pValue.toExponential(2)} < α = ${STICKY_ALPHA})`, evidence, metrics };
      }
      return { status: 'pass', evidence, metrics };
    },
  };
}

export const stickyChecks: readonly AlgorithmCheck[] = STICKY_CASES.map(stickyCheck);
