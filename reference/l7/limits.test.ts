// Limits and slow clients against the proxy, judged from the wire (raw client, raw backend):
// header count and size, URL length, body size, the header-phase timeout, the response timeout that
// starts only once the request is sent, and the client connection cap.
import { afterEach, describe, expect, it } from 'vitest';
import { connect, type Socket } from 'node:net';
import type { HttpProxyOptions } from './proxy.ts';
import { rawBackend, rawProxy, rawRequest, type RawBackend } from './raw-test-support.ts';

const cleanups: Array<() => Promise<unknown> | unknown> = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});
const setup = (overrides: Partial<HttpProxyOptions> = {}, backend?: RawBackend) => rawProxy(cleanups, overrides, backend);

const H = 'Host: a.test\r\n';
const limits = { headerBytes: 2048, headers: 20, urlBytes: 256 };
const headerLines = (n: number) => Array.from({ length: n }, (_, i) => `X-H${i}: v\r\n`).join('');

describe('request limits', () => {
  it('a header past the count limit → 431, nothing forwarded; at the limit every header reaches the backend', async () => {
    const { port, backend } = await setup({ limits });
    const over = await rawRequest(port, `GET /over HTTP/1.1\r\n${H}${headerLines(20)}\r\n`);
    expect(over.statuses).toEqual([431]);
    expect(over.closed).toBe(true);
    expect(backend.requests).toEqual([]);
    const at = await rawRequest(port, `GET /at HTTP/1.1\r\n${H}${headerLines(19)}\r\n`, { responses: 1 });
    expect(at.statuses).toEqual([200]);
    expect(backend.requests[0]!.headers.filter(([n]) => n.startsWith('X-H'))).toHaveLength(19);
  });

  it('Node’s default of 2000 headers does not drop any silently: 2500 short headers → 431 under a high limit too', async () => {
    const { port, backend } = await setup({ limits: { ...limits, headers: 3000, headerBytes: 64 * 1024 } });
    const many = await rawRequest(port, `GET / HTTP/1.1\r\n${H}${headerLines(2500)}\r\n`, { responses: 1 });
    expect(many.statuses).toEqual([200]);
    expect(backend.requests[0]!.headers.filter(([n]) => n.startsWith('X-H'))).toHaveLength(2500);
  });

  it('header lines over headerBytes → 431 (under the parser bound and over it)', async () => {
    const { port, backend } = await setup({ limits });
    const a = await rawRequest(port, `GET / HTTP/1.1\r\n${H}X-Big: ${'a'.repeat(2100)}\r\n\r\n`);
    const b = await rawRequest(port, `GET / HTTP/1.1\r\n${H}X-Big: ${'a'.repeat(20_000)}\r\n\r\n`);
    expect([a.statuses, b.statuses]).toEqual([[431], [431]]);
    expect(backend.requests).toEqual([]);
  });

  it('a request target over urlBytes → 414 (under the parser bound and far over it)', async () => {
    const { port, backend } = await setup({ limits });
    const a = await rawRequest(port, `GET /${'u'.repeat(300)} HTTP/1.1\r\n${H}\r\n`);
    const b = await rawRequest(port, `GET /${'u'.repeat(20_000)} HTTP/1.1\r\n${H}\r\n`);
    expect([a.statuses, b.statuses]).toEqual([[414], [414]]);
    expect(backend.requests).toEqual([]);
    const ok = await rawRequest(port, `GET /${'u'.repeat(200)} HTTP/1.1\r\n${H}\r\n`, { responses: 1 });
    expect(ok.statuses).toEqual([200]);
  });

  it('a Content-Length over limits.body → 413 before anything is forwarded', async () => {
    const { port, backend } = await setup({ limits: { ...limits, body: 10 } });
    const r = await rawRequest(port, `POST / HTTP/1.1\r\n${H}Content-Length: 11\r\n\r\nhello world`);
    expect(r.statuses).toEqual([413]);
    expect(r.closed).toBe(true);
    expect(backend.bytes).toEqual([]);
    const ok = await rawRequest(port, `POST /ok HTTP/1.1\r\n${H}Content-Length: 10\r\n\r\nhelloworld`, { responses: 1 });
    expect(ok.statuses).toEqual([200]);
  });

  it('Expect: 100-continue over limits.body → 413 and no 100', async () => {
    const { port, backend } = await setup({ limits: { ...limits, body: 10 } });
    const r = await rawRequest(port, `POST / HTTP/1.1\r\n${H}Expect: 100-continue\r\nContent-Length: 11\r\n\r\n`);
    expect(r.statuses).toEqual([413]);
    expect(backend.bytes).toEqual([]);
  });

  it('a chunked body running past limits.body → cut: 413, the backend never gets a whole request', async () => {
    const { port, backend } = await setup({ limits: { ...limits, body: 10 } });
    const r = await rawRequest(port, [`POST / HTTP/1.1\r\n${H}Transfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n`, '6\r\nworld!\r\n0\r\n\r\n'], { gapMs: 100 });
    expect(r.statuses).toEqual([413]);
    expect(r.closed).toBe(true);
    expect(backend.requests).toEqual([]);
    expect(backend.bytes.join('')).not.toMatch(/world/);
  });
});

describe('slow clients', () => {
  it('slowloris: a head still incomplete after timeouts.header → 408 and closed', async () => {
    const { port, backend } = await setup({ timeouts: { connect: 1000, response: 5000, idle: 5000, header: 300 } });
    const started = performance.now();
    // One header line every 100 ms, forever (bounded by the 40 parts here).
    const parts = [`GET / HTTP/1.1\r\n`, ...Array.from({ length: 40 }, (_, i) => `X-Slow-${i}: v\r\n`)];
    const r = await rawRequest(port, parts, { gapMs: 100 });
    const took = performance.now() - started;
    expect(r.statuses).toEqual([408]);
    expect(r.closed).toBe(true);
    // Node checks header deadlines every header/4 ms: 300 ms plus one check, with room for a busy machine.
    expect(took).toBeGreaterThanOrEqual(290);
    expect(took).toBeLessThan(2500);
    expect(backend.requests).toEqual([]);
  });

  it('a connection that never sends a byte is closed after timeouts.header', async () => {
    const { port } = await setup({ timeouts: { connect: 1000, response: 5000, idle: 5000, header: 300 } });
    const started = performance.now();
    const r = await rawRequest(port, [], { idleMs: 4000 });
    expect(r.closed).toBe(true);
    expect(performance.now() - started).toBeLessThan(2500);
  });

  it('slowloris on a kept-alive connection (after a first request) → 408 and closed too', async () => {
    const { port } = await setup({ timeouts: { connect: 1000, response: 5000, idle: 5000, header: 300 } });
    const parts = [`GET /first HTTP/1.1\r\n${H}\r\n`, `GET /second HTTP/1.1\r\n`, ...Array.from({ length: 40 }, (_, i) => `X-Slow-${i}: v\r\n`)];
    const r = await rawRequest(port, parts, { gapMs: 100 });
    expect(r.statuses).toEqual([200, 408]);
    expect(r.closed).toBe(true);
  });

  it('a slow upload that keeps moving within timeouts.idle does not hit timeouts.response (it starts once the request is sent)', async () => {
    const { port, backend } = await setup({ timeouts: { connect: 1000, response: 300, idle: 2000 } });
    const body = 'abcdefghij';
    const parts = [`POST /slow HTTP/1.1\r\n${H}Content-Length: ${body.length}\r\n\r\n`, ...body.split('')];
    const r = await rawRequest(port, parts, { gapMs: 80, responses: 1 }); // ~880 ms of upload
    expect(r.statuses).toEqual([200]);
    expect(backend.requests.map((x) => x.body)).toEqual([body]);
  });

  it('the response timeout still cuts a backend that does not answer once the request is sent → 504', async () => {
    const silent = await rawBackend(() => undefined);
    const { port } = await setup({ timeouts: { connect: 1000, response: 300, idle: 2000 } }, silent);
    const started = performance.now();
    const r = await rawRequest(port, `POST / HTTP/1.1\r\n${H}Content-Length: 2\r\n\r\nhi`, { responses: 1 });
    expect(r.statuses).toEqual([504]);
    expect(performance.now() - started).toBeGreaterThanOrEqual(290);
  });
});

function openIdle(port: number): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const s = connect({ host: '127.0.0.1', port }, () => resolve(s));
    s.on('error', reject);
    cleanups.push(() => s.destroy());
  });
}

describe('limits.connections', () => {
  it('past the cap new clients are closed at accept, established ones keep working, and room frees up again', async () => {
    const { port, backend } = await setup({ limits: { ...limits, connections: 3 } });
    const held = [await openIdle(port), await openIdle(port), await openIdle(port)];
    await new Promise((r) => setTimeout(r, 50));
    const refused = await rawRequest(port, `GET /refused HTTP/1.1\r\n${H}\r\n`);
    expect(refused.statuses).toEqual([]);
    expect(refused.closed).toBe(true);
    // An established connection still gets its answer.
    const answer = new Promise<string>((resolve) => {
      let text = '';
      held[0]!.on('data', (d: Buffer) => {
        text += d.toString('latin1');
        if (text.endsWith('/held')) resolve(text);
      });
    });
    held[0]!.write(`GET /held HTTP/1.1\r\n${H}\r\n`);
    expect(await answer).toMatch(/^HTTP\/1\.1 200 /);
    held[1]!.destroy();
    await new Promise((r) => setTimeout(r, 50));
    const again = await rawRequest(port, `GET /again HTTP/1.1\r\n${H}\r\n`, { responses: 1 });
    expect(again.statuses).toEqual([200]);
    expect(backend.requests.map((x) => x.target)).toEqual(['/held', '/again']);
  });
});
