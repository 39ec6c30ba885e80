// The backend agent: HTTP, TCP and UDP on one address and port, answering with its own id and
// recording what it saw, plus a control HTTP port from which the harness fetches the records.
// HTTP and raw TCP share the TCP port (tcp-entry.ts); HTTP behaviour is in http-server.ts, the
// control port in control.ts, capture mode in capture.ts. For bulk transfers, GET /bytes streams a
// seeded byte stream and POST /sha256 hashes an upload (byte-stream.ts).
import type { AddressInfo, Server } from 'node:net';
import { createSocket, type Socket as UdpSocket } from 'node:dgram';
import { replyLine, type AgentSnapshot } from './protocol.ts';
import { AgentState, plainAddress } from './state.ts';
import { createAgentHttp } from './http-server.ts';
import { createAgentTcp } from './tcp-entry.ts';
import { createControl } from './control.ts';

export interface AgentOptions {
  id: string;
  host: string;
  /** 0: any free port (TCP first, then UDP on the same number). */
  port: number;
  controlPort: number;
  /** Default true. */
  udp?: boolean;
}

export interface RunningAgent extends AsyncDisposable {
  readonly id: string;
  readonly host: string;
  readonly port: number;
  readonly controlPort: number;
  snapshot(): AgentSnapshot;
  close(): Promise<void>;
}

function listen(server: Server, host: string, port: number): Promise<number> {
  return new Promise<number>((resolve, reject) => {
    server.once('error', reject);
    server.listen({ host, port, exclusive: true }, () => {
      server.off('error', reject);
      resolve((server.address() as AddressInfo).port);
    });
  });
}

/** UDP on the TCP port's number: every datagram is recorded and answered `<id> <payload>`. */
async function bindUdp(state: AgentState, host: string, port: number): Promise<UdpSocket> {
  const sock = createSocket({ type: host.includes(':') ? 'udp6' : 'udp4' });
  try {
    await new Promise<void>((resolve, reject) => {
      sock.once('error', reject);
      sock.bind({ address: host, port, exclusive: true }, () => {
        sock.off('error', reject);
        resolve();
      });
    });
  } catch (err) {
    sock.close();
    throw err;
  }
  sock.on('message', (msg, rinfo) => {
    const payload = msg.toString('utf8');
    state.record({ backend: state.id, protocol: 'udp', peer: { address: plainAddress(rinfo.address), port: rinfo.port }, at: Date.now(), payload });
    sock.send(replyLine(state.id, payload), rinfo.port, rinfo.address);
  });
  sock.on('error', () => {});
  return sock;
}

export async function startAgent(options: AgentOptions): Promise<RunningAgent> {
  const { id, host } = options;
  const state = new AgentState(id);
  const http = createAgentHttp(state);
  const tcp = createAgentTcp(state, http);
  const control = createControl(state);
  let udp: UdpSocket | undefined;

  const closeAll = async () => {
    for (const release of [...state.holds.keys()]) release();
    for (const s of state.sockets) s.destroy();
    http.closeAllConnections();
    const closed = (server: Server) => new Promise<void>((r) => server.close(() => r()));
    await Promise.all([closed(tcp), closed(control), new Promise<void>((r) => (udp ? udp.close(() => r()) : r()))]);
    control.closeAllConnections();
  };

  try {
    const port = await listen(tcp, host, options.port);
    if (options.udp !== false) udp = await bindUdp(state, host, port);
    const controlPort = await listen(control, host, options.controlPort);
    return { id, host, port, controlPort, snapshot: () => state.snapshot(), close: closeAll, [Symbol.asyncDispose]: closeAll };
  } catch (err) {
    await closeAll().catch(() => {});
    throw err;
  }
}
