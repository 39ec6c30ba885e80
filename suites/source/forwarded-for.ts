// L7 source address: the backend learns the client's address from the headers the balancer adds.
// X-Forwarded-For: the balancer appends the address it received the connection from, so the last
// entry must be the client's (a client-supplied entry before it must not replace it).
// Forwarded (RFC 7239): the last element's for= parameter must be the client's address.
import type { Check, CheckContext, Verdict } from '../../harness/index.ts';

/** A documentation address (TEST-NET-2) the client claims in its own X-Forwarded-For; never contacted. */
const SPOOFED = '198.51.100.7';

/** The node value of the last element's for= parameter, without quotes, brackets or port. */
export function lastForwardedFor(header: string): string | undefined {
  const last = header.split(',').pop() ?? '';
  for (const pair of last.split(';')) {
    const [k, v] = pair.split('=').map((s) => s.trim());
    if (k?.toLowerCase() === 'for' && v !== undefined) {
      const node = v.replace(/^"|"$/g, '');
      const m = /^\[([^\]]+)\](?::\d+)?$/.exec(node) ?? /^([^:]+)(?::\d+)?$/.exec(node);
      return m?.[1] ?? node;
    }
  }
  return undefined;
}

export function lastXff(header: string): string | undefined {
  return header.split(',').pop()?.trim() || undefined;
}

async function probe(ctx: CheckContext, headerName: string, extract: (v: string) => string | undefined): Promise<Verdict> {
  const client = ctx.topology.clients[0]!;
  const seen: { sent?: string; received?: string; backend?: string }[] = [];
  for (const sent of [undefined, SPOOFED]) {
    const r = await client.http({ path: '/source', headers: sent ? { [headerName]: sent } : {} });
    if (!r.ok || !r.backend) return { status: 'fail', reason: `request failed: ${r.ok ? `HTTP ${r.status} without backend header` : r.error}` };
    const record = (await ctx.topology.backend(r.backend).records()).filter((x) => x.path === '/source').pop();
    const received = record?.headers?.[headerName];
    seen.push({ ...(sent ? { sent } : {}), ...(received !== undefined ? { received } : {}), backend: r.backend });
    const evidence = { client: client.address, requests: seen };
    if (received === undefined) return { status: 'fail', reason: `the backend got no ${headerName} header${sent ? ` (the client sent "${sent}")` : ''}`, evidence };
    const got = extract(received);
    if (got !== client.address) return { status: 'fail', reason: `${headerName} is "${received}": its last entry is ${got ?? 'missing'}, not the client's ${client.address}`, evidence };
  }
  return { status: 'pass', evidence: { client: client.address, requests: seen } };
}

export const xffCheck: Check = {
  id: 'source.xff',
  title: "L7: the client's address is the last X-Forwarded-For entry",
  requires: ['http', 'xff'],
  notes: `Two requests, one without X-Forwarded-For and one where the client already sends ${SPOOFED}; the backend must see the client's own address as the last entry both times.`,
  scenario: (base) => ({ ...base, mode: 'http' }),
  run: (ctx) => probe(ctx, 'x-forwarded-for', lastXff),
};

export const forwardedCheck: Check = {
  id: 'source.forwarded',
  title: "L7: the client's address is in the last Forwarded for= (RFC 7239)",
  requires: ['http', 'forwarded'],
  notes: "The last element of Forwarded must carry for=<client address> (quoted, bracketed and with a port are accepted).",
  scenario: (base) => ({ ...base, mode: 'http' }),
  run: (ctx) => probe(ctx, 'forwarded', lastForwardedFor),
};
