// Source preservation in the LVS modes: the real server sees the real client's address as the peer
// of its connection (NAT rewrites only the destination; DR and TUN change no address at all).
// A terminating balancer would show its own address here.
import type { Check, Verdict } from '../../harness/index.ts';
import { failedLine, sequentialHttp } from '../traffic.ts';
import { LVS_MODES, MODE_NAMES, lvsScenario, type LvsMode } from './plan.ts';

export const SOURCE_REQUESTS = 12;

function sourceCheck(mode: LvsMode): Check {
  return {
    id: `lvs.${mode}.source`,
    title: `${MODE_NAMES[mode]}: real servers see the client's own address`,
    requires: ['tcp', `lvs:${mode}`],
    notes: `${SOURCE_REQUESTS} HTTP requests on new connections; every real server that answered must have recorded the client's address as the connection's peer.`,
    scenario: lvsScenario(mode),
    sharesTopology: true,
    async run({ topology }): Promise<Verdict> {
      const client = topology.clients[0]!;
      await Promise.all(topology.backends.map((b) => b.reset()));
      const traffic = await sequentialHttp(client, SOURCE_REQUESTS);
      if (traffic.failures.length > 0) return { status: 'fail', reason: failedLine(traffic.failures, SOURCE_REQUESTS), evidence: { failures: traffic.failures.slice(0, 5) } };
      const peers: Record<string, string[]> = {};
      for (const b of topology.backends) {
        const records = (await b.records()).filter((r) => r.path?.startsWith('/seq/'));
        if (records.length) peers[b.id] = [...new Set(records.map((r) => r.peer.address))];
      }
      const evidence = { client: client.address, peersByRealServer: peers };
      const wrong = Object.entries(peers).filter(([, addresses]) => addresses.some((a) => a !== client.address));
      if (Object.keys(peers).length === 0) return { status: 'fail', reason: 'no real server recorded a request', evidence };
      if (wrong.length > 0) {
        return { status: 'fail', reason: `${wrong.map(([id, a]) => `${id} saw ${a.join(', ')}`).join('; ')}, not the client's ${client.address}`, evidence };
      }
      return { status: 'pass', evidence };
    },
  };
}

export const sourceChecks: readonly Check[] = LVS_MODES.map(sourceCheck);
