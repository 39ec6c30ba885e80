// The client agent and its remote handle, on loopback (no containers): the RPC layer must hand
// back exactly what the local client measures, and keep held work open until closed.
import { afterEach, describe, expect, it } from 'vitest';
import { startAgent, type RunningAgent } from '../agent/agent.ts';
import { startClientAgent, type ClientAgent } from './client-agent.ts';
import { RemoteClient } from './remote-client.ts';

// A loopback address of its own so other test files' fixed addresses never collide with ours.
const BACKEND_HOST = '127.77.0.1';
const CLIENT_HOST = '127.77.0.2';

let backend: RunningAgent | undefined;
let agent: ClientAgent | undefined;
afterEach(async () => {
  await agent?.close();
  await backend?.[Symbol.asyncDispose]();
  agent = undefined;
  backend = undefined;
});

async function setup(): Promise<RemoteClient> {
  backend = await startAgent({ id: 'b1', host: BACKEND_HOST, port: 0, controlPort: 0 });
  agent = await startClientAgent({ address: CLIENT_HOST, entry: { host: BACKEND_HOST, port: backend.port } });
  return new RemoteClient(CLIENT_HOST, `http://${CLIENT_HOST}:${agent.controlPort}`);
}

describe('client agent over RPC', () => {
  it('exchanges raw bytes, every byte value intact through the JSON RPC', async () => {
    const client = await setup();
    await fetch(`http://${BACKEND_HOST}:${backend?.controlPort}/capture?on=1`, { method: 'POST' });
    const head = 'GET /raw HTTP/1.1\r\nHost: x\r\nx-high: \u00ff\u00e9\u0080\r\n';
    const r = await client.raw({ pieces: [{ data: head }, { data: 'Connection: close\r\n\r\n', delayMs: 20 }] });
    expect(r).toMatchObject({ ok: true, end: 'closed', local: { host: CLIENT_HOST } });
    expect(r.ok && r.bytes).toMatch(/^HTTP\/1\.1 200 OK\r\n[\s\S]*\r\n\r\nb1\n$/);
    const captured = (await (await fetch(`http://${BACKEND_HOST}:${backend?.controlPort}/captures`)).json()) as { connections: { bytes: string }[] };
    expect(captured.connections.map((c) => c.bytes)).toEqual([`${head}Connection: close\r\n\r\n`]);
    expect(r.ok && r.written).toBe(head.length + 21);
  });

  it('sends HTTP, TCP and UDP from its own address and reports what came back', async () => {
    const client = await setup();
    const http = await client.http({ path: '/x', headers: { 'x-test': '1' } });
    expect(http).toMatchObject({ ok: true, status: 200, backend: 'b1', local: { host: CLIENT_HOST } });
    const tcp = await client.tcp('hello');
    expect(tcp).toMatchObject({ ok: true, backend: 'b1', reply: 'b1 hello', local: { host: CLIENT_HOST } });
    const udp = await client.udp('ping');
    expect(udp).toMatchObject({ ok: true, backend: 'b1', reply: 'b1 ping' });
    const seen = backend?.snapshot().records ?? [];
    expect(seen.map((r) => [r.protocol, r.peer.address])).toEqual([
      ['http', CLIENT_HOST],
      ['tcp', CLIENT_HOST],
      ['udp', CLIENT_HOST],
    ]);
  });

  it('keeps held exchanges and sessions open until the harness closes them', async () => {
    const client = await setup();
    const held = await client.holdHttp();
    expect(held.backend).toBe('b1');
    expect(backend?.snapshot().active.http).toBe(1);
    const heldTcp = await client.holdTcp('keep');
    expect(backend?.snapshot().active.tcp).toBe(1);
    await held.close();
    await heldTcp.close();
    await expect.poll(() => backend?.snapshot().active, { timeout: 5000 }).toEqual({ http: 0, tcp: 0 });

    const session = await client.httpSession();
    const a = await session.request();
    const b = await session.request();
    expect(a.ok && b.ok && a.local.port === b.local.port).toBe(true); // one keep-alive connection
    await session.close();
  });

  it('passes the hold token through, and ended() resolves once the backend releases the hold', async () => {
    const client = await setup();
    const held = await client.holdHttp();
    expect(held.token).toMatch(/\S/);
    let ended = false;
    const whenEnded = held.ended?.().then(() => (ended = true));
    await new Promise((r) => setTimeout(r, 200));
    expect(ended).toBe(false);
    const res = await fetch(`http://${BACKEND_HOST}:${backend?.controlPort}/release?token=${encodeURIComponent(held.token ?? '')}`, { method: 'POST' });
    expect(await res.json()).toEqual({ released: 1 });
    await whenEnded;
    expect(ended).toBe(true);
    expect(backend?.snapshot().active.http).toBe(0);
    await held.close();
  });

  it('runs a bulk transfer inside the client agent; only the outcome crosses the RPC', async () => {
    const client = await setup();
    const outcome = await client.transfer({ upBytes: 3_000_000, downBytes: 4_000_000 });
    expect(outcome).toMatchObject({
      ok: true,
      backend: 'b1',
      up: { bytes: 3_000_000, match: true, peer: CLIENT_HOST },
      down: { bytes: 4_000_000, match: true },
      local: { host: CLIENT_HOST },
    });
    expect(backend?.snapshot().records.map((r) => [r.method, r.path?.split('?')[0], r.peer.address])).toEqual([
      ['POST', '/sha256', CLIENT_HOST],
      ['GET', '/bytes', CLIENT_HOST],
    ]);
    await expect(client.transfer({})).rejects.toThrow(/client agent at 127\.77\.0\.2: transfer: nothing to do/);
  });

  it('returns failures as data, not exceptions', async () => {
    const client = await setup();
    await backend?.[Symbol.asyncDispose]();
    backend = undefined;
    const outcome = await client.http({ timeoutMs: 2000 });
    expect(outcome).toMatchObject({ ok: false, error: 'ECONNREFUSED' });
    await expect(client.holdTcp('x', { timeoutMs: 2000 })).rejects.toThrow(/ECONNREFUSED/);
    expect(await client.transfer({ downBytes: 1000, timeoutMs: 2000 })).toMatchObject({ ok: false, error: 'down: ECONNREFUSED' });
  });
});
