// h2.per-stream: the requests of ONE HTTP/2 connection are balanced one by one. With rr, 10 cycles
// of requests sent one after another on one TLS connection (ALPN h2) give every backend N/k ± 1,
// and each backend's own records hold exactly the paths the replies say it answered. A balancer
// that pins a connection to one backend (any L4 balancer, or an L7 one that picks per connection)
// sends all of them to one. Deterministic: no statistics.
import { countBy } from '../distribution/sequence.ts';
import type { Check, HttpOutcome } from '../../harness/index.ts';
import { protocolCertificates, SNI_A } from './certificates.ts';

const CYCLES = 10;

export const h2PerStreamCheck: Check = {
  id: 'h2.per-stream',
  title: 'The requests of one HTTP/2 connection are spread by the scheduler, not pinned',
  requires: ['http', 'tls', 'http2', 'algorithm:rr'],
  notes: `${CYCLES} cycles of requests, one after another on one HTTP/2 connection over TLS; pass when every backend answered N/k ± 1 of them and its own records show exactly those paths.`,
  scenario: (base) => ({ ...base, mode: 'http', algorithm: { name: 'rr' }, tls: protocolCertificates().tls, http2: true }),
  async run({ topology }) {
    const client = topology.clients[0]!;
    if (!client.http2) return { status: 'skip', reason: 'this driver has no HTTP/2 client' };
    const ids = topology.backends.map((b) => b.id);
    const n = CYCLES * ids.length;
    await Promise.all(topology.backends.map((b) => b.reset()));
    const paths = Array.from({ length: n }, (_, i) => `/h2/per-stream/${i}`);
    const out = await client.http2({ tls: { servername: SNI_A, ca: protocolCertificates().tls.ca }, requests: paths.map((path) => ({ path })), timeoutMs: 30_000 });
    if (!out.ok) return { status: 'fail', reason: `the HTTP/2 connection failed: ${out.error}`, evidence: { error: out.error } };
    const failed = out.responses.map((r, i) => [i, r] as const).filter(([, r]) => !answered(r));
    const sequence = out.responses.map((r) => (r.ok ? (r.backend ?? '?') : '!'));
    const counts = countBy(sequence, ids);
    const seen = Object.fromEntries(await Promise.all(topology.backends.map(async (b) => [b.id, (await b.records()).map((r) => r.path).filter((p) => p?.startsWith('/h2/per-stream/'))] as const)));
    const evidence = { connection: out.local, sequence: sequence.join(' '), counts, backendsSaw: Object.fromEntries(Object.entries(seen).map(([id, p]) => [id, p.length])), failures: failed.slice(0, 5).map(([i, r]) => ({ index: i, what: r.ok ? `HTTP ${r.status}` : r.error })) };
    if (failed.length > 0) return { status: 'fail', reason: `${failed.length} of ${n} streams failed (first: ${evidence.failures[0]?.what})`, evidence };
    const mismatched = ids.filter((id) => {
      const replied = paths.filter((_, i) => sequence[i] === id).sort();
      return JSON.stringify(replied) !== JSON.stringify([...(seen[id] ?? [])].sort());
    });
    if (mismatched.length > 0) return { status: 'fail', reason: `the replies and the records of ${mismatched.join(', ')} disagree on which requests they served`, evidence };
    const off = ids.filter((id) => Math.abs((counts[id] ?? 0) - n / ids.length) > 1);
    if (off.length > 0) return { status: 'fail', reason: `one connection's ${n} streams went ${ids.map((id) => `${id}=${counts[id] ?? 0}`).join(', ')} (rr gives ${n / ids.length} each)`, evidence };
    return { status: 'pass', evidence, metrics: { streams: n } };
  },
};

function answered(r: HttpOutcome): boolean {
  return r.ok && r.status >= 200 && r.status < 300 && r.backend !== undefined;
}
