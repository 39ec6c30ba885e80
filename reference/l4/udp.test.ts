import { afterEach, describe, expect, it } from 'vitest';
import { createSocket, type Socket } from 'node:dgram';
import { Pool } from '../pool/index.ts';
import { testRoundRobin } from '../pool/test-support.ts';
import { UdpProxy } from './udp.ts';

const cleanups: Array<() => unknown> = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

async function udpSocket(): Promise<Socket> {
  const s = createSocket('udp4');
  await new Promise<void>((r) => s.bind(0, '127.0.0.1', r));
  cleanups.push(() => s.close());
  return s;
}

async function echoBackend(id: string): Promise<number> {
  const s = await udpSocket();
  s.on('message', (msg, rinfo) => s.send(`${id}:${msg.toString()}`, rinfo.port, rinfo.address));
  return s.address().port;
}

function ask(client: Socket, port: number, text: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no UDP reply to ${text}`)), 3000);
    client.once('message', (msg) => {
      clearTimeout(timer);
      resolve(msg.toString());
    });
    client.send(text, port, '127.0.0.1');
  });
}

async function until(cond: () => boolean, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!cond()) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 10));
  }
}

async function proxyTo(ports: number[], idle: number) {
  const pool = new Pool(ports.map((port, i) => ({ id: `b${i + 1}`, host: '127.0.0.1', port, weight: 1 })), testRoundRobin(), () => 0);
  const proxy = new UdpProxy({ name: 'dns', pool, timeouts: { idle }, now: () => performance.now(), rng: Math.random });
  const { port } = await proxy.bind('127.0.0.1', 0);
  cleanups.push(() => proxy.close());
  return { port, pool, proxy };
}

describe('UdpProxy', () => {
  it('keeps a flow on one backend, gives a new flow the next one, and relays replies', async () => {
    const { port, pool, proxy } = await proxyTo([await echoBackend('b1'), await echoBackend('b2')], 10_000);
    const c1 = await udpSocket();
    const c2 = await udpSocket();
    expect(await ask(c1, port, 'one')).toBe('b1:one');
    expect(await ask(c1, port, 'two')).toBe('b1:two');
    expect(await ask(c2, port, 'three')).toBe('b2:three');
    expect(await ask(c1, port, 'four')).toBe('b1:four');
    expect(proxy.flowCount).toBe(2);
    expect(pool.backends.map((b) => [b.requests, b.active])).toEqual([[1, 1], [1, 1]]);
    expect(pool.get('b1')!.bytesOut).toBe('one'.length + 'two'.length + 'four'.length);
    expect(pool.get('b1')!.bytesIn).toBe('b1:one'.length + 'b1:two'.length + 'b1:four'.length);
  });

  it('expires an idle flow after timeouts.idle and opens a new one on the next datagram', async () => {
    const { port, pool, proxy } = await proxyTo([await echoBackend('b1'), await echoBackend('b2')], 120);
    const c = await udpSocket();
    const started = performance.now();
    expect(await ask(c, port, 'a')).toBe('b1:a');
    await until(() => proxy.flowCount === 0, 5000);
    expect(performance.now() - started).toBeGreaterThanOrEqual(110);
    expect(pool.get('b1')!.active).toBe(0);
    expect(await ask(c, port, 'b')).toBe('b2:b');
    expect(pool.backends.map((b) => b.requests)).toEqual([1, 1]);
  });

  it('drops datagrams when no backend is usable', async () => {
    const { port, pool, proxy } = await proxyTo([await echoBackend('b1')], 10_000);
    pool.setHealthy('b1', false);
    const c = await udpSocket();
    await expect(
      new Promise((resolve, reject) => {
        c.once('message', resolve);
        c.send('x', port, '127.0.0.1');
        setTimeout(() => reject(new Error('dropped')), 150);
      }),
    ).rejects.toThrow('dropped');
    expect(proxy.flowCount).toBe(0);
  });
});
