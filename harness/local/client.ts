// A client host on loopback: traffic from this process, bound to the client's own source address.
// Every exchange is bounded by a timeout, never retried, and failures come back as data.
import { Agent, request as httpRequest, type ClientRequest, type IncomingMessage } from 'node:http';
import { connect, type Socket } from 'node:net';
import { createSocket } from 'node:dgram';
import { BACKEND_HEADER, HOLD_PATH, backendOfReply } from '../agent/protocol.ts';
import type { Endpoint } from '../types.ts';
import type {
  ClientHost,
  ExchangeOptions,
  HeldExchange,
  HttpOutcome,
  HttpRequest,
  HttpSession,
  StreamOutcome,
} from '../topology.ts';

const DEFAULT_TIMEOUT_MS = 5_000;
let holdCounter = 0;

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

export class LoopbackClient implements ClientHost {
  constructor(
    readonly address: string,
    private readonly entry: Endpoint,
  ) {}

  http(request: HttpRequest = {}): Promise<HttpOutcome> {
    return this.exchange(request, { agent: false, headers: { connection: 'close' } });
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
    const token = `h${++holdCounter}-${process.pid}`;
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
      sock.bind({ address: this.address, port: 0 }, () => {
        const a = sock.address();
        local = { host: a.address, port: a.port };
        sock.send(payload, this.entry.port, this.entry.host);
      });
    });
  }
}
