// TLS termination, judged from what the client was shown in the handshake.
// tls.sni: one listener, two certificates: SNI a.fulcrum.test gets a's certificate and SNI
//   b.fulcrum.test gets b's, each verifying against the scenario's CA for that name, and a request
//   on each connection reaches a backend.
// tls.alpn: offered [h2, http/1.1] the balancer picks h2 (RFC 7301: the server picks by its own
//   preference among the offered; a balancer that speaks h2 prefers it), offered [http/1.1] it picks
//   http/1.1 and serves HTTP/1.1 on that connection: one port for both.
import type { Check, ClientHost, TlsOutcome, TlsReply } from '../../harness/index.ts';
import { protocolCertificates, SNI_A, SNI_B } from './certificates.ts';

const probe = (client: ClientHost, servername: string, alpn: string[], http1Path?: string): Promise<TlsOutcome> =>
  client.tlsHandshake!({ servername, ca: protocolCertificates().tls.ca, alpn, ...(http1Path ? { http1Path } : {}) });

const shown = (o: TlsOutcome) => (o.ok ? { alpn: o.alpn, version: o.version, names: o.names, verified: o.verified, http1: o.http1 } : { error: o.error });

export const tlsSniCheck: Check = {
  id: 'tls.sni',
  title: 'SNI picks the certificate: two hostnames on one address, each gets its own',
  requires: ['http', 'tls'],
  notes: `TLS handshakes with SNI ${SNI_A} and ${SNI_B} (no ALPN offered, so HTTP/1.1); pass when each is shown the certificate issued for its name, verifying against the scenario's CA, and a GET on it reaches a backend.`,
  scenario: (base) => ({ ...base, mode: 'http', tls: protocolCertificates().tls }),
  async run({ topology }) {
    const client = topology.clients[0]!;
    if (!client.tlsHandshake) return { status: 'skip', reason: 'this driver has no TLS client' };
    const { a, b } = protocolCertificates();
    const results = [];
    for (const [name, leaf] of [[SNI_A, a], [SNI_B, b]] as const) {
      // No ALPN offered: HTTP/1.1 by default (RFC 7301 §3.1), the one protocol every TLS balancer serves.
      const o = await probe(client, name, [], `/tls/sni/${name}`);
      results.push({ name, expected: leaf.fingerprint256, outcome: o });
    }
    const evidence = Object.fromEntries(results.map((r) => [r.name, { ...shown(r.outcome), right: r.outcome.ok && r.outcome.certificate === r.expected }]));
    // Certificates first (the point of the check), then verification, then that traffic flows.
    for (const r of results) if (!r.outcome.ok) return { status: 'fail', reason: `the handshake for ${r.name} failed: ${r.outcome.error}`, evidence };
    const replies = results.map((r) => ({ ...r, o: r.outcome as TlsReply }));
    for (const { name, expected, o } of replies) {
      if (o.certificate !== expected) return { status: 'fail', reason: `SNI ${name} was shown the certificate for ${o.names.join(', ') || '(no DNS names)'}`, evidence };
    }
    for (const { name, o } of replies) if (o.verified !== true) return { status: 'fail', reason: `the certificate for ${name} did not verify: ${o.verified}`, evidence };
    for (const { name, o } of replies) {
      if (o.http1?.status !== 200 || o.http1.backend === undefined) return { status: 'fail', reason: `a GET over TLS for ${name} got ${o.http1?.status ? `HTTP ${o.http1.status}` : 'no reply'} from ${o.http1?.backend ?? 'no backend'}`, evidence };
    }
    return { status: 'pass', evidence };
  },
};

export const tlsAlpnCheck: Check = {
  id: 'tls.alpn',
  title: 'ALPN negotiates h2 and http/1.1 on one TLS port',
  requires: ['http', 'tls', 'http2'],
  notes: 'Offered [h2, http/1.1]: h2 is chosen and one HTTP/2 request is answered by a backend; offered [http/1.1]: http/1.1 is chosen and one HTTP/1.1 request is answered.',
  scenario: (base) => ({ ...base, mode: 'http', tls: protocolCertificates().tls, http2: true }),
  async run({ topology }) {
    const client = topology.clients[0]!;
    if (!client.tlsHandshake || !client.http2) return { status: 'skip', reason: 'this driver has no TLS / HTTP/2 client' };
    const both = await probe(client, SNI_A, ['h2', 'http/1.1']);
    const h1 = await probe(client, SNI_A, ['http/1.1'], '/tls/alpn/h1');
    const h2 = await client.http2({ tls: { servername: SNI_A, ca: protocolCertificates().tls.ca }, requests: [{ path: '/tls/alpn/h2' }] });
    const h2Reply = h2.ok ? h2.responses[0] : undefined;
    const evidence = { offeredBoth: shown(both), offeredHttp1: shown(h1), h2Request: h2.ok ? (h2Reply?.ok ? { status: h2Reply.status, backend: h2Reply.backend } : { error: h2Reply?.error }) : { error: h2.error } };
    if (!both.ok) return { status: 'fail', reason: `offered h2 and http/1.1, the handshake failed: ${both.error}`, evidence };
    if (both.alpn !== 'h2') return { status: 'fail', reason: `offered h2 and http/1.1, it chose ${both.alpn || 'no protocol'}`, evidence };
    if (!h1.ok) return { status: 'fail', reason: `offered only http/1.1, the handshake failed: ${h1.error}`, evidence };
    if (h1.alpn !== 'http/1.1') return { status: 'fail', reason: `offered only http/1.1, it chose ${h1.alpn || 'no protocol'}`, evidence };
    if (h1.http1?.status !== 200 || h1.http1.backend === undefined) return { status: 'fail', reason: `HTTP/1.1 over TLS got ${h1.http1?.status ? `HTTP ${h1.http1.status}` : 'no reply'}`, evidence };
    if (!h2.ok || !h2Reply?.ok || h2Reply.status !== 200 || h2Reply.backend === undefined) return { status: 'fail', reason: 'an HTTP/2 request over TLS was not answered by a backend', evidence };
    return { status: 'pass', evidence };
  },
};
