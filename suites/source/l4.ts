// L4 terminating: two connections, so the backend's peer is the balancer, not the client; with
// PROXY protocol the header must carry the client's exact address and port, and the address and
// port the client connected to.
import type { Check, CheckContext, Verdict } from '../../harness/index.ts';

async function exchange(ctx: CheckContext) {
  const client = ctx.topology.clients[0]!;
  const r = await client.tcp('source-check');
  if (!r.ok || !r.backend) return { error: r.ok ? `reply "${r.reply}" does not name a backend` : r.error } as const;
  const record = (await ctx.topology.backend(r.backend).records()).filter((x) => x.protocol === 'tcp' && x.payload === 'source-check').pop();
  if (!record) return { error: `backend ${r.backend} answered but has no record of the connection` } as const;
  return { client: r.local, record } as const;
}

export const l4PeerCheck: Check = {
  id: 'source.l4-peer',
  title: 'L4 terminating: the backend sees the balancer as its peer, not the client',
  requires: ['tcp'],
  scenario: (base) => ({ ...base, mode: 'tcp' }),
  async run(ctx): Promise<Verdict> {
    const x = await exchange(ctx);
    if ('error' in x) return { status: 'fail', reason: `TCP exchange failed: ${x.error}` };
    const evidence = { client: x.client, backendPeer: x.record.peer, backend: x.record.backend };
    if (x.record.peer.address === x.client.host) return { status: 'fail', reason: `the backend's peer is the client's own address ${x.client.host}: the connection was not terminated`, evidence };
    return { status: 'pass', evidence };
  },
};

function proxyCheck(version: 1 | 2): Check {
  return {
    id: `source.proxy-v${version}`,
    title: `PROXY protocol v${version}: the header carries the client's address and port`,
    requires: ['tcp', `proxy-protocol:v${version}`],
    notes: 'The header must name the client address and ephemeral port exactly, and the balancer address and port the client connected to.',
    scenario: (base) => ({ ...base, mode: 'tcp', proxyProtocol: `v${version}` }),
    async run(ctx): Promise<Verdict> {
      const x = await exchange(ctx);
      if ('error' in x) return { status: 'fail', reason: `TCP exchange failed: ${x.error}` };
      const entry = ctx.topology.entry;
      const proxy = x.record.proxy;
      const evidence = { client: x.client, entry, proxyHeader: proxy ?? null, backendPeer: x.record.peer };
      if (!proxy) return { status: 'fail', reason: 'the backend got no PROXY header', evidence };
      if (proxy.version !== version) return { status: 'fail', reason: `the backend got a v${proxy.version} header, not v${version}`, evidence };
      const src = proxy.source;
      if (!src || src.address !== x.client.host || src.port !== x.client.port) {
        return { status: 'fail', reason: `PROXY source is ${src ? `${src.address}:${src.port}` : 'missing'}, the client was ${x.client.host}:${x.client.port}`, evidence };
      }
      const dst = proxy.destination;
      if (!dst || dst.address !== entry.host || dst.port !== entry.port) {
        return { status: 'fail', reason: `PROXY destination is ${dst ? `${dst.address}:${dst.port}` : 'missing'}, the client connected to ${entry.host}:${entry.port}`, evidence };
      }
      return { status: 'pass', evidence };
    },
  };
}

export const proxyV1Check = proxyCheck(1);
export const proxyV2Check = proxyCheck(2);
