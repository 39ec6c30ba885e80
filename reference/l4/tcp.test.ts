import { afterEach, describe, expect, it } from 'vitest';
import { connect, createServer, type AddressInfo, type Server, type Socket } from 'node:net';
import { Pool } from '../pool/index.ts';
import { testRoundRobin } from '../pool/test-support.ts';
import { TcpProxy, type TcpProxyOptions } from './tcp.ts';
import { V2_SIGNATURE } from './proxy-header.ts';

const cleanups: Array<() => unknown> = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

async function listen(server: Server): Promise<number> {
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  cleanups.push(() => new Promise((r) => server.close(r)));
  return (server.address() as AddressInfo).port;
}

/** Reads everything until the peer ends, then answers "<id> got <n> bytes" and ends (half-close). */
function countingBackend(id: string, received: Buffer[] = []): Server {
  const sockets = new Set<Socket>();
  const server = createServer({ allowHalfOpen: true }, (s) => {
    sockets.add(s);
    const chunks: Buffer[] = [];
    s.on('data', (d: Buffer) => chunks.push(d));
    s.on('end', () => {
      const all = Buffer.concat(chunks);
      received.push(all);
      s.end(`${id} got ${all.length} bytes`);
    });
    s.on('close', () => sockets.delete(s));
  });
  cleanups.push(() => sockets.forEach((s) => s.destroy()));
  return server;
}

async function proxyTo(ports: number[], overrides: Partial<TcpProxyOptions> = {}) {
  const pool = new Pool(ports.map((port, i) => ({ id: `b${i + 1}`, host: '127.0.0.1', port, weight: 1 })), testRoundRobin(), () => 0);
  const proxy = new TcpProxy({ name: 'tcp', pool, timeouts: { connect: 1000, idle: 10_000 }, retries: 0, now: () => 0, rng: Math.random, ...overrides });
  const port = await listen(proxy.server);
  cleanups.push(() => proxy.close(0));
  return { port, pool, proxy };
}

/** Sends `payload`, half-closes, and collects the answer until the proxy ends or closes. */
function exchange(port: number, payload: Buffer | string, localAddress = '127.10.0.3'): Promise<{ text: string; localPort: number; closedWithoutData: boolean }> {
  return new Promise((resolve, reject) => {
    let localPort = -1;
    const s = connect({ port, host: '127.0.0.1', localAddress }, () => {
      localPort = s.localPort ?? -1;
      s.write(payload);
      s.end();
    });
    let text = '';
    s.setEncoding('utf8');
    s.on('data', (d) => (text += d));
    s.on('close', () => resolve({ text, localPort, closedWithoutData: text === '' }));
    s.on('error', (e: NodeJS.ErrnoException) => (e.code === 'ECONNRESET' ? undefined : reject(e)));
  });
}

describe('TcpProxy', () => {
  it('maxConnections: past it new clients are closed at accept, the established ones go on', async () => {
    const b = await listen(countingBackend('b1'));
    const { port, proxy } = await proxyTo([b], { maxConnections: 2 });
    const held: Socket[] = [];
    for (let i = 0; i < 2; i++) {
      const s = connect({ port, host: '127.0.0.1' });
      await new Promise((r) => s.once('connect', r));
      held.push(s);
      cleanups.push(() => s.destroy());
    }
    await new Promise((r) => setTimeout(r, 50));
    expect(proxy.connections).toBe(2);
    const refused = await exchange(port, 'over the cap');
    expect(refused.closedWithoutData).toBe(true);
    const answer = new Promise<string>((resolve) => {
      let text = '';
      held[0]!.on('data', (d: Buffer) => (text += d));
      held[0]!.on('end', () => resolve(text));
    });
    held[0]!.end('hello');
    expect(await answer).toBe('b1 got 5 bytes');
  });

  it('proxies per connection round robin and passes a half-close through', async () => {
    const p1 = await listen(countingBackend('b1'));
    const p2 = await listen(countingBackend('b2'));
    const { port, pool } = await proxyTo([p1, p2]);
    const answers = [];
    for (let i = 0; i < 4; i++) answers.push((await exchange(port, 'x'.repeat(10 + i))).text);
    expect(answers).toEqual(['b1 got 10 bytes', 'b2 got 11 bytes', 'b1 got 12 bytes', 'b2 got 13 bytes']);
    await new Promise((r) => setTimeout(r, 20));
    expect(pool.backends.map((b) => [b.requests, b.active, b.failures])).toEqual([[2, 0, 0], [2, 0, 0]]);
    expect(pool.get('b1')!.bytesOut).toBe(22);
    expect(pool.get('b1')!.bytesIn).toBe('b1 got 10 bytes'.length * 2);
  });

  it('moves several megabytes intact', async () => {
    const received: Buffer[] = [];
    const p1 = await listen(countingBackend('b1', received));
    const { port } = await proxyTo([p1]);
    const big = Buffer.alloc(6 * 1024 * 1024);
    for (let i = 0; i < big.length; i++) big[i] = i % 251;
    expect((await exchange(port, big)).text).toBe(`b1 got ${big.length} bytes`);
    expect(received[0]!.equals(big)).toBe(true);
  });

  it('sends a PROXY v1 header first, with the client and the address it connected to', async () => {
    const received: Buffer[] = [];
    const { port } = await proxyTo([await listen(countingBackend('b1', received))], { proxyProtocol: 'v1' });
    const { localPort } = await exchange(port, 'hello');
    expect(received[0]!.toString('latin1')).toBe(`PROXY TCP4 127.10.0.3 127.0.0.1 ${localPort} ${port}\r\nhello`);
  });

  it('sends a PROXY v2 header first, binary', async () => {
    const received: Buffer[] = [];
    const { port } = await proxyTo([await listen(countingBackend('b1', received))], { proxyProtocol: 'v2' });
    const { localPort } = await exchange(port, 'hello');
    const got = received[0]!;
    expect(got.subarray(0, 12).equals(V2_SIGNATURE)).toBe(true);
    expect([got[12], got[13], got.readUInt16BE(14)]).toEqual([0x21, 0x11, 12]);
    expect([...got.subarray(16, 24)]).toEqual([127, 10, 0, 3, 127, 0, 0, 1]);
    expect([got.readUInt16BE(24), got.readUInt16BE(26)]).toEqual([localPort, port]);
    expect(got.subarray(28).toString()).toBe('hello');
  });

  it('closes the client when no backend is usable or the backend refuses; retries a refused connect elsewhere', async () => {
    const dead = createServer();
    const deadPort = await listen(dead);
    await new Promise((r) => dead.close(r));
    const alone = await proxyTo([deadPort]);
    expect((await exchange(alone.port, 'x')).closedWithoutData).toBe(true);
    await new Promise((r) => setTimeout(r, 20));
    expect([alone.pool.get('b1')!.failures, alone.pool.get('b1')!.active]).toEqual([1, 0]);
    alone.pool.setHealthy('b1', false);
    expect((await exchange(alone.port, 'x')).closedWithoutData).toBe(true);
    expect(alone.pool.get('b1')!.requests).toBe(1);

    const good = await listen(countingBackend('good'));
    const retry = await proxyTo([deadPort, good], { retries: 1 });
    expect((await exchange(retry.port, 'abc')).text).toBe('good got 3 bytes');
  });

  it('close() lets an open connection finish within the drain time and refuses new ones', async () => {
    // The backend answers only after 150 ms; close() starts while the connection is open.
    const slow = createServer({ allowHalfOpen: true }, (s) => {
      s.on('data', () => {});
      s.on('end', () => setTimeout(() => s.end('late answer'), 150));
    });
    const { port, proxy } = await proxyTo([await listen(slow)]);
    const pending = exchange(port, 'q');
    await new Promise((r) => setTimeout(r, 30));
    const closing = proxy.close(5000);
    await new Promise((r) => setTimeout(r, 10));
    const refused = await new Promise<string>((resolve) => {
      const s = connect(port, '127.0.0.1');
      s.on('connect', () => resolve('connected'));
      s.on('error', (e: NodeJS.ErrnoException) => resolve(e.code ?? 'error'));
    });
    expect(refused).toBe('ECONNREFUSED');
    expect((await pending).text).toBe('late answer');
    await closing;
  });
});
