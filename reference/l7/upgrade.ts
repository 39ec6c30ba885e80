// Upgrade requests (WebSocket and other protocol switches) become tunnels: the request goes to a
// picked backend with its Upgrade header; when the backend answers 101, its head is relayed and
// both sockets are piped until either side closes. A backend that declines gets its answer relayed
// (close-delimited); failures get 502/503/504 written on the raw socket. One lease per tunnel.
// A tunnel ends when either side sends FIN or closes; timeouts.idle cuts a silent one.
import { request, type IncomingMessage } from 'node:http';
import type { Socket } from 'node:net';
import type { Duplex } from 'node:stream';
import type { Lease } from '../pool/index.ts';
import { downstreamResponseHeaders, upgradeRequestHeaders } from './headers.ts';
import { rawErrorReply as fail, relayedResponseHead } from './raw-reply.ts';

export interface UpgradeHost {
  readonly timeouts: { readonly connect: number; readonly response: number; readonly idle: number };
  /** Picks a backend for the request (same scheduler and key as plain requests). */
  pick(req: IncomingMessage): Lease | undefined;
  /** Open client sockets of tunnels, so a drain can cut them. */
  readonly tunnels: Set<Duplex>;
}

export function proxyUpgrade(host: UpgradeHost, req: IncomingMessage, client: Duplex, head: Buffer, target: { path: string; authority: string | undefined }): void {
  const lease = host.pick(req);
  if (lease === undefined) return fail(client, 503, 'no backend available');
  const backend = lease.backend;
  host.tunnels.add(client);
  let ok = true;
  let settled = false;
  client.on('error', () => client.destroy());
  client.once('close', () => {
    host.tunnels.delete(client);
    upstream.destroy();
    lease.release({ ok });
  });
  const upstream = request({
    host: backend.host,
    port: backend.port,
    method: req.method,
    path: target.path,
    headers: upgradeRequestHeaders(req.rawHeaders, { address: req.socket.remoteAddress, proto: 'http' }, { fallbackHost: backend.address, authority: target.authority }) as unknown as Record<string, string>,
    setHost: false,
    agent: false,
  });
  const timer = setTimeout(() => upstream.destroy(Object.assign(new Error(`no response within ${host.timeouts.response}ms`), { code: 'TIMEOUT' })), host.timeouts.response);
  upstream.once('upgrade', (res: IncomingMessage, socket: Socket, upHead: Buffer) => {
    settled = true;
    clearTimeout(timer);
    const relayed = relayedResponseHead(res.statusCode ?? 101, res.statusMessage ?? '', res.rawHeaders);
    if (relayed === undefined) return garbled(res.statusCode, socket);
    client.write(relayed);
    if (upHead.length > 0) client.write(upHead);
    if (head.length > 0) socket.write(head);
    socket.setTimeout(host.timeouts.idle, () => socket.destroy());
    socket.on('error', () => {
      ok = false;
      client.destroy();
    });
    // A tunnel is not half-close friendly (HTTP servers' sockets allow half-open and would linger):
    // a FIN from either side ends that side too, and a closed side closes the other.
    client.once('end', () => client.end());
    socket.once('end', () => socket.end());
    socket.once('close', () => client.destroy());
    client.once('close', () => socket.destroy());
    socket.pipe(client);
    client.pipe(socket);
  });
  upstream.once('response', (res) => {
    // The backend declined the switch: relay its answer and end the connection.
    settled = true;
    clearTimeout(timer);
    const headers = downstreamResponseHeaders(res.rawHeaders);
    headers.push('Connection', 'close');
    const relayed = relayedResponseHead(res.statusCode ?? 502, res.statusMessage ?? '', headers);
    if (relayed === undefined) return garbled(res.statusCode, res.socket);
    client.write(relayed);
    res.pipe(client);
    res.on('error', () => client.destroy());
  });
  /** A status no status line can carry: the backend's garble, answered 502 as on the plain path. */
  const garbled = (status: number | undefined, socket: Duplex): void => {
    ok = false;
    socket.destroy();
    fail(client, 502, `backend ${backend.id}: invalid status ${status}`);
  };
  upstream.on('error', (err: NodeJS.ErrnoException) => {
    clearTimeout(timer);
    if (settled) return;
    settled = true;
    ok = false;
    if (err.code === 'TIMEOUT') fail(client, 504, err.message);
    else fail(client, 502, `backend ${backend.id}: ${err.code ?? err.message}`);
  });
  upstream.end();
}
