// The client agent: runs inside a client container and sends traffic on the harness's behalf,
// from the container's own address, through the same client code the local driver uses. The
// harness remote-controls it over HTTP (POST /rpc); held exchanges and keep-alive sessions live
// here under an id until the harness closes them. Nothing here retries.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { LoopbackClient } from '../hosts/index.ts';
import type { HeldExchange, HttpRequest, HttpSession, ExchangeOptions, RawExchange, TransferOptions, Http2Exchange, TlsProbe } from '../topology.ts';
import type { Endpoint } from '../types.ts';

export type ClientRpc =
  | { op: 'http'; request?: HttpRequest }
  | { op: 'tcp'; line: string; options?: ExchangeOptions }
  | { op: 'udp'; payload: string; options?: ExchangeOptions }
  | { op: 'udpFlow'; payloads: string[]; options?: ExchangeOptions }
  | { op: 'transfer'; options: TransferOptions }
  | { op: 'raw'; exchange: RawExchange }
  | { op: 'http2'; exchange: Http2Exchange }
  | { op: 'tlsHandshake'; probe: TlsProbe }
  | { op: 'holdHttp'; request?: HttpRequest }
  | { op: 'holdTcp'; line?: string; options?: ExchangeOptions }
  | { op: 'openSession' }
  | { op: 'sessionRequest'; id: string; request?: HttpRequest }
  | { op: 'ended'; id: string; timeoutMs?: number }
  | { op: 'close'; id: string };

/** A hold or a session that failed to open comes back as { error }, not as an HTTP error. */
export type HeldReply = { id: string; backend: string | undefined; local: Endpoint; token?: string } | { error: string };

export interface ClientAgent {
  controlPort: number;
  close(): Promise<void>;
}

export async function startClientAgent(options: { address: string; entry: Endpoint; controlHost?: string; controlPort?: number }): Promise<ClientAgent> {
  const client = new LoopbackClient(options.address, options.entry);
  const open = new Map<string, HeldExchange | HttpSession>();
  let nextId = 1;
  const keep = (thing: HeldExchange | HttpSession) => {
    const id = String(nextId++);
    open.set(id, thing);
    return id;
  };

  const handle = async (rpc: ClientRpc): Promise<unknown> => {
    switch (rpc.op) {
      case 'http':
        return client.http(rpc.request);
      case 'tcp':
        return client.tcp(rpc.line, rpc.options);
      case 'udp':
        return client.udp(rpc.payload, rpc.options);
      case 'udpFlow':
        return client.udpFlow(rpc.payloads, rpc.options);
      case 'transfer':
        // The bytes flow between this container and the backends; only the outcome comes back.
        return client.transfer(rpc.options);
      case 'raw':
        return client.raw(rpc.exchange);
      case 'http2':
        return client.http2(rpc.exchange);
      case 'tlsHandshake':
        return client.tlsHandshake(rpc.probe);
      case 'holdHttp':
      case 'holdTcp':
        try {
          const held = rpc.op === 'holdHttp' ? await client.holdHttp(rpc.request) : await client.holdTcp(rpc.line, rpc.options);
          return { id: keep(held), backend: held.backend, local: held.local, ...(held.token !== undefined ? { token: held.token } : {}) } satisfies HeldReply;
        } catch (err) {
          return { error: (err as Error).message } satisfies HeldReply;
        }
      case 'openSession':
        return { id: keep(await client.httpSession()) };
      case 'sessionRequest': {
        const session = open.get(rpc.id);
        if (!session || !('request' in session)) throw new Error(`no session ${rpc.id}`);
        return session.request(rpc.request);
      }
      case 'ended': {
        // Bounded: the harness asked how long it is willing to wait.
        const thing = open.get(rpc.id);
        const ended = thing && 'ended' in thing && thing.ended ? thing.ended() : Promise.resolve();
        let timer: NodeJS.Timeout | undefined;
        const done = await Promise.race([ended.then(() => true), new Promise<boolean>((r) => (timer = setTimeout(() => r(false), rpc.timeoutMs ?? 5000)))]);
        clearTimeout(timer);
        return { ended: done };
      }
      case 'close': {
        const thing = open.get(rpc.id);
        open.delete(rpc.id);
        await thing?.close();
        return {};
      }
    }
  };

  const server: Server = createServer((req, res) => {
    if (req.method !== 'POST' || req.url !== '/rpc') {
      res.writeHead(404).end();
      return;
    }
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      void (async () => {
        try {
          const result = await handle(JSON.parse(Buffer.concat(chunks).toString('utf8')) as ClientRpc);
          res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(result));
        } catch (err) {
          res.writeHead(400, { 'content-type': 'application/json' }).end(JSON.stringify({ error: (err as Error).message }));
        }
      })();
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.controlPort ?? 0, options.controlHost ?? options.address, resolve);
  });
  return {
    controlPort: (server.address() as AddressInfo).port,
    async close() {
      await Promise.allSettled([...open.values()].map((t) => t.close()));
      open.clear();
      server.closeAllConnections();
      await new Promise<void>((r) => server.close(() => r()));
    },
  };
}
