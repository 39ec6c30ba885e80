// One UDP flow: several datagrams from one socket (the same source address and port), one after
// another, each waiting for its reply. A balancer keys its UDP flows by the client's address and
// port, so this is how a check sees per-flow behaviour. A reply must come from the address and
// port the datagram was sent to: a connected UDP client (DNS resolvers, QUIC) drops anything else.
// The first datagram without a reply ends the flow; nothing is re-sent.
import { createSocket, type RemoteInfo } from 'node:dgram';
import { backendOfReply } from '../agent/protocol.ts';
import type { ExchangeOptions, StreamOutcome } from '../topology.ts';
import type { Endpoint } from '../types.ts';

export function udpFlow(address: string, entry: Endpoint, payloads: readonly string[], options: ExchangeOptions = {}): Promise<StreamOutcome[]> {
  const timeoutMs = options.timeoutMs ?? 5_000;
  return new Promise((resolve) => {
    const sock = createSocket(entry.host.includes(':') ? 'udp6' : 'udp4');
    const outcomes: StreamOutcome[] = [];
    let local: Endpoint = { host: address, port: 0 };
    let started = 0;
    let timer: NodeJS.Timeout | undefined;
    let done = false;
    const finish = () => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      sock.close();
      resolve(outcomes);
    };
    const fail = (error: string) => {
      outcomes.push({ ok: false, error, local, elapsedMs: performance.now() - started });
      finish();
    };
    const next = () => {
      const payload = payloads[outcomes.length];
      if (payload === undefined) return finish();
      started = performance.now();
      timer = setTimeout(() => fail(`timeout after ${timeoutMs} ms (datagram ${outcomes.length + 1} of ${payloads.length})`), timeoutMs);
      sock.send(payload, entry.port, entry.host, (err) => err && fail(err.message));
    };
    sock.on('error', (err) => fail((err as NodeJS.ErrnoException).code ?? err.message));
    sock.on('message', (msg: Buffer, from: RemoteInfo) => {
      if (done) return;
      clearTimeout(timer);
      const reply = msg.toString('utf8');
      const fromHost = from.address.replace(/^::ffff:/, '');
      if (fromHost !== entry.host || from.port !== entry.port) return fail(`reply "${reply}" came from ${fromHost}:${from.port}, not from ${entry.host}:${entry.port} where the datagram went`);
      outcomes.push({ ok: true, backend: backendOfReply(reply), reply, local, elapsedMs: performance.now() - started });
      next();
    });
    sock.bind({ address, port: 0 }, () => {
      const a = sock.address();
      local = { host: a.address, port: a.port };
      next();
    });
  });
}
