import { afterEach, describe, expect, it } from 'vitest';
import { createHash } from 'node:crypto';
import { Agent, createServer, request, type IncomingHttpHeaders, type RequestListener, type Server } from 'node:http';
import { connect, createServer as createTcpServer, type AddressInfo, type Server as TcpServer } from 'node:net';
import { Pool } from '../pool/index.ts';
import type { HttpProxy, HttpProxyOptions } from './proxy.ts';
import { proxyOver } from './raw-test-support.ts';

const cleanups: Array<() => Promise<unknown> | unknown> = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

async function listen(server: Server | TcpServer): Promise<number> {
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return (server.address() as AddressInfo).port;
}

async function backend(handler: RequestListener): Promise<{ port: number; server: Server; connections: () => number }> {
  const server = createServer(handler);
  let connections = 0;
  server.on('connection', () => connections++);
  const port = await listen(server);
  cleanups.push(() => {
    server.closeAllConnections();
    return new Promise((r) => server.close(r));
  });
  return { port, server, connections: () => connections };
}

async function refusedPort(): Promise<number> {
  const s = createTcpServer();
  const port = await listen(s);
  await new Promise((r) => s.close(r));
  return port;
}

function proxyTo(ports: number[], overrides: Partial<HttpProxyOptions> = {}): Promise<{ port: number; pool: Pool; proxy: HttpProxy }> {
  return proxyOver(cleanups, ports, overrides);
}

interface Got {
  status: number;
  headers: IncomingHttpHeaders;
  body: string;
}

function get(port: number, path = '/', headers: Record<string, string> = {}, agent: Agent | false = false): Promise<Got> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path, headers, agent, localAddress: '127.10.0.7' }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (d) => (body += d));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end();
  });
}

const echoBackend = (id: string): RequestListener => (req, res) => {
  res.setHeader('Connection', 'x-private');
  res.setHeader('X-Private', 'must not leak');
  res.setHeader('X-Backend', id);
  res.end(JSON.stringify({ id, url: req.url, headers: req.headers }));
};

describe('HttpProxy', () => {
  it('forwards requests round robin with X-Forwarded-For/-Proto and Forwarded, and strips hop-by-hop both ways', async () => {
    const b1 = await backend(echoBackend('b1'));
    const b2 = await backend(echoBackend('b2'));
    const { port, pool } = await proxyTo([b1.port, b2.port]);
    const seen: string[] = [];
    for (let i = 0; i < 4; i++) {
      const r = await get(port, `/x?i=${i}`, { Connection: 'X-Hop', 'X-Hop': 'secret', 'X-Forwarded-For': '203.0.113.9' });
      expect(r.status).toBe(200);
      const echoed = JSON.parse(r.body) as { id: string; url: string; headers: Record<string, string> };
      seen.push(echoed.id);
      expect(echoed.url).toBe(`/x?i=${i}`);
      expect(echoed.headers['x-forwarded-for']).toBe('203.0.113.9, 127.10.0.7');
      expect(echoed.headers['x-forwarded-proto']).toBe('http');
      expect(echoed.headers['forwarded']).toBe('for=127.10.0.7;proto=http');
      expect(echoed.headers['x-hop']).toBeUndefined();
      expect(echoed.headers['host']).toBe(`127.0.0.1:${port}`);
      expect(r.headers['x-backend']).toBe(echoed.id);
      expect(r.headers['x-private']).toBeUndefined();
    }
    expect(seen).toEqual(['b1', 'b2', 'b1', 'b2']);
    expect(pool.backends.map((b) => [b.requests, b.active, b.failures])).toEqual([[2, 0, 0], [2, 0, 0]]);
  });

  it('streams a large body both ways without waiting for its end', async () => {
    // The backend answers with its first chunk only once it has seen the first upload chunk,
    // and the client sends the rest only after it has received that first response chunk.
    const b = await backend((req, res) => {
      const hash = createHash('sha256');
      let bytes = 0;
      req.once('data', () => res.write('first-chunk\n'));
      req.on('data', (d: Buffer) => {
        hash.update(d);
        bytes += d.length;
      });
      req.on('end', () => {
        const big = Buffer.alloc(8 * 1024 * 1024, 'y');
        res.write(big);
        res.end(`\n${bytes} ${hash.digest('hex')}`);
      });
    });
    const { port } = await proxyTo([b.port]);
    const chunk = Buffer.alloc(1024 * 1024, 'x');
    const expectedHash = createHash('sha256');
    const result = await new Promise<{ text: string; received: number }>((resolve, reject) => {
      const req = request({ host: '127.0.0.1', port, method: 'POST', path: '/up', agent: false, headers: { 'content-type': 'application/octet-stream' } }, (res) => {
        let received = 0;
        let tail = '';
        let sentRest = false;
        res.on('data', (d: Buffer) => {
          received += d.length;
          tail = (tail + d.toString('latin1')).slice(-200);
          if (!sentRest) {
            sentRest = true;
            for (let i = 0; i < 15; i++) {
              req.write(chunk);
              expectedHash.update(chunk);
            }
            req.end();
          }
        });
        res.on('end', () => resolve({ text: tail, received }));
        res.on('error', reject);
      });
      req.on('error', reject);
      req.write(chunk); // chunked upload, no Content-Length
      expectedHash.update(chunk);
    });
    const [count, digest] = result.text.split('\n').at(-1)!.split(' ');
    expect(Number(count)).toBe(16 * 1024 * 1024);
    expect(digest).toBe(expectedHash.digest('hex'));
    expect(result.received).toBe('first-chunk\n'.length + 8 * 1024 * 1024 + 1 + result.text.split('\n').at(-1)!.length);
  });

  it('answers 503 when no backend is usable', async () => {
    const b = await backend(echoBackend('b1'));
    const { port, pool } = await proxyTo([b.port]);
    pool.setHealthy('b1', false);
    const r = await get(port);
    expect(r.status).toBe(503);
    expect(r.body).toMatch(/no backend available/);
  });

  it('answers 502 when the backend refuses, and retries a refused connect on another backend', async () => {
    const dead = await refusedPort();
    const noRetry = await proxyTo([dead]);
    const r = await get(noRetry.port);
    expect(r.status).toBe(502);
    expect(r.body).toMatch(/b1: ECONNREFUSED/);
    expect(noRetry.pool.get('b1')!.failures).toBe(1);
    expect(noRetry.pool.get('b1')!.active).toBe(0);

    const good = await backend(echoBackend('good'));
    const retry = await proxyTo([dead, good.port], { retries: 1 });
    for (let i = 0; i < 4; i++) {
      const ok = await get(retry.port);
      expect(ok.status).toBe(200);
      expect(JSON.parse(ok.body).id).toBe('good');
    }
    // No health check here, so rr offers the dead backend first every time: 4 refused connects, all retried.
    expect(retry.pool.backends.map((b) => [b.id, b.failures, b.active, b.requests])).toEqual([['b1', 4, 0, 4], ['b2', 0, 0, 4]]);
  });

  it('answers 502 when the backend answers garbage or resets', async () => {
    const garbage = createTcpServer((s) => s.end('this is not HTTP\r\n\r\n'));
    const reset = createTcpServer((s) => s.resetAndDestroy());
    cleanups.push(() => garbage.close(), () => reset.close());
    const { port, pool } = await proxyTo([await listen(garbage), await listen(reset)]);
    const a = await get(port);
    const b = await get(port);
    expect([a.status, b.status]).toEqual([502, 502]);
    expect(b.body).toMatch(/ECONNRESET/);
    expect(pool.backends.map((x) => [x.failures, x.active])).toEqual([[1, 0], [1, 0]]);
  });

  it('answers 502 for responses Node will not pass on (bad header bytes, odd status lines) and keeps serving', async () => {
    const answers = [
      'HTTP/1.1 200 OK\r\nContent-Length: 2\r\nX-Bad: a\x01b\r\n\r\nok',
      'HTTP/1.1 20 OK\r\nContent-Length: 2\r\n\r\nok',
      'HTTP/1.1 200 OK\r\nContent-Length: 2\r\nBad Name: x\r\n\r\nok',
    ];
    let next = 0;
    const odd = createTcpServer((s) => {
      s.once('data', () => s.end(answers[next++ % answers.length]!));
      s.on('error', () => {});
    });
    cleanups.push(() => odd.close());
    const { port, pool } = await proxyTo([await listen(odd)]);
    for (let i = 0; i < answers.length; i++) expect((await get(port)).status).toBe(502);
    expect(pool.get('b1')!.failures).toBe(answers.length);
  });

  it('re-sends a GET once on a fresh connection when a pooled connection turns out dead, even with retries 0', async () => {
    // Each backend connection answers its first request with keep-alive and resets on the second,
    // as a backend does that closed an idle connection just as the proxy reused it.
    let connections = 0;
    const flaky = createTcpServer((s) => {
      connections++;
      let requests = 0;
      s.on('data', () => {
        if (++requests === 1) s.write('HTTP/1.1 200 OK\r\nContent-Length: 2\r\nConnection: keep-alive\r\n\r\nok');
        else s.resetAndDestroy();
      });
      s.on('error', () => {});
    });
    cleanups.push(() => flaky.close());
    const { port, pool } = await proxyTo([await listen(flaky)], { retries: 0 });
    for (let i = 0; i < 3; i++) expect(await get(port)).toMatchObject({ status: 200, body: 'ok' });
    expect(connections).toBe(3);
    expect(pool.backends.map((b) => [b.requests, b.failures, b.active])).toEqual([[3, 0, 0]]);
  });

  it('answers 504 when the backend sends no headers within timeouts.response', async () => {
    const silent = await backend(() => {});
    const { port, pool } = await proxyTo([silent.port], { timeouts: { connect: 1000, response: 200, idle: 5000 } });
    const started = performance.now();
    const r = await get(port);
    expect(r.status).toBe(504);
    expect(r.body).toMatch(/no response within 200ms/);
    expect(performance.now() - started).toBeGreaterThanOrEqual(190);
    expect(performance.now() - started).toBeLessThan(5000);
    expect(pool.get('b1')!.failures).toBe(1);
    expect(pool.get('b1')!.active).toBe(0);
  });

  it('answers malformed HTTP with 400 and closes the socket', async () => {
    const b = await backend(echoBackend('b1'));
    const { port, pool } = await proxyTo([b.port]);
    const text = await new Promise<string>((resolve, reject) => {
      const s = connect(port, '127.0.0.1', () => s.write('GARBAGE / NOT-HTTP\r\n\r\n'));
      let got = '';
      s.setEncoding('utf8');
      s.on('data', (d) => (got += d));
      s.on('close', () => resolve(got));
      s.on('error', reject);
    });
    expect(text.startsWith('HTTP/1.1 400 Bad Request\r\n')).toBe(true);
    expect(pool.get('b1')!.requests).toBe(0);
  });

  it('reuses keep-alive connections to the backend', async () => {
    const b = await backend(echoBackend('b1'));
    const { port } = await proxyTo([b.port]);
    const agent = new Agent({ keepAlive: true });
    cleanups.push(() => agent.destroy());
    for (let i = 0; i < 10; i++) expect((await get(port, '/', {}, agent)).status).toBe(200);
    for (let i = 0; i < 5; i++) expect((await get(port)).status).toBe(200); // new client connections too
    expect(b.connections()).toBe(1);
  });

  it('cuts the client response when the backend dies mid-body, and counts a failure', async () => {
    const b = await backend((_req, res) => {
      res.writeHead(200, { 'content-length': '100000' });
      res.write('partial');
      setTimeout(() => res.socket?.destroy(), 20);
    });
    const { port, pool } = await proxyTo([b.port]);
    const outcome = await new Promise<string>((resolve) => {
      const req = request({ host: '127.0.0.1', port, agent: false }, (res) => {
        res.on('data', () => {});
        res.on('end', () => resolve('end'));
        res.on('aborted', () => resolve('aborted'));
        res.on('error', () => resolve('error'));
      });
      req.on('error', () => resolve('error'));
      req.end();
    });
    expect(['aborted', 'error']).toContain(outcome);
    await new Promise((r) => setTimeout(r, 20));
    expect(pool.get('b1')!.failures).toBe(1);
    expect(pool.get('b1')!.active).toBe(0);
  });
});

describe('HttpProxy idle timeout', () => {
  it('cuts a response whose body stalls longer than timeouts.idle', async () => {
    const b = await backend((_req, res) => {
      res.writeHead(200, { 'content-length': '1000' });
      res.write('some'); // and then nothing
    });
    const { port, pool } = await proxyTo([b.port], { timeouts: { connect: 1000, response: 5000, idle: 200 } });
    const started = performance.now();
    const outcome = await new Promise<string>((resolve) => {
      const req = request({ host: '127.0.0.1', port, agent: false }, (res) => {
        res.on('data', () => {});
        res.on('end', () => resolve('end'));
        res.on('aborted', () => resolve('aborted'));
        res.on('error', () => resolve('error'));
      });
      req.on('error', () => resolve('error'));
      req.end();
    });
    expect(['aborted', 'error']).toContain(outcome);
    expect(performance.now() - started).toBeGreaterThanOrEqual(190);
    await new Promise((r) => setTimeout(r, 20));
    expect([pool.get('b1')!.failures, pool.get('b1')!.active]).toEqual([1, 0]);
  });
});

describe('HttpProxy upgrades', () => {
  /** Raw client: sends an Upgrade request (plus early data), returns a reader for what comes back. */
  function upgradeClient(port: number, early: string) {
    const s = connect(port, '127.0.0.1');
    let buf = '';
    let closed = false;
    s.setEncoding('latin1');
    s.on('data', (d) => (buf += d));
    s.on('close', () => (closed = true));
    s.on('error', () => {});
    s.write(`GET /chat HTTP/1.1\r\nHost: t\r\nConnection: Upgrade\r\nUpgrade: shout\r\n\r\n${early}`);
    cleanups.push(() => s.destroy());
    const waitFor = async (cond: () => boolean) => {
      const deadline = Date.now() + 5000;
      while (!cond()) {
        if (Date.now() > deadline) throw new Error(`timed out; got ${JSON.stringify(buf)}`);
        await new Promise((r) => setTimeout(r, 5));
      }
    };
    return { socket: s, text: () => buf, closed: () => closed, waitFor };
  }

  it('tunnels a protocol switch (101) both ways, with early data and forwarded headers', async () => {
    const seen: Record<string, string | string[] | undefined>[] = [];
    const b = await backend((_req, res) => res.end('plain'));
    b.server.on('upgrade', (req, socket: import('node:net').Socket, head: Buffer) => {
      seen.push(req.headers);
      socket.write('HTTP/1.1 101 Switching Protocols\r\nUpgrade: shout\r\nConnection: Upgrade\r\n\r\n');
      if (head.length) socket.write(head.toString().toUpperCase());
      socket.on('data', (d) => socket.write(d.toString().toUpperCase()));
      socket.on('end', () => socket.end());
    });
    const { port, pool } = await proxyTo([b.port]);
    const c = upgradeClient(port, 'hello');
    await c.waitFor(() => c.text().endsWith('HELLO'));
    expect(c.text().startsWith('HTTP/1.1 101 Switching Protocols\r\n')).toBe(true);
    expect(c.text()).toMatch(/\r\nUpgrade: shout\r\n/i);
    c.socket.write('again');
    await c.waitFor(() => c.text().endsWith('HELLOAGAIN'));
    expect(seen[0]!['upgrade']).toBe('shout');
    expect(seen[0]!['x-forwarded-for']).toBe('127.0.0.1');
    expect(pool.get('b1')!.active).toBe(1);
    c.socket.destroy();
    await c.waitFor(() => pool.get('b1')!.active === 0);
    expect(pool.get('b1')!.failures).toBe(0);
  });

  it('relays a declined upgrade as a normal answer and closes', async () => {
    const b = await backend((_req, res) => res.end('no switching here'));
    const { port } = await proxyTo([b.port]);
    const c = upgradeClient(port, '');
    await c.waitFor(() => c.closed());
    expect(c.text()).toMatch(/^HTTP\/1\.1 200 OK\r\n/);
    expect(c.text().endsWith('\r\n\r\nno switching here')).toBe(true);
  });

  it('answers 502 on the raw socket when the backend refuses, and 503 when none is usable', async () => {
    const dead = await refusedPort();
    const { port, pool } = await proxyTo([dead]);
    const c = upgradeClient(port, '');
    await c.waitFor(() => c.closed());
    expect(c.text()).toMatch(/^HTTP\/1\.1 502 Bad Gateway\r\n/);
    pool.setHealthy('b1', false);
    const d = upgradeClient(port, '');
    await d.waitFor(() => d.closed());
    expect(d.text()).toMatch(/^HTTP\/1\.1 503 Service Unavailable\r\n/);
  });

  it('close() cuts an open tunnel once the drain time is over', async () => {
    const b = await backend((_req, res) => res.end());
    b.server.on('upgrade', (_req, socket: import('node:net').Socket) => {
      socket.write('HTTP/1.1 101 Switching Protocols\r\nUpgrade: shout\r\nConnection: Upgrade\r\n\r\n');
      socket.on('end', () => socket.end());
    });
    const { port, proxy, pool } = await proxyTo([b.port]);
    const c = upgradeClient(port, '');
    await c.waitFor(() => c.text().includes('101'));
    const started = performance.now();
    await proxy.close(100);
    expect(performance.now() - started).toBeGreaterThanOrEqual(90);
    await c.waitFor(() => c.closed());
    await c.waitFor(() => pool.get('b1')!.active === 0);
  });
});
