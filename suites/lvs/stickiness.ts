// Connection stickiness: every packet of a connection reaches the one real server that got its
// first packet, while real servers are quiesced, added and removed around it. Long-lived
// keep-alive connections (one per real server) carry a request after each change; a flow moved to
// another real server would be reset there. New connections must follow the changes: none to a
// quiesced or removed server, some to the added one.
import type { Check, HttpSession, Verdict } from '../../harness/index.ts';
import { addServer, removeServer, setWeight } from './admin-client.ts';
import { LVS_MODES, MODE_NAMES, lvsScenario, type LvsMode } from './plan.ts';
import { failedLine, sequentialHttp } from '../traffic.ts';

const NEW_CONNECTIONS = 12;

function stickinessCheck(mode: LvsMode): Check {
  return {
    id: `lvs.${mode}.stickiness`,
    title: `${MODE_NAMES[mode]}: a connection stays on its real server while servers are quiesced, added and removed`,
    requires: ['tcp', `lvs:${mode}`, 'lvs:admin'],
    notes: `Four real servers; b4 is removed first. Three keep-alive connections (one per server by rr) each send a request after every step: quiesce the first connection's server (weight 0), add b4, close the third connection and remove its server. Every request on a connection must reach the server of its first request. Then ${NEW_CONNECTIONS} new connections must avoid the quiesced and the removed server and reach b4.`,
    scenario: (base) => ({ ...lvsScenario(mode)(base), admin: true, backends: [1, 2, 3, 4].map((i) => ({ id: `b${i}`, weight: 1 })) }),
    async run({ topology, log }): Promise<Verdict> {
      const admin = topology.scenario.admin;
      if (!admin) return { status: 'fail', reason: 'the driver gave no admin endpoint' };
      const client = topology.clients[0]!;
      const b4 = topology.scenario.backends.find((b) => b.id === 'b4')!;
      const b4Address = mode === 'nat' ? `${b4.host}:${b4.port}` : b4.host;
      await removeServer(admin, 'b4');

      const sessions: { session: HttpSession; backend: string; port: number; answers: string[] }[] = [];
      const steps: string[] = [];
      const evidence = () => ({ steps, connections: sessions.map((s) => ({ backend: s.backend, answers: s.answers })) });
      try {
        for (let i = 0; i < 3; i++) {
          const session = await client.httpSession();
          const r = await session.request({ path: `/sticky/${i}/open`, timeoutMs: 5000 });
          if (!r.ok || !r.backend) return { status: 'fail', reason: `connection ${i + 1} could not open: ${r.ok ? `HTTP ${r.status}` : r.error}`, evidence: evidence() };
          sessions.push({ session, backend: r.backend, port: r.local.port, answers: [r.backend] });
        }
        const probe = async (step: string, live: typeof sessions): Promise<string | undefined> => {
          steps.push(step);
          for (const [i, s] of live.entries()) {
            const r = await s.session.request({ path: `/sticky/${i}/${steps.length}`, timeoutMs: 5000 });
            s.answers.push(r.ok ? (r.backend ?? `HTTP ${r.status}`) : r.error);
            // A keep-alive session opens a new connection when its old one was closed under it (a reset
            // while idle): that is the break itself, reported as such, not as a fresh connection's pick.
            if (r.ok && r.local.port !== s.port) return `after "${step}" connection ${i + 1} (on ${s.backend}) was closed under it (reset or closed while idle); the session's next connection reached ${r.backend ?? 'no agent'}`;
            if (!r.ok || r.backend !== s.backend) return `after "${step}" connection ${i + 1} (on ${s.backend}) got ${r.ok ? `an answer from ${r.backend ?? 'no agent'}` : `"${r.error}"`}`;
          }
          return undefined;
        };
        const [first, , third] = sessions as [(typeof sessions)[0], (typeof sessions)[0], (typeof sessions)[0]];
        await setWeight(admin, first.backend, 0);
        let broken = await probe(`quiesce ${first.backend}`, sessions);
        if (broken) return { status: 'fail', reason: broken, evidence: evidence() };
        await addServer(admin, 'b4', b4Address);
        broken = await probe('add b4', sessions);
        if (broken) return { status: 'fail', reason: broken, evidence: evidence() };
        await third.session.close();
        await removeServer(admin, third.backend);
        broken = await probe(`remove ${third.backend}`, sessions.slice(0, 2));
        if (broken) return { status: 'fail', reason: broken, evidence: evidence() };

        log(`new connections after quiescing ${first.backend}, adding b4, removing ${third.backend}`);
        // The added server answers only once the engine knows its MAC (ARP every 200 ms): allow a moment.
        await new Promise((r) => setTimeout(r, 500));
        const fresh = await sequentialHttp(client, NEW_CONNECTIONS);
        const counts: Record<string, number> = {};
        for (const b of fresh.sequence) counts[b] = (counts[b] ?? 0) + 1;
        const all = { ...evidence(), newConnections: counts, failures: fresh.failures.slice(0, 5) };
        if (fresh.failures.length > 0) return { status: 'fail', reason: failedLine(fresh.failures, NEW_CONNECTIONS, 'new connections'), evidence: all };
        if (counts[first.backend]) return { status: 'fail', reason: `the quiesced ${first.backend} got ${counts[first.backend]} new connections`, evidence: all };
        if (counts[third.backend]) return { status: 'fail', reason: `the removed ${third.backend} got ${counts[third.backend]} new connections`, evidence: all };
        if (!counts['b4']) return { status: 'fail', reason: 'the added b4 got no new connections', evidence: all };
        return { status: 'pass', evidence: all };
      } finally {
        for (const s of sessions) await s.session.close().catch(() => {});
      }
    },
  };
}

export const stickinessChecks: readonly Check[] = LVS_MODES.map(stickinessCheck);
