// Test helpers for hostile-traffic tests of the proxy: a raw TCP backend that records exactly the
// bytes each upstream connection carried and answers each request it can parse (strictly: CRLF
// lines, one Content-Length or chunked), and a raw client that sends bytes and collects the answer.
// The backend answers with "X-Path: <target>" and the target as body, so a client can tell whose
// response it got.
import { connect, createServer, type AddressInfo, type Server, type Socket } from 'node:net';
import { Pool } from '../pool/index.ts';
import { testRoundRobin } from '../pool/test-support.ts';
import { HttpProxy, type HttpProxyOptions } from './proxy.ts';

export interface SeenRequest {
  readonly method: string;
  readonly target: string;
  readonly headers: ReadonlyArray<readonly [string, string]>;
  readonly body: string;
  /** Which upstream connection (0-based, in accept order) carried it. */
  readonly connection: number;
}

/** How the backend answers a parsed request: the bytes to write (default: a 200 naming the target). */
export type Responder = (req: SeenRequest, socket: Socket) => string | undefined;

export interface RawBackend {
  readonly port: number;
  /** Raw bytes received, one string (latin1) per upstream connection. */
  readonly bytes: string[];
  readonly requests: SeenRequest[];
  /** Bytes the backend could not parse as a request, per connection (it closes then). */
  readonly garbage: string[];
  close(): Promise<void>;
}

export const okResponse = (req: SeenRequest): string => `HTTP/1.1 200 OK\r\nX-Path: ${req.target}\r\nContent-Length: ${Buffer.byteLength(req.target)}\r\n\r\n${req.target}`;

/** One request parsed from the front of `buf`: the request and the bytes it used, 'more' when
 *  incomplete, or an error string when the bytes are not a well-framed request. */
function parseOne(buf: string, connection: number): { req: SeenRequest; used: number } | 'more' | { error: string } {
  const end = buf.indexOf('\r\n\r\n');
  if (end < 0) return /[^\r]\n|\r[^\n]/.test(buf) ? { error: 'bare CR or LF' } : 'more';
  const lines = buf.slice(0, end).split('\r\n');
  const m = /^([A-Z]+) (\S+) HTTP\/1\.1$/.exec(lines[0] ?? '');
  if (!m) return { error: `bad request line ${JSON.stringify(lines[0])}` };
  const headers: Array<[string, string]> = [];
  for (const line of lines.slice(1)) {
    const h = /^([!#$%&'*+.^_`|~0-9A-Za-z-]+):[ \t]*(.*?)[ \t]*$/.exec(line);
    if (!h || /[\0-\x08\x0a-\x1f\x7f]/.test(h[2] as string)) return { error: `bad header line ${JSON.stringify(line)}` };
    headers.push([h[1] as string, h[2] as string]);
  }
  const get = (n: string) => headers.filter(([k]) => k.toLowerCase() === n).map(([, v]) => v);
  const cl = get('content-length');
  const te = get('transfer-encoding');
  if ((cl.length > 0 && te.length > 0) || cl.length > 1) return { error: 'ambiguous framing' };
  let pos = end + 4;
  let body = '';
  if (te.length > 0) {
    if (te.join(',').trim().toLowerCase() !== 'chunked') return { error: `transfer-encoding ${te.join(',')}` };
    for (;;) {
      const eol = buf.indexOf('\r\n', pos);
      if (eol < 0) return 'more';
      const size = /^([0-9a-fA-F]+)(;.*)?$/.exec(buf.slice(pos, eol));
      if (!size) return { error: `bad chunk size ${JSON.stringify(buf.slice(pos, eol))}` };
      const n = parseInt(size[1] as string, 16);
      pos = eol + 2;
      if (n === 0) {
        const trailerEnd = buf.indexOf('\r\n', pos);
        if (trailerEnd < 0) return 'more';
        if (trailerEnd !== pos) return { error: 'trailers (this backend takes none)' };
        pos += 2;
        break;
      }
      if (buf.length < pos + n + 2) return 'more';
      if (buf.slice(pos + n, pos + n + 2) !== '\r\n') return { error: 'chunk without CRLF' };
      body += buf.slice(pos, pos + n);
      pos += n + 2;
    }
  } else if (cl.length === 1) {
    if (!/^\d+$/.test(cl[0] as string)) return { error: 'bad content-length' };
    const n = Number(cl[0]);
    if (buf.length < pos + n) return 'more';
    body = buf.slice(pos, pos + n);
    pos += n;
  }
  return { req: { method: m[1] as string, target: m[2] as string, headers, body, connection }, used: pos };
}

export async function rawBackend(respond: Responder = okResponse): Promise<RawBackend> {
  const bytes: string[] = [];
  const requests: SeenRequest[] = [];
  const garbage: string[] = [];
  const sockets = new Set<Socket>();
  const server: Server = createServer((socket) => {
    const index = bytes.length;
    bytes.push('');
    garbage.push('');
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', () => socket.destroy());
    let pending = '';
    socket.on('data', (d: Buffer) => {
      const text = d.toString('latin1');
      bytes[index] += text;
      pending += text;
      for (;;) {
        const r = parseOne(pending, index);
        if (r === 'more') return;
        if ('error' in r) {
          garbage[index] += pending;
          socket.destroy();
          return;
        }
        pending = pending.slice(r.used);
        requests.push(r.req);
        const answer = respond(r.req, socket);
        if (answer !== undefined) socket.write(Buffer.from(answer, 'latin1'));
      }
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return {
    port: (server.address() as AddressInfo).port,
    bytes,
    requests,
    garbage,
    close: () => {
      for (const s of sockets) s.destroy();
      return new Promise<void>((r) => server.close(() => r()));
    },
  };
}

export interface RawExchange {
  /** Everything the client received, latin1. */
  readonly text: string;
  /** Whether the proxy closed the connection (FIN or reset) before the client gave up. */
  readonly closed: boolean;
  /** Status codes of the responses in `text`, in order. */
  readonly statuses: number[];
}

/** Complete responses at the front of `text` (Content-Length framed, or 1xx/204/304 without a body). */
export function completeResponses(text: string): number {
  let n = 0;
  let pos = 0;
  for (;;) {
    const end = text.indexOf('\r\n\r\n', pos);
    if (end < 0) return n;
    const head = text.slice(pos, end);
    const status = Number(/^HTTP\/1\.[01] (\d{3})/.exec(head)?.[1] ?? 0);
    const cl = /\r\ncontent-length: *(\d+)/i.exec(head);
    const length = status < 200 || status === 204 || status === 304 ? 0 : cl ? Number(cl[1]) : -1;
    if (length < 0 || text.length < end + 4 + length) return n;
    n++;
    pos = end + 4 + length;
  }
}

/** Sends `parts` (written `gapMs` apart) and collects the answer until the proxy closes, `responses`
 *  complete answers have arrived, or `idleMs` pass without a byte. */
export function rawRequest(port: number, parts: string | string[], opts: { idleMs?: number; gapMs?: number; responses?: number } = {}): Promise<RawExchange> {
  const list = typeof parts === 'string' ? [parts] : parts;
  const idleMs = opts.idleMs ?? 2000;
  return new Promise((resolve) => {
    const socket = connect({ host: '127.0.0.1', port, localAddress: '127.10.0.7' });
    let text = '';
    let idle: NodeJS.Timeout | undefined;
    let finished = false;
    const finish = (closed: boolean) => {
      if (finished) return;
      finished = true;
      clearTimeout(idle);
      socket.destroy();
      resolve({ text, closed, statuses: [...text.matchAll(/HTTP\/1\.[01] (\d{3}) /g)].map((m) => Number(m[1])) });
    };
    const arm = () => {
      clearTimeout(idle);
      idle = setTimeout(() => finish(false), idleMs);
    };
    socket.on('data', (d: Buffer) => {
      text += d.toString('latin1');
      if (opts.responses !== undefined && completeResponses(text) >= opts.responses) return finish(false);
      arm();
    });
    socket.on('end', () => finish(true));
    socket.on('close', () => finish(true));
    socket.on('error', () => finish(true));
    socket.on('connect', async () => {
      for (const [i, part] of list.entries()) {
        if (i > 0 && opts.gapMs) await new Promise((r) => setTimeout(r, opts.gapMs));
        if (socket.destroyed) return;
        socket.write(Buffer.from(part, 'latin1'));
      }
      arm();
    });
  });
}

/** A proxy on loopback round-robining over backends on 127.0.0.1 at `ports` (ids b1, b2 …), with the
 *  tests' defaults (no retries, short timeouts); closed by `cleanups`. */
export async function proxyOver(cleanups: Array<() => unknown>, ports: readonly number[], overrides: Partial<HttpProxyOptions> = {}): Promise<{ port: number; pool: Pool; proxy: HttpProxy }> {
  const pool = new Pool(
    ports.map((port, i) => ({ id: `b${i + 1}`, host: '127.0.0.1', port, weight: 1 })),
    testRoundRobin(),
    () => performance.now(),
  );
  const proxy = new HttpProxy({
    name: 'web',
    pool,
    timeouts: { connect: 1000, response: 5000, idle: 5000 },
    retries: 0,
    now: () => performance.now(),
    rng: Math.random,
    ...overrides,
  });
  await new Promise<void>((r) => proxy.server.listen(0, '127.0.0.1', r));
  cleanups.push(() => proxy.close(0));
  return { port: (proxy.server.address() as AddressInfo).port, pool, proxy };
}

/** A proxy on loopback in front of `backend` (default: a fresh raw backend); both closed by `cleanups`. */
export async function rawProxy(cleanups: Array<() => unknown>, overrides: Partial<HttpProxyOptions> = {}, backend?: RawBackend): Promise<{ port: number; backend: RawBackend; proxy: HttpProxy }> {
  const b = backend ?? (await rawBackend());
  cleanups.push(() => b.close());
  const { port, proxy } = await proxyOver(cleanups, [b.port], overrides);
  return { port, backend: b, proxy };
}
