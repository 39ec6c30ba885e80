// The HTTP/2 front through the daemon, judged from what the backends saw: per-stream picks on one
// client connection, HTTP/1.1 on the same port, TLS with SNI and ALPN, h2c to backends (one
// multiplexed session each), gRPC status trailers and deadlines, and a clear status when a backend
// is gone.
import { afterEach, describe, expect, it } from 'vitest';
import { createServer as createH1Server, request as h1Request } from 'node:http';
import { connect as h2Connect, createServer as createH2cServer, type ClientHttp2Session, type IncomingHttpHeaders, type ServerHttp2Session } from 'node:http2';
import { connect as tlsConnect } from 'node:tls';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { AddressInfo } from 'node:net';
import * as grpc from '@grpc/grpc-js';
import { parseConfig } from '../../config/load.ts';
import { ConfigError } from '../../config/errors.ts';
import { startBalancer, type RunningBalancer } from '../../daemon.ts';
import { createTestCa, writePem } from '../../../harness/index.ts';

const cleanups: Array<() => unknown> = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

/** HTTP/1.1 backends answering their id; each counts the requests it got. */
async function h1Backends(n: number): Promise<{ ports: number[]; seen: number[] }> {
  const seen = Array.from({ length: n }, () => 0);
  const ports: number[] = [];
  for (let i = 0; i < n; i++) {
    const server = createH1Server((req, res) => {
      seen[i]!++;
      req.resume();
      req.on('end', () => res.end(`b${i + 1} ${req.url} ${req.headers['x-forwarded-proto']}`));
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    cleanups.push(() => new Promise((r) => (server.closeAllConnections(), server.close(r))));
    ports.push((server.address() as AddressInfo).port);
  }
  return { ports, seen };
}

async function start(yaml: string): Promise<RunningBalancer> {
  const lb = await startBalancer(parseConfig(yaml, 'test.yaml'), { log: () => {}, source: 'test.yaml' });
  cleanups.push(() => lb.close());
  return lb;
}

const backends = (ports: number[]) => ports.map((p, i) => `      - { id: b${i + 1}, address: "127.0.0.1:${p}" }`).join('\n');

function session(url: string, options: Parameters<typeof h2Connect>[1] = {}): ClientHttp2Session {
  const s = h2Connect(url, options);
  s.on('error', () => {});
  cleanups.push(() => s.destroy());
  return s;
}

function h2Get(s: ClientHttp2Session, path: string, extra: Record<string, string> = {}): Promise<{ status: number; body: string; headers: IncomingHttpHeaders; rst?: number }> {
  return new Promise((resolve, reject) => {
    const req = s.request({ ':path': path, ...extra });
    let body = '';
    let headers: IncomingHttpHeaders = {};
    req.setEncoding('utf8');
    req.on('response', (h) => (headers = h));
    req.on('data', (d) => (body += d));
    req.on('end', () => resolve({ status: Number(headers[':status']), body, headers }));
    req.on('error', (err) => (req.rstCode ? resolve({ status: Number(headers[':status'] ?? 0), body, headers, rst: req.rstCode }) : reject(err)));
    req.end();
  });
}

describe('HTTP/2 front', () => {
  it('spreads the streams of one h2c connection by the scheduler, and serves HTTP/1.1 on the same port', async () => {
    const { ports, seen } = await h1Backends(3);
    const lb = await start(`
version: 1
listeners:
  - name: web
    mode: http
    listen: "127.0.0.1:0"
    algorithm: rr
    http2: {}
    backends:
${backends(ports)}
`);
    const port = lb.listeners[0]!.port;
    const s = session(`http://127.0.0.1:${port}`);
    const answers = await Promise.all(Array.from({ length: 9 }, (_, i) => h2Get(s, `/s${i}`)));
    expect(answers.every((a) => a.status === 200)).toBe(true);
    expect(seen).toEqual([3, 3, 3]);
    expect(answers[0]!.body).toMatch(/^b\d \/s0 http$/);
    const h1 = await new Promise<string>((resolve, reject) => {
      h1Request({ host: '127.0.0.1', port, path: '/one', agent: false }, (res) => {
        let b = '';
        res.on('data', (d) => (b += d));
        res.on('end', () => resolve(b));
      })
        .on('error', reject)
        .end();
    });
    expect(h1).toMatch(/^b\d \/one http$/);
    expect(seen.reduce((a, b) => a + b)).toBe(10);
  });

  it('terminates TLS: SNI picks the certificate, ALPN offers h2 and http/1.1', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'fulcrum-tls-'));
    cleanups.push(() => rm(dir, { recursive: true, force: true }));
    const ca = createTestCa();
    const a = ca.issue(['a.test']);
    const b = ca.issue(['b.test']);
    const fa = await writePem(dir, 'a', a);
    const fb = await writePem(dir, 'b', b);
    const { ports, seen } = await h1Backends(2);
    const lb = await start(`
version: 1
listeners:
  - name: web
    mode: http
    listen: "127.0.0.1:0"
    algorithm: rr
    tls:
      certificates:
        - { cert: "${fa.cert}", key: "${fa.key}" }
        - { cert: "${fb.cert}", key: "${fb.key}" }
    backends:
${backends(ports)}
`);
    const port = lb.listeners[0]!.port;
    const shown = (servername: string, alpn: string[]) =>
      new Promise<{ fingerprint: string; protocol: string | false | null }>((resolve, reject) => {
        const sock = tlsConnect({ host: '127.0.0.1', port, servername, ca: ca.cert, ALPNProtocols: alpn }, () => {
          resolve({ fingerprint: sock.getPeerX509Certificate()?.fingerprint256 ?? '', protocol: sock.alpnProtocol });
          sock.destroy();
        });
        sock.on('error', reject);
      });
    expect(await shown('a.test', ['h2'])).toEqual({ fingerprint: a.fingerprint256, protocol: 'h2' });
    expect(await shown('b.test', ['http/1.1'])).toEqual({ fingerprint: b.fingerprint256, protocol: 'http/1.1' });
    const s = session(`https://127.0.0.1:${port}`, { ca: ca.cert, servername: 'b.test' });
    const r = await h2Get(s, '/tls');
    expect(r.status).toBe(200);
    expect(r.body).toMatch(/^b\d \/tls https$/);
    expect(seen.reduce((x, y) => x + y)).toBe(1);
  });

  it('names the field of a certificate file it cannot read', async () => {
    const { ports } = await h1Backends(1);
    const yaml = `
version: 1
listeners:
  - name: web
    mode: http
    listen: "127.0.0.1:0"
    tls: { certificates: [{ cert: "/nonexistent/x.crt", key: "/nonexistent/x.key" }] }
    backends:
${backends(ports)}
`;
    const err = await startBalancer(parseConfig(yaml, 'test.yaml'), { log: () => {}, source: 'test.yaml' }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ConfigError);
    expect(String((err as Error).message)).toContain('listeners[0].tls.certificates[0].cert: cannot read /nonexistent/x.crt (ENOENT)');
  });

  it('sends streams to h2c backends over one multiplexed session each', async () => {
    const sessions: ServerHttp2Session[][] = [[], []];
    const seen = [0, 0];
    const ports: number[] = [];
    for (let i = 0; i < 2; i++) {
      const server = createH2cServer();
      server.on('session', (s) => sessions[i]!.push(s));
      server.on('stream', (stream, headers) => {
        seen[i]!++;
        stream.respond({ ':status': 200 });
        stream.end(`b${i + 1} ${headers[':path']}`);
      });
      await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
      cleanups.push(() => new Promise((r) => (sessions[i]!.forEach((s) => s.destroy()), server.close(r))));
      ports.push((server.address() as AddressInfo).port);
    }
    const lb = await start(`
version: 1
listeners:
  - name: web
    mode: http
    listen: "127.0.0.1:0"
    algorithm: rr
    http2: {}
    upstream: { protocol: h2c }
    backends:
${backends(ports)}
`);
    const s = session(`http://127.0.0.1:${lb.listeners[0]!.port}`);
    const answers = await Promise.all(Array.from({ length: 8 }, (_, i) => h2Get(s, `/m${i}`)));
    expect(answers.map((a) => a.status)).toEqual(Array(8).fill(200));
    expect(seen).toEqual([4, 4]);
    expect(sessions.map((x) => x.length)).toEqual([1, 1]);
  });

  it('answers 502 when the backend is gone', async () => {
    const server = createH1Server();
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const port = (server.address() as AddressInfo).port;
    await new Promise((r) => server.close(r));
    const lb = await start(`
version: 1
listeners:
  - name: web
    mode: http
    listen: "127.0.0.1:0"
    retries: 0
    http2: {}
    backends:
${backends([port])}
`);
    const s = session(`http://127.0.0.1:${lb.listeners[0]!.port}`);
    const r = await h2Get(s, '/gone');
    expect(r.status).toBe(502);
    expect(r.body).toContain('backend b1');
  });
});

describe('gRPC through the HTTP/2 front', () => {
  const echo = {
    Echo: {
      path: '/fulcrum.test.Echo/Echo',
      requestStream: false,
      responseStream: false,
      requestSerialize: (b: Buffer) => b,
      requestDeserialize: (b: Buffer) => b,
      responseSerialize: (b: Buffer) => b,
      responseDeserialize: (b: Buffer) => b,
    },
  } satisfies grpc.ServiceDefinition;

  async function grpcBackends(n: number, handler: (i: number, request: Buffer, done: grpc.sendUnaryData<Buffer>) => void): Promise<number[]> {
    const ports: number[] = [];
    for (let i = 0; i < n; i++) {
      const server = new grpc.Server();
      server.addService(echo, { Echo: (call: grpc.ServerUnaryCall<Buffer, Buffer>, done: grpc.sendUnaryData<Buffer>) => handler(i, call.request, done) });
      const port = await new Promise<number>((resolve, reject) => server.bindAsync('127.0.0.1:0', grpc.ServerCredentials.createInsecure(), (err, p) => (err ? reject(err) : resolve(p))));
      cleanups.push(() => server.forceShutdown());
      ports.push(port);
    }
    return ports;
  }

  const Client = grpc.makeGenericClientConstructor(echo, 'Echo');

  function call(client: grpc.Client, body: string, deadlineMs?: number): Promise<{ reply?: string; code: number; details: string }> {
    return new Promise((resolve) => {
      const options = deadlineMs === undefined ? {} : { deadline: Date.now() + deadlineMs };
      (client as unknown as { Echo: (req: Buffer, opts: object, cb: (err: grpc.ServiceError | null, res?: Buffer) => void) => void }).Echo(Buffer.from(body), options, (err, res) =>
        resolve(err ? { code: err.code, details: err.details } : { reply: res?.toString(), code: 0, details: '' }),
      );
    });
  }

  it('balances each call of one channel, and relays status codes, messages and deadlines', async () => {
    const seen = [0, 0, 0];
    const ports = await grpcBackends(3, (i, request, done) => {
      seen[i]!++;
      const text = request.toString();
      if (text === 'missing') return done({ code: grpc.status.NOT_FOUND, details: `b${i + 1} has no such thing` });
      if (text === 'slow') return void setTimeout(() => done(null, Buffer.from('late')), 1500);
      done(null, Buffer.from(`b${i + 1}:${text}`));
    });
    const lb = await start(`
version: 1
listeners:
  - name: grpc
    mode: http
    listen: "127.0.0.1:0"
    algorithm: rr
    http2: {}
    upstream: { protocol: h2c }
    backends:
${backends(ports)}
`);
    const client = new Client(`127.0.0.1:${lb.listeners[0]!.port}`, grpc.credentials.createInsecure());
    cleanups.push(() => client.close());
    const replies = [];
    for (let i = 0; i < 6; i++) replies.push(await call(client, `m${i}`));
    expect(replies.every((r) => r.code === 0)).toBe(true);
    expect(seen).toEqual([2, 2, 2]);
    const missing = await call(client, 'missing');
    expect(missing.code).toBe(grpc.status.NOT_FOUND);
    expect(missing.details).toMatch(/^b\d has no such thing$/);
    const started = Date.now();
    const slow = await call(client, 'slow', 200);
    expect(slow.code).toBe(grpc.status.DEADLINE_EXCEEDED);
    expect(Date.now() - started).toBeLessThan(1200);
  });
});
