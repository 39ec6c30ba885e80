// Header rewriting for the HTTP/1.1 proxy, pure. Works on Node's flat rawHeaders arrays
// ([name, value, name, value, …]) so names keep their case and repeated headers stay apart.
// Hop-by-hop headers (RFC 9110 §7.6.1) are removed both ways, plus any header that Connection names.
// The client is appended to X-Forwarded-For and to RFC 7239 Forwarded; X-Forwarded-Proto is set.

const HOP_BY_HOP = new Set(['connection', 'keep-alive', 'proxy-connection', 'te', 'trailer', 'transfer-encoding', 'upgrade']);

/** Lower-cased header names listed in Connection values ("close" and "keep-alive" are options, harmless here). */
function connectionTokens(raw: readonly string[]): string[] | undefined {
  let tokens: string[] | undefined;
  for (let i = 0; i < raw.length; i += 2) {
    if ((raw[i] as string).toLowerCase() !== 'connection') continue;
    for (const t of (raw[i + 1] as string).split(',')) {
      const name = t.trim().toLowerCase();
      if (name !== '' && name !== 'close' && name !== 'keep-alive') (tokens ??= []).push(name);
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

/** Headers to send to the backend for a client request. `fallbackHost` becomes Host when the
 *  client sent none (HTTP/1.0), since HTTP/1.1 to the backend requires one. */
export function upstreamRequestHeaders(raw: readonly string[], client: ClientInfo, fallbackHost?: string): string[] {
  const named = connectionTokens(raw);
  const out: string[] = [];
  let xff: string | undefined;
  let forwarded: string | undefined;
  let chunked = false;
  let host = false;
  for (let i = 0; i < raw.length; i += 2) {
    const name = raw[i] as string;
    const value = raw[i + 1] as string;
    const lower = name.toLowerCase();
    if (lower === 'host') host = true;
    if (HOP_BY_HOP.has(lower)) {
      if (lower === 'transfer-encoding') chunked = true;
      continue;
    }
    if (named !== undefined && named.includes(lower)) continue;
    switch (lower) {
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
  if (!host && fallbackHost !== undefined) out.push('Host', fallbackHost);
  const address = client.address === undefined ? 'unknown' : unmapAddress(client.address);
  out.push('X-Forwarded-For', xff === undefined ? address : `${xff}, ${address}`);
  out.push('X-Forwarded-Proto', client.proto);
  const element = `for=${forwardedNode(client.address)};proto=${client.proto}`;
  out.push('Forwarded', forwarded === undefined ? element : `${forwarded}, ${element}`);
  // The client's chunked framing was decoded; the body is re-framed as chunked towards the backend.
  if (chunked) out.push('Transfer-Encoding', 'chunked');
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

/** Whether a client request carries a body (Content-Length > 0 or any Transfer-Encoding). */
export function requestHasBody(raw: readonly string[]): boolean {
  for (let i = 0; i < raw.length; i += 2) {
    const lower = (raw[i] as string).toLowerCase();
    if (lower === 'transfer-encoding') return true;
    if (lower === 'content-length' && (raw[i + 1] as string).trim() !== '0') return true;
  }
  return false;
}

/** Headers for an Upgrade request (e.g. WebSocket): the usual rewrite, with the client's Upgrade
 *  token and "Connection: Upgrade" put back, since here they are the point of the request. */
export function upgradeRequestHeaders(raw: readonly string[], client: ClientInfo, fallbackHost?: string): string[] {
  let upgrade: string | undefined;
  for (let i = 0; i < raw.length; i += 2) if ((raw[i] as string).toLowerCase() === 'upgrade') upgrade = raw[i + 1] as string;
  const out = upstreamRequestHeaders(raw, client, fallbackHost);
  if (upgrade !== undefined) out.push('Connection', 'Upgrade', 'Upgrade', upgrade);
  return out;
}

/** A response head written by hand on a raw socket (upgrade paths have no ServerResponse). */
export function rawResponseHead(status: number, message: string, headers: readonly string[]): string {
  let head = `HTTP/1.1 ${status} ${message}\r\n`;
  for (let i = 0; i < headers.length; i += 2) head += `${headers[i]}: ${headers[i + 1]}\r\n`;
  return head + '\r\n';
}
