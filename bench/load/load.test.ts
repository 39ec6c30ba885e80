import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { runClosedLoop } from './closed-loop.ts';
import { assertLoopbackUrl, NonLoopbackTargetError } from './loopback.ts';
import { runOpenLoop } from './open-loop.ts';

const servers: Server[] = [];
afterEach(async () => {
  for (const s of servers.splice(0)) {
    s.closeAllConnections();
    await new Promise((r) => s.close(r));
  }
});

/** Answers at once, except that it stalls for `stallMs` once, `stallAfterMs` after its first request. */
async function stallingServer(stallAfterMs: number, stallMs: number): Promise<string> {
  let first: number | undefined;
  let stalled = false;
  const server = createServer((req, res) => {
    req.resume();
    const now = performance.now();
    first ??= now;
    const answer = () => res.end('ok');
    if (!stalled && now - first >= stallAfterMs) {
      stalled = true;
      setTimeout(answer, stallMs);
    } else answer();
  });
  servers.push(server);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
}

async function hangingServer(): Promise<string> {
  const server = createServer((req) => req.resume()); // never answers
  servers.push(server);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
}

describe('coordinated omission', () => {
  it('a 1 s stall shows in the open-loop p99 and hides from the closed-loop p99', async () => {
    const open = await runOpenLoop({ url: await stallingServer(500, 1000), rate: 200, connections: 1, durationMs: 3000 });
    // 600 intended sends; the ~200 that fell due during the stall wait up to 1 s from their intended time.
    expect(open.requests + open.errors + open.dropped!).toBe(600);
    expect(open.errors).toBe(0);
    expect(open.latencyMs.p99).toBeGreaterThan(800);
    expect(open.latencyMs.max).toBeGreaterThanOrEqual(990);
    expect(open.late).toBeGreaterThan(100);

    const closed = await runClosedLoop({ url: await stallingServer(500, 1000), connections: 1, durationMs: 3000 });
    // The generator simply waits: one slow sample among thousands.
    expect(closed.latencyMs.max).toBeGreaterThanOrEqual(990);
    expect(closed.requests).toBeGreaterThan(1000);
    expect(closed.latencyMs.p99).toBeLessThan(100);
  });
});

describe('bounds', () => {
  it('open loop stops by itself against a server that never answers', async () => {
    const t0 = performance.now();
    const r = await runOpenLoop({ url: await hangingServer(), rate: 100, connections: 2, durationMs: 600, timeoutMs: 400 });
    const elapsed = performance.now() - t0;
    expect(elapsed).toBeLessThan(600 + 400 + 1500);
    expect(r.requests).toBe(0);
    expect(r.errors).toBeGreaterThan(0);
    expect(r.dropped).toBeGreaterThan(0);
    expect(r.errors + r.dropped!).toBeLessThanOrEqual(60);
  });

  it('open loop never sends more than rate × duration or amount', async () => {
    const url = await stallingServer(1e9, 0);
    const r = await runOpenLoop({ url, rate: 400, connections: 4, durationMs: 500 });
    expect(r.requests).toBe(200);
    const capped = await runOpenLoop({ url, rate: 400, connections: 4, durationMs: 500, amount: 37 });
    expect(capped.requests).toBe(37);
  });

  it('closed loop stops at amount and by time against a hanging server', async () => {
    const r = await runClosedLoop({ url: await stallingServer(1e9, 0), connections: 2, durationMs: 5000, amount: 50 });
    expect(r.requests).toBe(50);
    const t0 = performance.now();
    const hung = await runClosedLoop({ url: await hangingServer(), connections: 2, durationMs: 1000, timeoutMs: 1000 });
    expect(performance.now() - t0).toBeLessThan(1000 + 1000 + 2000);
    expect(hung.requests).toBe(0);
  });

  it('closed loop with a new connection per request: one connection per answer, latencies that obey Little\'s law', async () => {
    let connections = 0;
    const server = createServer((req, res) => {
      req.resume();
      res.end('ok');
    });
    server.on('connection', () => connections++);
    servers.push(server);
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
    const r = await runClosedLoop({ url, connections: 8, durationMs: 1000, closeConnections: true });
    expect(r.errors).toBe(0);
    expect(r.requests).toBeGreaterThan(100);
    expect(connections).toBe(r.requests);
    // Eight requests always in flight: mean latency ≈ 8 / throughput. autocannon's timing of
    // server-closed connections (see new-connection-loop.ts) gave ~60× that.
    const littlesLaw = (r.latencyMs.mean / 1000) * r.rps / 8;
    expect(littlesLaw).toBeGreaterThan(0.5);
    expect(littlesLaw).toBeLessThan(1.1);
    const capped = await runClosedLoop({ url, connections: 3, durationMs: 5000, amount: 40, closeConnections: true });
    expect(capped.requests).toBe(40);
  });

  it('closed loop with new connections is bounded against a hanging server and counts the timeouts', async () => {
    const t0 = performance.now();
    const hung = await runClosedLoop({ url: await hangingServer(), connections: 2, durationMs: 1000, timeoutMs: 500, closeConnections: true });
    expect(performance.now() - t0).toBeLessThan(1000 + 500 + 2000);
    expect(hung.requests).toBe(0);
    expect(hung.errors).toBeGreaterThanOrEqual(2);
  });

  it('refuses anything but loopback', async () => {
    await expect(runOpenLoop({ url: 'http://198.51.100.1/', rate: 1, connections: 1, durationMs: 10 })).rejects.toBeInstanceOf(NonLoopbackTargetError);
    await expect(runClosedLoop({ url: 'http://example.com/', connections: 1, durationMs: 10 })).rejects.toBeInstanceOf(NonLoopbackTargetError);
    // A host the project created is allowed only when named and only inside 198.18.0.0/15.
    expect(() => assertLoopbackUrl('http://198.19.4.100:8080/', ['198.19.4.100'])).not.toThrow();
    expect(() => assertLoopbackUrl('http://198.19.4.100:8080/')).toThrow(NonLoopbackTargetError);
    expect(() => assertLoopbackUrl('http://198.51.100.1/', ['198.51.100.1'])).toThrow(NonLoopbackTargetError);
    expect(() => assertLoopbackUrl('http://10.0.0.1/', ['10.0.0.1'])).toThrow(NonLoopbackTargetError);
  });
});
