// Broken backends against the proxy, judged from the wire: a raw backend answers badly, a raw client
// checks it gets a clear error (502, or a cut connection once the status is gone) and never another
// request's bytes; a probe afterwards shows the broken upstream connection was not reused.
import { afterEach, describe, expect, it } from 'vitest';
import type { Socket } from 'node:net';
import type { HttpProxyOptions } from './proxy.ts';
import { completeResponses, okResponse, rawBackend, rawProxy, rawRequest, type RawBackend, type SeenRequest } from './raw-test-support.ts';

const cleanups: Array<() => Promise<unknown> | unknown> = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});
const setup = (overrides: Partial<HttpProxyOptions> = {}, backend?: RawBackend) => rawProxy(cleanups, overrides, backend);
const H = 'Host: a.test\r\n';

/** A backend that answers /bad with `bad` (then does `after` with the socket), anything else normally. */
function scripted(bad: string, after?: (s: Socket) => void) {
  return rawBackend((req: SeenRequest, socket) => {
    if (req.target !== '/bad') return okResponse(req);
    socket.write(Buffer.from(bad, 'latin1'));
    after?.(socket);
    return undefined;
  });
}

async function probeOnNewConnection(port: number, backend: RawBackend): Promise<void> {
  const r = await rawRequest(port, `GET /probe HTTP/1.1\r\n${H}\r\n`, { responses: 1 });
  expect(r.statuses).toEqual([200]);
  expect(r.text).toMatch(/X-Path: \/probe\r\n[\s\S]*\r\n\r\n\/probe$/);
  const probe = backend.requests.find((x) => x.target === '/probe')!;
  const bad = backend.requests.find((x) => x.target === '/bad')!;
  expect(probe.connection).not.toBe(bad.connection);
}

const garbled: Array<{ name: string; response: string }> = [
  { name: 'not HTTP at all', response: 'this is not HTTP\r\n\r\n' },
  { name: 'a head over 16 KiB', response: `HTTP/1.1 200 OK\r\nX-Big: ${'a'.repeat(20_000)}\r\nContent-Length: 2\r\n\r\nok` },
  { name: 'Content-Length and Transfer-Encoding', response: 'HTTP/1.1 200 OK\r\nContent-Length: 2\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n' },
  { name: 'two different Content-Length', response: 'HTTP/1.1 200 OK\r\nContent-Length: 2\r\nContent-Length: 3\r\n\r\nok!' },
  { name: 'Transfer-Encoding "gzip, chunked"', response: 'HTTP/1.1 200 OK\r\nTransfer-Encoding: gzip, chunked\r\n\r\n2\r\nok\r\n0\r\n\r\n' },
  { name: 'bare LF line ends', response: 'HTTP/1.1 200 OK\nContent-Length: 2\n\nok' },
  { name: 'NUL in a header value', response: 'HTTP/1.1 200 OK\r\nX-A: a\0b\r\nContent-Length: 2\r\n\r\nok' },
  { name: 'a bad chunk size', response: 'HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\nok\r\n0\r\n\r\n' },
];

describe('broken backend responses', () => {
  it.each(garbled)('$name → 502 (or a cut once the head is out), connection not reused', async ({ response }) => {
    const backend = await scripted(response);
    const { port } = await setup({}, backend);
    const r = await rawRequest(port, `GET /bad HTTP/1.1\r\n${H}\r\n`, { responses: 1 });
    // 502, or (when the head was already passed on before the body broke) a cut without a whole response.
    if (r.statuses[0] === 502) expect(r.statuses).toEqual([502]);
    else {
      expect(r.closed).toBe(true);
      expect(completeResponses(r.text)).toBe(0);
    }
    expect(r.text).not.toMatch(/X-Path/);
    await probeOnNewConnection(port, backend);
  });

  it('a body shorter than its Content-Length (backend closes mid-body) → the client connection is cut', async () => {
    const backend = await scripted('HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nhello', (s) => s.end());
    const { port } = await setup({}, backend);
    const r = await rawRequest(port, `GET /bad HTTP/1.1\r\n${H}\r\n`, { responses: 1 });
    expect(r.statuses).toEqual([200]);
    expect(r.closed).toBe(true);
    expect(r.text.endsWith('hello')).toBe(true);
    await probeOnNewConnection(port, backend);
  });

  it('a chunked body cut before its last chunk → the client connection is cut', async () => {
    const backend = await scripted('HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n', (s) => setTimeout(() => s.destroy(), 50));
    const { port } = await setup({}, backend);
    const r = await rawRequest(port, `GET /bad HTTP/1.1\r\n${H}\r\n`);
    expect(r.statuses).toEqual([200]);
    expect(r.closed).toBe(true);
    expect(r.text).not.toMatch(/\r\n0\r\n\r\n$/); // never the terminating chunk: the client knows it is cut
    await probeOnNewConnection(port, backend);
  });

  it('a response with extra bytes after it (a second response, in the same write) → never given to the next client', async () => {
    const backend = await scripted(`HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nokHTTP/1.1 200 OK\r\nX-Path: /probe\r\nContent-Length: 6\r\n\r\n/stale`);
    const { port } = await setup({}, backend);
    const first = await rawRequest(port, `GET /bad HTTP/1.1\r\n${H}\r\n`, { responses: 1 });
    expect(first.text).not.toMatch(/stale/);
    const next = await rawRequest(port, `GET /probe HTTP/1.1\r\n${H}\r\n`, { responses: 1 });
    expect(next.text).not.toMatch(/stale/);
    expect(next.text).toMatch(/\r\n\r\n\/probe$/);
  });

  it('a response with extra bytes sent a little later → never given to the next client', async () => {
    const backend = await scripted(`HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok`, (s) =>
      setTimeout(() => s.write('HTTP/1.1 200 OK\r\nX-Path: /probe\r\nContent-Length: 6\r\n\r\n/stale'), 30),
    );
    const { port } = await setup({}, backend);
    await rawRequest(port, `GET /bad HTTP/1.1\r\n${H}\r\n`, { responses: 1 });
    await new Promise((r) => setTimeout(r, 100));
    const next = await rawRequest(port, `GET /probe HTTP/1.1\r\n${H}\r\n`, { responses: 1 });
    expect(next.text).not.toMatch(/stale/);
    expect(next.text).toMatch(/\r\n\r\n\/probe$/);
  });

  it('a body sent in answer to HEAD (a response hidden in it) → never given to the next client', async () => {
    const hidden = 'HTTP/1.1 200 OK\r\nX-Path: /probe\r\nContent-Length: 6\r\n\r\n/stale';
    const backend = await rawBackend((req) =>
      req.method === 'HEAD' ? `HTTP/1.1 200 OK\r\nContent-Length: ${hidden.length}\r\n\r\n${hidden}` : okResponse(req),
    );
    const { port } = await setup({}, backend);
    const head = await rawRequest(port, `HEAD /bad HTTP/1.1\r\n${H}\r\n`, { idleMs: 300 }); // a HEAD answer has no body to wait for
    expect(head.statuses).toEqual([200]);
    expect(head.text).not.toMatch(/stale/);
    await new Promise((r) => setTimeout(r, 50));
    const next = await rawRequest(port, `GET /probe HTTP/1.1\r\n${H}\r\n`, { responses: 1 });
    expect(next.text).not.toMatch(/stale/);
    expect(next.text).toMatch(/\r\n\r\n\/probe$/);
  });

  it.each([
    { name: 'a 204 with a body', response: 'HTTP/1.1 204 No Content\r\nContent-Length: 6\r\n\r\n' },
    { name: 'a 304 with a body', response: 'HTTP/1.1 304 Not Modified\r\nContent-Length: 6\r\n\r\n' },
    { name: 'an unasked-for 101', response: 'HTTP/1.1 101 Switching Protocols\r\nConnection: upgrade\r\nUpgrade: x\r\n\r\n' },
    { name: 'an unasked-for 100 then the answer', response: 'HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok' },
  ])('$name, with a response hidden after it → never given to the next client', async ({ response }) => {
    const hidden = 'HTTP/1.1 200 OK\r\nX-Path: /probe\r\nContent-Length: 6\r\n\r\n/stale';
    const backend = await scripted(response + hidden);
    const { port } = await setup({}, backend);
    const first = await rawRequest(port, `GET /bad HTTP/1.1\r\n${H}\r\n`, { idleMs: 300 });
    expect(first.text).not.toMatch(/stale/);
    const next = await rawRequest(port, `GET /probe HTTP/1.1\r\n${H}\r\n`, { responses: 1 });
    expect(next.text).not.toMatch(/stale/);
    expect(next.text).toMatch(/\r\n\r\n\/probe$/);
  });

  it('a response timeout → 504, and that upstream connection is not reused', async () => {
    const backend = await scripted(''); // never answers /bad
    const { port } = await setup({ timeouts: { connect: 1000, response: 200, idle: 2000 } }, backend);
    const r = await rawRequest(port, `GET /bad HTTP/1.1\r\n${H}\r\n`, { responses: 1 });
    expect(r.statuses).toEqual([504]);
    await probeOnNewConnection(port, backend);
  });
});

describe('broken backend answers to an upgrade request', () => {
  // llhttp reads the status "001" as 1; relayed by hand it went out as "HTTP/1.1 1 Odd", which no client parses.
  it.each(['001', '099'])('status %s → 502 on the raw socket, not a status line of fewer than three digits', async (code) => {
    const backend = await rawBackend(() => `HTTP/1.1 ${code} Odd\r\nContent-Length: 0\r\n\r\n`);
    const { port } = await setup({}, backend);
    const r = await rawRequest(port, `GET /up HTTP/1.1\r\n${H}Connection: upgrade\r\nUpgrade: foo\r\n\r\n`, { responses: 1 });
    expect(r.text).not.toMatch(/^HTTP\/1\.1 \d{1,2} /);
    expect(r.statuses).toEqual([502]);
    expect(r.text).toMatch(/invalid status/);
  });
});
