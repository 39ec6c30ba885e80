import { describe, expect, it } from 'vitest';
import { connect } from 'node:net';
import { createHash } from 'node:crypto';
import { request } from 'node:http';
import { startAgent } from './agent.ts';
import { buildProxyHeader } from './proxy-header.ts';
import { BYTES_MAX, byteChunks, streamSha256, type Sha256Reply } from './byte-stream.ts';
import type { AgentSnapshot } from './protocol.ts';
import { LoopbackClient } from '../hosts/index.ts';

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
    expect(snap.served).toEqual({ http: 1, tcp: 0, udp: 0 });
    expect(snap.records).toHaveLength(1);
    expect(snap.records[0]).toMatchObject({ backend: 'b7', protocol: 'http', path: '/x?y=1', peer: { address: '127.10.0.9' }, headers: { 'x-forwarded-for': '198.51.100.1' } });
    if (r.ok) expect(snap.records[0]?.peer.port).toBe(r.local.port);
    await control(agent.controlPort, '/reset', 'POST');
    const afterReset = await control(agent.controlPort, '/records');
    expect(afterReset.records).toHaveLength(0);
    expect(afterReset.served).toEqual({ http: 0, tcp: 0, udp: 0 });
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

  it('serves GET /bytes: exactly n bytes of the seeded stream, with its id and a Content-Length', async () => {
    await using agent = await startAgent({ id: 'b5', host: '127.30.0.9', port: 0, controlPort: 0 });
    const n = 1_000_003;
    const res = await fetch(`http://127.30.0.9:${agent.port}/bytes?n=${n}&seed=abc`);
    expect(res.status).toBe(200);
    expect(res.headers.get('x-fulcrum-backend')).toBe('b5');
    expect(res.headers.get('content-length')).toBe(String(n));
    const body = Buffer.from(await res.arrayBuffer());
    expect(body.equals(Buffer.concat([...byteChunks('abc', n)]))).toBe(true);
    const empty = await fetch(`http://127.30.0.9:${agent.port}/bytes?n=0`);
    expect(empty.status).toBe(200);
    expect((await empty.arrayBuffer()).byteLength).toBe(0);
    expect(agent.snapshot().records.map((r) => r.path)).toEqual([`/bytes?n=${n}&seed=abc`, '/bytes?n=0']);
  });

  it('refuses /bytes over 1 GiB or without a byte count, naming the limit', async () => {
    await using agent = await startAgent({ id: 'b5', host: '127.30.0.9', port: 0, controlPort: 0 });
    for (const n of [String(BYTES_MAX + 1), '99999999999', '-1', 'lots', '']) {
      const res = await fetch(`http://127.30.0.9:${agent.port}/bytes?n=${n}`);
      expect(res.status).toBe(400);
      expect(await res.text()).toContain(`from 0 to ${BYTES_MAX} (1 GiB)`);
    }
  });

  it('streams 1 GiB as it is read rather than building it first', async () => {
    await using agent = await startAgent({ id: 'b5', host: '127.30.0.9', port: 0, controlPort: 0 });
    const started = performance.now();
    const first = await new Promise<Buffer>((resolve, reject) => {
      const req = request({ host: '127.30.0.9', port: agent.port, path: `/bytes?n=${BYTES_MAX}&seed=big`, agent: false }, (res) => {
        expect(res.headers['content-length']).toBe(String(BYTES_MAX));
        res.once('data', (chunk: Buffer) => {
          req.destroy();
          resolve(chunk);
        });
      });
      req.on('error', reject);
      req.end();
    });
    expect(performance.now() - started).toBeLessThan(2000);
    expect(first.equals(Buffer.concat([...byteChunks('big', first.length)]))).toBe(true);
    await expect.poll(() => agent.snapshot().active.http).toBe(0);
  });

  it('answers POST /sha256 with the body\'s length, digest and the sender\'s address, and records it', async () => {
    await using agent = await startAgent({ id: 'b6', host: '127.30.0.9', port: 0, controlPort: 0 });
    const n = 3_000_001;
    const reply = await new Promise<{ status: number; backend: unknown; body: Sha256Reply }>((resolve, reject) => {
      const req = request(
        { host: '127.30.0.9', port: agent.port, localAddress: '127.10.0.9', method: 'POST', path: '/sha256', agent: false, headers: { 'content-length': String(n) } },
        (res) => {
          let text = '';
          res.setEncoding('utf8');
          res.on('data', (s: string) => (text += s));
          res.on('end', () => resolve({ status: res.statusCode ?? 0, backend: res.headers['x-fulcrum-backend'], body: JSON.parse(text) as Sha256Reply }));
        },
      );
      req.on('error', reject);
      for (const chunk of byteChunks('up', n, 10_000)) req.write(chunk);
      req.end();
    });
    expect(reply).toEqual({ status: 200, backend: 'b6', body: { bytes: n, sha256: streamSha256('up', n), peer: '127.10.0.9' } });
    const empty = await fetch(`http://127.30.0.9:${agent.port}/sha256`, { method: 'POST', body: '' });
    expect(await empty.json()).toMatchObject({ bytes: 0, sha256: createHash('sha256').digest('hex') });
    expect(agent.snapshot().records[0]).toMatchObject({ protocol: 'http', method: 'POST', path: '/sha256', peer: { address: '127.10.0.9' } });
  });
});

describe('backend agent: capture mode and misbehaving responses', () => {
  it('captures the raw bytes of each connection once, also those node:http re-reads', async () => {
    await using agent = await startAgent({ id: 'b1', host: '127.30.0.9', port: 0, controlPort: 0 });
    await fetch(`http://127.30.0.9:${agent.controlPort}/capture?on=1`, { method: 'POST' });
    const client = new LoopbackClient('127.10.0.9', { host: agent.host, port: agent.port });
    const bytes = 'GET /a HTTP/1.1\r\nHost: x\r\nx-fulcrum-id: r1\r\n\r\nGET /b HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n';
    const r = await client.raw({ pieces: [{ data: bytes.slice(0, 10) }, { data: bytes.slice(10), delayMs: 20 }] });
    expect(r.ok && r.end).toBe('closed');
    expect(r.ok && r.bytes).toMatch(/x-fulcrum-id: r1\r\n[\s\S]*b1 r1\n/);
    const snap = (await (await fetch(`http://127.30.0.9:${agent.controlPort}/captures`)).json()) as { connections: { bytes: string; closed: boolean }[] };
    expect(snap.connections.map((c) => c.bytes)).toEqual([bytes]);
    await fetch(`http://127.30.0.9:${agent.controlPort}/reset`, { method: 'POST' });
    expect(((await (await fetch(`http://127.30.0.9:${agent.controlPort}/captures`)).json()) as { connections: unknown[] }).connections).toEqual([]);
  });

  it('writes each misbehaviour as its exact bytes', async () => {
    await using agent = await startAgent({ id: 'b1', host: '127.30.0.9', port: 0, controlPort: 0 });
    const client = new LoopbackClient('127.10.0.9', { host: agent.host, port: agent.port });
    const get = (kind: string) => client.raw({ pieces: [{ data: `GET /misbehave?kind=${kind} HTTP/1.1\r\nHost: x\r\nx-fulcrum-id: q\r\n\r\n` }], quietMs: 300 });
    const truncated = await get('truncated');
    expect(truncated.ok && truncated.end).toBe('closed');
    expect(truncated.ok && truncated.bytes).toMatch(/Content-Length: 1000\r\n\r\nb1 q\n\.{5}$/);
    const appended = await get('appended');
    expect(appended.ok && appended.bytes).toMatch(/\r\n\r\nb1 q\nHTTP\/1\.1 200 OK\r\n[\s\S]*x-fulcrum-id: unsolicited[\s\S]*b1 unsolicited\n$/);
    const bad = await get('bad-status');
    expect(bad.ok && bad.bytes.startsWith('HTTP/1.1 2x0 OK\r\n')).toBe(true);
  });
});
