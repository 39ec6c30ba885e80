// The UDP proxy: per-flow (client address:port) forwarding. A new flow picks a backend and gets its
// own socket connected to it; replies on that socket go back to the client from the listening
// socket. A flow idle for timeouts.idle (no datagram either way) is expired by a periodic sweep,
// which is cheaper than resetting a timer per datagram.
import { createSocket, type RemoteInfo, type Socket } from 'node:dgram';
import { isIPv6 } from 'node:net';
import type { Lease, Pool } from '../pool/index.ts';

export interface UdpProxyOptions {
  readonly name: string;
  readonly pool: Pool;
  readonly timeouts: { readonly idle: number };
  /** Hash key for hashing schedulers, from the client's address and port (reference/keys). */
  readonly key?: (client: RemoteInfo) => number | undefined;
  readonly now: () => number;
  readonly rng: () => number;
}

interface Flow {
  readonly lease: Lease;
  readonly upstream: Socket;
  readonly clientAddress: string;
  readonly clientPort: number;
  lastSeen: number;
  /** Datagrams that arrived before the upstream socket finished connecting. */
  pending: Buffer[] | undefined;
}

export class UdpProxy {
  private socket: Socket | undefined;
  private readonly flows = new Map<string, Flow>();
  private sweeper: NodeJS.Timeout | undefined;
  private readonly ctx: { key: number | undefined; attempt: number; now(): number; rng(): number };

  constructor(private readonly options: UdpProxyOptions) {
    this.ctx = { key: undefined, attempt: 0, now: options.now, rng: options.rng };
  }

  get flowCount(): number {
    return this.flows.size;
  }

  /** Binds the listening socket; rejects with the socket error (e.g. EADDRINUSE). */
  bind(host: string, port: number): Promise<{ host: string; port: number }> {
    const socket = createSocket({ type: isIPv6(host) ? 'udp6' : 'udp4' });
    this.socket = socket;
    return new Promise((resolve, reject) => {
      socket.once('error', reject);
      socket.bind(port, host, () => {
        socket.off('error', reject);
        socket.on('error', () => {}); // send errors to a vanished client are not fatal
        socket.on('message', (msg, rinfo) => this.onClientDatagram(msg, rinfo));
        const sweepEvery = Math.max(10, Math.min(1000, this.options.timeouts.idle / 4));
        this.sweeper = setInterval(() => this.sweep(), sweepEvery);
        const a = socket.address();
        resolve({ host: a.address, port: a.port });
      });
    });
  }

  /** UDP has no in-flight work to wait for: closing ends every flow at once. */
  async close(): Promise<void> {
    clearInterval(this.sweeper);
    for (const key of [...this.flows.keys()]) this.expire(key, true);
    const socket = this.socket;
    this.socket = undefined;
    if (socket !== undefined) await new Promise<void>((r) => socket.close(() => r()));
  }

  private onClientDatagram(msg: Buffer, rinfo: RemoteInfo): void {
    const id = `${rinfo.address}|${rinfo.port}`;
    let flow = this.flows.get(id);
    if (flow === undefined) {
      flow = this.open(id, rinfo);
      if (flow === undefined) return; // no usable backend: the datagram is dropped
    }
    flow.lastSeen = this.options.now();
    flow.lease.backend.bytesOut += msg.length;
    if (flow.pending !== undefined) flow.pending.push(msg);
    else flow.upstream.send(msg);
  }

  private open(id: string, rinfo: RemoteInfo): Flow | undefined {
    const ctx = this.ctx;
    ctx.key = this.options.key?.(rinfo);
    const lease = this.options.pool.acquire(ctx);
    if (lease === undefined) return undefined;
    const backend = lease.backend;
    const upstream = createSocket({ type: isIPv6(backend.host) ? 'udp6' : 'udp4' });
    const flow: Flow = { lease, upstream, clientAddress: rinfo.address, clientPort: rinfo.port, lastSeen: this.options.now(), pending: [] };
    this.flows.set(id, flow);
    upstream.on('message', (reply) => {
      flow.lastSeen = this.options.now();
      backend.bytesIn += reply.length;
      this.socket?.send(reply, flow.clientPort, flow.clientAddress);
    });
    // ECONNREFUSED here is the backend's ICMP port unreachable: the flow failed.
    upstream.on('error', () => this.expire(id, false));
    upstream.connect(backend.port, backend.host, () => {
      const pending = flow.pending ?? [];
      flow.pending = undefined;
      for (const m of pending) upstream.send(m);
    });
    return flow;
  }

  private sweep(): void {
    const cutoff = this.options.now() - this.options.timeouts.idle;
    for (const [id, flow] of this.flows) if (flow.lastSeen <= cutoff) this.expire(id, true);
  }

  private expire(id: string, ok: boolean): void {
    const flow = this.flows.get(id);
    if (flow === undefined) return;
    this.flows.delete(id);
    flow.upstream.removeAllListeners('message');
    try {
      flow.upstream.close();
    } catch {
      // already closed
    }
    flow.lease.release({ ok });
  }
}
