// A client host on loopback: traffic from this process, bound to the client's own source address.
// Every exchange is bounded by a timeout, never retried, and failures come back as data.
import { Agent, request as httpRequest, type ClientRequest, type IncomingMessage } from 'node:http';
import { connect, type Socket } from 'node:net';
import { createSocket } from 'node:dgram';
import { createHash } from 'node:crypto';
import { BACKEND_HEADER, HOLD_PATH, backendOfReply } from '../agent/protocol.ts';
import { BYTES_MAX, BYTES_PATH, SHA256_PATH, ByteStream, byteChunks, type Sha256Reply } from '../agent/byte-stream.ts';
import type { Endpoint } from '../types.ts';
import { holdTokenSource } from './hold-token.ts';
import { udpFlow } from './udp-flow.ts';
import type {
  ClientHost,
  ExchangeOptions,
  HeldExchange,
  HttpOutcome,
  HttpRequest,
  HttpSession,
  StreamOutcome,
  TransferOptions,
  TransferPace,
  TransferOutcome,
  TransferReply,
  RawExchange,
  RawOutcome,
} from '../topology.ts';
import { rawExchange } from './raw.ts';
import { http2Exchange, tlsHandshake } from './http2.ts';
import type { Http2Exchange, Http2Outcome, TlsOutcome, TlsProbe } from '../topology.ts';

const DEFAULT_TIMEOUT_MS = 5_000;
const TRANSFER_TIMEOUT_MS = 60_000;
/** How much of a reply body a transfer keeps for its error message or JSON (the rest is drained). */
const REPLY_KEEP_BYTES = 64 * 1024;
let transferCounter = 0;

/** One direction of a transfer, before the two are put together. */
type Leg<T> = { ok: true; value: T; backend: string | undefined; local: Endpoint } | { ok: false; error: string; local?: Endpoint };

function localOf(socket: Socket | undefined | null): Endpoint {
  return { host: (socket?.localAddress ?? '').replace(/^::ffff:/, ''), port: socket?.localPort ?? 0 };
}

function errorText(err: unknown): string {
  const e = err as NodeJS.ErrnoException;
  return e.code ?? e.message;
}

function headerMap(res: IncomingMessage): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(res.headers)) if (v !== undefined) out[k] = Array.isArray(v) ? v.join(', ') : v;
  return out;
}

/** Reads a reply body, keeping its first REPLY_KEEP_BYTES (enough for JSON or an error page). */
function readSmallReply(res: IncomingMessage, done: (body: string) => void, failed: (err: Error) => void): void {
  const kept: Buffer[] = [];
  let size = 0;
  res.on('data', (chunk: Buffer) => {
    if (size < REPLY_KEEP_BYTES) kept.push(chunk.subarray(0, REPLY_KEEP_BYTES - size));
    size += chunk.length;
  });
  res.on('error', failed);
  res.on('end', () => done(Buffer.concat(kept).toString('utf8')));
  res.on('close', () => failed(new Error('the connection closed during the reply'))); // no-op after end
}

function snippet(body: string): string {
  const line = body.trim().replace(/\s+/g, ' ');
  return JSON.stringify(line.length > 120 ? `${line.slice(0, 120)}…` : line);
}

/** The agent's POST /sha256 reply; `peer` optional so that a reply from elsewhere still parses. */
function parseSha256Reply(body: string): (Omit<Sha256Reply, 'peer'> & { peer?: string }) | undefined {
  try {
    const r = JSON.parse(body) as Partial<Sha256Reply> | null;
    if (typeof r?.bytes === 'number' && typeof r.sha256 === 'string') return { bytes: r.bytes, sha256: r.sha256, ...(typeof r.peer === 'string' ? { peer: r.peer } : {}) };
  } catch {
    // not JSON: the caller reports the body
  }
  return undefined;
}

export class LoopbackClient implements ClientHost {
  private readonly nextHoldToken: () => string;

  constructor(
    readonly address: string,
    private readonly entry: Endpoint,
  ) {
    this.nextHoldToken = holdTokenSource(address);
  }

  http(request: HttpRequest = {}): Promise<HttpOutcome> {
    return this.exchange(request, { agent: false, headers: { connection: 'close' } });
  }

  raw(exchange: RawExchange): Promise<RawOutcome> {
    return rawExchange(this.address, this.entry, exchange);
  }

  http2(exchange: Http2Exchange): Promise<Http2Outcome> {
    return http2Exchange(this.address, this.entry, exchange);
  }

  tlsHandshake(probe: TlsProbe): Promise<TlsOutcome> {
    return tlsHandshake(this.address, this.entry, probe);
  }

  async httpSession(): Promise<HttpSession> {
    const agent = new Agent({ keepAlive: true, maxSockets: 1 });
    const close = async () => agent.destroy();
    return {
      request: (request = {}) => this.exchange(request, { agent, headers: {} }),
      close,
      [Symbol.asyncDispose]: close,
    };
  }

  private exchange(request: HttpRequest, how: { agent: Agent | false; headers: Record<string, string> }): Promise<HttpOutcome> {
    const started = performance.now();
    const timeoutMs = request.timeoutMs ?? DEFAULT_TIMEOUT_MS;
    return new Promise<HttpOutcome>((resolve) => {
      let local: Endpoint | undefined;
      let settled = false;
      const finish = (outcome: HttpOutcome) => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        resolve(outcome);
      };
      const fail = (error: string) => finish({ ok: false, error, elapsedMs: performance.now() - started, ...(local ? { local } : {}) });
      const req: ClientRequest = httpRequest(
        {
          host: this.entry.host,
          port: this.entry.port,
          localAddress: this.address,
          method: request.method ?? 'GET',
          path: request.path ?? '/',
          agent: how.agent,
          headers: { ...how.headers, ...request.headers },
        },
        (res) => {
          local ??= localOf(res.socket);
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('error', (err) => fail(errorText(err)));
          res.on('end', () =>
            finish({
              ok: true,
              status: res.statusCode ?? 0,
              backend: res.headers[BACKEND_HEADER] as string | undefined,
              headers: headerMap(res),
              body: Buffer.concat(chunks).toString('utf8'),
              local: local ?? localOf(res.socket),
              elapsedMs: performance.now() - started,
            }),
          );
        },
      );
      const timer = setTimeout(() => {
        fail(`timeout after ${timeoutMs} ms`);
        req.destroy();
      }, timeoutMs);
      req.on('socket', (s) => {
        if (s.localPort) local = localOf(s);
        else s.once('connect', () => (local = localOf(s)));
      });
      req.on('error', (err) => fail(errorText(err)));
      req.end(request.body);
    });
  }

  holdHttp(request: HttpRequest = {}): Promise<HeldExchange> {
    const timeoutMs = request.timeoutMs ?? DEFAULT_TIMEOUT_MS;
    const token = this.nextHoldToken();
    return new Promise<HeldExchange>((resolve, reject) => {
      const req = httpRequest({
        host: this.entry.host,
        port: this.entry.port,
        localAddress: this.address,
        method: 'GET',
        path: request.path ?? `${HOLD_PATH}?ms=30000&token=${token}`,
        agent: false,
        headers: { connection: 'close', ...request.headers },
      });
      const timer = setTimeout(() => {
        req.destroy();
        reject(new Error(`held request got no response headers within ${timeoutMs} ms`));
      }, timeoutMs);
      req.on('error', (err) => {
        clearTimeout(timer);
        reject(new Error(`held request failed: ${errorText(err)}`));
      });
      req.on('response', (res) => {
        clearTimeout(timer);
        res.resume();
        res.on('error', () => {});
        const socket = res.socket;
        const ended = new Promise<void>((done) => {
          res.once('close', () => done());
          socket.once('close', () => done());
        });
        const close = async () => {
          if (!socket.destroyed) req.destroy();
          await ended;
        };
        resolve({ backend: res.headers[BACKEND_HEADER] as string | undefined, local: localOf(socket), token, ended: () => ended, close, [Symbol.asyncDispose]: close });
      });
      req.end();
    });
  }

  async tcp(line: string, options: ExchangeOptions = {}): Promise<StreamOutcome> {
    const started = performance.now();
    try {
      const held = await this.openTcp(line, options.timeoutMs ?? DEFAULT_TIMEOUT_MS);
      held.socket.destroy();
      return { ok: true, backend: backendOfReply(held.reply), reply: held.reply, local: held.local, elapsedMs: performance.now() - started };
    } catch (err) {
      const e = err as Error & { local?: Endpoint };
      return { ok: false, error: e.message, elapsedMs: performance.now() - started, ...(e.local ? { local: e.local } : {}) };
    }
  }

  async holdTcp(line = 'hold', options: ExchangeOptions = {}): Promise<HeldExchange> {
    const held = await this.openTcp(line, options.timeoutMs ?? DEFAULT_TIMEOUT_MS);
    const socket = held.socket;
    const ended = new Promise<void>((done) => (socket.destroyed ? done() : socket.once('close', () => done())));
    const close = async () => {
      socket.destroy();
      await ended;
    };
    return { backend: backendOfReply(held.reply), local: held.local, ended: () => ended, close, [Symbol.asyncDispose]: close };
  }

  /** Connects, sends `line`, resolves with the first reply line and the still-open socket. */
  private openTcp(line: string, timeoutMs: number): Promise<{ socket: Socket; reply: string; local: Endpoint }> {
    return new Promise((resolve, reject) => {
      const socket = connect({ host: this.entry.host, port: this.entry.port, localAddress: this.address });
      let local: Endpoint | undefined;
      let buf = '';
      const fail = (message: string) => {
        clearTimeout(timer);
        socket.destroy();
        reject(Object.assign(new Error(message), local ? { local } : {}));
      };
      const timer = setTimeout(() => fail(`timeout after ${timeoutMs} ms`), timeoutMs);
      socket.setEncoding('utf8');
      socket.on('connect', () => {
        local = localOf(socket);
        socket.write(`${line}\n`);
      });
      socket.on('data', (s: string) => {
        buf += s;
        const nl = buf.indexOf('\n');
        if (nl < 0) return;
        clearTimeout(timer);
        socket.removeAllListeners('data');
        socket.removeAllListeners('end');
        socket.on('error', () => {});
        socket.resume();
        resolve({ socket, reply: buf.slice(0, nl), local: local ?? localOf(socket) });
      });
      socket.on('end', () => fail(buf ? `connection closed after partial reply "${buf}"` : 'connection closed without a reply'));
      socket.on('error', (err) => fail(errorText(err)));
    });
  }

  udp(payload: string, options: ExchangeOptions = {}): Promise<StreamOutcome> {
    const started = performance.now();
    const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
    return new Promise((resolve) => {
      const sock = createSocket(this.entry.host.includes(':') ? 'udp6' : 'udp4');
      let local: Endpoint | undefined;
      let settled = false;
      const finish = (outcome: StreamOutcome) => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        sock.close();
        resolve(outcome);
      };
      const timer = setTimeout(() => finish({ ok: false, error: `timeout after ${timeoutMs} ms`, elapsedMs: performance.now() - started, ...(local ? { local } : {}) }), timeoutMs);
      sock.on('error', (err) => finish({ ok: false, error: errorText(err), elapsedMs: performance.now() - started }));
      sock.on('message', (msg) => {
        const reply = msg.toString('utf8');
        finish({ ok: true, backend: backendOfReply(reply), reply, local: local ?? { host: this.address, port: 0 }, elapsedMs: performance.now() - started });
      });
      sock.bind({ address: this.address, port: options.sourcePort ?? 0 }, () => {
        const a = sock.address();
        local = { host: a.address, port: a.port };
        sock.send(payload, this.entry.port, this.entry.host);
      });
    });
  }

  udpFlow(payloads: readonly string[], options: ExchangeOptions = {}): Promise<StreamOutcome[]> {
    return udpFlow(this.address, this.entry, payloads, options);
  }

  async transfer(options: TransferOptions): Promise<TransferOutcome> {
    const started = performance.now();
    const { upBytes = 0, downBytes = 0, timeoutMs = TRANSFER_TIMEOUT_MS, pace } = options;
    for (const [name, n] of [['upBytes', upBytes], ['downBytes', downBytes]] as const) {
      if (!Number.isSafeInteger(n) || n < 0) throw new RangeError(`transfer: ${name} must be a whole number of bytes, got ${n}`);
    }
    if (downBytes > BYTES_MAX) throw new RangeError(`transfer: downBytes is at most ${BYTES_MAX} (1 GiB), the agent's limit; got ${downBytes}`);
    if (upBytes === 0 && downBytes === 0) throw new RangeError('transfer: nothing to do; give upBytes or downBytes');
    const deadline = started + timeoutMs;
    const seed = `${this.address}/${process.pid}/${++transferCounter}`;
    const elapsedMs = () => performance.now() - started;
    const failed = (direction: string, leg: { error: string; local?: Endpoint }): TransferOutcome => ({
      ok: false,
      error: `${direction}: ${leg.error}`,
      elapsedMs: elapsedMs(),
      ...(leg.local ? { local: leg.local } : {}),
    });

    let up: TransferReply['up'];
    let down: TransferReply['down'];
    let last: { backend: string | undefined; local: Endpoint } | undefined;
    if (upBytes > 0) {
      const leg = await this.upload(upBytes, `${seed}/up`, deadline, timeoutMs, pace);
      if (!leg.ok) return failed('up', leg);
      up = leg.value;
      last = leg;
    }
    if (downBytes > 0) {
      const leg = await this.download(downBytes, `${seed}/down`, deadline, timeoutMs, pace);
      if (!leg.ok) return failed('down', leg);
      down = leg.value;
      last = leg;
    }
    if (!last) throw new Error('unreachable: a transfer with no direction');
    return { ok: true, backend: last.backend, ...(up ? { up } : {}), ...(down ? { down } : {}), local: last.local, elapsedMs: elapsedMs() };
  }

  /** POST /sha256 with `total` bytes of the stream for `seed`, generated and hashed as the socket takes them. */
  private upload(total: number, seed: string, deadline: number, timeoutMs: number, pace?: TransferPace): Promise<Leg<NonNullable<TransferReply['up']>>> {
    const hash = createHash('sha256');
    let sent = 0;
    let generated = false;
    const slowUntil = pace ? performance.now() + pace.forMs : 0;
    const request = { method: 'POST', path: SHA256_PATH, headers: { 'content-type': 'application/octet-stream', 'content-length': String(total) } };
    return this.leg(request, deadline, timeoutMs, (connected) => (connected ? `sent ${sent} of ${total} bytes` : undefined), ({ req, settled, fail, succeed }) => {
      const chunks = pacedChunks(byteChunks(seed, total), pace);
      const pump = () => {
        for (;;) {
          if (settled()) return;
          const next = chunks.next();
          if (next.done) {
            generated = true;
            req.end();
            return;
          }
          hash.update(next.value);
          sent += next.value.length;
          // Set here too: a paced upload's last piece may be answered before the pump runs again.
          if (sent === total) generated = true;
          const wrote = req.write(next.value);
          if (pace && performance.now() < slowUntil) {
            setTimeout(wrote ? pump : () => req.once('drain', pump), pace.everyMs);
            return;
          }
          if (!wrote) {
            req.once('drain', pump);
            return;
          }
        }
      };
      req.on('response', (res) => {
        readSmallReply(res, (body) => {
          if (res.statusCode !== 200) return fail(`HTTP ${res.statusCode} instead of 200: ${snippet(body)}`);
          const reply = parseSha256Reply(body);
          if (!reply) return fail(`the reply is not the agent's {bytes, sha256} JSON: ${snippet(body)}`);
          // A reply before the whole upload went out cannot match, whatever it says.
          const match = generated && reply.bytes === total && reply.sha256 === hash.digest('hex');
          succeed({ bytes: reply.bytes, match, ...(reply.peer !== undefined ? { peer: reply.peer } : {}) }, res);
        }, (err) => fail(errorText(err)));
      });
      pump();
    });
  }

  /** GET /bytes?n=total; hashes what arrives beside the same number of bytes of the expected stream. */
  private download(total: number, seed: string, deadline: number, timeoutMs: number, pace?: TransferPace): Promise<Leg<NonNullable<TransferReply['down']>>> {
    const got = createHash('sha256');
    const want = createHash('sha256');
    const expected = new ByteStream(seed);
    let received = 0;
    let differsAt: number | undefined;
    let responded = false;
    const request = { method: 'GET', path: `${BYTES_PATH}?n=${total}&seed=${encodeURIComponent(seed)}` };
    const progress = () => (responded ? `received ${received} of ${total} bytes${differsAt === undefined ? '' : ` (not the stream from byte ${differsAt})`}` : undefined);
    return this.leg(request, deadline, timeoutMs, progress, ({ req, fail, succeed }) => {
      req.on('response', (res) => {
        if (res.statusCode !== 200) {
          readSmallReply(res, (body) => fail(`HTTP ${res.statusCode} instead of 200: ${snippet(body)}`), (err) => fail(errorText(err)));
          return;
        }
        responded = true;
        const take = (chunk: Buffer) => {
          const wanted = expected.read(chunk.length);
          // Compared as they come, so that a cut download still says whether its bytes were the stream.
          if (differsAt === undefined && !chunk.equals(wanted)) differsAt = received + firstDifference(chunk, wanted);
          received += chunk.length;
          got.update(chunk);
          want.update(wanted);
        };
        if (pace) readPaced(res, pace, take);
        else res.on('data', take);
        res.on('error', (err) => fail(errorText(err)));
        res.on('close', () => fail('the connection closed'));
        res.on('end', () => {
          if (received < total) return fail('the connection closed');
          succeed({ bytes: received, match: received === total && got.digest('hex') === want.digest('hex') }, res);
        });
      });
      req.end();
    });
  }

  /** One leg of a transfer: a request on its own connection from this client's address, settled
   *  once, bounded by the transfer's deadline. A failure after `progress` names some progress
   *  carries it ("sent 10 of 20 bytes, then timeout after …"). `drive` writes and reads. */
  private leg<T>(
    request: { method: string; path: string; headers?: Record<string, string> },
    deadline: number,
    timeoutMs: number,
    progress: (connected: boolean) => string | undefined,
    drive: (leg: { req: ClientRequest; settled: () => boolean; fail: (what: string) => void; succeed: (value: T, res: IncomingMessage) => void }) => void,
  ): Promise<Leg<T>> {
    return new Promise((resolve) => {
      let connected = false;
      let local: Endpoint | undefined;
      let settled = false;
      const finish = (leg: Leg<T>) => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        if (!leg.ok) req.destroy();
        resolve(leg);
      };
      const fail = (what: string) => {
        const done = progress(connected);
        finish({ ok: false, error: done ? `${done}, then ${what}` : what, ...(local ? { local } : {}) });
      };
      const req = httpRequest({
        host: this.entry.host,
        port: this.entry.port,
        localAddress: this.address,
        method: request.method,
        path: request.path,
        agent: false,
        headers: { connection: 'close', ...request.headers },
      });
      const timer = setTimeout(() => fail(`timeout after ${timeoutMs} ms`), Math.max(0, deadline - performance.now()));
      req.on('socket', (s) => {
        if (s.localPort) local = localOf(s);
        if (!s.connecting) connected = true;
        else
          s.once('connect', () => {
            connected = true;
            local = localOf(s);
          });
      });
      req.on('error', (err) => fail(errorText(err)));
      // Registered before drive's own 'response' listener, so `local` is known when it runs.
      req.on('response', (res) => {
        local ??= localOf(res.socket);
      });
      drive({
        req,
        settled: () => settled,
        fail,
        succeed: (value, res) => finish({ ok: true, value, backend: res.headers[BACKEND_HEADER] as string | undefined, local: local ?? localOf(res.socket) }),
      });
    });
  }
}

/** The stream's chunks cut to pace.chunkBytes (all of them: past forMs the writer just stops waiting). */
function* pacedChunks(chunks: Generator<Buffer>, pace: TransferPace | undefined): Generator<Buffer> {
  for (const chunk of chunks) {
    if (!pace) yield chunk;
    else for (let at = 0; at < chunk.length; at += pace.chunkBytes) yield chunk.subarray(at, at + pace.chunkBytes);
  }
}

/** Reads at most pace.chunkBytes every pace.everyMs for pace.forMs, then flows. While paused the
 *  response's buffer fills and Node stops reading the socket, so TCP holds the sender back. */
function readPaced(res: IncomingMessage, pace: TransferPace, take: (chunk: Buffer) => void): void {
  const slowUntil = performance.now() + pace.forMs;
  res.pause();
  const timer = setInterval(() => {
    if (res.destroyed || performance.now() >= slowUntil) {
      clearInterval(timer);
      res.on('data', take);
      res.resume();
      return;
    }
    const n = Math.min(pace.chunkBytes, res.readableLength);
    const chunk = n > 0 ? (res.read(n) as Buffer | null) : null;
    if (chunk) take(chunk);
  }, pace.everyMs);
  res.once('close', () => clearInterval(timer));
}

function firstDifference(a: Buffer, b: Buffer): number {
  let i = 0;
  while (i < a.length && a[i] === b[i]) i++;
  return i;
}
