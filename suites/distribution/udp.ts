// UDP through an L4 balancer (terminating): a balancer picks a backend per *flow* (the client's
// address and port), not per datagram (DESIGN: "picks per connection/flow"; IPVS, nginx stream and
// the reference keep a flow table). So: every datagram reaches a backend, which records it; the
// reply comes back to the client's socket from the address the client sent to; all datagrams of a
// flow reach the backend that took its first; and new flows go round robin (sequential flows over
// k backends: each gets its share ± 1). Deterministic: no statistics.
import { countBy } from './sequence.ts';
import type { Check, StreamOutcome, Verdict } from '../../harness/index.ts';

export const UDP_FLOWS = 9;
export const UDP_DATAGRAMS_PER_FLOW = 4;

export const udpCheck: Check = {
  id: 'distribution.udp',
  title: 'UDP: datagrams reach the backends and replies come back; each flow stays on one backend, new flows go round robin',
  requires: ['udp', 'algorithm:rr'],
  notes: `${UDP_FLOWS} flows one after another, each ${UDP_DATAGRAMS_PER_FLOW} datagrams from one client socket, each waiting for its reply. Pass when every reply echoes its datagram from the address it was sent to, the named backend recorded that datagram, every flow stayed on one backend, and flows per backend are within ±1 of ${UDP_FLOWS}/k.`,
  scenario: (base) => ({ ...base, mode: 'udp', algorithm: { name: 'rr' } }),
  async run({ topology }): Promise<Verdict> {
    const client = topology.clients[0]!;
    const ids = topology.backends.map((b) => b.id);
    const tag = `udp-${Date.now().toString(36)}`;
    const flows: { payloads: string[]; outcomes: StreamOutcome[] }[] = [];
    for (let f = 0; f < UDP_FLOWS; f++) {
      const payloads = Array.from({ length: UDP_DATAGRAMS_PER_FLOW }, (_, d) => `${tag}-f${f}-d${d}`);
      flows.push({ payloads, outcomes: await client.udpFlow(payloads, { timeoutMs: 3000 }) });
    }
    const perFlow = flows.map((fl) => fl.outcomes.map((o) => (o.ok ? (o.backend ?? '?') : 'x')).join(' '));
    const evidence: Record<string, unknown> = { flows: perFlow };
    // Replies: one per datagram, echoing it.
    for (const [f, fl] of flows.entries()) {
      for (const [d, payload] of fl.payloads.entries()) {
        const o = fl.outcomes[d];
        if (!o) return { status: 'fail', reason: `flow ${f}: datagram ${d + 1} was never sent: ${describeEnd(fl.outcomes)}`, evidence };
        if (!o.ok) return { status: 'fail', reason: `flow ${f}, datagram ${d + 1}: ${o.error}`, evidence };
        if (!o.backend || !ids.includes(o.backend) || !o.reply.endsWith(` ${payload}`)) return { status: 'fail', reason: `flow ${f}, datagram ${d + 1}: reply "${o.reply}" is not a backend's echo of "${payload}"`, evidence };
      }
    }
    // The wire: each datagram is recorded by the backend its reply named.
    const seen = new Map<string, string>();
    for (const b of topology.backends) for (const r of await b.records()) if (r.protocol === 'udp' && r.payload?.startsWith(tag)) seen.set(r.payload, b.id);
    for (const fl of flows) {
      for (const [d, payload] of fl.payloads.entries()) {
        const named = (fl.outcomes[d] as { backend: string }).backend;
        if (seen.get(payload) !== named) return { status: 'fail', reason: `the reply to "${payload}" names ${named}, but ${seen.has(payload) ? `${seen.get(payload)} recorded it` : 'no backend recorded it'}`, evidence };
      }
    }
    const split = flows.findIndex((fl) => new Set(fl.outcomes.map((o) => (o as { backend: string }).backend)).size > 1);
    if (split >= 0) return { status: 'fail', reason: `flow ${split} (one client socket) was spread over backends: ${perFlow[split]}; a UDP balancer picks per flow`, evidence };
    const firsts = flows.map((fl) => (fl.outcomes[0] as { backend: string }).backend);
    const counts = countBy(firsts, ids);
    evidence['flowsPerBackend'] = counts;
    const off = ids.filter((id) => Math.abs((counts[id] ?? 0) - UDP_FLOWS / ids.length) > 1);
    if (off.length > 0) return { status: 'fail', reason: `round robin over flows is off by more than 1 for ${off.map((id) => `${id}=${counts[id] ?? 0}`).join(', ')} (expected ${UDP_FLOWS / ids.length} each)`, evidence };
    return { status: 'pass', evidence, metrics: { flows: UDP_FLOWS, datagrams: UDP_FLOWS * UDP_DATAGRAMS_PER_FLOW } };
  },
};

function describeEnd(outcomes: readonly StreamOutcome[]): string {
  const last = outcomes[outcomes.length - 1];
  return last && !last.ok ? `the flow ended at datagram ${outcomes.length} (${last.error})` : 'the flow ended early';
}
