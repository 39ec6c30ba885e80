// Header rewriting for the HTTP/1.1 proxy, pure. Works on Node's flat rawHeaders arrays
// ([name, value, name, value, …]) so names keep their case and repeated headers stay apart.
// Hop-by-hop headers (RFC 9110 §7.6.1) are removed both ways, plus any header that Connection names,
// except the framing headers and Host: a client that nominates Content-Length must not get its body
// sent unframed (request smuggling), so those are never dropped on its say. Towards the backend the
// client's Content-Length and Transfer-Encoding are always replaced by the framing the proxy itself
// sends (from what the parser read, see request-head.ts); towards the client Node re-frames.
// The client is appended to X-Forwarded-For and to RFC 7239 Forwarded; X-Forwarded-Proto is set.
import type { BodyFraming } from './request-head.ts';

const HOP_BY_HOP = new Set(['connection', 'keep-alive', 'proxy-connection', 'te', 'trailer', 'transfer-encoding', 'upgrade']);
/** Headers a Connection option can never remove: message framing and the target's host. */
const NEVER_NOMINATED = new Set(['content-length', 'transfer-encoding', 'host']);

/** Lower-cased header names listed in Connection values ("close" and "keep-alive" are options, harmless here). */
function connectionTokens(raw: readonly string[]): string[] | undefined {
  let tokens: string[] | undefined;
  for (let i = 0; i < raw.length; i += 2) {
    if ((raw[i] as string).toLowerCase() !== 'connection') continue;
    for (const t of (raw[i + 1] as string).split(',')) {
      const name = t.trim().toLowerCase();
      if (name !== '' && name !== 'close' && name !== 'keep-alive' && !NEVER_NOMINATED.has(name)) (tokens ??= []).push(name);
    }
  }
  return tokens;
}

/** "::ffff:10.0.0.1" → "10.0.0.1": clients of a dual-stack listener appear v4-mapped. */
export function unmapAddress(address: string): string {
  return address.startsWith('::ffff:') && address.includes('.') ? address.slice(7) : address;
}

/** RFC 7239 node: IPv4 as is, IPv6 bracketed and quoted, "unknown" when there is none. */
export function forwardedNode(address: string | undefined): string {
  if (address === undefined || address === '') return 'unknown';
  const a = unmapAddress(address);
  return a.includes(':') ? `"[${a}]"` : a;
}

export interface ClientInfo {
  /** socket.remoteAddress of the client connection. */
  readonly address: string | undefined;
  readonly proto: 'http' | 'https';
}

export interface UpstreamHead {
  /** Becomes Host when the client sent none (HTTP/1.0), since HTTP/1.1 to the backend requires one. */
  readonly fallbackHost?: string | undefined;
  /** Replaces the client's Host: the authority of an absolute-form target (RFC 9112 §3.2.2). */
  readonly authority?: string | undefined;
  /** How the proxy frames the body it sends (default: no body). */
  readonly body?: BodyFraming | undefined;
}

/** Headers to send to the backend for a client request. */
export function upstreamRequestHeaders(raw: readonly string[], client: ClientInfo, head: UpstreamHead = {}): string[] {
  const named = connectionTokens(raw);
  const out: string[] = [];
  let xff: string | undefined;
  let forwarded: string | undefined;
  let host = false;
  for (let i = 0; i < raw.length; i += 2) {
    const name = raw[i] as string;
    const value = raw[i + 1] as string;
    const lower = name.toLowerCase();
    if (HOP_BY_HOP.has(lower)) continue;
    if (named !== undefined && named.includes(lower)) continue;
    switch (lower) {
      case 'host':
        if (host) continue; // request-head.ts rejects a second Host; never send two
        host = true;
        out.push(name, head.authority ?? value);
        continue;
      case 'content-length':
        continue; // the proxy's own framing is appended below
      case 'x-forwarded-for':
        xff = xff === undefined ? value : `${xff}, ${value}`;
        continue;
      case 'forwarded':
        forwarded = forwarded === undefined ? value : `${forwarded}, ${value}`;
        continue;
      case 'x-forwarded-proto':
        continue; // we are the edge that knows the protocol
      case 'expect':
        continue; // the proxy's server already answered 100-continue to the client
    }
    out.push(name, value);
  }
  const fallback = head.authority ?? head.fallbackHost;
  if (!host && fallback !== undefined) out.push('Host', fallback);
  const address = client.address === undefined ? 'unknown' : unmapAddress(client.address);
  out.push('X-Forwarded-For', xff === undefined ? address : `${xff}, ${address}`);
  out.push('X-Forwarded-Proto', client.proto);
  const element = `for=${forwardedNode(client.address)};proto=${client.proto}`;
  out.push('Forwarded', forwarded === undefined ? element : `${forwarded}, ${element}`);
  // The body as the parser read it: a length stays that length, chunked is re-chunked by Node.
  const body = head.body;
  if (body?.kind === 'length') out.push('Content-Length', String(body.length));
  else if (body?.kind === 'chunked') out.push('Transfer-Encoding', 'chunked');
  return out;
}

/** Headers to send to the client for a backend response (Node re-frames the body itself). */
export function downstreamResponseHeaders(raw: readonly string[]): string[] {
  const named = connectionTokens(raw);
  const out: string[] = [];
  for (let i = 0; i < raw.length; i += 2) {
    const name = raw[i] as string;
    const lower = name.toLowerCase();
    if (HOP_BY_HOP.has(lower)) continue;
    if (named !== undefined && named.includes(lower)) continue;
    out.push(name, raw[i + 1] as string);
  }
  return out;
}

/** Headers for an Upgrade request (e.g. WebSocket): the usual rewrite, with the client's Upgrade
 *  token and "Connection: Upgrade" put back, since here they are the point of the request. */
export function upgradeRequestHeaders(raw: readonly string[], client: ClientInfo, head: UpstreamHead = {}): string[] {
  let upgrade: string | undefined;
  for (let i = 0; i < raw.length; i += 2) if ((raw[i] as string).toLowerCase() === 'upgrade') upgrade = raw[i + 1] as string;
  const out = upstreamRequestHeaders(raw, client, { ...head, body: undefined });
  if (upgrade !== undefined) out.push('Connection', 'Upgrade', 'Upgrade', upgrade);
  return out;
}
