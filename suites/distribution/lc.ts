// Least connections: with work held open on some backends, each new unit of work goes to a backend
// with the fewest active. The script opens held requests, finishes all of one backend's and one of
// another's (the agent completes those responses, so the balancer sees the work end: a client that
// just goes away is not noticed by HAProxy while it waits for the backend), then opens more; every open must land on a backend whose active count (our own
// bookkeeping, cross-checked with the agents' counters) was the minimum. Ties may go anywhere.
// Deterministic: no statistics.
import { finishHeld, settleActive } from '../traffic.ts';
import type { Check, HeldExchange } from '../../harness/index.ts';

interface Step {
  action: string;
  activeBefore: Record<string, number>;
  picked?: string;
  ok: boolean;
}

/** Waits until the agents report the active HTTP counts we expect (bounded), then lets the
 *  balancer catch up with the closes it has forwarded. */
export const lcCheck: Check = {
  id: 'distribution.lc',
  title: 'Least connections sends new work to the backend with the fewest active',
  requires: ['http', 'algorithm:lc'],
  notes: 'Opens 2 held requests per backend one by one, closes both on one backend and one on another, then opens 4 more; each open must go to a backend with the fewest active at that moment.',
  scenario: (base) => ({ ...base, mode: 'http', algorithm: { name: 'lc' } }),
  async run({ topology }) {
    const client = topology.clients[0]!;
    const ids = topology.backends.map((b) => b.id);
    const held = new Map<string, HeldExchange[]>(ids.map((id) => [id, []]));
    const active = () => Object.fromEntries(ids.map((id) => [id, held.get(id)?.length ?? 0]));
    const steps: Step[] = [];
    const finish = (h: HeldExchange) => finishHeld(topology, h);
    const open = async (label: string) => {
      const before = active();
      const h = await client.holdHttp({ timeoutMs: 5000 });
      const picked = h.backend ?? '(unknown)';
      held.get(picked)?.push(h) ?? (await h.close());
      const min = Math.min(...Object.values(before));
      const ok = before[picked] === min;
      steps.push({ action: `${label}${held.has(picked) ? '' : ' (answered by an unknown backend)'}`, activeBefore: before, picked, ok });
      await settleActive(topology, active());
      return ok;
    };
    try {
      for (let i = 0; i < 2 * ids.length; i++) await open(`open #${i + 1}`);
      const [first, second] = [steps[0]?.picked, steps[1]?.picked];
      if (first && second && first !== second && held.has(first) && held.has(second)) {
        for (const h of held.get(first)!.splice(0)) await finish(h);
        const one = held.get(second)!.pop();
        if (one) await finish(one);
        const seen = await settleActive(topology, active());
        steps.push({ action: `finished all on ${first} and one on ${second}; agents report active ${JSON.stringify(seen)}`, activeBefore: active(), ok: true });
        for (let i = 0; i < 4; i++) await open(`reopen #${i + 1}`);
      }
      const bad = steps.filter((s) => !s.ok);
      const metrics = { opens: steps.filter((s) => s.picked).length, wrongPicks: bad.length };
      if (first === second) {
        return { status: 'fail', reason: `the first two held requests both went to ${first} although the others had none`, evidence: { steps }, metrics };
      }
      if (bad.length > 0) {
        const s = bad[0]!;
        return { status: 'fail', reason: `${bad.length} of ${metrics.opens} new requests did not go to a least-loaded backend (first: ${s.action} went to ${s.picked} with active ${JSON.stringify(s.activeBefore)})`, evidence: { steps }, metrics };
      }
      return { status: 'pass', evidence: { steps }, metrics };
    } finally {
      await Promise.all([...held.values()].flat().map((h) => finish(h).catch(() => h.close())));
    }
  },
};
