// UDP through the LVS modes, judged at both ends. A client sends FLOWS flows of DATAGRAMS datagrams each
// (one source port per flow) to the VIP; every datagram must be answered with its own payload echoed by a
// real server, all datagrams of a flow must reach the same real server (the connection table keeps UDP
// flows as IPVS does), round robin must spread the flows over more than one real server, and each real
// server must have seen the client's own address and port as the datagrams' source (NAT rewrites only
// the destination; DR and TUN change no address). No retries: a lost datagram is a failure.
import type { BackendHost, Check, Verdict } from '../../harness/index.ts';
import { LVS_MODES, MODE_NAMES, type LvsMode } from './plan.ts';

export const UDP_FLOWS = 6;
export const UDP_DATAGRAMS = 4;
const TIMEOUT_MS = 3000;

interface FlowRecord {
  port: number;
  backends: string[];
}

function udpCheck(mode: LvsMode): Check {
  return {
    id: `lvs.${mode}.udp`,
    title: `${MODE_NAMES[mode]}: UDP datagrams reach the real servers and are answered; a flow sticks to one; the source is the client's`,
    requires: [`lvs:${mode}`, 'lvs:udp'],
    notes: `${UDP_FLOWS} flows × ${UDP_DATAGRAMS} datagrams (one source port per flow), sequential, ${TIMEOUT_MS} ms each, never retried. Fails on a lost or wrong reply, a flow split over real servers, all flows on one server (rr), or a real server that saw another source address or port.`,
    // An admin endpoint when the target has one: it tells when a UDP-only balancer is ready.
    scenario: (base) => ({ ...base, mode: 'udp', algorithm: { name: 'rr' }, lvs: { mode }, admin: true }),
    sharesTopology: true,
    async run({ topology }): Promise<Verdict> {
      const client = topology.clients[0]!;
      await Promise.all(topology.backends.map((b) => b.reset()));
      const flows: FlowRecord[] = [];
      const failures: string[] = [];
      for (let f = 0; f < UDP_FLOWS; f++) {
        const flow: FlowRecord = { port: 0, backends: [] };
        flows.push(flow);
        for (let d = 0; d < UDP_DATAGRAMS; d++) {
          const payload = `lvs-udp-${f}-${d}`;
          const r = await client.udp(payload, { timeoutMs: TIMEOUT_MS, ...(flow.port ? { sourcePort: flow.port } : {}) });
          if (!r.ok) failures.push(`${payload}: ${r.error}`);
          else if (!r.reply.includes(payload) || r.backend === undefined) failures.push(`${payload}: reply ${JSON.stringify(r.reply.slice(0, 80))} is not its echo`);
          else flow.backends.push(r.backend);
          if (r.ok && flow.port === 0) flow.port = r.local.port;
        }
      }
      const total = UDP_FLOWS * UDP_DATAGRAMS;
      const peers = await sourcesSeen(topology.backends);
      const evidence = { client: client.address, flows, peersByRealServer: peers, failures: failures.slice(0, 5) };
      if (failures.length > 0) return { status: 'fail', reason: `${failures.length} of ${total} datagrams got no right reply (first: ${failures[0]})`, evidence };
      const split = flows.findIndex((fl) => new Set(fl.backends).size > 1);
      if (split >= 0) return { status: 'fail', reason: `flow ${split} (port ${flows[split]!.port}) was split over ${[...new Set(flows[split]!.backends)].join(', ')}: UDP flows must stick`, evidence };
      const used = new Set(flows.map((fl) => fl.backends[0]!));
      if (used.size < 2) return { status: 'fail', reason: `all ${UDP_FLOWS} flows went to ${[...used].join(', ')}: round robin must spread them`, evidence };
      const ports = new Set(flows.map((fl) => `${client.address}:${fl.port}`));
      const wrong = Object.entries(peers).flatMap(([id, seen]) => seen.filter((p) => !ports.has(p)).map((p) => `${id} saw ${p}`));
      if (Object.keys(peers).length < used.size) return { status: 'fail', reason: `replies named ${[...used].join(', ')} but only ${Object.keys(peers).join(', ') || 'no real server'} recorded datagrams`, evidence };
      if (wrong.length > 0) return { status: 'fail', reason: `${wrong.slice(0, 3).join('; ')}, not the client's ${client.address} and its flows' ports`, evidence };
      return { status: 'pass', evidence, metrics: { datagrams: total, realServersUsed: used.size } };
    },
  };
}

/** "address:port" of every UDP datagram of this check each real server recorded. */
async function sourcesSeen(backends: readonly BackendHost[]): Promise<Record<string, string[]>> {
  const peers: Record<string, string[]> = {};
  for (const b of backends) {
    const seen = (await b.records()).filter((r) => r.protocol === 'udp' && r.payload?.startsWith('lvs-udp-')).map((r) => `${r.peer.address}:${r.peer.port}`);
    if (seen.length) peers[b.id] = [...new Set(seen)];
  }
  return peers;
}

export const udpChecks: readonly Check[] = LVS_MODES.map(udpCheck);
