import { describe, expect, it } from 'vitest';
import { connect } from 'node:net';
import { startAgent } from './agent.ts';
import { buildProxyHeader } from './proxy-header.ts';
import type { AgentSnapshot } from './protocol.ts';
import { LoopbackClient } from '../local/client.ts';

async function control(port: number, path: string, method = 'GET'): Promise<AgentSnapshot> {
  const res = await fetch(`http://127.30.0.9:${port}${path}`, { method });
  return (await res.json()) as AgentSnapshot;
}

function rawExchange(port: number, bytes: Buffer): Promise<string> {
  return new Promise((resolve, reject) => {
    const s = connect({ host: '127.30.0.9', port }, () => s.write(bytes));
    s.setEncoding('utf8');
    let buf = '';
    s.on('data', (d: string) => {
      buf += d;
      if (buf.includes('\n')) {
        s.destroy();
        resolve(buf);
      }
    });
    s.on('error', reject);
  });
}

describe('backend agent', () => {
  it('answers HTTP with its id and records peer and forwarded headers', async () => {
    await using agent = await startAgent({ id: 'b7', host: '127.30.0.9', port: 0, controlPort: 0 });
    const client = new LoopbackClient('127.10.0.9', { host: agent.host, port: agent.port });
    const r = await client.http({ path: '/x?y=1', headers: { 'x-forwarded-for': '198.51.100.1' } });
    expect(r.ok && r.backend).toBe('b7');
    expect(r.ok && r.body).toBe('b7\n');
    const health = await client.http({ path: '/healthz' });
    expect(health.ok && health.status).toBe(200);
    const snap = await control(agent.controlPort, '/records');
    expect(snap.probes).toBe(1);
    expect(snap.records).toHaveLength(1);
    expect(snap.records[0]).toMatchObject({ backend: 'b7', protocol: 'http', path: '/x?y=1', peer: { address: '127.10.0.9' }, headers: { 'x-forwarded-for': '198.51.100.1' } });
    if (r.ok) expect(snap.records[0]?.peer.port).toBe(r.local.port);
    await control(agent.controlPort, '/reset', 'POST');
    expect((await control(agent.controlPort, '/records')).records).toHaveLength(0);
  });

  it('holds a request open and counts it active until the client goes away', async () => {
    await using agent = await startAgent({ id: 'b1', host: '127.30.0.9', port: 0, controlPort: 0 });
    const client = new LoopbackClient('127.10.0.9', { host: agent.host, port: agent.port });
    const held = await client.holdHttp();
    expect(held.backend).toBe('b1');
    expect(agent.snapshot().active.http).toBe(1);
    await held.close();
    await expect.poll(() => agent.snapshot().active.http, { timeout: 5000 }).toBe(0);
  });

  it('releases a held request by token so that its response completes normally', async () => {
    await using agent = await startAgent({ id: 'b4', host: '127.30.0.9', port: 0, controlPort: 0 });
    const client = new LoopbackClient('127.10.0.9', { host: agent.host, port: agent.port });
    const [one, two] = [await client.holdHttp(), await client.holdHttp()];
    expect(one.token).not.toBe(two.token);
    expect(agent.snapshot().active.http).toBe(2);
    const res = await fetch(`http://127.30.0.9:${agent.controlPort}/release?token=${one.token}`, { method: 'POST' });
    expect(await res.json()).toEqual({ released: 1 });
    await one.ended?.();
    await expect.poll(() => agent.snapshot().active.http).toBe(1);
    await two.close();
    await expect.poll(() => agent.snapshot().active.http).toBe(0);
  });

  it('echoes TCP lines and UDP datagrams prefixed with its id', async () => {
    await using agent = await startAgent({ id: 'b2', host: '127.30.0.9', port: 0, controlPort: 0 });
    const client = new LoopbackClient('127.10.0.9', { host: agent.host, port: agent.port });
    const t = await client.tcp('hello');
    expect(t.ok && t.reply).toBe('b2 hello');
    expect(t.ok && t.backend).toBe('b2');
    const held = await client.holdTcp();
    expect(agent.snapshot().active.tcp).toBe(1);
    await held.close();
    const u = await client.udp('ping');
    expect(u.ok && u.reply).toBe('b2 ping');
    const recs = agent.snapshot().records;
    expect(recs.map((r) => r.protocol)).toEqual(['tcp', 'tcp', 'udp']);
    expect(recs[2]?.peer.address).toBe('127.10.0.9');
  });

  it('parses PROXY v1 and v2 headers on TCP and HTTP, and works without one', async () => {
    await using agent = await startAgent({ id: 'b3', host: '127.30.0.9', port: 0, controlPort: 0 });
    const src = { address: '127.10.0.5', port: 40001 };
    const dst = { address: '127.20.0.1', port: 8080 };
    expect(await rawExchange(agent.port, Buffer.concat([buildProxyHeader(1, src, dst), Buffer.from('one\n')]))).toBe('b3 one\n');
    expect(await rawExchange(agent.port, Buffer.concat([buildProxyHeader(2, src, dst), Buffer.from('two\n')]))).toBe('b3 two\n');
    const httpReply = await rawExchange(agent.port, Buffer.concat([buildProxyHeader(2, src, dst), Buffer.from('GET /p HTTP/1.1\r\nhost: x\r\nconnection: close\r\n\r\n')]));
    expect(httpReply).toMatch(/^HTTP\/1.1 200/);
    expect(await rawExchange(agent.port, Buffer.from('three\n'))).toBe('b3 three\n');
    await expect.poll(() => agent.snapshot().records.length).toBe(4);
    const recs = agent.snapshot().records;
    expect(recs[0]?.proxy).toEqual({ version: 1, kind: 'TCP4', source: src, destination: dst });
    expect(recs[1]?.proxy).toEqual({ version: 2, kind: 'PROXY TCP4', source: src, destination: dst });
    expect(recs[2]).toMatchObject({ protocol: 'http', path: '/p', proxy: { version: 2, source: src } });
    expect(recs[3]?.proxy).toBeUndefined();
  });
});
