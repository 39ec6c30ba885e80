// The backend agent: HTTP, TCP and UDP on one address and port, answering with its own id and
// recording what it saw, plus a control HTTP port from which the harness fetches the records.
// HTTP and raw TCP share the TCP port: after an optional PROXY header, a first line that looks like
// an HTTP request line goes to the HTTP server, anything else is a line-echo TCP exchange.
// For bulk transfers, GET /bytes streams a seeded byte stream and POST /sha256 hashes an upload
// (byte-stream.ts); neither holds a whole body in memory.
import { createServer as createHttpServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { createServer as createTcpServer, type AddressInfo, type Socket } from 'node:net';
import { createSocket, type Socket as UdpSocket } from 'node:dgram';
import { createHash } from 'node:crypto';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { BYTES_MAX, BYTES_PATH, SHA256_PATH, byteChunks, type Sha256Reply } from './byte-stream.ts';
import { parseProxyHeader } from './proxy-header.ts';
import {
  BACKEND_HEADER,
  HEALTH_PATH,
  HOLD_MAX_MS,
  HOLD_PATH,
  replyLine,
  type AddressPort,
  type AgentRecord,
  type AgentSnapshot,
  type ProxyHeaderRecord,
} from './protocol.ts';

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

const RECORD_LIMIT = 100_000;
const HTTP_LINE = /^[A-Z]{3,10} \S+ HTTP\/1\.[01]\r?$/;
const SELECTED_HEADERS = ['x-forwarded-for', 'forwarded', 'x-forwarded-proto', 'x-real-ip'];

function plainAddress(address: string | undefined): string {
  return (address ?? '').replace(/^::ffff:/, '');
}

function peerOf(socket: Socket): AddressPort {
  return { address: plainAddress(socket.remoteAddress), port: socket.remotePort ?? 0 };
}

export async function startAgent(options: AgentOptions): Promise<RunningAgent> {
  const { id, host } = options;
  const records: AgentRecord[] = [];
  const active = { http: 0, tcp: 0 };
  const served = { http: 0, tcp: 0, udp: 0 };
  let probes = 0;
  const proxyOf = new WeakMap<Socket, ProxyHeaderRecord>();
  const sockets = new Set<Socket>();
  const holds = new Map<() => void, string>();

  const record = (r: AgentRecord) => {
    served[r.protocol]++;
    if (records.length < RECORD_LIMIT) records.push(r);
  };

  const http = createHttpServer((req: IncomingMessage, res: ServerResponse) => {
    const url = new URL(req.url ?? '/', 'http://agent');
    res.setHeader(BACKEND_HEADER, id);
    res.setHeader('content-type', 'text/plain');
    if (url.pathname === HEALTH_PATH) {
      probes++;
      req.resume();
      res.end('ok\n');
      return;
    }
    const headers: Record<string, string> = {};
    for (const name of SELECTED_HEADERS) {
      const v = req.headers[name];
      if (v !== undefined) headers[name] = Array.isArray(v) ? v.join(', ') : v;
    }
    const proxy = proxyOf.get(req.socket);
    record({ backend: id, protocol: 'http', peer: peerOf(req.socket), at: Date.now(), method: req.method ?? 'GET', path: url.pathname + url.search, headers, ...(proxy ? { proxy } : {}) });
    active.http++;
    let counted = true;
    const done = () => {
      if (counted) active.http--;
      counted = false;
    };
    res.on('close', done);
    if (url.pathname === SHA256_PATH) {
      hashBody(req, res);
      return;
    }
    req.resume();
    if (url.pathname === BYTES_PATH) {
      sendBytes(url, res);
      return;
    }
    if (url.pathname === HOLD_PATH) {
      const ms = Math.min(Number(url.searchParams.get('ms') ?? 30_000) || 30_000, HOLD_MAX_MS);
      const token = url.searchParams.get('token') ?? '';
      res.writeHead(200);
      res.write(`${id}\n`);
      const release = () => {
        clearTimeout(timer);
        holds.delete(release);
        if (!res.writableEnded) res.end('released\n');
      };
      const timer = setTimeout(release, ms);
      holds.set(release, token);
      res.on('close', release);
      return;
    }
    req.on('end', () => res.end(`${id}\n`));
  });
  http.keepAliveTimeout = 10_000;

  /** GET /bytes?n=N&seed=S: exactly N bytes of the seeded stream, generated as the client reads. */
  function sendBytes(url: URL, res: ServerResponse) {
    const n = url.searchParams.get('n') ?? '';
    const total = /^\d{1,10}$/.test(n) ? Number(n) : Number.NaN;
    if (!(total <= BYTES_MAX)) {
      res.writeHead(400).end(`${id} n must be a whole number of bytes from 0 to ${BYTES_MAX} (1 GiB), got "${n}"\n`);
      return;
    }
    res.writeHead(200, { 'content-type': 'application/octet-stream', 'content-length': total });
    // A client that goes away mid-body destroys the response; nothing else to clean up.
    pipeline(Readable.from(byteChunks(url.searchParams.get('seed') ?? '', total)), res).catch(() => {});
  }

  /** POST /sha256: hashes the request body as it arrives; answers its length, digest and sender. */
  function hashBody(req: IncomingMessage, res: ServerResponse) {
    const hash = createHash('sha256');
    let bytes = 0;
    req.on('data', (chunk: Buffer) => {
      bytes += chunk.length;
      hash.update(chunk);
    });
    req.on('end', () => {
      const reply: Sha256Reply = { bytes, sha256: hash.digest('hex'), peer: peerOf(req.socket).address };
      res.setHeader('content-type', 'application/json');
      res.end(JSON.stringify(reply));
    });
  }

  const tcp = createTcpServer((socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', () => {});
    let buf = Buffer.alloc(0);
    let proxy: ProxyHeaderRecord | undefined;
    let headerDone = false;
    const onData = (chunk: Buffer) => {
      buf = Buffer.concat([buf, chunk]);
      if (!headerDone) {
        const p = parseProxyHeader(buf);
        if (p.kind === 'need-more') return;
        if (p.kind === 'invalid') {
          socket.destroy();
          return;
        }
        if (p.kind === 'header') {
          proxy = p.header;
          buf = buf.subarray(p.consumed);
        }
        headerDone = true;
      }
      const nl = buf.indexOf('\n');
      if (nl < 0 && buf.length < 8192) return;
      const firstLine = buf.subarray(0, nl < 0 ? buf.length : nl).toString('latin1');
      socket.removeListener('data', onData);
      socket.removeListener('end', onEnd);
      if (HTTP_LINE.test(firstLine)) {
        if (proxy) proxyOf.set(socket, proxy);
        socket.pause();
        socket.unshift(buf);
        // We already read from this socket in JS; tell node:http to read through the stream (where
        // the unshifted bytes are) instead of consuming the native handle directly.
        const handle = (socket as unknown as { _handle?: { _consumed?: boolean } })._handle;
        if (handle) handle._consumed = true;
        http.emit('connection', socket);
        socket.resume();
        return;
      }
      lineEcho(socket, buf, proxy);
    };
    const onEnd = () => {
      probes++;
      socket.end();
    };
    socket.on('data', onData);
    socket.on('end', onEnd);
  });

  function lineEcho(socket: Socket, initial: Buffer, proxy: ProxyHeaderRecord | undefined) {
    active.tcp++;
    socket.once('close', () => active.tcp--);
    let pending = initial.toString('utf8');
    let first = true;
    const flush = () => {
      let nl: number;
      while ((nl = pending.indexOf('\n')) >= 0) {
        const line = pending.slice(0, nl).replace(/\r$/, '');
        pending = pending.slice(nl + 1);
        if (first) {
          record({ backend: id, protocol: 'tcp', peer: peerOf(socket), at: Date.now(), payload: line, ...(proxy ? { proxy } : {}) });
          first = false;
        }
        socket.write(`${replyLine(id, line)}\n`);
      }
    };
    flush();
    socket.setEncoding('utf8');
    socket.on('data', (s: string) => {
      pending += s;
      flush();
    });
    socket.on('end', () => socket.end());
  }

  const control = createHttpServer((req, res) => {
    res.setHeader('content-type', 'application/json');
    const url = new URL(req.url ?? '/', 'http://control');
    req.resume();
    if (req.method === 'GET' && url.pathname === '/records') {
      res.end(JSON.stringify(snapshot()));
    } else if (req.method === 'POST' && url.pathname === '/reset') {
      records.length = 0;
      served.http = served.tcp = served.udp = 0;
      probes = 0;
      res.end('{"ok":true}');
    } else if (req.method === 'POST' && url.pathname === '/release') {
      const token = url.searchParams.get('token');
      const chosen = [...holds].filter(([, t]) => token === null || t === token);
      for (const [release] of chosen) release();
      res.end(JSON.stringify({ released: chosen.length }));
    } else if (url.pathname === '/healthz') {
      res.end('{"ok":true}');
    } else {
      res.statusCode = 404;
      res.end('{"error":"unknown control path"}');
    }
  });

  function snapshot(): AgentSnapshot {
    return { id, records: [...records], active: { ...active }, served: { ...served }, probes };
  }

  let udp: UdpSocket | undefined;
  const listen = (server: ReturnType<typeof createTcpServer> | ReturnType<typeof createHttpServer>, port: number) =>
    new Promise<number>((resolve, reject) => {
      server.once('error', reject);
      server.listen({ host, port, exclusive: true }, () => {
        server.off('error', reject);
        resolve((server.address() as AddressInfo).port);
      });
    });

  const closeAll = async () => {
    for (const release of [...holds.keys()]) release();
    for (const s of sockets) s.destroy();
    http.closeAllConnections();
    await Promise.all([
      new Promise<void>((r) => tcp.close(() => r())),
      new Promise<void>((r) => control.close(() => r())),
      new Promise<void>((r) => (udp ? udp.close(() => r()) : r())),
    ]);
    control.closeAllConnections();
  };

  try {
    const port = await listen(tcp, options.port);
    if (options.udp !== false) {
      const sock = createSocket({ type: host.includes(':') ? 'udp6' : 'udp4' });
      udp = sock;
      await new Promise<void>((resolve, reject) => {
        sock.once('error', reject);
        sock.bind({ address: host, port, exclusive: true }, () => {
          sock.off('error', reject);
          resolve();
        });
      });
      sock.on('message', (msg, rinfo) => {
        const payload = msg.toString('utf8');
        record({ backend: id, protocol: 'udp', peer: { address: plainAddress(rinfo.address), port: rinfo.port }, at: Date.now(), payload });
        sock.send(replyLine(id, payload), rinfo.port, rinfo.address);
      });
      sock.on('error', () => {});
    }
    const controlPort = await listen(control, options.controlPort);
    const agent: RunningAgent = {
      id,
      host,
      port,
      controlPort,
      snapshot,
      close: closeAll,
      [Symbol.asyncDispose]: closeAll,
    };
    return agent;
  } catch (err) {
    await closeAll().catch(() => {});
    throw err;
  }
}
