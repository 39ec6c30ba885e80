// Load-aware algorithms, checked step by step with long-held requests: the harness opens held
// requests one at a time (each stays in flight on its backend), releases some, opens more, and
// after every open asks a rule which backends the algorithm may pick given the active counts just
// before. Deterministic: no statistics, ties may go to any tied backend. Rules are pure data.
//
// The balancer counts a request as active from its pick until the response ends, so sequential
// opens are seen at once; after releases the harness waits until the agents report the closes and
// then a further 150 ms before opening more (the balancer forwarded the close, so it has seen it).
import { type AlgorithmCheck } from './check.ts';
import { finishHeld, settleActive } from '../traffic.ts';
import type { HeldExchange, Verdict } from '../../harness/index.ts';

export interface HeldState {
  /** Backend ids in config order. */
  order: readonly string[];
  weight: Readonly<Record<string, number>>;
  active: Readonly<Record<string, number>>;
}

/** Which backends the algorithm may pick in this state. */
export type HeldRule = (s: HeldState) => string[];

function argmin(s: HeldState, cost: (id: string) => number): string[] {
  const best = Math.min(...s.order.map(cost));
  // Costs are ratios of small integers; compare with a tolerance far below their spacing.
  return s.order.filter((id) => cost(id) - best < 1e-9);
}

export type HeldAlgorithm = 'lc' | 'wlc' | 'sed' | 'nq' | 'fo' | 'ovf' | 'first';

export const rules: Record<HeldAlgorithm, HeldRule> = {
  lc: (s) => argmin(s, (id) => s.active[id]!),
  wlc: (s) => argmin(s, (id) => s.active[id]! / s.weight[id]!),
  sed: (s) => argmin(s, (id) => (s.active[id]! + 1) / s.weight[id]!),
  nq: (s) => {
    const idle = s.order.filter((id) => s.active[id] === 0);
    return idle.length > 0 ? idle : rules.sed(s);
  },
  fo: (s) => {
    const top = Math.max(...s.order.map((id) => s.weight[id]!));
    return s.order.filter((id) => s.weight[id] === top);
  },
  ovf: (s) => {
    const open = s.order.filter((id) => s.active[id]! < s.weight[id]!);
    if (open.length === 0) return rules.wlc(s);
    const top = Math.max(...open.map((id) => s.weight[id]!));
    return open.filter((id) => s.weight[id] === top);
  },
  first: (s) => {
    const free = s.order.find((id) => s.active[id]! < FIRST_MAXCONN);
    return free ? [free] : rules.lc(s);
  },
};

export const FIRST_MAXCONN = 2;

export interface HeldCase {
  algorithm: HeldAlgorithm;
  title: string;
  weights: readonly number[];
  /** Opens before the release, and after it. */
  opens: number;
  reopens: number;
  options?: Record<string, unknown>;
  why: string;
}

export const HELD_CASES: readonly HeldCase[] = [
  // ovf and first open exactly up to total capacity: what a balancer does when every backend is full
  // is policy, not the algorithm (HAProxy queues behind maxconn, IPVS refuses, the reference overflows).
  { algorithm: 'lc', title: 'least connections equalises held requests', weights: [1, 1, 1], opens: 9, reopens: 4, why: 'each new request goes to a backend with the fewest active' },
  { algorithm: 'wlc', title: 'weighted least connections keeps held requests in proportion to weight', weights: [3, 2, 1], opens: 12, reopens: 4, why: 'each new request goes to a backend with the lowest active/weight' },
  { algorithm: 'sed', title: 'shortest expected delay prefers the backend with the lowest (active+1)/weight, even an idle light one over an idle heavy one', weights: [1, 1, 3], opens: 8, reopens: 4, why: 'each new request goes to a backend with the lowest (active+1)/weight' },
  { algorithm: 'nq', title: 'never queue sends work to an idle backend first, else by shortest expected delay', weights: [1, 1, 3], opens: 8, reopens: 4, why: 'an idle backend when there is one, else the lowest (active+1)/weight' },
  { algorithm: 'fo', title: 'weighted failover sends all work to the highest-weight backend', weights: [2, 5, 3], opens: 6, reopens: 2, why: 'every request goes to the highest-weight backend, whatever its load' },
  { algorithm: 'ovf', title: 'overflow fills the highest-weight backend up to its weight, then the next', weights: [2, 3, 1], opens: 6, reopens: 3, why: 'the highest-weight backend whose active count is below its weight' },
  { algorithm: 'first', title: `first fills backends in config order up to maxconn ${FIRST_MAXCONN}`, weights: [1, 1, 1], opens: 6, reopens: 2, options: { maxconn: FIRST_MAXCONN }, why: `the first backend in config order with fewer than ${FIRST_MAXCONN} active` },
];

interface Step {
  action: string;
  activeBefore: Record<string, number>;
  allowed?: string[];
  picked?: string;
  ok: boolean;
}

export function heldCheck(c: HeldCase): AlgorithmCheck {
  const rule: HeldRule = rules[c.algorithm];
  return {
    id: `algorithms.held.${c.algorithm}`,
    title: c.title,
    requires: ['http', `algorithm:${c.algorithm}`],
    notes: `Weights ${c.weights.join(':')}${c.options ? `, options ${JSON.stringify(c.options)}` : ''}. Opens ${c.opens} held requests one by one, releases every request on the backend that took the first one, then opens ${c.reopens} more. Each open must go to ${c.why} (ties: any tied backend). Deterministic.`,
    scenario: (base) => ({
      ...base,
      mode: 'http',
      algorithm: { name: c.algorithm, ...c.options },
      backends: c.weights.map((weight, i) => ({ id: base.backends[i]?.id ?? `b${i + 1}`, weight })),
    }),
    async run({ topology }): Promise<Verdict> {
      const client = topology.clients[0]!;
      const order = topology.backends.map((b) => b.id);
      const weight = Object.fromEntries(topology.backends.map((b) => [b.id, b.weight]));
      const held = new Map<string, HeldExchange[]>(order.map((id) => [id, []]));
      // Requests the backends still carry after we released them (a balancer may keep serving a
      // request whose client left: HAProxy without `option abortonclose`). They count as active,
      // since the balancer counts them too; the agents' view is the truth after a release.
      const lingering: Record<string, number> = Object.fromEntries(order.map((id) => [id, 0]));
      const ours = () => Object.fromEntries(order.map((id) => [id, held.get(id)?.length ?? 0]));
      const active = () => Object.fromEntries(order.map((id) => [id, (held.get(id)?.length ?? 0) + lingering[id]!]));
      const steps: Step[] = [];
      const open = async (label: string) => {
        const before = active();
        const allowed = rule({ order, weight, active: before });
        const h = await client.holdHttp({ timeoutMs: 5000 });
        const picked = h.backend ?? '(unknown)';
        const list = held.get(picked);
        if (list) list.push(h);
        else await h.close();
        steps.push({ action: label, activeBefore: before, allowed, picked, ok: allowed.includes(picked) });
      };
      try {
        for (let i = 0; i < c.opens; i++) await open(`open #${i + 1}`);
        const firstPick = steps[0]?.picked;
        if (firstPick && held.has(firstPick)) {
          for (const h of held.get(firstPick)!.splice(0)) await finishHeld(topology, h);
          const mine = ours();
          const seen = await settleActive(topology, mine);
          for (const id of order) lingering[id] = Math.max(0, (seen[id] ?? 0) - mine[id]!);
          const kept = order.filter((id) => lingering[id]! > 0);
          steps.push({ action: `released every request on ${firstPick}; agents report ${JSON.stringify(seen)}${kept.length ? ` (the balancer kept released requests open on ${kept.join(', ')}: counted as active)` : ''}`, activeBefore: active(), ok: true });
          for (let i = 0; i < c.reopens; i++) await open(`reopen #${i + 1}`);
        }
        const final = active();
        const bad = steps.filter((s) => !s.ok);
        const perWeight = order.map((id) => final[id]! / weight[id]!);
        const metrics: Record<string, number> = {
          opens: steps.filter((s) => s.picked).length,
          wrongPicks: bad.length,
          ...Object.fromEntries(order.map((id) => [`active.${id}`, final[id]!])),
          spreadOfActivePerWeight: Number((Math.max(...perWeight) - Math.min(...perWeight)).toFixed(4)),
        };
        const evidence = { weights: weight, steps };
        if (bad.length > 0) {
          const s = bad[0]!;
          return { status: 'fail', reason: `${bad.length} of ${metrics['opens']} picks broke the rule (first: ${s.action} went to ${s.picked} with active ${JSON.stringify(s.activeBefore)}; allowed ${s.allowed?.join(', ')})`, evidence, metrics };
        }
        return { status: 'pass', evidence, metrics };
      } finally {
        await Promise.all([...held.values()].flat().map((h) => h.close()));
      }
    },
  };
}

export const heldChecks: readonly AlgorithmCheck[] = HELD_CASES.map(heldCheck);
